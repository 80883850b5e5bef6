// Plugin state through the shim: what a plugin keeps in files persists in
// working_dir and what it changes in the account (a rotating token) is kept
// per user in working_dir and given back at the next LOGIN, so a restarted
// backend logs users in as the same device with a valid token, as upstream's
// backend does.
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
constexpr char kAlice[] = "alice@example.org";
constexpr char kPassword[] = "pw-7c1e-kept-nowhere";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

mode_t Mode(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

class PluginStateTest : public ShimTest {
 protected:
  fake::v1::GetAccountStateResponse AccountState(const std::string& account) {
    fake::v1::GetAccountStateRequest request;
    request.set_account(account);
    return Control(&fake::v1::FakeNetworkControl::Stub::GetAccountState,
                   request);
  }
};

TEST_F(PluginStateTest, ARestartedBackendLogsInAsTheSameDeviceWithItsToken) {
  StartShim();
  CreateAccount("alice", kPassword);
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice", kPassword).ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  const std::string saved = temp_dir_ + "/.lilac/settings/alice@example.org";
  EXPECT_EQ(Mode(saved), 0600);
  EXPECT_EQ(Mode(temp_dir_ + "/.lilac/settings"), 0700);
  EXPECT_THAT(Read(saved), HasSubstr("session-token"));
  // The password is not among what the shim keeps.
  EXPECT_THAT(Read(saved), Not(HasSubstr(kPassword)));
  const std::string device = Read(temp_dir_ + "/fake-devices/alice/device");
  EXPECT_THAT(device, HasSubstr("dev-"));

  ASSERT_TRUE(spectrum_->Logout(kAlice, "alice").ok());
  spectrum_.reset();  // the backend process ends
  StartShim();
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice", kPassword).ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());

  const fake::v1::GetAccountStateResponse state = AccountState("alice");
  ASSERT_EQ(state.logins_size(), 2);
  EXPECT_EQ(state.logins(1).device_id() + "\n", device);
  EXPECT_EQ(state.logins(1).login_count(), 2u);
  EXPECT_TRUE(state.logins(1).token_valid());
}

}  // namespace
}  // namespace lilac::shim::testing
