#include "testing/fake_prpl/prpl_test_support.h"

#include <cstdlib>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"

namespace lilac::testing::fake {
namespace {

int signal_handle;  // identifies our signal connections

std::string AccountName(PurpleAccount* account) {
  return account ? purple_account_get_username(account) : "";
}
std::string AccountOf(PurpleConnection* gc) {
  return AccountName(gc ? purple_connection_get_account(gc) : nullptr);
}
std::string OrEmpty(const char* text) { return text ? text : ""; }

// ---- Signals ---------------------------------------------------------------

void OnSignedOn(PurpleConnection* gc) {
  Events().Add({"signed-on", AccountOf(gc)});
}
void OnConnectionError(PurpleConnection* gc, PurpleConnectionError error,
                       const char* description) {
  Events().Add({"connection-error", AccountOf(gc), "", OrEmpty(description),
                static_cast<int>(error)});
}
void OnMessage(const char* type, PurpleAccount* account, const char* who,
               const char* message, PurpleConversation*, int flags) {
  Events().Add(
      {type, AccountName(account), OrEmpty(who), OrEmpty(message), flags});
}
void OnReceivedIm(PurpleAccount* account, char* who, char* message,
                  PurpleConversation* conv, PurpleMessageFlags flags) {
  OnMessage("received-im-msg", account, who, message, conv, flags);
}
void OnWroteIm(PurpleAccount* account, const char* who, char* message,
               PurpleConversation* conv, PurpleMessageFlags flags) {
  OnMessage("wrote-im-msg", account, who, message, conv, flags);
}
void OnReceivedChat(PurpleAccount* account, char* who, char* message,
                    PurpleConversation* conv, PurpleMessageFlags flags) {
  OnMessage("received-chat-msg", account, who, message, conv, flags);
}
void OnWroteChat(PurpleAccount* account, const char* who, char* message,
                 PurpleConversation* conv, PurpleMessageFlags flags) {
  OnMessage("wrote-chat-msg", account, who, message, conv, flags);
}
void OnChatJoined(PurpleConversation* conv) {
  Events().Add({"chat-joined",
                AccountName(purple_conversation_get_account(conv)),
                purple_conversation_get_name(conv)});
}
void OnChatLeft(PurpleConversation* conv) {
  Events().Add({"chat-left", AccountName(purple_conversation_get_account(conv)),
                purple_conversation_get_name(conv)});
}
void OnChatJoinFailed(PurpleConnection* gc, GHashTable*) {
  Events().Add({"chat-join-failed", AccountOf(gc)});
}
void OnChatBuddyJoined(PurpleConversation* conv, const char* name,
                       PurpleConvChatBuddyFlags flags, gboolean) {
  Events().Add({"chat-buddy-joined",
                AccountName(purple_conversation_get_account(conv)),
                purple_conversation_get_name(conv), OrEmpty(name), flags});
}
void OnChatTopicChanged(PurpleConversation* conv, const char* who,
                        const char* topic) {
  Events().Add({"chat-topic-changed",
                AccountName(purple_conversation_get_account(conv)),
                OrEmpty(who), OrEmpty(topic)});
}
void OnBuddyTyping(PurpleAccount* account, const char* name) {
  Events().Add({"buddy-typing", AccountName(account), OrEmpty(name)});
}

void ConnectSignals() {
  void* connections = purple_connections_get_handle();
  void* conversations = purple_conversations_get_handle();
  purple_signal_connect(connections, "signed-on", &signal_handle,
                        PURPLE_CALLBACK(OnSignedOn), nullptr);
  purple_signal_connect(connections, "connection-error", &signal_handle,
                        PURPLE_CALLBACK(OnConnectionError), nullptr);
  purple_signal_connect(conversations, "received-im-msg", &signal_handle,
                        PURPLE_CALLBACK(OnReceivedIm), nullptr);
  purple_signal_connect(conversations, "wrote-im-msg", &signal_handle,
                        PURPLE_CALLBACK(OnWroteIm), nullptr);
  purple_signal_connect(conversations, "received-chat-msg", &signal_handle,
                        PURPLE_CALLBACK(OnReceivedChat), nullptr);
  purple_signal_connect(conversations, "wrote-chat-msg", &signal_handle,
                        PURPLE_CALLBACK(OnWroteChat), nullptr);
  purple_signal_connect(conversations, "chat-joined", &signal_handle,
                        PURPLE_CALLBACK(OnChatJoined), nullptr);
  purple_signal_connect(conversations, "chat-left", &signal_handle,
                        PURPLE_CALLBACK(OnChatLeft), nullptr);
  purple_signal_connect(conversations, "chat-join-failed", &signal_handle,
                        PURPLE_CALLBACK(OnChatJoinFailed), nullptr);
  purple_signal_connect(conversations, "chat-buddy-joined", &signal_handle,
                        PURPLE_CALLBACK(OnChatBuddyJoined), nullptr);
  purple_signal_connect(conversations, "chat-topic-changed", &signal_handle,
                        PURPLE_CALLBACK(OnChatTopicChanged), nullptr);
  purple_signal_connect(conversations, "buddy-typing", &signal_handle,
                        PURPLE_CALLBACK(OnBuddyTyping), nullptr);
}

// ---- Request UI ------------------------------------------------------------

// An open request; its address is the UI handle libpurple gives back.
struct OpenRequest {
  int id;
  PurpleRequestType type;
  std::vector<GCallback> callbacks;  // ok, cancel; or one per action
  void* user_data;
  PurpleRequestFields* fields = nullptr;
};
std::map<int, OpenRequest*> open_requests;  // loop thread only
int next_request_id = 1;

OpenRequest* Open(const char* event, PurpleRequestType type,
                  PurpleAccount* account, const char* title,
                  const char* primary, std::vector<GCallback> callbacks,
                  void* user_data) {
  auto* request =
      new OpenRequest{next_request_id++, type, std::move(callbacks), user_data};
  open_requests[request->id] = request;
  Events().Add({event, AccountName(account), OrEmpty(title), OrEmpty(primary),
                request->id});
  return request;
}

void* RequestInput(const char* title, const char* primary, const char*,
                   const char*, gboolean, gboolean, gchar*, const char*,
                   GCallback ok, const char*, GCallback cancel,
                   PurpleAccount* account, const char*, PurpleConversation*,
                   void* user_data) {
  return Open("request-input", PURPLE_REQUEST_INPUT, account, title, primary,
              {ok, cancel}, user_data);
}

void* RequestAction(const char* title, const char* primary, const char*, int,
                    PurpleAccount* account, const char*, PurpleConversation*,
                    void* user_data, size_t count, va_list actions) {
  std::vector<GCallback> callbacks;
  for (size_t i = 0; i < count; ++i) {
    va_arg(actions, const char*);  // label
    callbacks.push_back(va_arg(actions, GCallback));
  }
  return Open("request-action", PURPLE_REQUEST_ACTION, account, title, primary,
              std::move(callbacks), user_data);
}

void* RequestFields(const char* title, const char* primary, const char*,
                    PurpleRequestFields* fields, const char*, GCallback ok,
                    const char*, GCallback cancel, PurpleAccount* account,
                    const char*, PurpleConversation*, void* user_data) {
  OpenRequest* request = Open("request-fields", PURPLE_REQUEST_FIELDS, account,
                              title, primary, {ok, cancel}, user_data);
  request->fields = fields;
  return request;
}

void CloseRequest(PurpleRequestType, void* handle) {
  auto* request = static_cast<OpenRequest*>(handle);
  Events().Add({"request-closed", "", "", "", request->id});
  open_requests.erase(request->id);
  delete request;
}

PurpleRequestUiOps* RequestOps() {
  static PurpleRequestUiOps ops = [] {
    PurpleRequestUiOps ops = {};
    ops.request_input = RequestInput;
    ops.request_action = RequestAction;
    ops.request_fields = RequestFields;
    ops.close_request = CloseRequest;
    return ops;
  }();
  return &ops;
}

// Runs `answer` with the open request, then closes it as a UI does.
void WithRequest(int request_id,
                 const std::function<void(OpenRequest&)>& answer) {
  Host().Run([&](const OnLoop&) {
    auto it = open_requests.find(request_id);
    ASSERT_NE(it, open_requests.end()) << "request " << request_id;
    OpenRequest* request = it->second;
    answer(*request);
    purple_request_close(request->type, request);
  });
}

// ---- Notify and conversation UI ---------------------------------------------

void* NotifyMessage(PurpleNotifyMsgType, const char* title, const char* primary,
                    const char* secondary) {
  Events().Add({"notify-message", "", OrEmpty(title),
                absl::StrCat(OrEmpty(primary), "\n", OrEmpty(secondary))});
  return nullptr;
}

void* NotifyUserinfo(PurpleConnection* gc, const char* who,
                     PurpleNotifyUserInfo* info) {
  char* text = purple_notify_user_info_get_text_with_newline(info, "\n");
  Events().Add({"notify-userinfo", AccountOf(gc), OrEmpty(who), OrEmpty(text)});
  g_free(text);
  return nullptr;
}

PurpleNotifyUiOps* NotifyOps() {
  static PurpleNotifyUiOps ops = [] {
    PurpleNotifyUiOps ops = {};
    ops.notify_message = NotifyMessage;
    ops.notify_userinfo = NotifyUserinfo;
    return ops;
  }();
  return &ops;
}

std::set<std::string> focused;  // loop thread only

gboolean HasFocus(PurpleConversation* conv) {
  return focused.count(purple_conversation_get_name(conv)) > 0;
}

PurpleConversationUiOps* ConversationOps() {
  static PurpleConversationUiOps ops = [] {
    PurpleConversationUiOps ops = {};
    ops.has_focus = HasFocus;
    return ops;
  }();
  return &ops;
}

}  // namespace

std::string PluginDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr) return "testing/fake_prpl";
  return absl::StrCat(srcdir, "/", workspace ? workspace : "lilac",
                      "/testing/fake_prpl");
}

