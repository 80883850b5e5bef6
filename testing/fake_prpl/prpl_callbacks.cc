#include "testing/fake_prpl/prpl_callbacks.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "testing/fake_prpl/prpl_connection.h"
#include "testing/fake_prpl/prpl_flavor.h"

namespace lilac::testing::fake::prpl {
namespace {

// Facebook sends plain text; prpl-fake keeps libpurple's HTML.
std::string OutgoingText(const char* message) {
  if (!Flavor().facebook) return message ? message : "";
  char* plain = purple_markup_strip_html(message ? message : "");
  std::string text = plain;
  g_free(plain);
  return text;
}

// Facebook marks a conversation read only when the host reports it seen
// while focused: purple_conversation_update(conv, PURPLE_CONV_UPDATE_UNSEEN)
// with the conversation UI op has_focus answering TRUE.
void OnConversationUpdated(PurpleConversation* conv, PurpleConvUpdateType type,
                           gpointer data) {
  auto* gc = static_cast<PurpleConnection*>(data);
  if (type != PURPLE_CONV_UPDATE_UNSEEN ||
      purple_conversation_get_gc(conv) != gc) {
    return;
  }
  FakeConnection* connection = FakeConnection::From(gc);
  if (connection == nullptr || !connection->logged_in() ||
      !purple_account_get_bool(connection->account(), "mark-read", TRUE) ||
      !purple_conversation_has_focus(conv)) {
    return;
  }
  v1::ClientFrame frame;
  frame.mutable_mark_read()->set_conversation(
      purple_conversation_get_name(conv));
  connection->Send(frame);
}

FakeConnection* LoggedIn(PurpleConnection* gc) {
  FakeConnection* connection = FakeConnection::From(gc);
  return connection != nullptr && connection->logged_in() ? connection
                                                          : nullptr;
}

}  // namespace

const char* list_icon(PurpleAccount*, PurpleBuddy*) {
  return Flavor().list_icon;
}

GList* status_types(PurpleAccount*) {
  GList* types = nullptr;
  types =
      g_list_append(types, purple_status_type_new_with_attrs(
                               PURPLE_STATUS_AVAILABLE, "available", nullptr,
                               TRUE, TRUE, FALSE, "message", "Message",
                               purple_value_new(PURPLE_TYPE_STRING), nullptr));
  types =
      g_list_append(types, purple_status_type_new_with_attrs(
                               PURPLE_STATUS_AWAY, "away", nullptr, TRUE, TRUE,
                               FALSE, "message", "Message",
                               purple_value_new(PURPLE_TYPE_STRING), nullptr));
  types = g_list_append(
      types, purple_status_type_new_full(PURPLE_STATUS_OFFLINE, "offline",
                                         nullptr, TRUE, TRUE, FALSE));
  return types;
}

void login(PurpleAccount* account) {
  PurpleConnection* gc = purple_account_get_connection(account);
  gc->flags = static_cast<PurpleConnectionFlags>(
      gc->flags | PURPLE_CONNECTION_HTML | PURPLE_CONNECTION_NO_BGCOLOR |
      PURPLE_CONNECTION_NO_FONTSIZE);
  auto* connection = new FakeConnection(gc);
  purple_connection_set_protocol_data(gc, connection);
  if (Flavor().facebook) {
    purple_signal_connect(purple_conversations_get_handle(),
                          "conversation-updated", gc,
                          PURPLE_CALLBACK(OnConversationUpdated), gc);
  }
  connection->Connect();
}

void close(PurpleConnection* gc) {
  purple_signals_disconnect_by_handle(gc);
  delete FakeConnection::From(gc);
  purple_connection_set_protocol_data(gc, nullptr);
}

int send_im(PurpleConnection* gc, const char* who, const char* message,
            PurpleMessageFlags) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return -ENOTCONN;
  // Real networks bound a message (XMPP servers' stanza limits, IRC's line);
  // plugins refuse longer ones with -E2BIG, as this one does.
  constexpr size_t kMaxImBytes = 64 * 1024;
  if (std::strlen(message) > kMaxImBytes) return -E2BIG;
  v1::ClientFrame frame;
  v1::SendIm& im = *frame.mutable_send_im();
  im.set_message_id(connection->NextMessageId());
  im.set_to(who);
  im.set_text(OutgoingText(message));
  connection->Send(frame);
  return 1;  // libpurple shows the message as sent
}

unsigned int send_typing(PurpleConnection* gc, const char* name,
                         PurpleTypingState state) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return 0;
  v1::ClientFrame frame;
  frame.mutable_set_typing()->set_to(name);
  frame.mutable_set_typing()->set_state(
      state == PURPLE_TYPING  ? v1::TYPING_STATE_TYPING
      : state == PURPLE_TYPED ? v1::TYPING_STATE_TYPED
                              : v1::TYPING_STATE_NOT_TYPING);
  connection->Send(frame);
  return 0;  // no need to resend
}

