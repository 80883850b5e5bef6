#include "frontend_shim/translate/session_bridge.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/proto/duration.h"
#include "frontend_shim/log.h"
#include "frontend_shim/translate/request_prompt.h"
#include "frontend_shim/translate/wire_text.h"
#include "grpcpp/support/sync_stream.h"

namespace lilac::shim {
namespace {

using pbnetwork::WrapperMessage;

// Sessions logged out whose SessionEnded is awaited, at most: a bound in
// case it never comes.
constexpr size_t kMaxEndingSessions = 4096;
// Appended to a user's JID: the queue of their sign-on chat list.
constexpr char kChatListQueue[] = "\x1f chat list";
// How long a LOGIN waits for the SessionEnded of the user's session we just
// logged out, so that the settings it reported on the way out are loaded.
constexpr absl::Duration kEndingSessionWait = absl::Seconds(2);

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), " ", status.error_message());
}

// Spectrum's error number for a Login call that failed before any event.
int LoginErrorFor(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
      return pbnetwork::CONNECTION_ERROR_NETWORK_ERROR;  // retryable
    case grpc::StatusCode::NOT_FOUND:
      return pbnetwork::CONNECTION_ERROR_INVALID_USERNAME;  // no such prpl
    case grpc::StatusCode::INVALID_ARGUMENT:
      return pbnetwork::CONNECTION_ERROR_INVALID_SETTINGS;
    default:
      return pbnetwork::CONNECTION_ERROR_OTHER_ERROR;
  }
}

bool ReadFile(const std::string& path, std::string* data) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream content;
  content << in.rdbuf();
  *data = content.str();
  return true;
}

// Parses a payload with every required field and valid UTF-8, or logs why
// the frame is dropped.
template <typename T>
bool ParsePayload(const WrapperMessage& frame, T* payload) {
  const std::string type = WrapperMessage::Type_Name(frame.type());
  if (!payload->ParseFromString(frame.payload())) {
    T partial;
    partial.ParsePartialFromString(frame.payload());
    LogError(absl::StrCat(type, " frame dropped: payload is not a valid ",
                          T::descriptor()->name(), " (missing: ",
                          partial.InitializationErrorString(), ")"));
    return false;
  }
  if (std::string field = FindInvalidUtf8Field(*payload); !field.empty()) {
    LogError(absl::StrCat(type, " frame dropped: field '", field,
                          "' is not valid UTF-8"));
    return false;
  }
  return true;
}

// The Spectrum user a frame is about ("" when none): frames of one user are
// handled in order, frames of different users independently.
std::string FrameUser(const WrapperMessage& frame) {
  switch (frame.type()) {
    case WrapperMessage::TYPE_LOGIN: {
      pbnetwork::Login login;
      login.ParsePartialFromString(frame.payload());
      return login.user();
    }
    case WrapperMessage::TYPE_LOGOUT: {
      pbnetwork::Logout logout;
      logout.ParsePartialFromString(frame.payload());
      return logout.user();
    }
    case WrapperMessage::TYPE_STATUS_CHANGED: {
      pbnetwork::Status status;
      status.ParsePartialFromString(frame.payload());
      return status.username();
    }
    case WrapperMessage::TYPE_BUDDY_CHANGED:
    case WrapperMessage::TYPE_BUDDY_REMOVED:
    case WrapperMessage::TYPE_BUDDY_TYPING:
    case WrapperMessage::TYPE_BUDDY_TYPED:
    case WrapperMessage::TYPE_BUDDY_STOPPED_TYPING: {
      pbnetwork::Buddy buddy;
      buddy.ParsePartialFromString(frame.payload());
      return buddy.username();
    }
    case WrapperMessage::TYPE_CONV_MESSAGE:
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED:
    case WrapperMessage::TYPE_ATTENTION: {
      pbnetwork::ConversationMessage message;
      message.ParsePartialFromString(frame.payload());
      return message.username();
    }
    case WrapperMessage::TYPE_JOIN_ROOM:
    case WrapperMessage::TYPE_LEAVE_ROOM: {
      pbnetwork::Room room;
      room.ParsePartialFromString(frame.payload());
      return room.username();
    }
    case WrapperMessage::TYPE_VCARD: {
      pbnetwork::VCard vcard;
      vcard.ParsePartialFromString(frame.payload());
      return vcard.username();
    }
    default:
      return "";
  }
}

}  // namespace

SessionBridge::SessionBridge(std::shared_ptr<grpc::Channel> channel,
                             Options options, SendFrame send)
    : options_(std::move(options)),
      send_(std::move(send)),
      stub_(v1::LilacService::NewStub(std::move(channel))),
      web_storage_(options_.web_directory, options_.web_url,
                   options_.web_maximgsize),
      translator_(
          EventTranslator::Options{options_.request_contact, &web_storage_}) {
  events_ = std::thread([this] { RunEvents(); });
}

SessionBridge::~SessionBridge() {
  {
    absl::MutexLock lock(&queue_mutex_);
    stopping_ = true;
    if (stream_context_ != nullptr) stream_context_->TryCancel();
    for (grpc::ClientContext* call : calls_) call->TryCancel();
  }
  // Running tasks return quickly now: their calls fail as cancelled.
  queues_.Stop();
  events_.join();
  std::vector<std::string> sessions;
  {
    absl::MutexLock lock(&mutex_);
    for (const auto& [session, user] : session_users_) {
      sessions.push_back(session);
    }
    session_users_.clear();
    users_.clear();
  }
  for (const std::string& session : sessions) {
    v1::LogoutRequest request;
    request.set_session(session);
    v1::LogoutResponse response;
    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.rpc_timeout));
    const grpc::Status status = stub_->Logout(&context, request, &response);
    if (!status.ok()) {
      LogWarning(absl::StrCat("logout of session ", session,
                              " at exit: ", Describe(status)));
    }
  }
  LogInfo(absl::StrCat(sessions.size(), " session(s) logged out"));
}

void SessionBridge::Enqueue(WrapperMessage frame) {
  const std::string user = FrameUser(frame);
  if (frame.type() == WrapperMessage::TYPE_CONV_MESSAGE &&
      !IsToRequestContact(frame)) {
    // The hot path: an asynchronous call, started on this thread when the
    // user has nothing else queued, the next one from its completion.
    queues_.PostAsync(user,
                      [this, frame = std::move(frame)](UserQueues::Done done) {
                        StartSendMessage(frame, std::move(done));
                      });
    return;
  }
  Post(user, [this, frame = std::move(frame)] { HandleFrame(frame); });
}

