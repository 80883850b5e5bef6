#include "backend/host/purple_sessions.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "backend/host/account_option_mapping.h"
#include "backend/host/account_settings_watch.h"
#include "backend/host/c_string.h"
#include "backend/host/capabilities.h"
#include "backend/host/chat_rooms.h"
#include "backend/host/file_spool.h"
#include "backend/host/plugin_catalog.h"
#include "backend/host/plugin_state_dir.h"
#include "backend/host/request_tracker.h"
#include "backend/host/settings.h"
#include "backend/host/ui_ops.h"
#include "common/proto/duration.h"

namespace lilac {
namespace {

constexpr char kUiId[] = "lilac";
// LoginRequest.connect_timeout when absent: longer than the slowest real
// login (DNS, TLS, SASL), shorter than a user's patience.
constexpr absl::Duration kDefaultConnectTimeout = absl::Seconds(120);
// ReconnectPolicy's delays when absent.
constexpr absl::Duration kDefaultInitialReconnectDelay = absl::Seconds(1);
constexpr absl::Duration kDefaultMaxReconnectDelay = absl::Seconds(60);
// How often files plugins created are moved into the plugin state directory
// between the moments that always do it (sign-on, disconnect, logout).
constexpr guint kPluginStateSyncSeconds = 5;

v1::DisconnectReason ToDisconnectReason(PurpleConnectionError reason) {
  switch (reason) {
    case PURPLE_CONNECTION_ERROR_NETWORK_ERROR:
      return v1::DISCONNECT_REASON_NETWORK_ERROR;
    case PURPLE_CONNECTION_ERROR_INVALID_USERNAME:
      return v1::DISCONNECT_REASON_INVALID_USERNAME;
    case PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED:
      return v1::DISCONNECT_REASON_AUTHENTICATION_FAILED;
    case PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE:
      return v1::DISCONNECT_REASON_AUTHENTICATION_IMPOSSIBLE;
    case PURPLE_CONNECTION_ERROR_NO_SSL_SUPPORT:
      return v1::DISCONNECT_REASON_NO_SSL_SUPPORT;
    case PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR:
      return v1::DISCONNECT_REASON_ENCRYPTION_ERROR;
    case PURPLE_CONNECTION_ERROR_NAME_IN_USE:
      return v1::DISCONNECT_REASON_NAME_IN_USE;
    case PURPLE_CONNECTION_ERROR_INVALID_SETTINGS:
      return v1::DISCONNECT_REASON_INVALID_SETTINGS;
    case PURPLE_CONNECTION_ERROR_CERT_NOT_PROVIDED:
      return v1::DISCONNECT_REASON_CERT_NOT_PROVIDED;
    case PURPLE_CONNECTION_ERROR_CERT_UNTRUSTED:
      return v1::DISCONNECT_REASON_CERT_UNTRUSTED;
    case PURPLE_CONNECTION_ERROR_CERT_EXPIRED:
      return v1::DISCONNECT_REASON_CERT_EXPIRED;
    case PURPLE_CONNECTION_ERROR_CERT_NOT_ACTIVATED:
      return v1::DISCONNECT_REASON_CERT_NOT_ACTIVATED;
    case PURPLE_CONNECTION_ERROR_CERT_HOSTNAME_MISMATCH:
      return v1::DISCONNECT_REASON_CERT_HOSTNAME_MISMATCH;
    case PURPLE_CONNECTION_ERROR_CERT_FINGERPRINT_MISMATCH:
      return v1::DISCONNECT_REASON_CERT_FINGERPRINT_MISMATCH;
    case PURPLE_CONNECTION_ERROR_CERT_SELF_SIGNED:
      return v1::DISCONNECT_REASON_CERT_SELF_SIGNED;
    case PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR:
      return v1::DISCONNECT_REASON_CERT_OTHER_ERROR;
    default:
      return v1::DISCONNECT_REASON_OTHER_ERROR;
  }
}

v1::ReconnectPolicy WithDefaults(v1::ReconnectPolicy policy) {
  absl::Duration initial = FromProtoDuration(policy.initial_delay());
  absl::Duration max = FromProtoDuration(policy.max_delay());
  if (initial == absl::ZeroDuration()) initial = kDefaultInitialReconnectDelay;
  if (max == absl::ZeroDuration()) max = kDefaultMaxReconnectDelay;
  *policy.mutable_initial_delay() = ToProtoDuration(initial);
  *policy.mutable_max_delay() = ToProtoDuration(std::max(max, initial));
  return policy;
}

std::string InstalledProtocolIds() {
  std::vector<std::string> ids;
  for (GList* item = purple_plugins_get_protocols(); item; item = item->next) {
    auto* plugin = static_cast<PurplePlugin*>(item->data);
    if (plugin->info && plugin->info->id) ids.push_back(plugin->info->id);
  }
  std::sort(ids.begin(), ids.end());
  return absl::StrJoin(ids, ", ");
}

void ApplyProxy(PurpleAccount* account, const v1::Proxy& proxy) {
  PurpleProxyType type;
  switch (proxy.type()) {
    case v1::Proxy::TYPE_NONE:
      type = PURPLE_PROXY_NONE;
      break;
    case v1::Proxy::TYPE_HTTP:
      type = PURPLE_PROXY_HTTP;
      break;
    case v1::Proxy::TYPE_SOCKS4:
      type = PURPLE_PROXY_SOCKS4;
      break;
    case v1::Proxy::TYPE_SOCKS5:
      type = PURPLE_PROXY_SOCKS5;
      break;
    case v1::Proxy::TYPE_TOR:
      type = PURPLE_PROXY_TOR;
      break;
    default:
      return;
  }
  // The account owns the info from here on.
  PurpleProxyInfo* info = purple_proxy_info_new();
  purple_proxy_info_set_type(info, type);
  if (type != PURPLE_PROXY_NONE) {
    purple_proxy_info_set_host(info, proxy.host().c_str());
    purple_proxy_info_set_port(info, proxy.port());
    if (!proxy.username().empty()) {
      purple_proxy_info_set_username(info, proxy.username().c_str());
    }
    if (!proxy.password().empty()) {
      purple_proxy_info_set_password(info, proxy.password().c_str());
    }
  }
  purple_account_set_proxy_info(account, info);
}

void ApplySetting(PurpleAccount* account, const TypedSetting& setting) {
  switch (setting.type) {
    case v1::AccountOption::TYPE_BOOL:
      purple_account_set_bool(account, setting.key.c_str(), setting.bool_value);
      break;
    case v1::AccountOption::TYPE_INT:
      purple_account_set_int(account, setting.key.c_str(), setting.int_value);
      break;
    default:
      purple_account_set_string(account, setting.key.c_str(),
                                setting.string_value.c_str());
      break;
  }
}

}  // namespace

PurpleSessions* PurpleSessions::instance_ = nullptr;

PurpleSessions::PurpleSessions(const OnLoop& loop, EventSink* sink,
                               Options options)
    : sink_(sink),
      options_(std::move(options)),
      requests_(std::make_unique<RequestTracker>()),
      // By default incoming files stay in libpurple's private directory.
      files_(std::make_unique<FileSpool>(
          options_.spool_dir.empty() ? absl::StrCat(purple_user_dir(), "/spool")
                                     : options_.spool_dir,
          options_.max_file_size)) {
  instance_ = this;
  InstallUiOps(loop);
  WatchAccountSettings(loop, [] {
    if (PurpleSessions* self = Get(OnLoop::InCallback()))
      self->ReportAllSettingChanges();
  });
  if (options_.plugin_state != nullptr) {
    plugin_state_timer_ = g_timeout_add_seconds(
        kPluginStateSyncSeconds, &PurpleSessions::OnPluginStateTimer, this);
  }
}

PurpleSessions::~PurpleSessions() {
  // Never called with sessions left: the host logs them all out first.
  if (plugin_state_timer_ != 0) g_source_remove(plugin_state_timer_);
  StopWatchingAccountSettings();
  instance_ = nullptr;
}

gboolean PurpleSessions::OnPluginStateTimer(gpointer sessions) {
  static_cast<PurpleSessions*>(sessions)->SyncPluginState();
  return G_SOURCE_CONTINUE;
}

void PurpleSessions::SyncPluginState() {
  if (options_.plugin_state != nullptr) options_.plugin_state->Sync();
}

void PurpleSessions::CollectPluginFiles() {
  // Only what is new: at a mass reconnect a full Sync per sign-on would list
  // the shared root once per account.
  if (options_.plugin_state != nullptr) options_.plugin_state->CollectNew();
}

void PurpleSessions::ReportAllSettingChanges() {
  for (auto& [key, session] : sessions_) ReportSettingChanges(session.get());
}

void PurpleSessions::ReportSettingChanges(LoopSession* session) {
  if (session->logging_out) return;
  ReportSettingChangesNow(session);
}

void PurpleSessions::ReportSettingChangesNow(LoopSession* session) {
  AccountSettings now = SnapshotAccountSettings(session->account);
  std::optional<v1::AccountSettingsChanged> changed =
      DiffAccountSettings(session->reported_settings, now);
  session->reported_settings = std::move(now);
  if (!changed.has_value()) return;
  v1::Event event;
  *event.mutable_account_settings_changed() = *std::move(changed);
  // Not Emit: at logout this comes after the teardown began.
  sink_->Emit(session->key, std::move(event));
}

LoopSession* PurpleSessions::SessionOf(PurpleAccount* account) {
  if (account == nullptr || instance_ == nullptr) return nullptr;
  return static_cast<LoopSession*>(account->ui_data);
}

void PurpleSessions::Emit(LoopSession* session, v1::Event event) {
  if (session == nullptr || session->logging_out) return;
  sink_->Emit(session->key, std::move(event));
}

absl::StatusOr<LoopSession*> PurpleSessions::Find(const std::string& session) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) {
    return absl::NotFoundError(absl::StrCat("no session ", session));
  }
  return it->second.get();
}

