// Plugin state across restarts (--plugin_state_dir, AccountSettingsChanged,
// LoginRequest.saved_settings, Logout.remove_plugin_files) with real lilacd
// processes and prpl-fake, which keeps a rotating token as an account string,
// a device id in a subdirectory of libpurple's user directory and a login
// counter file beside it, as telegram-purple, purple-lurch and purple-discord
// do.
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kPassword[] = "pw-4d7f1c-never-on-disk";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The device id prpl-fake keeps in a file, as it presents it.
std::string DeviceOf(const std::string& state_dir, const std::string& user) {
  std::string id = Read(state_dir + "/fake-devices/" + user + "/device");
  while (!id.empty() && id.back() == '\n') id.pop_back();
  return id;
}

mode_t Mode(const std::string& path) {
  struct stat info;
  EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

const v1::AccountSetting* Find(const v1::AccountSettingsChanged& changed,
                               const std::string& key) {
  for (const v1::AccountSetting& setting : changed.settings()) {
    if (setting.key() == key) return &setting;
  }
  return nullptr;
}

class PluginStateTest : public FakeNetworkTest {
 protected:
  PluginStateTest() {
    std::string pattern = fs::temp_directory_path() / "plugin-state-XXXXXX";
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    state_dir_ = base_ + "/state";
    lilacd_flags_ = {"--plugin_state_dir=" + state_dir_};
  }
  ~PluginStateTest() override {
    // lilacd (and its workers) first: they own directories in there.
    client_.reset();
    lilacd_.reset();
    fs::remove_all(base_);
  }

  void RestartLilacd(bool crash = false) {
    client_.reset();
    if (crash) {
      lilacd_->Kill();
    } else {
      ASSERT_TRUE(lilacd_->Stop().ok());
    }
    lilacd_.reset();
    LilacdProcess::Options options;
    options.extra_flags = {"--plugin_dirs=" + RunfilePath("testing/fake_prpl"),
                           "--plugin_state_dir=" + state_dir_};
    absl::StatusOr<std::unique_ptr<LilacdProcess>> lilacd =
        LilacdProcess::Start(options);
    ASSERT_TRUE(lilacd.ok()) << lilacd.status();
    lilacd_ = *std::move(lilacd);
    client_ = std::make_unique<LilacClient>(lilacd_->NewChannel());
  }

  // Logs in and returns what the plugin changed at sign-on.
  v1::AccountSettingsChanged LoginAndTakeSettings(
      const std::string& session, const std::string& username,
      const google::protobuf::RepeatedPtrField<v1::AccountSetting>& saved = {},
      bool reconnect = false) {
    v1::LoginRequest request = FakeLoginRequest(session, username);
    request.set_password(kPassword);
    *request.mutable_saved_settings() = saved;
    if (reconnect) {
      request.mutable_reconnect()->set_enabled(true);
      request.mutable_reconnect()->mutable_initial_delay()->set_nanos(100 *
                                                                      1000000);
    }
    v1::LoginResponse response;
    grpc::Status status =
        Call(&v1::LilacService::Stub::Login, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_THAT(response.ignored_settings(), IsEmpty());
    absl::StatusOr<v1::Event> changed =
        client_->WaitFor(EventOf(session, v1::Event::kAccountSettingsChanged));
    EXPECT_TRUE(changed.ok()) << changed.status();
    absl::StatusOr<v1::Event> connected =
        client_->WaitFor(ConnectionIs(session, v1::CONNECTION_STATE_CONNECTED));
    EXPECT_TRUE(connected.ok()) << connected.status();
    return changed.ok() ? changed->account_settings_changed()
                        : v1::AccountSettingsChanged();
  }

  v1::LogoutResponse Logout(const std::string& session,
                            bool remove_plugin_files = false) {
    v1::LogoutRequest request;
    request.set_session(session);
    request.set_remove_plugin_files(remove_plugin_files);
    v1::LogoutResponse response;
    grpc::Status status =
        Call(&v1::LilacService::Stub::Logout, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  fake::v1::GetAccountStateResponse AccountState(const std::string& account) {
    fake::v1::GetAccountStateRequest request;
    request.set_account(account);
    return Control(&fake::v1::FakeNetworkControl::Stub::GetAccountState,
                   request);
  }

  std::string base_;
  std::string state_dir_;
};

TEST_F(PluginStateTest, TokenAndFilesSurviveARestart) {
  CreateAccount("alice", kPassword);
  const v1::AccountSettingsChanged first = LoginAndTakeSettings("a", "alice");
  const v1::AccountSetting* token = Find(first, "session-token");
  ASSERT_NE(token, nullptr);
  EXPECT_TRUE(token->secret());
  EXPECT_THAT(token->string_value(), Not(IsEmpty()));
  const v1::AccountSetting* generation = Find(first, "token-generation");
  ASSERT_NE(generation, nullptr);
  EXPECT_EQ(generation->int_value(), 1);
  // Only what the plugin changed: not what Login set.
  EXPECT_EQ(Find(first, "server"), nullptr);

  // The plugin's files are in the state directory, private to the service.
  const std::string device_id = DeviceOf(state_dir_, "alice");
  EXPECT_THAT(device_id, Not(IsEmpty()));
  EXPECT_EQ(Mode(state_dir_), 0700);
  EXPECT_EQ(Mode(state_dir_ + "/fake-devices"), 0700);
  EXPECT_EQ(Mode(state_dir_ + "/alice_logins.txt") & 077, 0);
  Logout("a");
  RestartLilacd();

  // Same device after the restart; the token is presented only when given
  // back.
  const v1::AccountSettingsChanged second = LoginAndTakeSettings("a", "alice");
  Logout("a");
  const v1::AccountSettingsChanged third =
      LoginAndTakeSettings("a", "alice", second.settings());
  fake::v1::GetAccountStateResponse state = AccountState("alice");
  ASSERT_EQ(state.logins_size(), 3);
  EXPECT_EQ(state.logins(1).device_id(), device_id);
  EXPECT_EQ(state.logins(1).login_count(), 2u);
  EXPECT_FALSE(state.logins(1).token_valid());
  EXPECT_EQ(state.logins(2).device_id(), device_id);
  EXPECT_EQ(state.logins(2).login_count(), 3u);
  EXPECT_TRUE(state.logins(2).token_valid());
  ASSERT_NE(Find(third, "token-generation"), nullptr);
  EXPECT_EQ(Find(third, "token-generation")->int_value(), 2);

  // libpurple's own files stay in the private directory (accounts.xml is
  // never written: a directory stands in its way) and passwords reach no file.
  for (const auto& entry : fs::recursive_directory_iterator(state_dir_)) {
    const std::string path = entry.path().string();
    const bool is_private = path.rfind(state_dir_ + "/.lilac/", 0) == 0;
    if (entry.path().filename() == "accounts.xml") {
      EXPECT_TRUE(entry.is_directory()) << path;
    }
    if (entry.path().filename() == "blist.xml") {
      EXPECT_TRUE(is_private) << path;
    }
    if (entry.is_regular_file()) {
      EXPECT_EQ(Read(path).find(kPassword), std::string::npos) << path;
    }
  }
}

TEST_F(PluginStateTest, ReconnectsPresentTheLatestToken) {
  CreateAccount("bob", kPassword);
  LoginAndTakeSettings("b", "bob", {}, /*reconnect=*/true);
  fake::v1::DisconnectRequest cut;
  cut.set_account("bob");
  Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut);
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("b", v1::CONNECTION_STATE_DISCONNECTED))
          .ok());
  absl::StatusOr<v1::Event> rotated =
      client_->WaitFor(EventOf("b", v1::Event::kAccountSettingsChanged));
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("b", v1::CONNECTION_STATE_CONNECTED)).ok());
  const fake::v1::GetAccountStateResponse state = AccountState("bob");
  ASSERT_EQ(state.logins_size(), 2);
  EXPECT_TRUE(state.logins(1).token_valid());
  EXPECT_EQ(Find(rotated->account_settings_changed(), "token-generation")
                ->int_value(),
            2);
}