bool SessionBridge::IsToRequestContact(const WrapperMessage& frame) const {
  pbnetwork::ConversationMessage message;
  message.ParsePartialFromString(frame.payload());
  return message.buddyname() == options_.request_contact;
}

void SessionBridge::Post(const std::string& user, Task task) {
  queues_.Post(user, std::move(task));
}

void SessionBridge::ContextDeleter::operator()(
    grpc::ClientContext* context) const {
  {
    absl::MutexLock lock(&bridge->queue_mutex_);
    bridge->calls_.erase(context);
  }
  delete context;
}

SessionBridge::CallContext SessionBridge::Context() {
  CallContext context(new grpc::ClientContext(), ContextDeleter{this});
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.rpc_timeout));
  absl::MutexLock lock(&queue_mutex_);
  calls_.insert(context.get());
  if (stopping_) context->TryCancel();
  return context;
}

void SessionBridge::Send(const WrapperMessage& frame) { send_(frame); }

void SessionBridge::RunEvents() {
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    grpc::ClientContext context;
    {
      absl::MutexLock lock(&queue_mutex_);
      if (stopping_) return;
      stream_context_ = &context;
    }
    v1::StreamEventsRequest request;
    request.set_all_sessions(true);
    // Send results come from SendMessage's own reply.
    request.add_omit(v1::EVENT_KIND_MESSAGE_SEND_RESULT);
    request.set_hold_network_when_behind(options_.hold_network_when_behind);
    std::unique_ptr<grpc::ClientReader<v1::StreamEventsResponse>> reader =
        stub_->StreamEvents(&context, request);
    v1::StreamEventsResponse message;
    bool received = false;
    while (reader->Read(&message)) {
      if (!received) {
        received = true;
        backoff = options_.initial_backoff;
        OnStreamOpened();
      }
      // StreamOpened and heartbeats carry nothing for Spectrum: every
      // session is followed from its start, and a new stream starts afresh.
      if (message.has_event()) HandleEvent(message.event());
    }
    const grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&queue_mutex_);
      stream_context_ = nullptr;
      if (stopping_) return;
    }
    LogError(absl::StrCat("lilacd's event stream ended (", Describe(status),
                          "); reconnecting in ",
                          absl::FormatDuration(backoff)));
    DisconnectFollowed("lilacd is unreachable");
    {
      absl::MutexLock lock(&queue_mutex_);
      queue_mutex_.AwaitWithTimeout(
          absl::Condition(
              +[](bool* stopping) { return *stopping; }, &stopping_),
          backoff);
      if (stopping_) return;
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

void SessionBridge::OnStreamOpened() {
  std::vector<std::pair<std::string, std::string>> unsure;  // user, session
  {
    absl::MutexLock lock(&mutex_);
    stream_open_ = true;
    for (auto& [jid, user] : users_) {
      if (user.followed) continue;
      user.followed = true;
      // Answered by a lilacd that may have gone before this stream opened;
      // a Login still in flight is answered by this one, or the stream ends.
      if (user.login_answered && !user.disconnected) {
        unsure.emplace_back(jid, user.session);
      }
    }
  }
  for (auto& [jid, session] : unsure) {
    Post(jid, [this, jid = jid, session = std::move(session)] {
      CheckSessionExists(jid, session);
    });
  }
}

void SessionBridge::CheckSessionExists(const std::string& user,
                                       const std::string& session) {
  v1::GetSessionRequest request;
  request.set_session(session);
  v1::GetSessionResponse response;
  const grpc::Status status =
      stub_->GetSession(Context().get(), request, &response);
  // Any other failure ends the stream, which disconnects the user.
  if (status.error_code() != grpc::StatusCode::NOT_FOUND) return;
  absl::MutexLock lock(&mutex_);
  auto it = users_.find(user);
  if (it == users_.end() || it->second.session != session) return;
  SendLost(it->second, "lilacd restarted after the login");
}

void SessionBridge::DisconnectFollowed(const std::string& why) {
  absl::MutexLock lock(&mutex_);
  stream_open_ = false;
  // The stream that would have told their last settings is gone.
  ending_sessions_.clear();
  for (auto& [jid, user] : users_) {
    if (user.followed) SendLost(user, why);
  }
}

void SessionBridge::SendLost(UserState& user, const std::string& why) {
  if (user.disconnected) return;
  user.disconnected = true;
  user.connected = false;
  pbnetwork::Disconnected disconnected;
  disconnected.set_user(user.user);
  // Retryable: Spectrum logs the user in again.
  disconnected.set_error(pbnetwork::CONNECTION_ERROR_OTHER_ERROR);
  disconnected.set_message(why);
  Send(WrapFrame(WrapperMessage::TYPE_DISCONNECTED, disconnected));
}

void SessionBridge::HandleEvent(const v1::Event& event) {
  EventTranslator::Output out;
  std::string jid;
  {
    absl::MutexLock lock(&mutex_);
    auto session = session_users_.find(event.session());
    if (session != session_users_.end()) {
      jid = session->second;
      auto user = users_.find(jid);
      if (user == users_.end()) return;
      out = translator_.Translate(event, user->second, delivered_[jid],
                                  absl::Now());
      // Sent under the lock, so frames of one user keep the events' order.
      for (const WrapperMessage& frame : out.frames) Send(frame);
    } else if (auto ending = ending_sessions_.find(event.session());
               ending != ending_sessions_.end()) {
      // Logged out by us: only the settings it reports on the way out
      // still count.
      jid = ending->second;
      if (event.has_session_ended()) ending_sessions_.erase(ending);
      if (!event.has_account_settings_changed()) return;
    } else {
      return;  // not ours
    }
  }
  if (event.has_account_settings_changed()) {
    SaveSettings(jid, event.account_settings_changed());
  }
  for (const std::string& line : out.log) LogInfo(line);
  for (const std::string& line : out.warnings) LogWarning(line);
  if (out.connected) Post(jid, [this, jid] { ApplyAfterConnect(jid); });
  for (const v1::FileReceived& file : out.files) {
    Post(jid, [this, jid, file] { OfferFile(jid, file); });
  }
}

void SessionBridge::SaveSettings(const std::string& jid,
                                 const v1::AccountSettingsChanged& changed) {
  if (options_.saved_settings == nullptr) return;
  // Values are secrets: only counts are logged.
  const absl::Status applied = options_.saved_settings->Apply(jid, changed);
  if (!applied.ok()) {
    LogWarning(absl::StrCat("settings changed by the plugin for ", jid,
                            " not saved (", changed.settings_size(),
                            " changed, ", changed.removed_keys_size(),
                            " removed): ", applied.message()));
    return;
  }
  LogInfo(absl::StrCat("saved settings of ", jid,
                       " updated: ", changed.settings_size(), " changed, ",
                       changed.removed_keys_size(), " removed"));
}

void SessionBridge::NoteEndingSession(const std::string& session,
                                      const std::string& jid) {
  if (options_.saved_settings == nullptr) return;
  if (ending_sessions_.size() >= kMaxEndingSessions) {
    ending_sessions_.erase(ending_sessions_.begin());
  }
  ending_sessions_[session] = jid;
}

void SessionBridge::HandleFrame(const WrapperMessage& frame) {
  switch (frame.type()) {
    case WrapperMessage::TYPE_LOGIN: {
      pbnetwork::Login login;
      if (ParsePayload(frame, &login)) Login(login);
      break;
    }
    case WrapperMessage::TYPE_LOGOUT: {
      pbnetwork::Logout logout;
      if (ParsePayload(frame, &logout)) Logout(logout);
      break;
    }
    case WrapperMessage::TYPE_STATUS_CHANGED: {
      pbnetwork::Status status;
      if (ParsePayload(frame, &status)) ChangeStatus(status);
      break;
    }
    case WrapperMessage::TYPE_BUDDY_CHANGED: {
      pbnetwork::Buddy buddy;
      if (ParsePayload(frame, &buddy)) ChangeBuddy(buddy);
      break;
    }
    case WrapperMessage::TYPE_BUDDY_REMOVED: {
      pbnetwork::Buddy buddy;
      if (ParsePayload(frame, &buddy)) RemoveBuddy(buddy);
      break;
    }
    case WrapperMessage::TYPE_CONV_MESSAGE: {
      // Only answers to the request contact come here (see Enqueue).
      pbnetwork::ConversationMessage message;
      if (ParsePayload(frame, &message)) {
        AnswerRequest(message.username(), message.message());
      }
      break;
    }
    case WrapperMessage::TYPE_JOIN_ROOM: {
      pbnetwork::Room room;
      if (ParsePayload(frame, &room)) JoinRoom(room);
      break;
    }
    case WrapperMessage::TYPE_LEAVE_ROOM: {
      pbnetwork::Room room;
      if (ParsePayload(frame, &room)) LeaveRoom(room);
      break;
    }
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED: {
      pbnetwork::ConversationMessage message;
      if (ParsePayload(frame, &message)) SetSubject(message);
      break;
    }
    case WrapperMessage::TYPE_VCARD: {
      pbnetwork::VCard vcard;
      if (ParsePayload(frame, &vcard)) HandleVCard(vcard);
      break;
    }
    case WrapperMessage::TYPE_BUDDY_TYPING:
    case WrapperMessage::TYPE_BUDDY_TYPED:
    case WrapperMessage::TYPE_BUDDY_STOPPED_TYPING: {
      pbnetwork::Buddy buddy;
      if (ParsePayload(frame, &buddy)) SendTyping(frame.type(), buddy);
      break;
    }
    case WrapperMessage::TYPE_ATTENTION: {
      pbnetwork::ConversationMessage message;
      if (ParsePayload(frame, &message)) SendAttention(message);
      break;
    }
    case WrapperMessage::TYPE_BUDDIES: {
      // Spectrum's stored roster (send_buddies_on_login, which we never
      // ask for): the network's own list is authoritative.
      pbnetwork::Buddies buddies;
      if (ParsePayload(frame, &buddies)) {
        LogInfo(absl::StrCat("BUDDIES with ", buddies.buddy_size(),
                             " contacts ignored: the network's list is used"));
      }
      break;
    }
    case WrapperMessage::TYPE_RAW_XML:
      LogInfo(absl::StrCat("RAW_XML of ", frame.payload().size(),
                           " bytes ignored (raw XML mode is off)"));
      break;
    case WrapperMessage::TYPE_QUERY:
      LogInfo("QUERY ignored: admin queries go to Spectrum, not backends");
      break;
    default:
      LogError(absl::StrCat("frame of type ",
                            WrapperMessage::Type_Name(frame.type()),
                            " is not one Spectrum sends to backends; dropped"));
      break;
  }
}

std::string SessionBridge::SessionOf(const std::string& user,
                                     const char* what) {
  absl::MutexLock lock(&mutex_);
  auto it = users_.find(user);
  if (it == users_.end() || it->second.disconnected) {
    LogWarning(
        absl::StrCat(what, " for ", user, ", who is not logged in; dropped"));
    return "";
  }
  return it->second.session;
}

void SessionBridge::Login(const pbnetwork::Login& login) {
  v1::LoginRequest request;
  if (options_.protocol == "any") {
    const size_t dot = login.legacyname().find('.');
    if (dot == std::string::npos || dot == 0) {
      pbnetwork::Disconnected disconnected;
      disconnected.set_user(login.user());
      disconnected.set_error(pbnetwork::CONNECTION_ERROR_INVALID_USERNAME);
      disconnected.set_message(
          "With protocol=any the legacy name is <prpl-id>.<username>");
      Send(WrapFrame(WrapperMessage::TYPE_DISCONNECTED, disconnected));
      return;
    }
    request.set_protocol(login.legacyname().substr(0, dot));
    request.set_username(login.legacyname().substr(dot + 1));
    // Nothing to check [purple] against at start with "any": here, once
    // per protocol.
    if (options_.settings_check != nullptr) {
      CallContext context = Context();
      context->set_wait_for_ready(true);
      const absl::Status checked = options_.settings_check->CheckWith(
          *stub_, context.get(), request.protocol());
      if (!checked.ok()) {
        LogWarning(absl::StrCat("login of ", login.user(),
                                " refused: ", checked.message()));
        pbnetwork::Disconnected disconnected;
        disconnected.set_user(login.user());
        disconnected.set_error(pbnetwork::CONNECTION_ERROR_INVALID_SETTINGS);
        disconnected.set_message(std::string(checked.message()));
        Send(WrapFrame(WrapperMessage::TYPE_DISCONNECTED, disconnected));
        return;
      }
    }
  } else {
    request.set_protocol(options_.protocol);
    request.set_username(login.legacyname());
  }
  std::string old_session;
  {
    absl::MutexLock lock(&mutex_);
    auto existing = users_.find(login.user());
    if (existing != users_.end()) {
      // A LOGIN without LOGOUT: start over.
      old_session = existing->second.session;
      session_users_.erase(old_session);
      NoteEndingSession(old_session, login.user());
      users_.erase(existing);
    }
    UserState& user = users_[login.user()];
    user.user = login.user();
    user.legacy_name = login.legacyname();
    user.protocol = request.protocol();
    user.username = request.username();
    user.session = absl::StrCat("spectrum:", getpid(), ":", ++next_login_, ":",
                                login.user());
    session_users_[user.session] = login.user();
    user.followed = stream_open_;
    request.set_session(user.session);
  }
  if (!old_session.empty()) {
    v1::LogoutRequest logout;
    logout.set_session(old_session);
    v1::LogoutResponse ignored;
    if (!stub_->Logout(Context().get(), logout, &ignored).ok()) {
      absl::MutexLock lock(&mutex_);
      ending_sessions_.erase(old_session);
    }
  }
  request.set_password(login.password());
  for (const auto& [key, value] : options_.purple_settings) {
    (*request.mutable_settings())[key] = value;
  }
  // Plugins read settings they never declare (API keys...).
  request.set_undeclared_settings_as_strings(true);
  // As upstream: the user's settings are account strings, set before
  // [purple] (which wins on a shared key).
  for (const auto& [key, value] : login.settings().value()) {
    if (!key.empty()) (*request.mutable_account_strings())[key] = value;
  }
  if (options_.saved_settings != nullptr) {
    {
      // An earlier session of the user reports its last settings before
      // its SessionEnded: wait (briefly) for that, then load.
      absl::MutexLock lock(&mutex_);
      const std::string& jid = login.user();
      const auto none_ending = [this, &jid]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        for (const auto& [session, user] : ending_sessions_) {
          if (user == jid) return false;
        }
        return true;
      };
      mutex_.AwaitWithTimeout(absl::Condition(&none_ending),
                              kEndingSessionWait);
    }
    for (v1::AccountSetting& setting :
         options_.saved_settings->Load(login.user())) {
      *request.add_saved_settings() = std::move(setting);
    }
  }
  if (options_.proxy) *request.mutable_proxy() = *options_.proxy;
  request.mutable_connect_timeout()->set_seconds(
      absl::ToInt64Seconds(options_.connect_timeout));
  LogInfo(absl::StrCat("LOGIN ", login.user(), " as ", request.username(),
                       " on ", request.protocol(), " (",
                       request.account_strings_size(), " per-user settings, ",
                       request.saved_settings_size(), " saved settings)"));
  v1::LoginResponse response;
  CallContext context = Context();
  // A (remote) lilacd that is restarting gets until the deadline to come
  // back, instead of failing the login at once.
  context->set_wait_for_ready(true);
  const grpc::Status status = stub_->Login(context.get(), request, &response);
  absl::MutexLock lock(&mutex_);
  auto user = users_.find(login.user());
  if (user == users_.end() || user->second.session != request.session()) {
    return;  // logged out meanwhile
  }
  if (!status.ok()) {
    LogError(
        absl::StrCat("login of ", login.user(), " failed: ", Describe(status)));
    if (!user->second.disconnected) {
      user->second.disconnected = true;
      pbnetwork::Disconnected disconnected;
      disconnected.set_user(login.user());
      disconnected.set_error(LoginErrorFor(status));
      disconnected.set_message(status.error_message());
      Send(WrapFrame(WrapperMessage::TYPE_DISCONNECTED, disconnected));
    }
    return;
  }
  user->second.login_answered = true;
  std::vector<std::string> fresh;
  for (const std::string& key : response.ignored_settings()) {
    if (logged_ignored_settings_
            .insert(absl::StrCat(request.protocol(), "/", key))
            .second) {
      fresh.push_back(key);
    }
  }
  // Only per-user settings are left out now: declared keys whose value does
  // not fit the option's type.
  if (!fresh.empty()) {
    LogWarning(
        absl::StrCat("per-user settings that do not fit ", request.protocol(),
                     "'s options, left out: ", absl::StrJoin(fresh, ", ")));
  }
}