absl::StatusOr<LoopSession*> PurpleSessions::FindConnected(
    const std::string& session) {
  absl::StatusOr<LoopSession*> found = Find(session);
  if (!found.ok()) return found;
  if (!(*found)->connected()) {
    return absl::FailedPreconditionError(
        absl::StrCat("session ", session, " is not connected"));
  }
  return found;
}

absl::StatusOr<PurpleConnection*> PurpleSessions::ConnectionOf(
    LoopSession* session) {
  PurpleConnection* gc = purple_account_get_connection(session->account);
  if (gc == nullptr || !session->connected()) {
    return absl::FailedPreconditionError(
        absl::StrCat("session ", session->key, " is not connected"));
  }
  return gc;
}

absl::StatusOr<v1::LoginResponse> PurpleSessions::Login(
    const OnLoop& loop, const v1::LoginRequest& request) {
  if (auto it = sessions_.find(request.session()); it != sessions_.end()) {
    LoopSession* existing = it->second.get();
    if (request.protocol() !=
            purple_account_get_protocol_id(existing->account) ||
        request.username() != purple_account_get_username(existing->account)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "session ", request.session(), " is already logged in as ",
          purple_account_get_username(existing->account), " on ",
          purple_account_get_protocol_id(existing->account)));
    }
    // A client that reconnects finds its session; one whose session gave up
    // connecting gets it connected again with the password it sends now.
    if (!request.password().empty()) existing->password = request.password();
    if (purple_account_is_disconnected(existing->account) &&
        existing->reconnect_timer == 0) {
      Connect(existing);
    }
    v1::LoginResponse response;
    response.set_already_existed(true);
    v1::Session* session = response.mutable_session();
    session->set_session(existing->key);
    session->set_protocol(request.protocol());
    session->set_username(request.username());
    session->set_state(purple_account_is_connected(existing->account)
                           ? v1::CONNECTION_STATE_CONNECTED
                       : purple_account_is_connecting(existing->account)
                           ? v1::CONNECTION_STATE_CONNECTING
                           : v1::CONNECTION_STATE_DISCONNECTED);
    *session->mutable_reconnect() = existing->reconnect;
    return response;
  }

  PurplePlugin* plugin = purple_find_prpl(request.protocol().c_str());
  if (plugin == nullptr) {
    // A plugin that did not load may be the one meant: say why it did not.
    std::string failed;
    for (const v1::Plugin& broken : FailedPlugins(loop)) {
      if (!broken.id().empty() && broken.id() != request.protocol()) continue;
      absl::StrAppend(&failed, failed.empty() ? "" : "; ", broken.file(), ": ",
                      broken.load_error());
    }
    return absl::NotFoundError(absl::StrCat(
        "unknown protocol \"", request.protocol(),
        "\"; installed: ", InstalledProtocolIds(),
        failed.empty() ? "" : "; plugins that did not load: ", failed));
  }
  PurplePluginProtocolInfo* info = PURPLE_PLUGIN_PROTOCOL_INFO(plugin);
  if (request.password().empty() && !(info->options & OPT_PROTO_NO_PASSWORD) &&
      !(info->options & OPT_PROTO_PASSWORD_OPTIONAL)) {
    return absl::InvalidArgumentError(
        absl::StrCat(request.protocol(), " needs a password"));
  }

  v1::Protocol described;
  for (GList* item = info->protocol_options; item; item = item->next) {
    *described.add_options() =
        ToApiAccountOption(static_cast<PurpleAccountOption*>(item->data));
  }
  const Undeclared undeclared =
      request.undeclared_settings_as_strings() ? Undeclared::kSetAsString
      : request.ignore_unknown_settings()      ? Undeclared::kIgnore
                                               : Undeclared::kRefuse;
  absl::StatusOr<ParsedSettings> settings =
      ParseSettings(described.options(), request.settings(), undeclared);
  if (!settings.ok()) return settings.status();
  const ParsedSettings strings = ParseAccountStrings(
      described.options(), request.account_strings(), request.settings());
  const ParsedSettings saved =
      ParseSavedSettings(described.options(), request.saved_settings());

  // purple_account_new returns the existing account of this user if there is
  // one: it searches every account itself (normalising each name), so a second
  // purple_accounts_find here would double the cost of a login, which grows
  // with the number of accounts.
  PurpleAccount* account = purple_account_new(request.username().c_str(),
                                              request.protocol().c_str());
  if (LoopSession* other = SessionOf(account); other != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(request.username(), " on ", request.protocol(),
                     " is already logged in as session ", other->key));
  }
  purple_accounts_add(account);  // does nothing if it is already listed

  v1::Session description;
  description.set_session(request.session());
  description.set_protocol(request.protocol());
  description.set_username(request.username());
  description.set_state(v1::CONNECTION_STATE_DISCONNECTED);
  if (request.reconnect().enabled()) {
    *description.mutable_reconnect() = WithDefaults(request.reconnect());
  }
  if (absl::Status opened = sink_->OpenSession(description); !opened.ok()) {
    return opened;
  }

  auto owned = std::make_unique<LoopSession>();
  LoopSession* session = owned.get();
  session->key = request.session();
  session->account = account;
  session->password = request.password();
  session->reconnect = description.reconnect();
  const absl::Duration connect_timeout =
      FromProtoDuration(request.connect_timeout());
  session->connect_timeout_ms = static_cast<guint>(absl::ToInt64Milliseconds(
      connect_timeout != absl::ZeroDuration() ? connect_timeout
                                              : kDefaultConnectTimeout));
  sessions_[session->key] = std::move(owned);

  // Never written to accounts.xml: the password stays in memory only.
  purple_account_set_remember_password(account, FALSE);
  // What the plugin changed last time first: the client's settings win.
  for (const TypedSetting& setting : saved.settings) {
    ApplySetting(account, setting);
  }
  for (const TypedSetting& setting : strings.settings) {
    ApplySetting(account, setting);
  }
  for (const TypedSetting& setting : settings->settings) {
    ApplySetting(account, setting);
  }
  ApplyProxy(account, request.proxy());
  // Changes are counted from what this Login set.
  session->reported_settings = SnapshotAccountSettings(account);
  account->ui_data = session;
  Connect(session);

  v1::LoginResponse response;
  *response.mutable_session() = description;
  response.mutable_session()->set_state(v1::CONNECTION_STATE_CONNECTING);
  for (const ParsedSettings* parsed :
       {static_cast<const ParsedSettings*>(&*settings), &strings, &saved}) {
    for (const std::string& key : parsed->ignored) {
      response.add_ignored_settings(key);
    }
    for (const std::string& key : parsed->undeclared) {
      response.add_undeclared_settings(key);
    }
  }
  return response;
}

