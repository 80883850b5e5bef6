// libpurple's room list UI ops: rooms of a ListRooms query, reported when
// complete.
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "backend/host/c_string.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

struct Rooms {
  std::vector<v1::RoomListEntry> entries;
};

void Create(PurpleRoomlist* list) { list->ui_data = new Rooms(); }

void Destroy(PurpleRoomlist* list) {
  delete static_cast<Rooms*>(list->ui_data);
  list->ui_data = nullptr;
}

void AddRoom(PurpleRoomlist* list, PurpleRoomlistRoom* room) {
  auto* rooms = static_cast<Rooms*>(list->ui_data);
  if (rooms == nullptr ||
      purple_roomlist_room_get_type(room) != PURPLE_ROOMLIST_ROOMTYPE_ROOM) {
    return;
  }
  v1::RoomListEntry entry;
  entry.set_name(OrEmpty(purple_roomlist_room_get_name(room)));
  entry.set_room(entry.name());
  PurpleConnection* gc = purple_account_get_connection(list->account);
  PurplePluginProtocolInfo* info =
      gc ? PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc))
         : nullptr;
  if (info != nullptr && info->roomlist_room_serialize != nullptr) {
    // The string that joins the room, for example
    // "room@conference.example.org".
    char* joinable = info->roomlist_room_serialize(room);
    if (joinable != nullptr) entry.set_room(joinable);
    g_free(joinable);
  }
  GList* value = purple_roomlist_room_get_fields(room);
  for (GList* field = purple_roomlist_get_fields(list); field && value;
       field = field->next, value = value->next) {
    auto* description = static_cast<PurpleRoomlistField*>(field->data);
    const std::string name = OrEmpty(description->name);
    if (purple_roomlist_field_get_type(description) ==
        PURPLE_ROOMLIST_FIELD_STRING) {
      if (name == "topic" || name == "description") {
        entry.set_topic(OrEmpty(static_cast<const char*>(value->data)));
      }
    } else if (purple_roomlist_field_get_type(description) ==
               PURPLE_ROOMLIST_FIELD_INT) {
      if (name == "users") entry.set_users(GPOINTER_TO_INT(value->data));
    }
  }
  rooms->entries.push_back(std::move(entry));
}

void InProgress(PurpleRoomlist* list, gboolean in_progress) {
  if (in_progress) return;
  auto* rooms = static_cast<Rooms*>(list->ui_data);
  LoopSession* session = PurpleSessions::SessionOf(list->account);
  if (rooms != nullptr && session != nullptr) {
    v1::Event event;
    v1::RoomListResult* result = event.mutable_room_list_result();
    for (v1::RoomListEntry& entry : rooms->entries) {
      *result->add_rooms() = std::move(entry);
    }
    rooms->entries.clear();
    result->set_complete(true);
    PurpleSessions::Get()->Emit(session, std::move(event));
  }
  // Released after the plugin's call returns: it may still touch the list.
  g_idle_add(
      [](gpointer data) -> gboolean {
        purple_roomlist_unref(static_cast<PurpleRoomlist*>(data));
        return G_SOURCE_REMOVE;
      },
      list);
}

PurpleRoomlistUiOps kRoomlistUiOps = {
    nullptr,  // show_with_account
    Create,
    nullptr,  // set_fields
    AddRoom, InProgress, Destroy, nullptr, nullptr, nullptr, nullptr,
};

}  // namespace

void InstallRoomlistUiOps() { purple_roomlist_set_ui_ops(&kRoomlistUiOps); }

}  // namespace lilac