void SessionBridge::Logout(const pbnetwork::Logout& logout) {
  std::string session;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(logout.user());
    if (it == users_.end()) {
      LogInfo(
          absl::StrCat("LOGOUT for ", logout.user(), ", who is not logged in"));
      return;
    }
    session = it->second.session;
    // Nothing more is sent for this user from now on.
    session_users_.erase(session);
    NoteEndingSession(session, logout.user());
    users_.erase(it);
  }
  LogInfo(absl::StrCat("LOGOUT ", logout.user()));
  v1::LogoutRequest request;
  request.set_session(session);
  v1::LogoutResponse response;
  const grpc::Status status =
      stub_->Logout(Context().get(), request, &response);
  if (!status.ok()) {
    absl::MutexLock lock(&mutex_);
    ending_sessions_.erase(session);
  }
  if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
    LogWarning(
        absl::StrCat("logout of ", logout.user(), ": ", Describe(status)));
  }
}

void SessionBridge::ChangeStatus(const pbnetwork::Status& status) {
  v1::SetStatusRequest request;
  request.set_presence(PresenceFromStatus(status.status()));
  request.set_message(status.statusmessage());
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(status.username());
    if (it == users_.end() || it->second.disconnected) {
      LogWarning(absl::StrCat("STATUS_CHANGED for ", status.username(),
                              ", who is not logged in; dropped"));
      return;
    }
    request.set_session(it->second.session);
    if (!it->second.connected) {
      it->second.pending_status = request;  // applied on CONNECTED
      return;
    }
  }
  v1::SetStatusResponse response;
  const grpc::Status result =
      stub_->SetStatus(Context().get(), request, &response);
  if (!result.ok()) {
    LogWarning(
        absl::StrCat("status of ", status.username(), ": ", Describe(result)));
  }
}