void PurpleSessions::Connect(LoopSession* session) {
  v1::Event event;
  event.mutable_connection_changed()->set_state(
      v1::CONNECTION_STATE_CONNECTING);
  event.mutable_connection_changed()->set_reconnect_attempt(
      session->reconnect_attempt);
  Emit(session, std::move(event));
  // Before connecting: an attempt that fails at once reports it synchronously,
  // and that stops the deadline.
  StartConnectDeadline(session);

  PurpleAccount* account = session->account;
  purple_account_set_password(account, session->password.c_str());
  purple_account_set_enabled(account, kUiId, TRUE);
  // New accounts start "offline"; making them available connects them.
  PurpleStatus* active = purple_account_get_active_status(account);
  if (active == nullptr || !purple_status_is_online(active)) {
    PurpleStatusType* available = purple_account_get_status_type_with_primitive(
        account, PURPLE_STATUS_AVAILABLE);
    if (available != nullptr) {
      purple_account_set_status(account, purple_status_type_get_id(available),
                                TRUE, nullptr);
    }
  }
  if (purple_account_is_disconnected(account)) purple_account_connect(account);
}

void PurpleSessions::StartConnectDeadline(LoopSession* session) {
  StopConnectDeadline(session);
  session->connect_timer = g_timeout_add(
      session->connect_timeout_ms, &PurpleSessions::OnConnectDeadline, session);
}

