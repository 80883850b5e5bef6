// PurpleSessions: group chat commands.
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "backend/host/api_limits.h"
#include "backend/host/c_string.h"
#include "backend/host/capabilities.h"
#include "backend/host/chat_list.h"
#include "backend/host/chat_rooms.h"
#include "backend/host/contact_names.h"
#include "backend/host/failures.h"
#include "backend/host/message_conversion.h"
#include "backend/host/mnemonics.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/request_tracker.h"

namespace lilac {
namespace {

// The account's protocol, if it has group chats.
absl::StatusOr<PurplePluginProtocolInfo*> ChatProtocolOf(
    PurpleAccount* account) {
  PurplePluginProtocolInfo* info = ProtocolInfoOf(account);
  if (!HasChats(info)) {
    return absl::FailedPreconditionError(absl::StrCat(
        purple_account_get_protocol_id(account), " has no group chats"));
  }
  return info;
}

struct ChatFieldEntry {
  std::string key;
  std::string label;
  bool required = false;
  bool secret = false;
  bool is_int = false;
};

std::vector<ChatFieldEntry> ChatFieldsOf(PurpleConnection* gc,
                                         PurplePluginProtocolInfo* info) {
  std::vector<ChatFieldEntry> fields;
  if (info == nullptr || info->chat_info == nullptr) return fields;
  GList* entries = info->chat_info(gc);
  for (GList* item = entries; item; item = item->next) {
    auto* entry = static_cast<struct proto_chat_entry*>(item->data);
    ChatFieldEntry field;
    field.key = OrEmpty(entry->identifier);
    field.label = OrEmpty(entry->label);
    field.required = entry->required;
    field.secret = entry->secret;
    field.is_int = entry->is_int;
    fields.push_back(std::move(field));
    g_free(entry);
  }
  g_list_free(entries);
  return fields;
}

// libpurple names the room field of most protocols one of these.
const char* const kRoomKeys[] = {"room", "channel", "name", "chat", "id"};
const char* const kNicknameKeys[] = {"handle", "nick", "nickname"};
const char* const kPasswordKeys[] = {"password", "passwd"};

template <size_t N>
std::string FirstPresent(const std::vector<ChatFieldEntry>& fields,
                         const char* const (&keys)[N]) {
  for (const char* key : keys) {
    for (const ChatFieldEntry& field : fields) {
      if (field.key == key) return field.key;
    }
  }
  return "";
}

}  // namespace

absl::StatusOr<v1::ListChatFieldsResponse> PurpleSessions::ListChatFields(
    const OnLoop&, const v1::ListChatFieldsRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  absl::StatusOr<PurplePluginProtocolInfo*> found = ChatProtocolOf(account);
  if (!found.ok()) return found.status();
  PurplePluginProtocolInfo* info = *found;
  PurpleConnection* gc = purple_account_get_connection(account);
  std::vector<ChatFieldEntry> fields = ChatFieldsOf(gc, info);
  GHashTable* defaults = (gc && info->chat_info_defaults)
                             ? info->chat_info_defaults(gc, nullptr)
                             : nullptr;
  v1::ListChatFieldsResponse response;
  for (const ChatFieldEntry& entry : fields) {
    v1::ChatField* field = response.add_fields();
    field->set_key(entry.key);
    field->set_label(WithoutMnemonics(entry.label.c_str()));
    field->set_required(entry.required);
    field->set_secret(entry.secret);
    field->set_is_int(entry.is_int);
    if (defaults != nullptr) {
      field->set_default_value(OrEmpty(static_cast<const char*>(
          g_hash_table_lookup(defaults, entry.key.c_str()))));
    }
  }
  if (defaults != nullptr) g_hash_table_destroy(defaults);
  response.set_chat_field(FirstPresent(fields, kRoomKeys));
  response.set_nickname_field(FirstPresent(fields, kNicknameKeys));
  response.set_password_field(FirstPresent(fields, kPasswordKeys));
  return response;
}

absl::Status PurpleSessions::JoinChat(const OnLoop&,
                                      const v1::JoinChatRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  absl::StatusOr<PurplePluginProtocolInfo*> found = ChatProtocolOf(account);
  if (!found.ok()) return found.status();
  PurplePluginProtocolInfo* info = *found;
  PurpleConnection* gc = purple_account_get_connection(account);
  std::vector<ChatFieldEntry> fields = ChatFieldsOf(gc, info);

  // Start from the protocol's defaults for this room (XMPP splits room@server
  // itself).
  std::map<std::string, std::string> components;
  if (gc != nullptr && info->chat_info_defaults != nullptr) {
    GHashTable* defaults = info->chat_info_defaults(gc, request.chat().c_str());
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, defaults);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
      if (value != nullptr) {
        components[static_cast<const char*>(key)] =
            static_cast<const char*>(value);
      }
    }
    g_hash_table_destroy(defaults);
  }
  const std::string room_key = FirstPresent(fields, kRoomKeys);
  const bool room_split = components.count(room_key) > 0 &&
                          !components[room_key].empty() &&
                          components[room_key] != request.chat();
  if (!room_key.empty() && !room_split) components[room_key] = request.chat();
  if (const std::string key = FirstPresent(fields, kNicknameKeys);
      !key.empty() && !request.nickname().empty()) {
    components[key] = request.nickname();
  }
  if (const std::string key = FirstPresent(fields, kPasswordKeys);
      !key.empty() && !request.password().empty()) {
    components[key] = request.password();
  }
  for (const auto& [key, value] : request.fields()) {
    bool known = false;
    for (const ChatFieldEntry& field : fields) known |= field.key == key;
    if (!known) {
      std::vector<std::string> keys;
      for (const ChatFieldEntry& field : fields) keys.push_back(field.key);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown chat field \"", key, "\"; ",
                       purple_account_get_protocol_id(account),
                       " has: ", absl::StrJoin(keys, ", ")));
    }
    components[key] = value;
  }
  for (const ChatFieldEntry& field : fields) {
    if (field.required && components[field.key].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "chat field \"", field.key, "\" (", field.label, ") is required"));
    }
  }

  JoinedRoom& room = (*session)->rooms[request.chat()];
  room.components = components;
  room.leaving = false;
  if (gc == nullptr || !(*session)->connected()) {
    // Joined once the session connects.
    return absl::OkStatus();
  }
  GHashTable* table =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  for (const auto& [key, value] : components) {
    g_hash_table_replace(table, g_strdup(key.c_str()), g_strdup(value.c_str()));
  }
  room.join_started = g_get_monotonic_time();
  serv_join_chat(gc, table);
  g_hash_table_destroy(table);
  return absl::OkStatus();
}