void SessionBridge::ChangeBuddy(const pbnetwork::Buddy& buddy) {
  if (buddy.buddyname() == options_.request_contact) return;
  std::string session;
  uint64_t authorization = 0;
  bool known = false;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(buddy.username());
    if (it == users_.end() || it->second.disconnected) {
      LogWarning(absl::StrCat("BUDDY_CHANGED for ", buddy.username(),
                              ", who is not logged in; dropped"));
      return;
    }
    if (!it->second.connected) {
      it->second.pending_buddies.emplace_back(buddy, false);
      return;
    }
    session = it->second.session;
    auto pending = it->second.authorizations.find(buddy.buddyname());
    if (pending != it->second.authorizations.end()) {
      authorization = pending->second;
      it->second.authorizations.erase(pending);
    }
    known = it->second.buddies.count(buddy.buddyname()) > 0;
  }
  if (authorization != 0) {
    v1::AnswerAuthorizationRequest request;
    request.set_session(session);
    request.set_authorization_id(authorization);
    request.set_accept(true);
    v1::AnswerAuthorizationResponse response;
    const grpc::Status status =
        stub_->AnswerAuthorization(Context().get(), request, &response);
    if (!status.ok()) {
      LogWarning(absl::StrCat("accepting ", buddy.buddyname(), " for ",
                              buddy.username(), ": ", Describe(status)));
    }
  }
  grpc::Status status;
  if (known) {
    v1::UpdateBuddyRequest request;
    request.set_session(session);
    request.set_name(buddy.buddyname());
    if (!buddy.alias().empty()) request.set_alias(buddy.alias());
    for (const std::string& group : buddy.group()) request.add_groups(group);
    v1::UpdateBuddyResponse response;
    status = stub_->UpdateBuddy(Context().get(), request, &response);
  } else {
    v1::AddBuddyRequest request;
    request.set_session(session);
    request.set_name(buddy.buddyname());
    request.set_alias(buddy.alias());
    for (const std::string& group : buddy.group()) request.add_groups(group);
    v1::AddBuddyResponse response;
    status = stub_->AddBuddy(Context().get(), request, &response);
  }
  if (!status.ok()) {
    LogWarning(absl::StrCat("buddy ", buddy.buddyname(), " of ",
                            buddy.username(), ": ", Describe(status)));
  }
}