PurpleHost& Host() {
  static PurpleHost* host = [] {
    auto started = PurpleHost::Start({.plugin_dirs = {PluginDir()}});
    if (!started.ok()) {
      ADD_FAILURE() << started.status();
      std::abort();
    }
    PurpleHost* host = started->release();
    host->Run([](const OnLoop&) {
      // No conversation logs on disk (libpurple's HTML logger also leaks
      // when logging messages with images).
      purple_prefs_set_bool("/purple/logging/log_ims", FALSE);
      purple_prefs_set_bool("/purple/logging/log_chats", FALSE);
      purple_prefs_set_bool("/purple/logging/log_system", FALSE);
      ConnectSignals();
      purple_request_set_ui_ops(RequestOps());
      purple_notify_set_ui_ops(NotifyOps());
      purple_conversations_set_ui_ops(ConversationOps());
    });
    return host;
  }();
  return *host;
}

EventLog& Events() {
  static EventLog* log = new EventLog();
  return *log;
}

size_t EventLog::Mark() {
  absl::MutexLock lock(&mutex_);
  return events_.size();
}

std::optional<PurpleEvent> EventLog::WaitFor(
    const std::function<bool(const PurpleEvent&)>& matches, size_t since,
    absl::Duration timeout) {
  std::optional<PurpleEvent> found;
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    for (size_t i = since; i < events_.size(); ++i) {
      if (matches(events_[i])) {
        found = events_[i];
        return true;
      }
    }
    return false;
  };
  absl::MutexLock lock(&mutex_);
  mutex_.AwaitWithTimeout(absl::Condition(&done), timeout);
  return found;
}