absl::Status PurpleSessions::LeaveChat(const OnLoop&,
                                       const v1::LeaveChatRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  auto known = (*session)->rooms.find(request.chat());
  PurpleConversation* conv = FindChat(*session, request.chat());
  if (known == (*session)->rooms.end() && conv == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "session ", request.session(), " is not in room ", request.chat()));
  }
  if (known != (*session)->rooms.end()) known->second.leaving = true;
  if (conv != nullptr && !purple_conv_chat_has_left(PURPLE_CONV_CHAT(conv))) {
    PurpleConnection* gc = purple_conversation_get_gc(conv);
    if (gc != nullptr) {
      serv_chat_leave(gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)));
    }
  }
  // Destroying the conversation ends it in libpurple ("chat-left"), while
  // the room is still known as being left: ChatLeft says we asked.
  if (conv != nullptr) purple_conversation_destroy(conv);
  // Not joined (yet): nothing to tell the network.
  (*session)->rooms.erase(request.chat());
  return absl::OkStatus();
}

absl::StatusOr<v1::SendChatMessageResponse> PurpleSessions::SendChatMessage(
    const OnLoop& loop, const v1::SendChatMessageRequest& request) {
  // Not connected comes first: a disconnect also leaves every chat.
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleConversation* conv = FindChat(*session, request.chat());
  if (conv == nullptr || purple_conv_chat_has_left(PURPLE_CONV_CHAT(conv))) {
    return absl::NotFoundError(absl::StrCat(
        "session ", request.session(), " is not in room ", request.chat()));
  }
  if (!request.private_to().empty()) {
    // Private messages to a member go through the protocol's name for them.
    PurpleConnection* gc = purple_conversation_get_gc(conv);
    PurplePluginProtocolInfo* info =
        PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
    std::string who = request.private_to();
    if (info != nullptr && info->get_cb_real_name != nullptr) {
      char* real = info->get_cb_real_name(
          gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)),
          request.private_to().c_str());
      if (real != nullptr) who = real;
      g_free(real);
    }
    v1::SendMessageRequest im;
    im.set_session(request.session());
    im.set_to(who);
    im.set_text(request.text());
    im.set_html(request.html());
    im.set_client_message_id(request.client_message_id());
    absl::StatusOr<v1::SendMessageResponse> sent = SendMessage(loop, im);
    if (!sent.ok()) return sent.status();
    v1::SendChatMessageResponse response;
    response.set_client_message_id(sent->client_message_id());
    response.set_accepted(sent->accepted());
    if (sent->has_failure()) *response.mutable_failure() = sent->failure();
    return response;
  }
  const std::string html =
      request.html().empty() ? TextToHtml(request.text()) : request.html();
  // Before the send: IRC writes its local echo from inside it.
  (*session)->own_sends.Note(
      {true, NormalizedName((*session)->account,
                            OrEmpty(purple_conversation_get_name(conv)))},
      HtmlToText(html.c_str()), request.client_message_id(), absl::Now());
  const int result =
      serv_chat_send(purple_conversation_get_gc(conv),
                     purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)),
                     html.c_str(), PURPLE_MESSAGE_SEND);
  v1::SendChatMessageResponse response;
  response.set_client_message_id(request.client_message_id());
  response.set_accepted(result >= 0);
  if (result < 0) *response.mutable_failure() = FailureFromErrno(-result);
  EmitSendResult(*session, request.chat(), response.client_message_id(),
                 response.accepted(),
                 response.has_failure() ? &response.failure() : nullptr);
  return response;
}