void SessionBridge::RemoveBuddy(const pbnetwork::Buddy& buddy) {
  if (buddy.buddyname() == options_.request_contact) return;
  std::string session;
  uint64_t authorization = 0;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(buddy.username());
    if (it == users_.end() || it->second.disconnected) {
      LogWarning(absl::StrCat("BUDDY_REMOVED for ", buddy.username(),
                              ", who is not logged in; dropped"));
      return;
    }
    if (!it->second.connected) {
      it->second.pending_buddies.emplace_back(buddy, true);
      return;
    }
    session = it->second.session;
    auto pending = it->second.authorizations.find(buddy.buddyname());
    if (pending != it->second.authorizations.end()) {
      authorization = pending->second;
      it->second.authorizations.erase(pending);
    }
  }
  if (authorization != 0) {
    v1::AnswerAuthorizationRequest request;
    request.set_session(session);
    request.set_authorization_id(authorization);
    request.set_accept(false);
    v1::AnswerAuthorizationResponse response;
    stub_->AnswerAuthorization(Context().get(), request, &response);
    return;
  }
  if (!options_.enable_remove_buddy) {
    LogInfo(absl::StrCat("not removing ", buddy.buddyname(), " of ",
                         buddy.username(),
                         " on the network: service.enable_remove_buddy is "
                         "off"));
    return;
  }
  v1::RemoveBuddyRequest request;
  request.set_session(session);
  request.set_name(buddy.buddyname());
  v1::RemoveBuddyResponse response;
  const grpc::Status status =
      stub_->RemoveBuddy(Context().get(), request, &response);
  if (!status.ok()) {
    LogWarning(
        absl::StrCat("removing ", buddy.buddyname(), ": ", Describe(status)));
  }
}

void SessionBridge::SendHelperMessage(const std::string& user,
                                      const std::string& text) {
  absl::MutexLock lock(&mutex_);
  auto it = users_.find(user);
  if (it == users_.end() || it->second.disconnected) return;
  std::vector<WrapperMessage> frames;
  translator_.AddHelperMessage(it->second, text, &frames);
  for (const WrapperMessage& frame : frames) Send(frame);
}

void SessionBridge::StartSendMessage(const WrapperMessage& frame,
                                     UserQueues::Done done) {
  auto message = std::make_shared<pbnetwork::ConversationMessage>();
  if (!ParsePayload(frame, message.get())) return done();
  auto call = std::make_shared<SendCall>();
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(message->username());
    if (it == users_.end() || it->second.disconnected) {
      LogWarning(absl::StrCat("CONV_MESSAGE for ", message->username(),
                              ", who is not logged in; dropped"));
      return done();
    }
    call->session = it->second.session;
    const std::string& name = message->buddyname();
    if (it->second.rooms.count(name)) {
      call->room = name;
    } else if (size_t slash = name.rfind('/');
               slash != std::string::npos &&
               it->second.rooms.count(name.substr(0, slash))) {
      call->room = name.substr(0, slash);
      call->private_to = name.substr(slash + 1);
    }
  }
  call->context = Context();
  // std::function wants a copyable callback; `done` is move-only.
  auto shared_done = std::make_shared<UserQueues::Done>(std::move(done));
  // Mutable: the call's state leaves the callback before `done` runs (gRPC
  // destroys the callback only after it returns).
  auto on_reply = [this, call, message,
                   shared_done](grpc::Status status) mutable {
    FinishSendMessage(*message, std::move(call), status,
                      std::move(*shared_done));
  };
  if (!call->room.empty()) {
    v1::SendChatMessageRequest& request = call->chat_request;
    request.set_session(call->session);
    request.set_chat(call->room);
    request.set_text(message->message());
    request.set_html(message->xhtml());
    request.set_client_message_id(message->id());
    request.set_private_to(call->private_to);
    stub_->async()->SendChatMessage(call->context.get(), &request,
                                    &call->chat_response, std::move(on_reply));
  } else {
    v1::SendMessageRequest& request = call->request;
    request.set_session(call->session);
    request.set_to(message->buddyname());
    request.set_text(message->message());
    request.set_html(message->xhtml());
    request.set_client_message_id(message->id());
    stub_->async()->SendMessage(call->context.get(), &request, &call->response,
                                std::move(on_reply));
  }
}