TEST_F(PluginStateTest, ATokenRefreshedMidSessionIsReportedAndKept) {
  CreateAccount("erin", kPassword);
  LoginAndTakeSettings("e", "erin");
  // No sign-on, no disconnect: libpurple schedules saving its accounts.
  fake::v1::RefreshTokenRequest refresh;
  refresh.set_account("erin");
  const std::string token =
      Control(&fake::v1::FakeNetworkControl::Stub::RefreshToken, refresh)
          .session_token();
  absl::StatusOr<v1::Event> refreshed =
      client_->WaitFor(EventOf("e", v1::Event::kAccountSettingsChanged));
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  const v1::AccountSettingsChanged& changed =
      refreshed->account_settings_changed();
  // Both values the plugin changes with a new token, and only those.
  ASSERT_EQ(changed.settings_size(), 2);
  ASSERT_NE(Find(changed, "session-token"), nullptr);
  EXPECT_EQ(Find(changed, "session-token")->string_value(), token);
  EXPECT_TRUE(Find(changed, "session-token")->secret());
  ASSERT_NE(Find(changed, "token-generation"), nullptr);
  EXPECT_EQ(Find(changed, "token-generation")->int_value(), 2);
  // Given back after a restart, the refreshed token is the valid one.
  Logout("e");
  RestartLilacd();
  LoginAndTakeSettings("e", "erin", changed.settings());
  const fake::v1::GetAccountStateResponse state = AccountState("erin");
  ASSERT_EQ(state.logins_size(), 2);
  EXPECT_TRUE(state.logins(1).token_valid());
}

