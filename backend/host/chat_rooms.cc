#include "backend/host/chat_rooms.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "backend/host/c_string.h"

namespace lilac {

std::string RoomKeyOf(LoopSession* session,
                      const std::string& conversation_name) {
  if (session->rooms.count(conversation_name) > 0) return conversation_name;
  for (const auto& [room, state] : session->rooms) {
    if (g_ascii_strcasecmp(room.c_str(), conversation_name.c_str()) == 0) {
      return room;
    }
  }
  return conversation_name;
}

PurpleConversation* FindChat(LoopSession* session, const std::string& room) {
  PurpleConversation* conv = purple_find_conversation_with_account(
      PURPLE_CONV_TYPE_CHAT, room.c_str(), session->account);
  if (conv != nullptr) return conv;
  // The network may have named the conversation differently from the client's
  // string.
  for (GList* item = purple_get_chats(); item; item = item->next) {
    auto* chat = static_cast<PurpleConversation*>(item->data);
    if (purple_conversation_get_account(chat) == session->account &&
        RoomKeyOf(session, purple_conversation_get_name(chat)) == room) {
      return chat;
    }
  }
  return nullptr;
}

// libpurple gives no reason with "chat-join-failed"; plugins describe the error
// in their own words. We classify the common XMPP/IRC error conditions and
// always pass the words on.
v1::ChatJoinError ClassifyChatJoinError(const std::string& words) {
  const std::string lower = absl::AsciiStrToLower(words);
  if (absl::StrContains(lower, "not found") ||
      absl::StrContains(lower, "no such")) {
    return v1::CHAT_JOIN_ERROR_NOT_FOUND;
  }
  if (absl::StrContains(lower, "not authorized") ||
      absl::StrContains(lower, "password") ||
      absl::StrContains(lower, "forbidden") ||
      absl::StrContains(lower, "banned")) {
    return v1::CHAT_JOIN_ERROR_NOT_AUTHORIZED;
  }
  if (absl::StrContains(lower, "conflict") ||
      absl::StrContains(lower, "in use")) {
    return v1::CHAT_JOIN_ERROR_NICKNAME_CONFLICT;
  }
  return v1::CHAT_JOIN_ERROR_OTHER;
}

v1::ParticipantRole ToRole(PurpleConvChatBuddyFlags flags) {
  v1::ParticipantRole role;
  role.set_voice(flags & PURPLE_CBFLAGS_VOICE);
  role.set_half_operator(flags & PURPLE_CBFLAGS_HALFOP);
  role.set_moderator(flags & (PURPLE_CBFLAGS_OP | PURPLE_CBFLAGS_FOUNDER));
  role.set_founder(flags & PURPLE_CBFLAGS_FOUNDER);
  role.set_typing(flags & PURPLE_CBFLAGS_TYPING);
  return role;
}

v1::Participant DescribeParticipant(PurpleConvChat* chat,
                                    PurpleConvChatBuddy* buddy) {
  v1::Participant participant;
  const std::string name = OrEmpty(purple_conv_chat_cb_get_name(buddy));
  participant.set_nickname(name);
  if (buddy->alias != nullptr && name != buddy->alias) {
    participant.set_alias(buddy->alias);
  }
  *participant.mutable_role() =
      ToRole(purple_conv_chat_user_get_flags(chat, name.c_str()));
  participant.set_is_self(
      purple_strequal(purple_conv_chat_get_nick(chat), name.c_str()));
  return participant;
}

}  // namespace lilac
