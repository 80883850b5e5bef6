// Room callbacks of the PurplePluginProtocolInfo.
#include <ctime>
#include <string>

#include "absl/strings/ascii.h"
#include "testing/fake_prpl/prpl_callbacks.h"
#include "testing/fake_prpl/prpl_connection.h"
#include "testing/fake_prpl/prpl_flavor.h"

namespace lilac::testing::fake::prpl {
namespace {

FakeConnection* LoggedIn(PurpleConnection* gc) {
  FakeConnection* connection = FakeConnection::From(gc);
  return connection != nullptr && connection->logged_in() ? connection
                                                          : nullptr;
}

std::string Component(GHashTable* components, const char* key) {
  const char* value =
      static_cast<const char*>(g_hash_table_lookup(components, key));
  return value ? value : "";
}

bool AllDigits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

proto_chat_entry* ChatEntry(const char* label, const char* identifier,
                            bool required, bool secret) {
  auto* entry = g_new0(proto_chat_entry, 1);
  entry->label = label;
  entry->identifier = identifier;
  entry->required = required;
  entry->secret = secret;
  return entry;
}

}  // namespace

GList* chat_info(PurpleConnection*) {
  if (Flavor().facebook) {
    // One component, the thread id, as in the Facebook plugin.
    return g_list_append(nullptr, ChatEntry("_Name:", "name", true, false));
  }
  GList* entries = nullptr;
  entries = g_list_append(entries, ChatEntry("_Room:", "room", true, false));
  entries =
      g_list_append(entries, ChatEntry("_Nickname:", "nick", false, false));
  entries =
      g_list_append(entries, ChatEntry("_Password:", "password", false, true));
  return entries;
}

GHashTable* chat_info_defaults(PurpleConnection*, const char* chat_name) {
  GHashTable* defaults =
      g_hash_table_new_full(g_str_hash, g_str_equal, nullptr, g_free);
  if (chat_name != nullptr) {
    g_hash_table_insert(defaults, const_cast<char*>(RoomComponent()),
                        g_strdup(chat_name));
  }
  return defaults;
}

char* get_chat_name(GHashTable* components) {
  return g_strdup(Component(components, RoomComponent()).c_str());
}

void join_chat(PurpleConnection* gc, GHashTable* components) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  const std::string room = Component(components, RoomComponent());
  if (Flavor().facebook && !AllDigits(room)) {
    // The Facebook plugin's words, so hosts that match them keep working.
    purple_notify_error(gc, "Join a Chat", "Failed to Join Chat",
                        "Invalid Facebook identifier.");
    purple_serv_got_join_chat_failed(gc, components);
    return;
  }
  if (room.empty()) {
    purple_serv_got_join_chat_failed(gc, components);
    return;
  }
  v1::ClientFrame frame;
  v1::JoinRoom& join = *frame.mutable_join_room();
  join.set_room(room);
  join.set_nick(Component(components, "nick"));
  join.set_password(Component(components, "password"));
  connection->Send(frame);
}

void reject_chat(PurpleConnection* gc, GHashTable* components) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_decline_invitation()->set_room(
      Component(components, RoomComponent()));
  connection->Send(frame);
}

void chat_invite(PurpleConnection* gc, int id, const char* message,
                 const char* who) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  v1::InviteToRoom& invite = *frame.mutable_invite_to_room();
  invite.set_room(connection->RoomOf(id));
  invite.set_who(who);
  if (message != nullptr) invite.set_message(message);
  connection->Send(frame);
}

void chat_leave(PurpleConnection* gc, int id) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_leave_room()->set_room(connection->RoomOf(id));
  connection->Send(frame);
  serv_got_chat_left(gc, id);
}

int chat_send(PurpleConnection* gc, int id, const char* message,
              PurpleMessageFlags) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return -ENOTCONN;
  PurpleConversation* conv = purple_find_chat(gc, id);
  if (conv == nullptr) return -EINVAL;
  std::string text = message ? message : "";
  if (Flavor().facebook) {
    char* plain = purple_markup_strip_html(text.c_str());
    text = plain;
    g_free(plain);
  }
  v1::ClientFrame frame;
  v1::SendRoomMessage& send = *frame.mutable_send_room_message();
  send.set_message_id(connection->NextMessageId());
  send.set_room(connection->RoomOf(id));
  send.set_text(text);
  connection->Send(frame);
  // The server does not echo room messages to their sender: the plugin does,
  // as IRC and the Facebook plugin do.
  char* html = Flavor().facebook ? purple_markup_escape_text(text.c_str(), -1)
                                 : g_strdup(text.c_str());
  serv_got_chat_in(gc, id, purple_conv_chat_get_nick(PURPLE_CONV_CHAT(conv)),
                   PURPLE_MESSAGE_SEND, html, time(nullptr));
  g_free(html);
  return 0;
}

void set_chat_topic(PurpleConnection* gc, int id, const char* topic) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_set_room_subject()->set_room(connection->RoomOf(id));
  if (topic != nullptr) frame.mutable_set_room_subject()->set_subject(topic);
  connection->Send(frame);
}

PurpleRoomlist* roomlist_get_list(PurpleConnection* gc) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return nullptr;
  PurpleRoomlist* list = purple_roomlist_new(connection->account());
  GList* fields = nullptr;
  // The first, hidden field carries the name for joining.
  fields = g_list_append(
      fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_STRING, "",
                                        RoomComponent(), TRUE));
  fields = g_list_append(
      fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_STRING, "Subject",
                                        "subject", FALSE));
  fields = g_list_append(
      fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_INT, "Users",
                                        "participants", FALSE));
  fields = g_list_append(
      fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_BOOL, "Password",
                                        "password", FALSE));
  purple_roomlist_set_fields(list, fields);
  purple_roomlist_set_in_progress(list, TRUE);
  if (connection->roomlist != nullptr) {
    purple_roomlist_set_in_progress(connection->roomlist, FALSE);
    purple_roomlist_unref(connection->roomlist);
  }
  purple_roomlist_ref(list);  // until the server's answer fills it
  connection->roomlist = list;
  v1::ClientFrame frame;
  frame.mutable_list_rooms();
  connection->Send(frame);
  return list;
}

}  // namespace lilac::testing::fake::prpl
