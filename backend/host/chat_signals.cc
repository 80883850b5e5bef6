// libpurple's chat signals: joined, join failed, left, subject, members leaving
// or changing role, invitations.
#include <memory>
#include <string>

#include "backend/host/c_string.h"
#include "backend/host/chat_rooms.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

LoopSession* SessionOf(PurpleConversation* conv) {
  return PurpleSessions::SessionOf(purple_conversation_get_account(conv));
}

constexpr char kJoiningKey[] = "lilac-joining";
constexpr char kSubjectSetterKey[] = "lilac-subject-setter";

// A join being announced at the end of the current dispatch.
struct PendingJoin {
  std::string session;
  std::string conversation;
};

gboolean AnnounceJoin(gpointer data) {
  std::unique_ptr<PendingJoin> pending(static_cast<PendingJoin*>(data));
  PurpleSessions* sessions = PurpleSessions::Get(OnLoop::InCallback());
  LoopSession* session =
      sessions ? sessions->FindSession(pending->session) : nullptr;
  if (session == nullptr) return G_SOURCE_REMOVE;
  PurpleConversation* conv = purple_find_conversation_with_account(
      PURPLE_CONV_TYPE_CHAT, pending->conversation.c_str(), session->account);
  if (conv == nullptr ||
      purple_conversation_get_data(conv, kJoiningKey) == nullptr) {
    return G_SOURCE_REMOVE;
  }
  purple_conversation_set_data(conv, kJoiningKey, nullptr);
  const std::string room =
      RoomKeyOf(session, purple_conversation_get_name(conv));
  auto known = session->rooms.find(room);
  if (known != session->rooms.end()) known->second.joined = true;
  PurpleConvChat* chat = PURPLE_CONV_CHAT(conv);
  v1::Event event;
  v1::ChatJoined* joined = event.mutable_chat_joined();
  joined->set_chat(room);
  joined->set_nickname(OrEmpty(purple_conv_chat_get_nick(chat)));
  joined->set_subject(OrEmpty(purple_conv_chat_get_topic(chat)));
  if (auto* setter = static_cast<char*>(
          purple_conversation_get_data(conv, kSubjectSetterKey))) {
    joined->set_subject_set_by(setter);
    g_free(setter);
    purple_conversation_set_data(conv, kSubjectSetterKey, nullptr);
  }
  for (GList* item = purple_conv_chat_get_users(chat); item;
       item = item->next) {
    *joined->add_participants() = DescribeParticipant(
        chat, static_cast<PurpleConvChatBuddy*>(item->data));
  }
  sessions->Emit(session, std::move(event));
  return G_SOURCE_REMOVE;
}

// libpurple signals the join before the plugin has set our nick and the
// members; the event goes out once the plugin is done, with both.
void ChatJoined(PurpleConversation* conv) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr) return;
  purple_conversation_set_data(conv, kJoiningKey, GINT_TO_POINTER(1));
  g_idle_add(AnnounceJoin,
             new PendingJoin{session->key, purple_conversation_get_name(conv)});
}

void ChatLeft(PurpleConversation* conv) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr) return;
  const std::string room =
      RoomKeyOf(session, purple_conversation_get_name(conv));
  auto known = session->rooms.find(room);
  // Leaving that we did not ask for is a kick (or ban); either way, no
  // automatic rejoin.
  const bool asked = known != session->rooms.end() && known->second.leaving;
  v1::Event event;
  event.mutable_chat_left()->set_chat(room);
  event.mutable_chat_left()->set_kicked(!asked);
  // A kick's reason is the plugin's system line written just before (IRC,
  // XMPP and others write "You have been kicked..." then leave).
  constexpr gint64 kNoticeBeforeLeaving = G_USEC_PER_SEC;
  if (!asked && known != session->rooms.end() &&
      !known->second.last_notice.empty() &&
      g_get_monotonic_time() - known->second.last_notice_time <=
          kNoticeBeforeLeaving) {
    event.mutable_chat_left()->set_reason(known->second.last_notice);
  }
  if (known != session->rooms.end()) session->rooms.erase(known);
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void ChatJoinFailed(PurpleConnection* gc, GHashTable* components) {
  LoopSession* session =
      PurpleSessions::SessionOf(purple_connection_get_account(gc));
  if (session == nullptr) return;
  std::string name;
  PurplePluginProtocolInfo* info =
      PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
  if (info != nullptr && info->get_chat_name != nullptr && components) {
    char* chat_name = info->get_chat_name(components);
    name = OrEmpty(chat_name);
    g_free(chat_name);
  }
  // Match the failure to the room the client asked for by its components.
  std::string room = RoomKeyOf(session, name);
  for (auto& [key, state] : session->rooms) {
    bool same = !state.joined && !state.components.empty();
    for (const auto& [field, value] : state.components) {
      const char* actual = components
                               ? static_cast<const char*>(g_hash_table_lookup(
                                     components, field.c_str()))
                               : nullptr;
      if (!purple_strequal(actual, value.c_str())) same = false;
    }
    if (same) {
      room = key;
      break;
    }
  }
  session->rooms.erase(room);
  v1::Event event;
  v1::ChatJoinFailed* failed = event.mutable_chat_join_failed();
  failed->set_chat(room);
  failed->set_error(v1::CHAT_JOIN_ERROR_OTHER);
  PurpleSessions::Get(OnLoop::InCallback())
      ->EmitJoinFailure(session, std::move(event));
}