void SessionBridge::StartListChats(const std::string& user,
                                   const std::string& session,
                                   UserQueues::Done done) {
  struct ListCall {
    v1::ListChatsRequest request;
    v1::ListChatsResponse response;
    CallContext context{nullptr, ContextDeleter{nullptr}};
  };
  auto call = std::make_shared<ListCall>();
  call->request.set_session(session);
  *call->request.mutable_timeout() = ToProtoDuration(options_.rpc_timeout);
  call->context = Context();
  // lilacd's own deadline ends the list first, with its reason.
  call->context->set_deadline(absl::ToChronoTime(
      absl::Now() + options_.rpc_timeout + absl::Seconds(5)));
  auto shared_done = std::make_shared<UserQueues::Done>(std::move(done));
  stub_->async()->ListChats(
      call->context.get(), &call->request, &call->response,
      [this, call, user, shared_done](grpc::Status status) mutable {
        v1::ListChatsResponse response = std::move(call->response);
        call.reset();  // the context refers to us: gone before `done`
        if (!status.ok()) {
          if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
            LogWarning(
                absl::StrCat("chat list of ", user, ": ", Describe(status)));
          }
        } else if (std::optional<WrapperMessage> frame =
                       ChatListFrame(user, response)) {
          absl::MutexLock lock(&mutex_);
          if (users_.count(user)) Send(*frame);
        }
        (*shared_done)();
      });
}

void SessionBridge::FinishSendMessage(
    const pbnetwork::ConversationMessage& message,
    std::shared_ptr<SendCall> owned_call, const grpc::Status& status,
    UserQueues::Done done) {
  SendCall call = std::move(*owned_call);
  owned_call.reset();
  call.context.reset();  // the call is over; the context refers to us
  const bool accepted = call.room.empty() ? call.response.accepted()
                                          : call.chat_response.accepted();
  if (!status.ok() || !accepted) {
    const v1::Failure& failure = call.room.empty()
                                     ? call.response.failure()
                                     : call.chat_response.failure();
    const std::string why =
        status.ok() ? failure.message() : status.error_message();
    LogWarning(absl::StrCat("message from ", message.username(), " to ",
                            message.buddyname(), " not sent: ", why));
    SendHelperMessage(message.username(),
                      absl::StrCat("Your message to ", message.buddyname(),
                                   " was not delivered: ", why));
    return done();
  }
  // The user answered, so they saw the conversation (Facebook then marks
  // it read and stops replaying it). Taken before the ack, so a message that
  // arrives after Spectrum saw the ack stays unread.
  const std::string conversation =
      call.room.empty() ? message.buddyname() : call.room;
  const bool unread = TakeUnread(message.username(), call.session, conversation,
                                 !call.room.empty());
  if (!message.id().empty() && call.private_to.empty() && call.room.empty()) {
    pbnetwork::ConversationMessage ack;
    ack.set_username(message.username());
    ack.set_buddyname(message.buddyname());
    ack.set_message("");
    ack.set_id(message.id());
    absl::MutexLock lock(&mutex_);
    if (users_.count(message.username())) {
      Send(WrapFrame(WrapperMessage::TYPE_CONV_MESSAGE_ACK, ack));
    }
  }
  if (!unread) return done();
  auto read = std::make_shared<ReadCall>();
  read->request.set_session(call.session);
  read->request.set_conversation(conversation);
  read->request.set_chat(!call.room.empty());
  read->context = Context();
  auto shared_done = std::make_shared<UserQueues::Done>(std::move(done));
  ReadCall* in_flight = read.get();
  stub_->async()->MarkRead(in_flight->context.get(), &in_flight->request,
                           &in_flight->response,
                           [read, shared_done](grpc::Status) mutable {
                             // Best effort, as the plugin's own mark-read.
                             read->context.reset();
                             read.reset();
                             (*shared_done)();
                           });
}

bool SessionBridge::TakeUnread(const std::string& user,
                               const std::string& session,
                               const std::string& conversation, bool room) {
  absl::MutexLock lock(&mutex_);
  auto it = users_.find(user);
  return it != users_.end() && it->second.session == session &&
         it->second.TakeUnread(conversation, room);
}

void SessionBridge::MarkReadIfUnread(const std::string& user,
                                     const std::string& session,
                                     const std::string& conversation,
                                     bool room) {
  if (!TakeUnread(user, session, conversation, room)) return;
  v1::MarkReadRequest read;
  read.set_session(session);
  read.set_conversation(conversation);
  read.set_chat(room);
  v1::MarkReadResponse ignored;
  stub_->MarkRead(Context().get(), read, &ignored);
}

void SessionBridge::AnswerRequest(const std::string& user,
                                  const std::string& reply) {
  auto [wanted_id, text] = SplitRequestId(reply);
  std::string session;
  v1::RequestOpened request;
  std::string problem;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(user);
    if (it == users_.end() || it->second.disconnected) return;
    session = it->second.session;
    auto& requests = it->second.requests;
    if (requests.empty()) {
      problem = "There is no open request to answer.";
    } else if (wanted_id == 0) {
      request = requests.begin()->second;
    } else if (auto found = requests.find(wanted_id); found != requests.end()) {
      request = found->second;
    } else {
      problem = absl::StrCat("There is no open request #", wanted_id, ".");
    }
  }
  if (!problem.empty()) {
    SendHelperMessage(user, problem);
    return;
  }
  auto parsed = ParseRequestReply(request, text);
  if (!parsed.ok()) {
    SendHelperMessage(user, absl::StrCat("[Request #", request.request_id(),
                                         "] ", parsed.status().message()));
    return;
  }
  grpc::Status status;
  if (std::holds_alternative<CancelAnswer>(*parsed)) {
    v1::CancelRequestRequest cancel;
    cancel.set_session(session);
    cancel.set_request_id(request.request_id());
    v1::CancelRequestResponse response;
    status = stub_->CancelRequest(Context().get(), cancel, &response);
  } else {
    v1::AnswerRequestRequest answer =
        std::get<v1::AnswerRequestRequest>(*std::move(parsed));
    answer.set_session(session);
    answer.set_request_id(request.request_id());
    v1::AnswerRequestResponse response;
    status = stub_->AnswerRequest(Context().get(), answer, &response);
  }
  if (!status.ok()) {
    SendHelperMessage(user,
                      absl::StrCat("[Request #", request.request_id(),
                                   "] not answered: ", status.error_message()));
    return;
  }
  absl::MutexLock lock(&mutex_);
  if (auto it = users_.find(user); it != users_.end()) {
    it->second.requests.erase(request.request_id());
  }
}