void PurpleSessions::StopConnectDeadline(LoopSession* session) {
  if (session->connect_timer == 0) return;
  g_source_remove(session->connect_timer);
  session->connect_timer = 0;
}

gboolean PurpleSessions::OnConnectDeadline(gpointer data) {
  auto* session = static_cast<LoopSession*>(data);
  session->connect_timer = 0;
  PurpleConnection* gc = purple_account_get_connection(session->account);
  // Nothing to cut when the attempt never started (a password prompt) or
  // already failed and waits for libpurple's teardown.
  if (gc == nullptr || session->logging_out || session->disconnect_reported ||
      purple_connection_get_state(gc) != PURPLE_CONNECTING) {
    return G_SOURCE_REMOVE;
  }
  // The plugin waits for the user (a 2FA code, a captcha), not the network:
  // look again a full deadline later.
  if (instance_->requests_->HasOpen(session)) {
    instance_->StartConnectDeadline(session);
    return G_SOURCE_REMOVE;
  }
  // Plugins behind a silent server or proxy never give up on their own. This
  // is libpurple's path for a network error: report_disconnect_reason now
  // (classified, retryable, reconnect scheduled), the teardown from its own
  // timer. Called from a timer of ours, never from inside the plugin.
  purple_connection_error_reason(gc, PURPLE_CONNECTION_ERROR_NETWORK_ERROR,
                                 "timed out while connecting");
  return G_SOURCE_REMOVE;
}

