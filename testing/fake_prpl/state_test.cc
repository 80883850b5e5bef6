// State the plugins keep as real third-party plugins do: files under
// purple_user_dir() (a device id in a directory of its own, a login counter
// directly in the user dir) and a rotating session token in account strings
// they never declare.
#include <sys/stat.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/prpl_test_support.h"

namespace lilac::testing::fake {
namespace {

class StateTest : public FakeNetworkTest {
 protected:
  v1::GetAccountStateResponse AccountState(const std::string& account) {
    grpc::ClientContext context;
    v1::GetAccountStateRequest request;
    request.set_account(account);
    v1::GetAccountStateResponse response;
    EXPECT_TRUE(Ok(control().GetAccountState(&context, request, &response)));
    return response;
  }

  // Logs out (disables the account, as a user does) and back in.
  void LogOutAndIn(PurpleAccount* account, const std::string& username) {
    Host().Run([&](const OnLoop&) {
      purple_account_set_enabled(account, purple_core_get_ui(), FALSE);
      EXPECT_EQ(purple_account_get_connection(account), nullptr);
    });
    // The server has seen the connection go before the next login.
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (AccountState(username).connected() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_FALSE(AccountState(username).connected());
    const size_t mark = Events().Mark();
    Host().Run([&](const OnLoop&) {
      purple_account_set_enabled(account, purple_core_get_ui(), TRUE);
    });
    std::optional<PurpleEvent> event = Events().WaitFor(
        [&](const PurpleEvent& event) {
          return event.account == username &&
                 (event.type == "signed-on" ||
                  event.type == "connection-error");
        },
        mark);
    ASSERT_TRUE(event.has_value()) << username << " did not sign on again";
    ASSERT_EQ(event->type, "signed-on") << event->text;
  }

  static std::string UserDir() {
    return Host().Run(
        [](const OnLoop&) { return std::string(purple_user_dir()); });
  }

  static std::string StringOf(PurpleAccount* account, const char* name) {
    return Host().Run([&](const OnLoop&) {
      const char* value = purple_account_get_string(account, name, "");
      return std::string(value ? value : "");
    });
  }

  static int IntOf(PurpleAccount* account, const char* name) {
    return Host().Run([&](const OnLoop&) {
      return purple_account_get_int(account, name, 0);
    });
  }

  // Permission bits of `path`, or -1 if it does not exist.
  static int ModeOf(const std::string& path) {
    struct stat info;
    if (stat(path.c_str(), &info) != 0) return -1;
    return info.st_mode & 07777;
  }
};

TEST_F(StateTest, SecondLoginPresentsTheFirstTokenFromTheSameDevice) {
  const std::string user = "state-twice";
  CreateServerAccount(user, "secret");
  PurpleAccount* account = SignOn("prpl-fake", user, "secret");
  const std::string first_token = StringOf(account, "session-token");
  EXPECT_TRUE(absl::StartsWith(first_token, "tok-")) << first_token;
  EXPECT_EQ(IntOf(account, "token-generation"), 1);

  LogOutAndIn(account, user);

  v1::GetAccountStateResponse state = AccountState(user);
  ASSERT_EQ(state.logins_size(), 2);
  const v1::LoginRecord& first = state.logins(0);
  const v1::LoginRecord& second = state.logins(1);
  EXPECT_EQ(first.presented_token(), "");
  EXPECT_FALSE(first.token_valid());
  EXPECT_EQ(second.presented_token(), first_token);
  EXPECT_TRUE(second.token_valid());
  EXPECT_TRUE(absl::StartsWith(first.device_id(), "dev-")) << first.device_id();
  EXPECT_EQ(second.device_id(), first.device_id());
  EXPECT_EQ(first.login_count(), 1u);
  EXPECT_EQ(second.login_count(), 2u);

  // The account strings: a new token (rotated), the second stored.
  const std::string second_token = StringOf(account, "session-token");
  EXPECT_TRUE(absl::StartsWith(second_token, "tok-")) << second_token;
  EXPECT_NE(second_token, first_token);
  EXPECT_EQ(IntOf(account, "token-generation"), 2);

  // The files, private to the user.
  const std::string user_dir = UserDir();
  const std::string device_dir = absl::StrCat(user_dir, "/fake-devices/", user);
  EXPECT_EQ(ModeOf(device_dir), 0700) << device_dir;
  EXPECT_EQ(ModeOf(device_dir + "/device"), 0600);
  EXPECT_EQ(ModeOf(absl::StrCat(user_dir, "/", user, "_logins.txt")), 0600);
  gchar* contents = nullptr;
  ASSERT_TRUE(g_file_get_contents(
      absl::StrCat(user_dir, "/", user, "_logins.txt").c_str(), &contents,
      nullptr, nullptr));
  EXPECT_EQ(std::string(contents), "2\n");
  g_free(contents);
}

TEST_F(StateTest, LoginFrameCarriesTheState) {
  const std::string user = "state-frame";
  CreateServerAccount(user, "secret");
  SignOn("prpl-fake-facebook", user, "secret");
  v1::WaitForClientFrameResponse login =
      WaitForClientFrame(user, v1::ClientFrame::kLogin);
  EXPECT_TRUE(absl::StartsWith(login.frame().login().device_id(), "dev-"));
  EXPECT_EQ(login.frame().login().login_count(), 1u);
  EXPECT_EQ(login.frame().login().session_token(), "");
}

TEST_F(StateTest, UnwritableStateStillLogsIn) {
  const std::string user = "state-blocked";
  CreateServerAccount(user, "secret");
  // A file where the device directory goes and a directory where the counter
  // goes: neither can be written, whoever runs the test.
  const std::string user_dir = UserDir();
  ASSERT_EQ(g_mkdir_with_parents((user_dir + "/fake-devices").c_str(), 0700),
            0);
  ASSERT_TRUE(g_file_set_contents(
      absl::StrCat(user_dir, "/fake-devices/", user).c_str(), "x", 1, nullptr));
  ASSERT_EQ(g_mkdir_with_parents(
                absl::StrCat(user_dir, "/", user, "_logins.txt").c_str(), 0700),
            0);

  SignOn("prpl-fake", user, "secret");
  v1::GetAccountStateResponse state = AccountState(user);
  ASSERT_EQ(state.logins_size(), 1);
  EXPECT_EQ(state.logins(0).device_id(), "");
  EXPECT_EQ(state.logins(0).login_count(), 0u);
}

}  // namespace
}  // namespace lilac::testing::fake
