#include "backend/host/chat_rooms.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "backend/host/c_string.h"
#include "backend/host/ui_ops.h"

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

std::vector<std::string> RoomsBeingJoined(LoopSession* session) {
  std::vector<std::string> rooms;
  const gint64 now = g_get_monotonic_time();
  for (const auto& [room, state] : session->rooms) {
    if (!state.joined && !state.leaving && state.join_started != 0 &&
        now - state.join_started <= kJoinInProgressMicros) {
      rooms.push_back(room);
    }
  }
  return rooms;
}

namespace {

// purple_normalize returns a static buffer: copy it before the next call.
std::string Normalized(PurpleAccount* account, const std::string& name) {
  return OrEmpty(purple_normalize(account, name.c_str()));
}

// The protocol's own name for a room from its join components (XMPP:
// room@server), or "".
std::string ChatNameOf(PurpleAccount* account, const JoinedRoom& room) {
  PurplePlugin* plugin =
      purple_find_prpl(purple_account_get_protocol_id(account));
  PurplePluginProtocolInfo* info =
      plugin ? PURPLE_PLUGIN_PROTOCOL_INFO(plugin) : nullptr;
  if (info == nullptr || info->get_chat_name == nullptr) return "";
  GHashTable* components =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  for (const auto& [key, value] : room.components) {
    g_hash_table_replace(components, g_strdup(key.c_str()),
                         g_strdup(value.c_str()));
  }
  char* name = info->get_chat_name(components);
  g_hash_table_destroy(components);
  std::string result = OrEmpty(name);
  g_free(name);
  return result;
}

}  // namespace

std::string RoomBeingJoined(LoopSession* session, const std::string& name) {
  if (name.empty()) return "";
  const std::string wanted = Normalized(session->account, name);
  for (const std::string& room : RoomsBeingJoined(session)) {
    const std::string chat_name =
        ChatNameOf(session->account, session->rooms[room]);
    if (Normalized(session->account, room) == wanted ||
        (!chat_name.empty() &&
         Normalized(session->account, chat_name) == wanted)) {
      return room;
    }
  }
  return "";
}

bool AnyRoomOpened(LoopSession* session,
                   const std::vector<std::string>& rooms) {
  for (const std::string& room : rooms) {
    auto known = session->rooms.find(room);
    if (known != session->rooms.end() && known->second.joined) return true;
    PurpleConversation* conv = FindChat(session, room);
    if (conv != nullptr && IsAnnouncingJoin(conv)) return true;
  }
  return false;
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
