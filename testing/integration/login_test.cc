// Logins through lilacd's API against the fake network: success, refusals,
// unknown protocols and settings, idempotency, logout, automatic reconnect.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

class LoginTest : public FakeNetworkTest {};

TEST_F(LoginTest, ConnectsAndReportsProgress) {
  CreateAccount("alice");
  absl::StatusOr<v1::LoginResponse> login = Login("alice-key", "alice");
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->session().session(), "alice-key");
  EXPECT_FALSE(login->already_existed());

  ASSERT_TRUE(
      client_
          ->WaitFor(ConnectionIs("alice-key", v1::CONNECTION_STATE_CONNECTING))
          .ok());
  absl::StatusOr<v1::Event> connected = client_->WaitFor(
      ConnectionIs("alice-key", v1::CONNECTION_STATE_CONNECTED));
  ASSERT_TRUE(connected.ok()) << connected.status();
  EXPECT_FALSE(connected->connection_changed().display_name().empty());

  v1::GetSessionRequest get;
  get.set_session("alice-key");
  v1::GetSessionResponse session_response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetSession, get, &session_response).ok());
  const v1::Session& session = session_response.session();
  EXPECT_EQ(session.state(), v1::CONNECTION_STATE_CONNECTED);
  EXPECT_EQ(session.protocol(), "prpl-fake");
  EXPECT_GE(session.last_sequence(), connected->sequence());
}

TEST_F(LoginTest, WrongPasswordIsAFatalAuthenticationError) {
  CreateAccount("alice", "right");
  ASSERT_TRUE(Login("alice", "alice", "wrong").ok());
  absl::StatusOr<v1::Event> down = client_->WaitFor(
      ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED));
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->connection_changed().reason(),
            v1::DISCONNECT_REASON_AUTHENTICATION_FAILED);
  EXPECT_FALSE(down->connection_changed().retryable());
}

TEST_F(LoginTest, UnknownUserIsAnInvalidUsername) {
  ASSERT_TRUE(Login("ghost", "ghost").ok());
  absl::StatusOr<v1::Event> down = client_->WaitFor(
      ConnectionIs("ghost", v1::CONNECTION_STATE_DISCONNECTED));
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->connection_changed().reason(),
            v1::DISCONNECT_REASON_INVALID_USERNAME);
  EXPECT_FALSE(down->connection_changed().retryable());
}

TEST_F(LoginTest, ServerDownIsARetryableNetworkError) {
  CreateAccount("alice");
  v1::LoginRequest request;
  request.set_session("alice");
  request.set_protocol("prpl-fake");
  request.set_username("alice");
  request.set_password("secret");
  (*request.mutable_settings())["server"] = "127.0.0.1";
  (*request.mutable_settings())["port"] = "1";  // nothing listens there
  v1::LoginResponse response;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Login, request, &response).ok());
  absl::StatusOr<v1::Event> down = client_->WaitFor(
      ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED));
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->connection_changed().reason(),
            v1::DISCONNECT_REASON_NETWORK_ERROR);
  EXPECT_TRUE(down->connection_changed().retryable());
}

TEST_F(LoginTest, UnknownProtocolNamesTheInstalledOnes) {
  absl::StatusOr<v1::LoginResponse> login =
      Login("alice", "alice", "secret", "prpl-nonexistent");
  ASSERT_EQ(login.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(login.status().message()), HasSubstr("prpl-fake"));
  EXPECT_THAT(std::string(login.status().message()), HasSubstr("prpl-jabber"));
}

TEST_F(LoginTest, IllTypedOrUnknownSettingsAreRefusedWithTheKey) {
  absl::StatusOr<v1::LoginResponse> bad_int =
      Login("a", "alice", "secret", "prpl-fake", {{"port", "many"}});
  ASSERT_EQ(bad_int.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_int.status().message()), HasSubstr("\"port\""));

  absl::StatusOr<v1::LoginResponse> unknown =
      Login("a", "alice", "secret", "prpl-fake", {{"colour", "blue"}});
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("colour"));

  // Nothing was left behind by the refused logins.
  v1::ListSessionsResponse sessions;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::ListSessions,
                   v1::ListSessionsRequest(), &sessions)
                  .ok());
  EXPECT_EQ(sessions.sessions_size(), 0);
}

TEST_F(LoginTest, UnknownSettingsCanBeIgnoredAndAreListed) {
  CreateAccount("alice");
  v1::LoginRequest request = FakeLoginRequest("alice", "alice");
  request.set_ignore_unknown_settings(true);
  (*request.mutable_settings())["colour"] = "blue";
  v1::LoginResponse response;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Login, request, &response).ok());
  EXPECT_THAT(response.ignored_settings(), ::testing::ElementsAre("colour"));
  EXPECT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
}

TEST_F(LoginTest, UndeclaredSettingsAndAccountStringsReachThePlugin) {
  CreateAccount("alice");
  v1::LoginRequest request = FakeLoginRequest("alice", "alice");
  request.set_undeclared_settings_as_strings(true);
  auto& settings = *request.mutable_settings();
  settings["api-key"] = "K3Y";
  settings["report-strings"] = "api-key,token,shared";
  settings["shared"] = "from settings";
  auto& strings = *request.mutable_account_strings();
  strings["token"] = "t0k";
  strings["shared"] = "from account_strings";
  strings["port"] = "not a number";  // `settings` has it: not even parsed
  v1::LoginResponse response;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Login, request, &response).ok());
  EXPECT_THAT(response.ignored_settings(), ::testing::ElementsAre());
  EXPECT_THAT(response.undeclared_settings(),
              ::testing::UnorderedElementsAre("api-key", "report-strings",
                                              "shared", "token"));
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  absl::StatusOr<fake::v1::ClientFrame> login =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kLogin);
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_THAT(
      login->login().account_strings(),
      ::testing::UnorderedElementsAre(
          ::testing::Pair("api-key", "K3Y"), ::testing::Pair("token", "t0k"),
          ::testing::Pair("shared", "from settings")));
}