std::optional<PurpleEvent> EventLog::WaitFor(const std::string& type,
                                             const std::string& account,
                                             size_t since,
                                             absl::Duration timeout) {
  return WaitFor(
      [&](const PurpleEvent& event) {
        return event.type == type && event.account == account;
      },
      since, timeout);
}

std::vector<PurpleEvent> EventLog::All() {
  absl::MutexLock lock(&mutex_);
  return events_;
}

void EventLog::Add(PurpleEvent event) {
  absl::MutexLock lock(&mutex_);
  events_.push_back(std::move(event));
}

void AnswerInput(int request_id, const std::string& text) {
  WithRequest(request_id, [&](OpenRequest& request) {
    reinterpret_cast<PurpleRequestInputCb>(request.callbacks[0])(
        request.user_data, text.c_str());
  });
}

void AnswerAction(int request_id, int action) {
  WithRequest(request_id, [&](OpenRequest& request) {
    reinterpret_cast<PurpleRequestActionCb>(request.callbacks.at(action))(
        request.user_data, action);
  });
}

void AnswerFields(
    int request_id,
    const std::vector<std::pair<std::string, std::string>>& values) {
  WithRequest(request_id, [&](OpenRequest& request) {
    for (const auto& [id, value] : values) {
      PurpleRequestField* field =
          purple_request_fields_get_field(request.fields, id.c_str());
      ASSERT_NE(field, nullptr) << id;
      if (purple_request_field_get_type(field) ==
          PURPLE_REQUEST_FIELD_BOOLEAN) {
        purple_request_field_bool_set_value(field, value == "true");
      } else {
        purple_request_field_string_set_value(field, value.c_str());
      }
    }
    reinterpret_cast<PurpleRequestFieldsCb>(request.callbacks[0])(
        request.user_data, request.fields);
  });
}

