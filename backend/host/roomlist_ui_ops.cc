// libpurple's room list UI ops: rooms of a ListRooms query, reported when
// complete.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "backend/host/c_string.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

// Reference counting: purple_roomlist_new's reference is the plugin's.
// prpl-irc and prpl-jabber keep theirs and drop it when the list ends (IRC's
// 323, the end of a disco#items) or at close; plugins such as nullprpl never
// drop it. Like Pidgin, which refs what purple_roomlist_get_list returns,
// lilac takes its own reference and releases it once the list is complete.
// References still left when the account signs off belong to nobody (the
// plugin's state is gone with close), so those are released then.
struct Rooms {
  std::vector<v1::RoomListEntry> entries;
  bool held = false;  // lilac's reference, not yet released
  guint release = 0;  // the idle callback that releases it
};

// Every live list, to release what is left of an account's at sign-off.
std::set<PurpleRoomlist*>& LiveLists() {
  static auto* const lists = new std::set<PurpleRoomlist*>();
  return *lists;
}

void Create(PurpleRoomlist* list) {
  auto* rooms = new Rooms();
  list->ui_data = rooms;
  LiveLists().insert(list);
  purple_roomlist_ref(list);
  rooms->held = true;
}

void Destroy(PurpleRoomlist* list) {
  LiveLists().erase(list);
  delete static_cast<Rooms*>(list->ui_data);
  list->ui_data = nullptr;
}

gboolean ReleaseHeld(gpointer data) {
  auto* list = static_cast<PurpleRoomlist*>(data);
  static_cast<Rooms*>(list->ui_data)->release = 0;
  purple_roomlist_unref(list);  // may destroy it
  return G_SOURCE_REMOVE;
}

void OnSignedOff(PurpleConnection* gc) {
  PurpleAccount* account = purple_connection_get_account(gc);
  std::vector<PurpleRoomlist*> lists;
  for (PurpleRoomlist* list : LiveLists()) {
    if (list->account == account) lists.push_back(list);
  }
  for (PurpleRoomlist* list : lists) {
    auto* rooms = static_cast<Rooms*>(list->ui_data);
    rooms->held = false;
    if (rooms->release != 0) {
      g_source_remove(rooms->release);  // its reference goes now
      rooms->release = 0;
    }
    // The last unref destroys the list: the count is taken first.
    const guint left = list->ref;
    for (guint i = 0; i < left; ++i) purple_roomlist_unref(list);
  }
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
  // Once: plugins also end a list at close or when a new one replaces it.
  if (rooms != nullptr && rooms->held) {
    rooms->held = false;
    rooms->release = g_idle_add(ReleaseHeld, list);
  }
}

PurpleRoomlistUiOps kRoomlistUiOps = {
    nullptr,  // show_with_account
    Create,
    nullptr,  // set_fields
    AddRoom, InProgress, Destroy, nullptr, nullptr, nullptr, nullptr,
};

}  // namespace

void InstallRoomlistUiOps() {
  purple_roomlist_set_ui_ops(&kRoomlistUiOps);
  // After the plugin's close: whatever references are left are unowned.
  purple_signal_connect(purple_connections_get_handle(), "signed-off",
                        SignalHandle(), PURPLE_CALLBACK(OnSignedOff), nullptr);
}

}  // namespace lilac
