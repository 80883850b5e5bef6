// libpurple's conversation UI ops: messages written to IMs and chats, chat
// membership.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backend/host/c_string.h"
#include "backend/host/chat_rooms.h"
#include "backend/host/contact_names.h"
#include "backend/host/message_conversion.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

PurpleConversation* focused_conversation = nullptr;

LoopSession* SessionOf(PurpleConversation* conv) {
  return PurpleSessions::SessionOf(purple_conversation_get_account(conv));
}

// XMPP and others deliver private messages from room members as IMs from
// "room/nick".
bool SplitRoomMember(LoopSession* session, const std::string& name,
                     std::string* room, std::string* nickname) {
  const size_t slash = name.rfind('/');
  if (slash == std::string::npos || slash == 0) return false;
  const std::string candidate = name.substr(0, slash);
  if (FindChat(session, candidate) == nullptr) return false;
  *room = RoomKeyOf(session, candidate);
  *nickname = name.substr(slash + 1);
  return true;
}

// Whether a write flagged SEND is the echo of what this session handed the
// plugin; otherwise the account sent it from another client. Backlog of our
// own messages (DELAYED) is never an echo.
bool IsOurOwnSend(LoopSession* session, PurpleConversation* conv, bool chat,
                  const std::string& text, PurpleMessageFlags flags,
                  std::string* client_message_id) {
  if (!(flags & PURPLE_MESSAGE_SEND) || (flags & PURPLE_MESSAGE_DELAYED)) {
    return false;
  }
  const OwnSends::Conversation to{
      chat, NormalizedName(session->account,
                           OrEmpty(purple_conversation_get_name(conv)))};
  return session->own_sends.Take(to, text, absl::Now(), client_message_id);
}

void WriteIm(PurpleConversation* conv, const char* who, const char* message,
             PurpleMessageFlags flags, time_t mtime) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr) return;
  const std::string text = HtmlToText(message);
  // The client knows what it sent: echoes of one-to-one sends are no events.
  if (IsOurOwnSend(session, conv, false, text, flags, nullptr)) return;
  const std::string partner = OrEmpty(purple_conversation_get_name(conv));
  v1::Event event;
  std::string room, nickname;
  if (!(flags & PURPLE_MESSAGE_SEND) &&
      SplitRoomMember(session, partner, &room, &nickname)) {
    v1::ChatMessageReceived* received = event.mutable_chat_message_received();
    received->set_chat(room);
    received->set_sender_nickname(nickname);
    received->set_text(text);
    received->set_html(OrEmpty(message));
    SetTimestamp(mtime, received->mutable_time());
    *received->mutable_flags() = ToMessageFlags(flags);
    for (auto& image : ResolveInlineImages(message)) {
      *received->add_images() = std::move(image);
    }
    received->set_is_private(true);
    PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
    return;
  }
  v1::MessageReceived* received = event.mutable_message_received();
  // The contact on the buddy list, not one entry per device. For a message we
  // sent from another client, the partner is the one it went to.
  ContactAndResource sender = SplitResource(session->account, partner);
  if (sender.resource.empty() && who != nullptr) {
    // The conversation may be named by the contact, the writer by the device.
    ContactAndResource writer = SplitResource(session->account, who);
    if (writer.contact == sender.contact) sender.resource = writer.resource;
  }
  received->set_peer(sender.contact);
  received->set_resource(sender.resource);
  if (!(flags & PURPLE_MESSAGE_SEND)) {
    PurpleBuddy* buddy =
        purple_find_buddy(session->account, sender.contact.c_str());
    const char* alias = buddy ? purple_buddy_get_alias_only(buddy) : nullptr;
    if (alias == nullptr && who != nullptr && partner != who &&
        SplitResource(session->account, who).contact != sender.contact) {
      alias = who;
    }
    received->set_alias(OrEmpty(alias));
  }
  received->set_text(text);
  received->set_html(OrEmpty(message));
  SetTimestamp(mtime, received->mutable_time());
  *received->mutable_flags() = ToMessageFlags(flags);
  // Ours, but not sent through this lilacd: a carbon.
  received->mutable_flags()->set_sent_by_us_elsewhere(flags &
                                                      PURPLE_MESSAGE_SEND);
  for (auto& image : ResolveInlineImages(message)) {
    *received->add_images() = std::move(image);
  }
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void WriteChat(PurpleConversation* conv, const char* who, const char* message,
               PurpleMessageFlags flags, time_t mtime) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr) return;
  const std::string text = HtmlToText(message);
  v1::Event event;
  v1::ChatMessageReceived* received = event.mutable_chat_message_received();
  // libpurple marks messages from our own nick SEND. Our own room message is
  // passed on once, as the room shows it: the server's reflection (XMPP) or
  // the plugin's local echo where nothing is reflected (IRC, Facebook). Chat
  // clients show a sent room message only when it comes back.
  std::string client_message_id;
  const bool ours =
      IsOurOwnSend(session, conv, true, text, flags, &client_message_id);
  const std::string room =
      RoomKeyOf(session, purple_conversation_get_name(conv));
  if (flags & PURPLE_MESSAGE_SYSTEM) {
    if (auto joined = session->rooms.find(room);
        joined != session->rooms.end()) {
      joined->second.last_notice = text;
      joined->second.last_notice_time = g_get_monotonic_time();
    }
  }
  received->set_chat(room);
  received->set_sender_nickname(OrEmpty(who));
  received->set_text(text);
  received->set_html(OrEmpty(message));
  SetTimestamp(mtime, received->mutable_time());
  *received->mutable_flags() = ToMessageFlags(flags);
  received->mutable_flags()->set_sent_by_us(ours);
  received->mutable_flags()->set_sent_by_us_elsewhere(
      !ours && (flags & PURPLE_MESSAGE_SEND));
  received->set_client_message_id(client_message_id);
  received->set_is_private(flags & PURPLE_MESSAGE_WHISPER);
  for (auto& image : ResolveInlineImages(message)) {
    *received->add_images() = std::move(image);
  }
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