void CancelRequest(int request_id) {
  WithRequest(request_id, [&](OpenRequest& request) {
    if (request.type == PURPLE_REQUEST_FIELDS) {
      reinterpret_cast<PurpleRequestFieldsCb>(request.callbacks[1])(
          request.user_data, request.fields);
    } else {
      reinterpret_cast<PurpleRequestInputCb>(request.callbacks[1])(
          request.user_data, nullptr);
    }
  });
}

bool RequestOpen(int request_id) {
  return Host().Run(
      [&](const OnLoop&) { return open_requests.count(request_id) > 0; });
}

void SetFocused(const OnLoop&, const std::string& name) {
  focused.insert(name);
}

// ---- Fixture
// -----------------------------------------------------------------

void FakeNetworkTest::SetUp() {
  Host();
  auto server = FakeServer::Start({});
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  control_ = server_->NewControlStub();
}

void FakeNetworkTest::TearDown() {
  Host().Run([this](const OnLoop&) {
    for (PurpleAccount* account : accounts_) {
      // A connection that failed but is not torn down yet (libpurple does that
      // from a timeout) must go first: deleting its account under it crashes.
      if (purple_account_get_connection(account) != nullptr) {
        purple_account_disconnect(account);
      }
      purple_account_set_enabled(account, purple_core_get_ui(), FALSE);
      purple_accounts_delete(account);  // disconnects first
    }
  });
  accounts_.clear();
  control_.reset();
  server_.reset();
}

void FakeNetworkTest::CreateServerAccount(const std::string& username,
                                          const std::string& password) {
  grpc::ClientContext context;
  v1::CreateAccountRequest request;
  request.set_username(username);
  request.set_password(password);
  v1::CreateAccountResponse response;
  ASSERT_TRUE(Ok(control().CreateAccount(&context, request, &response)));
}

PurpleAccount* FakeNetworkTest::StartLogin(const std::string& protocol_id,
                                           const std::string& username,
                                           const std::string& password,
                                           int port) {
  if (port == 0) port = server_->network_port();
  PurpleAccount* account = Host().Run([&](const OnLoop&) {
    PurpleAccount* account =
        purple_account_new(username.c_str(), protocol_id.c_str());
    purple_account_set_string(account, "server", "127.0.0.1");
    purple_account_set_int(account, "port", port);
    // Without remember_password, libpurple forgets the password at
    // disconnect and asks for it again at the next connect.
    purple_account_set_remember_password(account, TRUE);
    purple_account_set_password(account, password.c_str());
    purple_accounts_add(account);
    purple_account_set_enabled(account, purple_core_get_ui(), TRUE);
    return account;
  });
  accounts_.push_back(account);
  return account;
}

PurpleAccount* FakeNetworkTest::SignOn(const std::string& protocol_id,
                                       const std::string& username,
                                       const std::string& password) {
  const size_t mark = Events().Mark();
  PurpleAccount* account = StartLogin(protocol_id, username, password);
  std::optional<PurpleEvent> event = Events().WaitFor(
      [&](const PurpleEvent& event) {
        return event.account == username &&
               (event.type == "signed-on" || event.type == "connection-error");
      },
      mark);
  EXPECT_TRUE(event.has_value()) << username << " did not sign on";
  if (event.has_value()) {
    EXPECT_EQ(event->type, "signed-on") << event->text;
  }
  return account;
}

v1::WaitForClientFrameResponse FakeNetworkTest::WaitForClientFrame(
    const std::string& account, int kind, int64_t after_sequence) {
  grpc::ClientContext context;
  v1::WaitForClientFrameRequest request;
  request.set_account(account);
  request.set_kind(kind);
  request.set_after_sequence(after_sequence);
  request.set_timeout_ms(20000);
  v1::WaitForClientFrameResponse response;
  EXPECT_TRUE(Ok(control().WaitForClientFrame(&context, request, &response)));
  return response;
}

::testing::AssertionResult Ok(const grpc::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "gRPC error " << status.error_code()
                                       << ": " << status.error_message();
}

}  // namespace lilac::testing::fake