void ChatTopicChanged(PurpleConversation* conv, const char* who,
                      const char* topic) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr) return;
  if (purple_conversation_get_data(conv, kJoiningKey) != nullptr) {
    // Part of the join's announcement.
    g_free(purple_conversation_get_data(conv, kSubjectSetterKey));
    purple_conversation_set_data(conv, kSubjectSetterKey,
                                 g_strdup(OrEmpty(who).c_str()));
    return;
  }
  v1::Event event;
  v1::ChatSubjectChanged* changed = event.mutable_chat_subject_changed();
  const std::string chat =
      RoomKeyOf(session, purple_conversation_get_name(conv));
  changed->set_chat(chat);
  changed->set_subject(OrEmpty(topic));
  changed->set_set_by(OrEmpty(who));
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
  PurpleSessions::Get(OnLoop::InCallback())
      ->OnChatSubjectChanged(session, chat, OrEmpty(topic));
}

void ChatBuddyLeft(PurpleConversation* conv, const char* name,
                   const char* reason) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr) return;
  v1::Event event;
  v1::ParticipantLeft* left = event.mutable_participant_left();
  left->set_chat(RoomKeyOf(session, purple_conversation_get_name(conv)));
  left->set_nickname(OrEmpty(name));
  left->set_reason(OrEmpty(reason));
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void ChatBuddyFlags(PurpleConversation* conv, const char* name,
                    PurpleConvChatBuddyFlags, PurpleConvChatBuddyFlags flags) {
  LoopSession* session = SessionOf(conv);
  if (session == nullptr) return;
  v1::Event event;
  v1::ParticipantRoleChanged* changed =
      event.mutable_participant_role_changed();
  changed->set_chat(RoomKeyOf(session, purple_conversation_get_name(conv)));
  changed->set_nickname(OrEmpty(name));
  *changed->mutable_role() = ToRole(flags);
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

// Returning 0 lets libpurple ask with an accept/cancel request, which the
// request tracker turns into the ChatInvitation event prepared here.
gint ChatInvited(PurpleAccount* account, const char* inviter, const char* chat,
                 const char* message, GHashTable* components) {
  LoopSession* session = PurpleSessions::SessionOf(account);
  if (session == nullptr) return 0;
  v1::ChatInvitation invitation;
  invitation.set_chat(OrEmpty(chat));
  invitation.set_sender(OrEmpty(inviter));
  invitation.set_message(OrEmpty(message));
  // The join components the plugin prepared (XMPP and IRC name the key
  // "password"): accepting joins with them.
  const char* password = components == nullptr
                             ? nullptr
                             : static_cast<const char*>(
                                   g_hash_table_lookup(components, "password"));
  invitation.set_has_password(password != nullptr && *password != '\0');
  session->opening_invitation = invitation;
  return 0;
}

}  // namespace

bool IsAnnouncingJoin(PurpleConversation* conv) {
  return purple_conversation_get_data(conv, kJoiningKey) != nullptr;
}

void InstallChatSignals() {
  void* conversations = purple_conversations_get_handle();
  purple_signal_connect(conversations, "chat-joined", SignalHandle(),
                        PURPLE_CALLBACK(ChatJoined), nullptr);
  purple_signal_connect(conversations, "chat-left", SignalHandle(),
                        PURPLE_CALLBACK(ChatLeft), nullptr);
  purple_signal_connect(conversations, "chat-join-failed", SignalHandle(),
                        PURPLE_CALLBACK(ChatJoinFailed), nullptr);
  purple_signal_connect(conversations, "chat-topic-changed", SignalHandle(),
                        PURPLE_CALLBACK(ChatTopicChanged), nullptr);
  purple_signal_connect(conversations, "chat-buddy-left", SignalHandle(),
                        PURPLE_CALLBACK(ChatBuddyLeft), nullptr);
  purple_signal_connect(conversations, "chat-buddy-flags", SignalHandle(),
                        PURPLE_CALLBACK(ChatBuddyFlags), nullptr);
  purple_signal_connect(conversations, "chat-invited", SignalHandle(),
                        PURPLE_CALLBACK(ChatInvited), nullptr);
}

}  // namespace lilac