TEST_F(PluginStateTest, LogoutCanRemoveTheAccountsFilesAndOnlyThose) {
  CreateAccount("carol", kPassword);
  CreateAccount("carol2", kPassword);
  LoginAndTakeSettings("c", "carol");
  LoginAndTakeSettings("c2", "carol2");
  const std::string old_device = DeviceOf(state_dir_, "carol");

  EXPECT_THAT(Logout("c2").removed_plugin_files(), IsEmpty());
  EXPECT_THAT(Logout("c", /*remove_plugin_files=*/true).removed_plugin_files(),
              ElementsAre("carol_logins.txt", "fake-devices/carol"));
  EXPECT_FALSE(fs::exists(state_dir_ + "/fake-devices/carol"));
  EXPECT_TRUE(fs::exists(state_dir_ + "/fake-devices/carol2/device"));
  EXPECT_TRUE(fs::exists(state_dir_ + "/carol2_logins.txt"));

  // Starts afresh: a new device, the first login again.
  LoginAndTakeSettings("c", "carol");
  EXPECT_NE(DeviceOf(state_dir_, "carol"), old_device);
  const fake::v1::GetAccountStateResponse state = AccountState("carol");
  ASSERT_EQ(state.logins_size(), 2);
  EXPECT_EQ(state.logins(1).login_count(), 1u);
}

TEST_F(PluginStateTest, FilesOfAKilledLilacdAreKept) {
  CreateAccount("dave", kPassword);
  LoginAndTakeSettings("d", "dave");
  const std::string device_id = DeviceOf(state_dir_, "dave");
  RestartLilacd(/*crash=*/true);
  // The dead process's private directory was taken over: only ours is left
  // (a directory and its lock).
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(state_dir_ + "/.lilac/run")) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 2);
  LoginAndTakeSettings("d", "dave");
  const fake::v1::GetAccountStateResponse state = AccountState("dave");
  ASSERT_EQ(state.logins_size(), 2);
  EXPECT_EQ(state.logins(1).device_id(), device_id);
}

}  // namespace
}  // namespace lilac::testing