void PurpleSessions::OnConnected(LoopSession* session) {
  StopConnectDeadline(session);
  // Plugins store what the login gave them (tokens, keys) before signing on:
  // reported before CONNECTED, so a client that saves them at sign-on has them.
  ReportSettingChanges(session);
  CollectPluginFiles();
  session->reconnect_attempt = 0;
  v1::Event event;
  v1::ConnectionChanged* change = event.mutable_connection_changed();
  change->set_state(v1::CONNECTION_STATE_CONNECTED);
  PurpleConnection* gc = purple_account_get_connection(session->account);
  const char* display = gc ? purple_connection_get_display_name(gc) : nullptr;
  change->set_display_name(
      display ? display : purple_account_get_username(session->account));
  Emit(session, std::move(event));
  RejoinRooms(session);
}

void PurpleSessions::OnDisconnected(LoopSession* session,
                                    PurpleConnectionError reason,
                                    const std::string& text, bool has_reason) {
  if (session->logging_out) return;
  StopConnectDeadline(session);
  ReportSettingChanges(session);
  CollectPluginFiles();
  for (auto& [name, room] : session->rooms) room.joined = false;
  requests_->CloseAllOf(session, v1::RequestClosed::REASON_SESSION_GONE);
  FailSubjectWaits(session->key, v1::FAILURE_CODE_NOT_CONNECTED,
                   "the connection ended before the network reported the "
                   "subject");

  v1::Event event;
  v1::ConnectionChanged* change = event.mutable_connection_changed();
  change->set_state(v1::CONNECTION_STATE_DISCONNECTED);
  change->set_message(text);
  if (has_reason) {
    change->set_reason(ToDisconnectReason(reason));
    change->set_retryable(!purple_connection_error_is_fatal(reason));
  }
  const bool reconnect =
      session->reconnect.enabled() && change->retryable() &&
      (session->reconnect.max_attempts() == 0 ||
       session->reconnect_attempt < session->reconnect.max_attempts());
  if (reconnect) {
    uint64_t delay = static_cast<uint64_t>(absl::ToInt64Milliseconds(
        FromProtoDuration(session->reconnect.initial_delay())));
    for (uint32_t i = 0; i < session->reconnect_attempt && delay < UINT32_MAX;
         ++i) {
      delay *= 2;
    }
    delay = std::min<uint64_t>(
        delay, static_cast<uint64_t>(absl::ToInt64Milliseconds(
                   FromProtoDuration(session->reconnect.max_delay()))));
    ++session->reconnect_attempt;
    *change->mutable_reconnect_in() =
        ToProtoDuration(absl::Milliseconds(static_cast<int64_t>(delay)));
    change->set_reconnect_attempt(session->reconnect_attempt);
    if (session->reconnect_timer != 0)
      g_source_remove(session->reconnect_timer);
    session->reconnect_timer = g_timeout_add(
        static_cast<guint>(delay), &PurpleSessions::OnReconnectTimer, session);
  }
  Emit(session, std::move(event));
}