void SessionBridge::SendJoinError(const std::string& user,
                                  const std::string& room, int flag,
                                  const std::string& message) {
  absl::MutexLock lock(&mutex_);
  auto it = users_.find(user);
  if (it == users_.end()) return;
  auto joined = it->second.rooms.find(room);
  if (joined == it->second.rooms.end()) return;
  pbnetwork::Participant self;
  self.set_username(user);
  self.set_room(room);
  self.set_nickname(joined->second.nickname);
  self.set_flag(flag);
  self.set_status(pbnetwork::STATUS_NONE);
  self.set_statusmessage(message);
  Send(WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED, self));
  it->second.rooms.erase(joined);
}

void SessionBridge::JoinRoom(const pbnetwork::Room& room) {
  v1::JoinChatRequest request;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(room.username());
    if (it == users_.end() || it->second.disconnected) {
      LogWarning(absl::StrCat("JOIN_ROOM for ", room.username(),
                              ", who is not logged in; dropped"));
      return;
    }
    RoomState& state = it->second.rooms[room.room()];
    state.room = room.room();
    state.nickname = room.nickname();
    state.password = room.password();
    state.joined = false;
    if (!it->second.connected) {
      it->second.pending_joins.push_back(room.room());
      return;
    }
    request.set_session(it->second.session);
  }
  request.set_chat(room.room());
  request.set_nickname(room.nickname());
  request.set_password(room.password());
  v1::JoinChatResponse response;
  const grpc::Status status =
      stub_->JoinChat(Context().get(), request, &response);
  if (!status.ok()) {
    LogWarning(absl::StrCat("joining ", room.room(), " for ", room.username(),
                            ": ", Describe(status)));
    SendJoinError(room.username(), room.room(),
                  pbnetwork::PARTICIPANT_FLAG_ROOM_NOT_FOUND,
                  status.error_message());
  }
}

void SessionBridge::LeaveRoom(const pbnetwork::Room& room) {
  std::string session;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(room.username());
    if (it == users_.end()) return;
    it->second.rooms.erase(room.room());
    auto& pending = it->second.pending_joins;
    pending.erase(std::remove(pending.begin(), pending.end(), room.room()),
                  pending.end());
    if (!it->second.connected) return;
    session = it->second.session;
  }
  v1::LeaveChatRequest request;
  request.set_session(session);
  request.set_chat(room.room());
  v1::LeaveChatResponse response;
  stub_->LeaveChat(Context().get(), request, &response);
}

void SessionBridge::SetSubject(const pbnetwork::ConversationMessage& message) {
  const std::string session =
      SessionOf(message.username(), "ROOM_SUBJECT_CHANGED");
  if (session.empty()) return;
  v1::SetChatSubjectRequest request;
  request.set_session(session);
  request.set_chat(message.buddyname());
  request.set_subject(message.message());
  v1::SetChatSubjectResponse response;
  const grpc::Status status =
      stub_->SetChatSubject(Context().get(), request, &response);
  if (!status.ok()) {
    LogWarning(absl::StrCat("subject of ", message.buddyname(), ": ",
                            Describe(status)));
  } else if (response.has_failure()) {
    // The network did not take it (most let only moderators): the user
    // learns, as Pidgin's user would from the unchanged topic.
    SendHelperMessage(
        message.username(),
        absl::StrCat("The subject of ", message.buddyname(),
                     " was not changed: ", response.failure().message()));
  }
}

void SessionBridge::HandleVCard(const pbnetwork::VCard& vcard) {
  std::string session;
  std::string name = vcard.buddyname();
  std::string room;
  std::string local_alias;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(vcard.username());
    if (it == users_.end() || it->second.disconnected) {
      LogWarning(absl::StrCat("VCARD for ", vcard.username(),
                              ", who is not logged in; dropped"));
      return;
    }
    if (vcard.has_photo() && vcard.buddyname().empty() &&
        !it->second.connected) {
      it->second.pending_own_vcard = vcard;  // published once connected
      return;
    }
    session = it->second.session;
    if (size_t slash = name.rfind('/');
        slash != std::string::npos &&
        it->second.rooms.count(name.substr(0, slash))) {
      room = name.substr(0, slash);
      name = name.substr(slash + 1);
    }
    if (auto buddy = it->second.buddies.find(name);
        buddy != it->second.buddies.end()) {
      local_alias = buddy->second.alias();
    }
  }
  if (vcard.has_photo() && vcard.buddyname().empty()) {
    // The user published their own vCard.
    v1::SetProfileRequest request;
    request.set_session(session);
    if (vcard.has_nickname()) request.set_nickname(vcard.nickname());
    request.set_avatar(vcard.photo());
    v1::SetProfileResponse response;
    const grpc::Status status =
        stub_->SetProfile(Context().get(), request, &response);
    if (!status.ok()) {
      LogWarning(absl::StrCat("own vCard of ", vcard.username(), ": ",
                              Describe(status)));
    }
    return;
  }
  pbnetwork::VCard reply;
  reply.set_username(vcard.username());
  reply.set_buddyname(vcard.buddyname());
  reply.set_id(vcard.id());  // echoed unchanged, whatever happens
  if (options_.no_vcard_fetch && room.empty()) {
    reply.set_fullname(local_alias);
    reply.set_nickname(local_alias);
    v1::GetBuddyIconRequest request;
    request.set_session(session);
    request.set_name(name);
    v1::GetBuddyIconResponse icon;
    if (stub_->GetBuddyIcon(Context().get(), request, &icon).ok()) {
      reply.set_photo(icon.data());
    }
  } else {
    v1::GetUserInfoRequest request;
    request.set_session(session);
    request.set_name(name);
    request.set_chat(room);
    v1::GetUserInfoResponse response;
    const grpc::Status status =
        stub_->GetUserInfo(Context().get(), request, &response);
    if (status.ok()) {
      reply.set_fullname(response.info().full_name());
      reply.set_nickname(response.info().nickname());
      if (!response.info().avatar().empty()) {
        reply.set_photo(response.info().avatar());
      }
    } else {
      LogWarning(absl::StrCat("vCard of ", vcard.buddyname(), " for ",
                              vcard.username(), ": ", Describe(status)));
      reply.set_nickname(local_alias);
    }
  }
  absl::MutexLock lock(&mutex_);
  if (users_.count(vcard.username())) {
    Send(WrapFrame(WrapperMessage::TYPE_VCARD, reply));
  }
}