void get_info(PurpleConnection* gc, const char* who) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_get_info()->set_name(who);
  connection->Send(frame);
}

void set_status(PurpleAccount* account, PurpleStatus* status) {
  FakeConnection* connection = LoggedIn(purple_account_get_connection(account));
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_set_status()->set_status_id(purple_status_get_id(status));
  const char* message = purple_status_get_attr_string(status, "message");
  if (message != nullptr) frame.mutable_set_status()->set_message(message);
  connection->Send(frame);
}

void add_buddy(PurpleConnection* gc, PurpleBuddy* buddy, PurpleGroup* group) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  v1::AddBuddy& add = *frame.mutable_add_buddy();
  add.set_name(purple_buddy_get_name(buddy));
  const char* alias = purple_buddy_get_local_buddy_alias(buddy);
  if (alias != nullptr) add.set_alias(alias);
  if (group != nullptr) add.set_group(purple_group_get_name(group));
  connection->Send(frame);
}

void remove_buddy(PurpleConnection* gc, PurpleBuddy* buddy,
                  PurpleGroup* group) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_remove_buddy()->set_name(purple_buddy_get_name(buddy));
  if (group != nullptr) {
    frame.mutable_remove_buddy()->set_group(purple_group_get_name(group));
  }
  connection->Send(frame);
}

void add_deny(PurpleConnection* gc, const char* name) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_set_blocked()->set_name(name);
  frame.mutable_set_blocked()->set_blocked(true);
  connection->Send(frame);
}

void rem_deny(PurpleConnection* gc, const char* name) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_set_blocked()->set_name(name);
  frame.mutable_set_blocked()->set_blocked(false);
  connection->Send(frame);
}

void alias_buddy(PurpleConnection* gc, const char* who, const char* alias) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  frame.mutable_alias_buddy()->set_name(who);
  if (alias != nullptr) frame.mutable_alias_buddy()->set_alias(alias);
  connection->Send(frame);
}

void group_buddy(PurpleConnection* gc, const char* who, const char* old_group,
                 const char* new_group) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  v1::MoveBuddy& move = *frame.mutable_move_buddy();
  move.set_name(who);
  if (old_group != nullptr) move.set_old_group(old_group);
  if (new_group != nullptr) move.set_new_group(new_group);
  connection->Send(frame);
}

void set_buddy_icon(PurpleConnection* gc, PurpleStoredImage* image) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return;
  v1::ClientFrame frame;
  if (image != nullptr) {
    frame.mutable_set_avatar()->set_image(
        static_cast<const char*>(purple_imgstore_get_data(image)),
        purple_imgstore_get_size(image));
  } else {
    frame.mutable_set_avatar();
  }
  connection->Send(frame);
}

void set_public_alias(PurpleConnection* gc, const char* alias,
                      PurpleSetPublicAliasSuccessCallback success_cb,
                      PurpleSetPublicAliasFailureCallback failure_cb) {
  PurpleAccount* account = purple_connection_get_account(gc);
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) {
    if (failure_cb != nullptr) failure_cb(account, "not logged in");
    return;
  }
  v1::ClientFrame frame;
  frame.mutable_set_nickname()->set_nickname(alias != nullptr ? alias : "");
  connection->Send(frame);
  if (success_cb != nullptr) success_cb(account, alias);
}

gboolean send_attention(PurpleConnection* gc, const char* username,
                        guint type) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr) return FALSE;
  v1::ClientFrame frame;
  frame.mutable_send_attention()->set_to(username);
  frame.mutable_send_attention()->set_type(type);
  connection->Send(frame);
  return TRUE;
}

GList* get_attention_types(PurpleAccount*) {
  // Made once and kept: libpurple does not free this list.
  static GList* types = g_list_append(
      nullptr, purple_attention_type_new("Buzz", "Buzz", "%s has buzzed you!",
                                         "Buzzing %s..."));
  return types;
}

PurpleXfer* new_xfer(PurpleConnection* gc, const char* who) {
  FakeConnection* connection = LoggedIn(gc);
  if (connection == nullptr || who == nullptr) return nullptr;
  return connection->files().NewOutgoing(who);
}

void send_file(PurpleConnection* gc, const char* who, const char* filename) {
  PurpleXfer* xfer = new_xfer(gc, who);
  if (xfer == nullptr) return;
  if (filename != nullptr && *filename != '\0') {
    purple_xfer_request_accepted(xfer, filename);
  } else {
    purple_xfer_request(xfer);
  }
}

}  // namespace lilac::testing::fake::prpl
