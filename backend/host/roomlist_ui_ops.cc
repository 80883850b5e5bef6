// libpurple's room list UI ops: the chats of a ListChats call, answered when
// the plugin ends the list.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "backend/host/c_string.h"
#include "backend/host/chat_list.h"
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
  PurpleAccount* account = nullptr;
  std::string server;  // ListChatsRequest.server it was started for
  std::vector<v1::ChatListEntry> entries;
  bool held = false;      // lilac's reference, not yet released
  guint release = 0;      // the idle callback that releases it
  bool complete = false;  // the plugin ended the list
  // The plugin asked for a server and there was none to give.
  std::string missing_server_question;
  std::vector<ChatListDone> waiters;
  guint deadline = 0;
  absl::Duration timeout;
};

// Every live list, to release what is left of an account's at sign-off.
std::set<PurpleRoomlist*>& LiveLists() {
  static auto* const lists = new std::set<PurpleRoomlist*>();
  return *lists;
}

// The list being made for each account while a ListChats waits for it.
std::map<PurpleAccount*, PurpleRoomlist*>& InFlight() {
  static auto* const lists = new std::map<PurpleAccount*, PurpleRoomlist*>();
  return *lists;
}

// Set while ListChatsOf is inside purple_roomlist_get_list: the account and
// the server it was asked for, and the list the plugin created.
struct Starting {
  PurpleAccount* account = nullptr;
  std::string server;
  PurpleRoomlist* list = nullptr;
};
Starting* starting = nullptr;

Rooms* RoomsOf(PurpleRoomlist* list) {
  return static_cast<Rooms*>(list->ui_data);
}

// Answers every waiter of `list` with `result`; the list no longer counts as
// in flight.
void Finish(PurpleRoomlist* list,
            const absl::StatusOr<v1::ListChatsResponse>& result) {
  Rooms* rooms = RoomsOf(list);
  if (rooms == nullptr) return;
  if (rooms->deadline != 0) {
    g_source_remove(rooms->deadline);
    rooms->deadline = 0;
  }
  auto it = InFlight().find(rooms->account);
  if (it != InFlight().end() && it->second == list) InFlight().erase(it);
  std::vector<ChatListDone> waiters = std::move(rooms->waiters);
  rooms->waiters.clear();
  for (ChatListDone& done : waiters) done(result);
}

absl::StatusOr<v1::ListChatsResponse> ResultOf(Rooms* rooms) {
  if (!rooms->missing_server_question.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the protocol asks which server to list (\"",
                     rooms->missing_server_question,
                     "\") and suggests none: set ListChatsRequest.server"));
  }
  v1::ListChatsResponse response;
  for (const v1::ChatListEntry& entry : rooms->entries) {
    *response.add_chats() = entry;
  }
  return response;
}

gboolean OnDeadline(gpointer data) {
  auto* list = static_cast<PurpleRoomlist*>(data);
  Rooms* rooms = RoomsOf(list);
  rooms->deadline = 0;
  Finish(list, absl::DeadlineExceededError(
                   absl::StrCat("the plugin did not end the chat list within ",
                                absl::FormatDuration(rooms->timeout))));
  // The plugin stops its query; the list then ends as any other.
  purple_roomlist_cancel_get_list(list);
  return G_SOURCE_REMOVE;
}

void Create(PurpleRoomlist* list) {
  auto* rooms = new Rooms();
  rooms->account = list->account;
  if (starting != nullptr && starting->account == list->account) {
    rooms->server = starting->server;
    starting->list = list;
  }
  list->ui_data = rooms;
  LiveLists().insert(list);
  purple_roomlist_ref(list);
  rooms->held = true;
}

void Destroy(PurpleRoomlist* list) {
  Finish(list, absl::UnavailableError("the plugin dropped the chat list"));
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
    Finish(list, absl::UnavailableError(
                     "the connection ended before the chat list was complete"));
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
  v1::ChatListEntry entry;
  entry.set_name(OrEmpty(purple_roomlist_room_get_name(room)));
  entry.set_chat(entry.name());
  PurpleConnection* gc = purple_account_get_connection(list->account);
  PurplePluginProtocolInfo* info =
      gc ? PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc))
         : nullptr;
  if (info != nullptr && info->roomlist_room_serialize != nullptr) {
    // The string that joins the room, for example
    // "room@conference.example.org".
    char* joinable = info->roomlist_room_serialize(room);
    if (joinable != nullptr) entry.set_chat(joinable);
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
  if (rooms == nullptr) return;
  rooms->complete = true;
  Finish(list, ResultOf(rooms));
  // Released after the plugin's call returns: it may still touch the list.
  // Once: plugins also end a list at close or when a new one replaces it.
  if (rooms->held) {
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

void ListChatsOf(PurpleConnection* gc, const std::string& server,
                 absl::Duration timeout, ChatListDone done) {
  PurpleAccount* account = purple_connection_get_account(gc);
  if (auto it = InFlight().find(account); it != InFlight().end()) {
    Rooms* rooms = RoomsOf(it->second);
    if (rooms->server != server) {
      return done(absl::AbortedError(absl::StrCat(
          "a chat list of ",
          rooms->server.empty() ? "the suggested server" : rooms->server,
          " is being made for this session; ask again once it ends")));
    }
    rooms->waiters.push_back(std::move(done));
    return;
  }
  Starting start{account, server, nullptr};
  starting = &start;
  PurpleRoomlist* returned = purple_roomlist_get_list(gc);
  starting = nullptr;
  PurpleRoomlist* list = returned != nullptr ? returned : start.list;
  if (list == nullptr || RoomsOf(list) == nullptr) {
    return done(
        absl::UnavailableError("the plugin could not start a chat list"));
  }
  Rooms* rooms = RoomsOf(list);
  if (rooms->complete) return done(ResultOf(rooms));  // ended at once
  rooms->waiters.push_back(std::move(done));
  rooms->timeout = timeout;
  rooms->deadline = g_timeout_add(
      static_cast<guint>(absl::ToInt64Milliseconds(timeout)), OnDeadline, list);
  InFlight()[account] = list;
}

bool TakeChatListQuestion(PurpleAccount* account, const char* title,
                          const char* default_value, std::string* answer) {
  if (starting == nullptr || starting->account != account ||
      starting->list == nullptr) {
    return false;
  }
  *answer =
      !starting->server.empty() ? starting->server : OrEmpty(default_value);
  if (answer->empty()) {
    RoomsOf(starting->list)->missing_server_question = OrEmpty(title);
  }
  return true;
}

void InstallRoomlistUiOps() {
  purple_roomlist_set_ui_ops(&kRoomlistUiOps);
  // After the plugin's close: whatever references are left are unowned.
  purple_signal_connect(purple_connections_get_handle(), "signed-off",
                        SignalHandle(), PURPLE_CALLBACK(OnSignedOff), nullptr);
}

}  // namespace lilac
