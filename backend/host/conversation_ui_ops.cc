// libpurple's conversation UI ops: messages written to IMs and chats, chat
// membership.
#include <string>

#include "absl/strings/str_cat.h"
#include "backend/host/c_string.h"
#include "backend/host/chat_rooms.h"
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

void WriteIm(PurpleConversation* conv, const char* who, const char* message,
             PurpleMessageFlags flags, time_t mtime) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr || IsEchoOfOurSend(flags)) return;
  const std::string partner = OrEmpty(purple_conversation_get_name(conv));
  v1::Event event;
  std::string room, nickname;
  if (!(flags & PURPLE_MESSAGE_SEND) &&
      SplitRoomMember(session, partner, &room, &nickname)) {
    v1::ChatMessageReceived* received = event.mutable_chat_message_received();
    received->set_room(room);
    received->set_from_nickname(nickname);
    received->set_text(HtmlToText(message));
    received->set_html(OrEmpty(message));
    SetTimestamp(mtime, received->mutable_time());
    *received->mutable_flags() = ToMessageFlags(flags);
    for (auto& image : ResolveInlineImages(message)) {
      *received->add_images() = std::move(image);
    }
    received->set_is_private(true);
    PurpleSessions::Get()->Emit(session, std::move(event));
    return;
  }
  v1::MessageReceived* received = event.mutable_message_received();
  // For a message we sent from another client, the partner is the one it went
  // to.
  received->set_from(partner);
  if (!(flags & PURPLE_MESSAGE_SEND)) {
    PurpleBuddy* buddy = purple_find_buddy(session->account, partner.c_str());
    const char* alias = buddy ? purple_buddy_get_alias_only(buddy) : nullptr;
    if (alias == nullptr && who != nullptr && partner != who) alias = who;
    received->set_alias(OrEmpty(alias));
  }
  received->set_text(HtmlToText(message));
  received->set_html(OrEmpty(message));
  SetTimestamp(mtime, received->mutable_time());
  *received->mutable_flags() = ToMessageFlags(flags);
  for (auto& image : ResolveInlineImages(message)) {
    *received->add_images() = std::move(image);
  }
  PurpleSessions::Get()->Emit(session, std::move(event));
}

void WriteChat(PurpleConversation* conv, const char* who, const char* message,
               PurpleMessageFlags flags, time_t mtime) {
  LoopSession* session = SessionOf(conv);
  // libpurple marks messages from our own nick SEND: plugins that echo our room
  // messages (Facebook, XMPP MUC) are suppressed by the same rule as IMs.
  if (session == nullptr || IsEchoOfOurSend(flags)) return;
  v1::Event event;
  v1::ChatMessageReceived* received = event.mutable_chat_message_received();
  received->set_room(RoomKeyOf(session, purple_conversation_get_name(conv)));
  received->set_from_nickname(OrEmpty(who));
  received->set_text(HtmlToText(message));
  received->set_html(OrEmpty(message));
  SetTimestamp(mtime, received->mutable_time());
  *received->mutable_flags() = ToMessageFlags(flags);
  received->set_is_private(flags & PURPLE_MESSAGE_WHISPER);
  for (auto& image : ResolveInlineImages(message)) {
    *received->add_images() = std::move(image);
  }
  PurpleSessions::Get()->Emit(session, std::move(event));
}

void ChatAddUsers(PurpleConversation* conv, GList* buddies, gboolean) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr || IsAnnouncingJoin(conv)) return;
  PurpleConvChat* chat = PURPLE_CONV_CHAT(conv);
  v1::Event event;
  v1::ParticipantsJoined* joined = event.mutable_participants_joined();
  joined->set_room(RoomKeyOf(session, purple_conversation_get_name(conv)));
  for (GList* item = buddies; item; item = item->next) {
    *joined->add_participants() = DescribeParticipant(
        chat, static_cast<PurpleConvChatBuddy*>(item->data));
  }
  PurpleSessions::Get()->Emit(session, std::move(event));
}

void ChatRenameUser(PurpleConversation* conv, const char* old_name,
                    const char* new_name, const char*) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr || IsAnnouncingJoin(conv)) return;
  v1::Event event;
  v1::ParticipantRenamed* renamed = event.mutable_participant_renamed();
  renamed->set_room(RoomKeyOf(session, purple_conversation_get_name(conv)));
  renamed->set_old_nickname(OrEmpty(old_name));
  renamed->set_new_nickname(OrEmpty(new_name));
  renamed->set_is_self(purple_strequal(
      purple_conv_chat_get_nick(PURPLE_CONV_CHAT(conv)), new_name));
  PurpleSessions::Get()->Emit(session, std::move(event));
}

gboolean HasFocus(PurpleConversation* conv) {
  return conv == focused_conversation;
}

PurpleConversationUiOps kConversationUiOps = {
    nullptr,  // create_conversation
    nullptr,  // destroy_conversation
    WriteChat,    WriteIm,
    nullptr,  // write_conv: system lines; structured events cover them
    ChatAddUsers, ChatRenameUser,
    nullptr,  // chat_remove_users: "chat-buddy-left" carries the reason
    nullptr,  // chat_update_user: "chat-buddy-flags" carries the flags
    nullptr,  // present
    HasFocus,
    nullptr,  // custom_smiley_add
    nullptr,  // custom_smiley_write
    nullptr,  // custom_smiley_close
    nullptr,  // send_confirm
    nullptr,      nullptr,        nullptr, nullptr,
};

void OnTyping(PurpleAccount* account, const char* name, v1::TypingState state) {
  LoopSession* session = PurpleSessions::SessionOf(account);
  if (session == nullptr) return;
  v1::Event event;
  event.mutable_typing_changed()->set_from(OrEmpty(name));
  event.mutable_typing_changed()->set_state(state);
  PurpleSessions::Get()->Emit(session, std::move(event));
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
  event.mutable_attention_received()->set_from(OrEmpty(who));
  PurpleConnection* gc = purple_account_get_connection(account);
  if (PurpleAttentionType* attention =
          gc ? purple_get_attention_type_from_code(account, type) : nullptr) {
    event.mutable_attention_received()->set_name(
        OrEmpty(purple_attention_type_get_name(attention)));
  }
  PurpleSessions::Get()->Emit(session, std::move(event));
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