gboolean SubjectTimeout(gpointer data) {
  auto* pending = static_cast<PurpleSessions::PendingSubject*>(data);
  PurpleSessions* self = PurpleSessions::Get(OnLoop::InCallback());
  for (auto it = self->subject_waits_.begin(); it != self->subject_waits_.end();
       ++it) {
    if (it->get() != pending) continue;
    std::unique_ptr<PurpleSessions::PendingSubject> owned = std::move(*it);
    self->subject_waits_.erase(it);
    v1::SetChatSubjectResponse response;
    response.mutable_failure()->set_code(v1::FAILURE_CODE_TIMED_OUT);
    response.mutable_failure()->set_message(absl::StrCat(
        "the network reported no new subject for ", owned->chat, " within ",
        absl::FormatDuration(owned->wait),
        ": it may have refused the change (most networks let only moderators "
        "set the subject)"));
    owned->done(response);
    break;
  }
  return G_SOURCE_REMOVE;
}

void PurpleSessions::SetChatSubject(
    const OnLoop&, const v1::SetChatSubjectRequest& request,
    absl::Duration timeout,
    absl::AnyInvocable<void(absl::StatusOr<v1::SetChatSubjectResponse>)> done) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return done(session.status());
  PurpleConversation* conv = FindChat(*session, request.chat());
  if (conv == nullptr) {
    return done(absl::NotFoundError(absl::StrCat(
        "session ", request.session(), " is not in chat ", request.chat())));
  }
  PurpleConnection* gc = purple_conversation_get_gc(conv);
  PurplePluginProtocolInfo* info =
      PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
  if (!CanSetChatSubject(info)) {
    return done(absl::FailedPreconditionError(
        "this protocol cannot set a chat's subject"));
  }
  auto pending = std::make_unique<PendingSubject>();
  pending->session = request.session();
  pending->chat = request.chat();
  pending->wait = timeout;
  pending->done = std::move(done);
  pending->timeout =
      g_timeout_add(static_cast<guint>(absl::ToInt64Milliseconds(timeout)),
                    SubjectTimeout, pending.get());
  subject_waits_.push_back(std::move(pending));
  // Waits from before the call: plugins that report the change at once (IRC
  // echoes nothing until the server does; the fake network answers inside
  // the call) are answered by OnChatSubjectChanged.
  info->set_chat_topic(gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)),
                       request.subject().c_str());
}