// libpurple's own IM and chat writes go to WriteIm and WriteChat; this gets
// what is written with purple_conversation_write directly: system lines
// (structured events cover them) and plugins' messages, such as the XMPP
// carbons plugin's copies of messages sent from another client.
void WriteConv(PurpleConversation* conv, const char* who, const char* alias,
               const char* message, PurpleMessageFlags flags, time_t mtime) {
  if (!(flags & (PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_RECV)) ||
      (flags & (PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NOTIFY |
                PURPLE_MESSAGE_ERROR))) {
    return;
  }
  switch (purple_conversation_get_type(conv)) {
    case PURPLE_CONV_TYPE_IM:
      return WriteIm(conv, who, message, flags, mtime);
    case PURPLE_CONV_TYPE_CHAT:
      return WriteChat(conv, who, message, flags, mtime);
    default:
      return;
  }
}

void ChatAddUsers(PurpleConversation* conv, GList* buddies, gboolean) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr || IsAnnouncingJoin(conv)) return;
  PurpleConvChat* chat = PURPLE_CONV_CHAT(conv);
  v1::Event event;
  v1::ParticipantsJoined* joined = event.mutable_participants_joined();
  joined->set_chat(RoomKeyOf(session, purple_conversation_get_name(conv)));
  for (GList* item = buddies; item; item = item->next) {
    *joined->add_participants() = DescribeParticipant(
        chat, static_cast<PurpleConvChatBuddy*>(item->data));
  }
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void ChatRenameUser(PurpleConversation* conv, const char* old_name,
                    const char* new_name, const char*) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr || IsAnnouncingJoin(conv)) return;
  v1::Event event;
  v1::ParticipantRenamed* renamed = event.mutable_participant_renamed();
  renamed->set_chat(RoomKeyOf(session, purple_conversation_get_name(conv)));
  renamed->set_old_nickname(OrEmpty(old_name));
  renamed->set_new_nickname(OrEmpty(new_name));
  renamed->set_is_self(purple_strequal(
      purple_conv_chat_get_nick(PURPLE_CONV_CHAT(conv)), new_name));
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

gboolean HasFocus(PurpleConversation* conv) {
  return conv == focused_conversation;
}

PurpleConversationUiOps kConversationUiOps = {
    nullptr,  // create_conversation
    nullptr,  // destroy_conversation
    WriteChat, WriteIm, WriteConv, ChatAddUsers, ChatRenameUser,
    nullptr,  // chat_remove_users: "chat-buddy-left" carries the reason
    nullptr,  // chat_update_user: "chat-buddy-flags" carries the flags
    nullptr,  // present
    HasFocus,
    nullptr,  // custom_smiley_add
    nullptr,  // custom_smiley_write
    nullptr,  // custom_smiley_close
    nullptr,  // send_confirm
    nullptr,   nullptr, nullptr,   nullptr,
};

void OnTyping(PurpleAccount* account, const char* name, v1::TypingState state) {
  LoopSession* session = PurpleSessions::SessionOf(account);
  if (session == nullptr) return;
  v1::Event event;
  ContactAndResource sender = SplitResource(account, OrEmpty(name));
  event.mutable_typing_changed()->set_peer(sender.contact);
  event.mutable_typing_changed()->set_resource(sender.resource);
  event.mutable_typing_changed()->set_state(state);
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void BuddyTyping(PurpleAccount* account, const char* name) {
  OnTyping(account, name, v1::TYPING_STATE_TYPING);
}
void BuddyTyped(PurpleAccount* account, const char* name) {
  OnTyping(account, name, v1::TYPING_STATE_PAUSED);
}
void BuddyTypingStopped(PurpleAccount* account, const char* name) {
  OnTyping(account, name, v1::TYPING_STATE_STOPPED);
}

void GotAttention(PurpleAccount* account, const char* who, PurpleConversation*,
                  guint type) {
  LoopSession* session = PurpleSessions::SessionOf(account);
  if (session == nullptr) return;
  v1::Event event;
  ContactAndResource sender = SplitResource(account, OrEmpty(who));
  event.mutable_attention_received()->set_sender(sender.contact);
  event.mutable_attention_received()->set_resource(sender.resource);
  PurpleConnection* gc = purple_account_get_connection(account);
  if (PurpleAttentionType* attention =
          gc ? purple_get_attention_type_from_code(account, type) : nullptr) {
    event.mutable_attention_received()->set_name(
        OrEmpty(purple_attention_type_get_name(attention)));
  }
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

}  // namespace

void SetFocusedConversation(PurpleConversation* conv) {
  focused_conversation = conv;
}

void InstallConversationUiOps() {
  purple_conversations_set_ui_ops(&kConversationUiOps);
  void* conversations = purple_conversations_get_handle();
  purple_signal_connect(conversations, "buddy-typing", SignalHandle(),
                        PURPLE_CALLBACK(BuddyTyping), nullptr);
  purple_signal_connect(conversations, "buddy-typed", SignalHandle(),
                        PURPLE_CALLBACK(BuddyTyped), nullptr);
  purple_signal_connect(conversations, "buddy-typing-stopped", SignalHandle(),
                        PURPLE_CALLBACK(BuddyTypingStopped), nullptr);
  purple_signal_connect(conversations, "got-attention", SignalHandle(),
                        PURPLE_CALLBACK(GotAttention), nullptr);
}

}  // namespace lilac
