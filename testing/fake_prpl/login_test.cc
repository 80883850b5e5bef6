// Logging in to the fake network through libpurple: success and each way a
// login fails, with the PurpleConnectionError a host sees.
#include "gtest/gtest.h"
#include "testing/fake_prpl/prpl_test_support.h"

namespace lilac::testing::fake {
namespace {

class LoginTest : public FakeNetworkTest {
 protected:
  // Starts a login and returns the connection error it ends with.
  PurpleEvent LoginError(const std::string& username,
                         const std::string& password, int port = 0) {
    const size_t mark = Events().Mark();
    StartLogin("prpl-fake", username, password, port);
    std::optional<PurpleEvent> error =
        Events().WaitFor("connection-error", username, mark);
    EXPECT_TRUE(error.has_value()) << "no connection error for " << username;
    return error.value_or(PurpleEvent{});
  }

  void SetLoginBehavior(const std::string& account, v1::LoginError refusal,
                        int delay_ms = 0) {
    grpc::ClientContext context;
    v1::SetLoginBehaviorRequest request;
    request.set_account(account);
    request.set_refusal(refusal);
    request.set_delay_ms(delay_ms);
    v1::SetLoginBehaviorResponse response;
    ASSERT_TRUE(Ok(control().SetLoginBehavior(&context, request, &response)));
  }
};

TEST_F(LoginTest, CorrectPasswordSignsOn) {
  CreateServerAccount("login-ok", "secret");
  SignOn("prpl-fake", "login-ok", "secret");
  v1::WaitForClientFrameResponse login =
      WaitForClientFrame("login-ok", v1::ClientFrame::kLogin);
  EXPECT_EQ(login.frame().login().protocol_id(), "prpl-fake");
  EXPECT_EQ(login.frame().login().password(), "") << "never recorded";
}

TEST_F(LoginTest, WrongPasswordFailsAuthentication) {
  CreateServerAccount("login-wrong", "secret");
  PurpleEvent error = LoginError("login-wrong", "guess");
  EXPECT_EQ(error.value, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED);
  EXPECT_EQ(error.text, "Incorrect password");
}

TEST_F(LoginTest, UnknownUserIsAnInvalidUsername) {
  PurpleEvent error = LoginError("login-nobody", "secret");
  EXPECT_EQ(error.value, PURPLE_CONNECTION_ERROR_INVALID_USERNAME);
}

TEST_F(LoginTest, ServerDownIsANetworkError) {
  const int port = server().network_port();
  server_.reset();  // nothing listens on the port any more
  PurpleEvent error = LoginError("login-down", "secret", port);
  EXPECT_EQ(error.value, PURPLE_CONNECTION_ERROR_NETWORK_ERROR);
}

TEST_F(LoginTest, RateLimitedIsNotRetriedAtOnce) {
  CreateServerAccount("login-limited", "secret");
  SetLoginBehavior("login-limited", v1::LOGIN_ERROR_RATE_LIMITED);
  PurpleEvent error = LoginError("login-limited", "secret");
  EXPECT_EQ(error.value, PURPLE_CONNECTION_ERROR_OTHER_ERROR);
}

TEST_F(LoginTest, ServerErrorIsATransientNetworkError) {
  CreateServerAccount("login-500", "secret");
  SetLoginBehavior("login-500", v1::LOGIN_ERROR_SERVER_ERROR);
  PurpleEvent error = LoginError("login-500", "secret");
  EXPECT_EQ(error.value, PURPLE_CONNECTION_ERROR_NETWORK_ERROR);
}

TEST_F(LoginTest, DelayedLoginStillSignsOn) {
  CreateServerAccount("login-slow", "secret");
  SetLoginBehavior("login-slow", v1::LOGIN_ERROR_UNSPECIFIED, 300);
  const absl::Time start = absl::Now();
  SignOn("prpl-fake", "login-slow", "secret");
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
}

TEST_F(LoginTest, CutConnectionIsANetworkError) {
  CreateServerAccount("login-cut", "secret");
  SignOn("prpl-fake", "login-cut", "secret");
  const size_t mark = Events().Mark();
  grpc::ClientContext context;
  v1::DisconnectRequest request;
  request.set_account("login-cut");
  v1::DisconnectResponse response;
  ASSERT_TRUE(Ok(control().Disconnect(&context, request, &response)));
  EXPECT_EQ(response.closed(), 1);
  std::optional<PurpleEvent> error =
      Events().WaitFor("connection-error", "login-cut", mark);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->value, PURPLE_CONNECTION_ERROR_NETWORK_ERROR);
}

}  // namespace
}  // namespace lilac::testing::fake