gboolean PurpleSessions::OnReconnectTimer(gpointer data) {
  auto* session = static_cast<LoopSession*>(data);
  if (!purple_account_is_disconnected(session->account)) {
    // libpurple has not finished tearing the old connection down: look again
    // shortly.
    session->reconnect_timer =
        g_timeout_add(50, &PurpleSessions::OnReconnectTimer, session);
    return G_SOURCE_REMOVE;
  }
  session->reconnect_timer = 0;
  instance_->Connect(session);
  return G_SOURCE_REMOVE;
}

void PurpleSessions::RejoinRooms(LoopSession* session) {
  PurpleConnection* gc = purple_account_get_connection(session->account);
  if (gc == nullptr) return;
  for (auto& [name, room] : session->rooms) {
    if (room.leaving) continue;
    GHashTable* components =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (const auto& [key, value] : room.components) {
      g_hash_table_replace(components, g_strdup(key.c_str()),
                           g_strdup(value.c_str()));
    }
    room.join_started = g_get_monotonic_time();
    serv_join_chat(gc, components);
    g_hash_table_destroy(components);
  }
}

absl::StatusOr<v1::LogoutResponse> PurpleSessions::Logout(
    const OnLoop&, const v1::LogoutRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  // The names a plugin files an account under: the username as given,
  // without a resource, and as the plugin normalises it.
  std::vector<std::string> names;
  const std::string username = purple_account_get_username(account);
  names.push_back(username);
  names.push_back(username.substr(0, username.find('/')));
  if (const char* normalized = purple_normalize(account, username.c_str())) {
    names.push_back(normalized);
  }
  Teardown(*session);
  v1::LogoutResponse response;
  if (options_.plugin_state == nullptr) return response;
  // After the teardown: the plugin has closed its files and written its last.
  options_.plugin_state->Sync();
  if (request.remove_plugin_files()) {
    for (std::string& removed : options_.plugin_state->RemoveFilesOf(names)) {
      response.add_removed_plugin_files(std::move(removed));
    }
  }
  return response;
}

void PurpleSessions::LogoutAll(const OnLoop&) {
  while (!sessions_.empty()) Teardown(sessions_.begin()->second.get());
}