void SessionBridge::SendTyping(WrapperMessage::Type type,
                               const pbnetwork::Buddy& buddy) {
  bool chat = false;
  std::string session;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(buddy.username());
    if (it == users_.end() || !it->second.connected) return;
    session = it->second.session;
    chat = it->second.rooms.count(buddy.buddyname()) > 0;
  }
  if (!chat) {
    v1::SendTypingRequest request;
    request.set_session(session);
    request.set_to(buddy.buddyname());
    request.set_state(type == WrapperMessage::TYPE_BUDDY_TYPING
                          ? v1::TYPING_STATE_TYPING
                          : (type == WrapperMessage::TYPE_BUDDY_TYPED
                                 ? v1::TYPING_STATE_PAUSED
                                 : v1::TYPING_STATE_STOPPED));
    v1::SendTypingResponse response;
    stub_->SendTyping(Context().get(), request, &response);
  }
  // A chat state means the conversation is open on the client: mark it read
  // (what upstream's docs ask clients to do for Facebook).
  MarkReadIfUnread(buddy.username(), session, buddy.buddyname(), chat);
}

void SessionBridge::SendAttention(
    const pbnetwork::ConversationMessage& message) {
  const std::string session = SessionOf(message.username(), "ATTENTION");
  if (session.empty()) return;
  v1::SendAttentionRequest request;
  request.set_session(session);
  request.set_to(message.buddyname());
  v1::SendAttentionResponse response;
  const grpc::Status status =
      stub_->SendAttention(Context().get(), request, &response);
  if (!status.ok()) {
    LogWarning(absl::StrCat("attention to ", message.buddyname(), ": ",
                            Describe(status)));
  }
}

void SessionBridge::ApplyAfterConnect(const std::string& jid) {
  std::optional<v1::SetStatusRequest> status;
  std::vector<pbnetwork::Room> joins;
  std::vector<std::pair<pbnetwork::Buddy, bool>> buddies;
  std::optional<pbnetwork::VCard> own_vcard;
  std::string session;
  std::string legacy_name;
  std::string protocol;
  {
    absl::MutexLock lock(&mutex_);
    auto it = users_.find(jid);
    if (it == users_.end() || !it->second.connected) return;
    UserState& user = it->second;
    session = user.session;
    legacy_name = user.legacy_name;
    protocol = user.protocol;
    status = std::move(user.pending_status);
    user.pending_status.reset();
    buddies.swap(user.pending_buddies);
    own_vcard = std::move(user.pending_own_vcard);
    user.pending_own_vcard.reset();
    for (const std::string& room : user.pending_joins) {
      auto state = user.rooms.find(room);
      if (state == user.rooms.end()) continue;
      pbnetwork::Room join;
      join.set_username(jid);
      join.set_room(room);
      join.set_nickname(state->second.nickname);
      join.set_password(state->second.password);
      joins.push_back(join);
    }
    user.pending_joins.clear();
  }
  if (status) {
    v1::SetStatusResponse response;
    stub_->SetStatus(Context().get(), *status, &response);
  }
  for (const auto& [buddy, removal] : buddies) {
    if (removal) {
      RemoveBuddy(buddy);
    } else {
      ChangeBuddy(buddy);
    }
  }
  if (own_vcard) HandleVCard(*own_vcard);
  if (protocol != "prpl-jabber") {
    // As upstream at sign-on: the network's chats, sent to Spectrum as this
    // user's ROOM_LIST. Not for XMPP, whose list is of a conference server
    // Spectrum never names. On a queue of its own: a long list (IRC's LIST)
    // holds up nothing of the user's.
    queues_.PostAsync(absl::StrCat(jid, kChatListQueue),
                      [this, jid, session](UserQueues::Done done) {
                        StartListChats(jid, session, std::move(done));
                      });
  }
  std::string avatar;
  if (!options_.avatars_directory.empty() &&
      ReadFile(absl::StrCat(options_.avatars_directory, "/", legacy_name),
               &avatar)) {
  } else if (!options_.default_avatar.empty()) {
    ReadFile(options_.default_avatar, &avatar);
  }
  if (!avatar.empty()) {
    v1::SetProfileRequest request;
    request.set_session(session);
    request.set_avatar(avatar);
    v1::SetProfileResponse response;
    const grpc::Status result =
        stub_->SetProfile(Context().get(), request, &response);
    if (!result.ok()) {
      LogWarning(absl::StrCat("avatar of ", jid, ": ", Describe(result)));
    }
  }
  for (const pbnetwork::Room& join : joins) JoinRoom(join);
}

void SessionBridge::OfferFile(const std::string& jid,
                              const v1::FileReceived& file) {
  const std::string session = SessionOf(jid, "incoming file");
  if (session.empty()) return;
  std::string text;
  pbnetwork::ConversationMessage message;
  if (!web_storage_.enabled()) {
    text = absl::StrCat("[file '", file.filename(), "' (", file.size(),
                        " bytes) not shown: web storage is not configured]");
  } else {
    v1::FetchFileRequest request;
    request.set_session(session);
    request.set_transfer_id(file.transfer_id());
    // The file comes in chunks; the first says its type.
    CallContext context = Context();
    std::unique_ptr<grpc::ClientReader<v1::FetchFileResponse>> reader =
        stub_->FetchFile(context.get(), request);
    v1::FetchFileResponse chunk;
    std::string data;
    std::string mime_type;
    while (reader->Read(&chunk)) {
      if (mime_type.empty()) mime_type = chunk.mime_type();
      data += chunk.data();
    }
    const grpc::Status status = reader->Finish();
    absl::StatusOr<std::string> url =
        status.ok() ? web_storage_.StoreImage(data, mime_type)
                    : absl::UnavailableError(status.error_message());
    if (url.ok()) {
      text = absl::StrCat(file.filename(), ": ", *url);
      pbnetwork::Attachment* attachment = message.add_attachment();
      attachment->set_url(*url);
      attachment->set_mimetype(mime_type);
      attachment->set_description(file.filename());
    } else {
      LogWarning(absl::StrCat("file '", file.filename(), "' for ", jid,
                              " not stored: ", url.status().message()));
      text = absl::StrCat("[file '", file.filename(),
                          "' not shown: ", url.status().message(), "]");
    }
  }
  message.set_username(jid);
  message.set_buddyname(file.sender());
  message.set_message(text);
  absl::MutexLock lock(&mutex_);
  if (auto it = users_.find(jid);
      it != users_.end() && !it->second.disconnected) {
    Send(WrapFrame(WrapperMessage::TYPE_CONV_MESSAGE, message));
  }
}

}  // namespace lilac::shim