TEST_F(LoginTest, AccountStringsOfDeclaredOptionsAreTyped) {
  CreateAccount("alice");
  v1::LoginRequest request;
  request.set_session("alice");
  request.set_protocol("prpl-fake");
  request.set_username("alice");
  request.set_password("secret");
  (*request.mutable_settings())["server"] = network_->network_host();
  (*request.mutable_account_strings())["port"] =
      std::to_string(network_->network_port());
  (*request.mutable_account_strings())["colour"] = "blue";
  v1::LoginResponse response;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Login, request, &response).ok());
  // A declared int given as an account string is typed: the port is used.
  EXPECT_THAT(response.undeclared_settings(), ::testing::ElementsAre("colour"));
  EXPECT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
}

TEST_F(LoginTest, LoginIsIdempotentPerKeyAndAnAccountHasOneKey) {
  LoginConnected("alice", "alice");
  absl::StatusOr<v1::LoginResponse> again = Login("alice", "alice");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_existed());
  EXPECT_EQ(again->session().state(), v1::CONNECTION_STATE_CONNECTED);

  absl::StatusOr<v1::LoginResponse> other_user = Login("alice", "bob");
  EXPECT_EQ(other_user.status().code(), absl::StatusCode::kAlreadyExists);

  absl::StatusOr<v1::LoginResponse> second_key = Login("alice-2", "alice");
  ASSERT_EQ(second_key.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(second_key.status().message()), HasSubstr("alice"));
}

TEST_F(LoginTest, LogoutEndsTheSessionAndForgetsIt) {
  LoginConnected("alice", "alice");
  v1::LogoutRequest logout;
  logout.set_session("alice");
  v1::LogoutResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Logout, logout, &done).ok());
  EXPECT_TRUE(
      client_->WaitFor(EventOf("alice", v1::Event::kSessionEnded)).ok());

  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  EXPECT_EQ(Call(&v1::LilacService::Stub::GetSession, get, &session_response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(&v1::LilacService::Stub::Logout, logout, &done).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The account can log in again, under any key.
  ASSERT_TRUE(Login("alice-again", "alice").ok());
  EXPECT_TRUE(
      client_
          ->WaitFor(ConnectionIs("alice-again", v1::CONNECTION_STATE_CONNECTED))
          .ok());
}

TEST_F(LoginTest, ReconnectsAutomaticallyAfterTheConnectionIsCut) {
  CreateAccount("alice");
  ASSERT_TRUE(Login("alice", "alice", "secret", "prpl-fake", {}, true).ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());

  fake::v1::DisconnectRequest cut;
  cut.set_account("alice");
  Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut);

  absl::StatusOr<v1::Event> down = client_->WaitFor(
      ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED));
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_TRUE(down->connection_changed().retryable());
  EXPECT_EQ(down->connection_changed().reconnect_attempt(), 1);
  EXPECT_TRUE(down->connection_changed().has_reconnect_in());
  absl::StatusOr<v1::Event> back =
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED));
  ASSERT_TRUE(back.ok()) << back.status();
}

TEST_F(LoginTest, ASlowLoginStaysConnectingUntilTheServerAnswers) {
  CreateAccount("alice");
  fake::v1::SetLoginBehaviorRequest slow;
  slow.set_account("alice");
  slow.set_delay_ms(4000);
  Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, slow);
  ASSERT_TRUE(Login("alice", "alice").ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTING))
          .ok());
  // While the server holds the answer back, other calls are served at once.
  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetSession, get, &session_response).ok());
  const v1::Session& session = session_response.session();
  EXPECT_EQ(session.state(), v1::CONNECTION_STATE_CONNECTING);
  EXPECT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
}

TEST_F(LoginTest, ALoginPastItsConnectDeadlineIsARetryableNetworkError) {
  CreateAccount("alice");
  fake::v1::SetLoginBehaviorRequest slow;
  slow.set_account("alice");
  slow.set_delay_ms(4000);
  Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, slow);
  v1::LoginRequest login;
  login.set_session("alice");
  login.set_protocol("prpl-fake");
  login.set_username("alice");
  login.set_password("secret");
  (*login.mutable_settings())["server"] = network_->network_host();
  (*login.mutable_settings())["port"] = absl::StrCat(network_->network_port());
  login.mutable_connect_timeout()->set_seconds(1);
  v1::LoginResponse response;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Login, login, &response).ok());
  absl::StatusOr<v1::Event> down = client_->WaitFor(
      ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED));
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->connection_changed().reason(),
            v1::DISCONNECT_REASON_NETWORK_ERROR);
  EXPECT_TRUE(down->connection_changed().retryable());
  EXPECT_EQ(down->connection_changed().message(), "timed out while connecting");
}

TEST_F(LoginTest, MissingRequiredFieldsAreInvalid) {
  v1::LoginRequest request;
  request.set_protocol("prpl-fake");
  v1::LoginResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::Login, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("session"));
}

}  // namespace
}  // namespace lilac::testing