void PurpleSessions::Teardown(LoopSession* session) {
  const std::string key = session->key;
  requests_->CloseAllOf(session, v1::RequestClosed::REASON_SESSION_GONE);
  session->logging_out = true;
  if (session->reconnect_timer != 0) {
    g_source_remove(session->reconnect_timer);
    session->reconnect_timer = 0;
  }
  StopConnectDeadline(session);
  FailSubjectWaits(key, v1::FAILURE_CODE_NOT_CONNECTED,
                   "the session logged out before the network reported the "
                   "subject");
  for (auto it = user_info_.begin(); it != user_info_.end();) {
    if (it->second->session == key) {
      g_source_remove(it->second->timeout);
      it->second->done(absl::CancelledError("session logged out"));
      it = user_info_.erase(it);
    } else {
      ++it;
    }
  }
  PurpleAccount* account = session->account;
  CancelTransfersOf(account);
  files_->RemoveAllOf(key);
  purple_account_set_enabled(account, kUiId, FALSE);
  // A failed connection is torn down by a libpurple timer; disconnecting now
  // cancels it, so it cannot run after the account is deleted.
  if (!purple_account_is_disconnected(account)) {
    purple_account_disconnect(account);
  }
  // The last values, with what the plugin stored while closing, before
  // SessionEnded.
  ReportSettingChangesNow(session);
  account->ui_data = nullptr;
  // Removes the account with its buddies, conversations and settings.
  purple_accounts_delete(account);
  sessions_.erase(key);
  sink_->CloseSession(key);
}

absl::StatusOr<v1::SetStatusResponse> PurpleSessions::SetStatus(
    const OnLoop&, const v1::SetStatusRequest& request) {
  // Not connected: libpurple would sign a disconnected account on to show an
  // online status, behind the client's back.
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;

  switch (request.presence()) {
    case v1::PRESENCE_AVAILABLE:
    case v1::PRESENCE_AWAY:
    case v1::PRESENCE_EXTENDED_AWAY:
    case v1::PRESENCE_DO_NOT_DISTURB:
    case v1::PRESENCE_INVISIBLE:
      break;
    default:
      return absl::InvalidArgumentError(
          "presence must be AVAILABLE, AWAY, EXTENDED_AWAY, DO_NOT_DISTURB or "
          "INVISIBLE");
  }
  // The same choice as Capabilities.presences reports.
  PurpleStatusType* type = SettableStatusType(account, request.presence());
  if (type == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        purple_account_get_protocol_id(account), " has no status for ",
        v1::Presence_Name(request.presence())));
  }
  const char* id = purple_status_type_get_id(type);
  if (purple_status_type_get_attr(type, "message") != nullptr) {
    purple_account_set_status(account, id, TRUE, "message",
                              request.message().c_str(), nullptr);
  } else {
    purple_account_set_status(account, id, TRUE, nullptr);
  }
  v1::SetStatusResponse response;
  response.set_status_id(id);
  return response;
}

}  // namespace lilac

namespace lilac {

void PurpleSessions::EmitJoinFailure(LoopSession* session, v1::Event event) {
  if (!recent_error_notice_.empty()) {
    // The plugin explained the failure just before libpurple's signal.
    v1::ChatJoinFailed* failed = event.mutable_chat_join_failed();
    failed->set_message(recent_error_notice_);
    failed->set_error(ClassifyChatJoinError(recent_error_notice_));
  }
  join_failures_.emplace_back(session->key, std::move(event));
  if (join_failure_source_ != 0) return;
  join_failure_source_ = g_idle_add(
      [](gpointer) -> gboolean {
        PurpleSessions* self = PurpleSessions::Get(OnLoop::InCallback());
        if (self == nullptr) return G_SOURCE_REMOVE;
        self->join_failure_source_ = 0;
        auto failures = std::move(self->join_failures_);
        self->join_failures_.clear();
        for (auto& [key, event] : failures) {
          auto it = self->sessions_.find(key);
          if (it != self->sessions_.end()) {
            self->Emit(it->second.get(), std::move(event));
          }
        }
        return G_SOURCE_REMOVE;
      },
      nullptr);
}

void PurpleSessions::NoteErrorNotice(const std::string& words) {
  // Kept until the current dispatch is over, for a join failure signalled right
  // after.
  if (recent_error_notice_.empty()) {
    g_idle_add(
        [](gpointer) -> gboolean {
          if (PurpleSessions::Get(OnLoop::InCallback()))
            PurpleSessions::Get(OnLoop::InCallback())
                ->recent_error_notice_.clear();
          return G_SOURCE_REMOVE;
        },
        nullptr);
  }
  recent_error_notice_ = words;
  for (auto& [key, event] : join_failures_) {
    v1::ChatJoinFailed* failed = event.mutable_chat_join_failed();
    if (!failed->message().empty()) continue;
    failed->set_message(words);
    failed->set_error(ClassifyChatJoinError(words));
  }
}

}  // namespace lilac