void PurpleSessions::OnChatSubjectChanged(LoopSession* session,
                                          const std::string& chat,
                                          const std::string& subject) {
  v1::SetChatSubjectResponse response;
  response.set_subject(subject);
  AnswerSubjectWaits(session->key, &chat, response);
}

void PurpleSessions::FailSubjectWaits(const std::string& session,
                                      v1::FailureCode code,
                                      const std::string& why) {
  v1::SetChatSubjectResponse response;
  response.mutable_failure()->set_code(code);
  response.mutable_failure()->set_message(why);
  AnswerSubjectWaits(session, nullptr, response);
}

void PurpleSessions::AnswerSubjectWaits(
    const std::string& session, const std::string* chat,
    const v1::SetChatSubjectResponse& response) {
  // Taken out first: a `done` may start another wait.
  std::vector<std::unique_ptr<PendingSubject>> answered;
  for (auto it = subject_waits_.begin(); it != subject_waits_.end();) {
    if ((*it)->session == session &&
        (chat == nullptr || (*it)->chat == *chat)) {
      answered.push_back(std::move(*it));
      it = subject_waits_.erase(it);
    } else {
      ++it;
    }
  }
  for (std::unique_ptr<PendingSubject>& pending : answered) {
    g_source_remove(pending->timeout);
    pending->done(response);
  }
}

absl::Status PurpleSessions::AnswerChatInvitation(
    const OnLoop&, const v1::AnswerChatInvitationRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  if ((*session)->invitation_requests.count(request.invitation_id()) == 0) {
    return absl::NotFoundError(absl::StrCat("no open invitation ",
                                            request.invitation_id(),
                                            " in session ", request.session()));
  }
  // libpurple's invitation question: action 0 accepts, action 1 declines.
  v1::AnswerRequestRequest answer;
  answer.set_session(request.session());
  answer.set_request_id(request.invitation_id());
  answer.set_index(request.accept() ? 0 : 1);
  return requests_->Answer(*session, answer);
}

void PurpleSessions::ListChats(
    const OnLoop&, const v1::ListChatsRequest& request, absl::Duration timeout,
    absl::AnyInvocable<void(absl::StatusOr<v1::ListChatsResponse>)> done) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return done(session.status());
  PurpleConnection* gc = purple_account_get_connection((*session)->account);
  PurplePluginProtocolInfo* info =
      PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
  if (!HasChatList(info)) {
    return done(
        absl::FailedPreconditionError("this protocol has no chat list"));
  }
  ListChatsOf(gc, request.server(), timeout, std::move(done));
}

absl::StatusOr<v1::GetCapabilitiesResponse> PurpleSessions::GetCapabilities(
    const OnLoop&, const v1::GetCapabilitiesRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  v1::GetCapabilitiesResponse response;
  if (!request.chat().empty()) {
    PurpleConversation* conv = FindChat(*session, request.chat());
    if (conv == nullptr || purple_conv_chat_has_left(PURPLE_CONV_CHAT(conv))) {
      return absl::NotFoundError(absl::StrCat(
          "session ", request.session(), " is not in chat ", request.chat()));
    }
    *response.mutable_chat() = DescribeChatCapabilities(conv, request.chat());
  }
  TransferLimits limits;
  limits.max_send_file_size = kMaxFileBytes;
  limits.max_receive_file_size = options_.max_file_size;
  limits.max_message_size = kMaxMessageBytes;
  *response.mutable_session() = DescribeCapabilities(
      (*session)->account, (*session)->connected(), limits);
  return response;
}

}  // namespace lilac
