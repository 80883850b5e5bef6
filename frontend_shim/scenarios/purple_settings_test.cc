// [purple] keys and Spectrum's per-user LOGIN settings reaching the plugin:
// undeclared keys as strings, declared ones typed; an ill-typed declared key
// stops the backend at start (or, with "any", refuses the LOGIN; with a
// remote lilacd not up yet, stops it when lilacd first answers).
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::shim::testing {
namespace {

using ::lilac::testing::LilacdProcess;
using ::lilac::testing::RunfilePath;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
constexpr char kAlice[] = "alice@example.org";

class PurpleSettingsTest : public ShimTest {
 protected:
  // Launches the shim as StartSpectrum does, with its stderr in a file
  // (Spectrum keeps a backend's stderr in its log).
  absl::StatusOr<std::unique_ptr<spectrum::SpectrumEmulator>>
  StartSpectrumLogging(const std::string& config_path) {
    spectrum::SpectrumEmulator::Options options;
    options.backend_command = {
        "/bin/sh", "-c", absl::StrCat("exec \"$0\" \"$@\" 2>", stderr_path()),
        RunfilePath("frontend_shim/spectrum2_lilac_backend")};
    options.config_path = config_path;
    options.spectrum_args = {"-n"};
    options.working_dir = temp_dir_;
    options.ping_interval = ping_interval_;
    return spectrum::SpectrumEmulator::Start(options);
  }
  std::string stderr_path() const { return temp_dir_ + "/backend.stderr"; }
  std::string Stderr() const {
    std::ifstream in(stderr_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string config_path() const { return temp_dir_ + "/transport.cfg"; }

  void TearDown() override {
    if (socket_dir_.empty()) return;
    unlink((socket_dir_ + "/lilacd.sock").c_str());
    rmdir(socket_dir_.c_str());
  }
  std::string socket_dir_;
};

TEST_F(PurpleSettingsTest, UndeclaredKeysReachThePluginAsStrings) {
  StartShim("prpl-fake",
            "api-key = K3Y\n"
            "report-strings = api-key,some_unknown_option,server\n");
  LoginConnected(kAlice, "alice");
  absl::StatusOr<fake::v1::ClientFrame> login =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kLogin);
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_THAT(login->login().account_strings(),
              UnorderedElementsAre(Pair("api-key", "K3Y"),
                                   Pair("some_unknown_option", "1"),
                                   Pair("server", network_->network_host())));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(PurpleSettingsTest, DeclaredKeysKeepTheirType) {
  // show-unread is a declared bool: as the string "0" the plugin would read
  // its default (on). The int port is used to connect at all.
  StartShim("prpl-fake-facebook", "show-unread = 0\n");
  LoginConnected(kAlice, "alice");
  absl::StatusOr<fake::v1::ClientFrame> login =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kLogin);
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_FALSE(login->login().replay_unread());
}

TEST_F(PurpleSettingsTest, PerUserLoginSettingsReachThePlugin) {
  StartShim("prpl-fake",
            "api-key = from-config\n"
            "report-strings = hangouts_oauth_token,send_headlines,api-key\n");
  CreateAccount("alice");
  ASSERT_TRUE(
      spectrum_
          ->Login(kAlice, "alice", "secret",
                  {{"hangouts_oauth_token", "t0k"}, {"api-key", "from-user"}})
          .ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  absl::StatusOr<fake::v1::ClientFrame> login =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kLogin);
  ASSERT_TRUE(login.ok()) << login.status();
  // As upstream: the user's settings first, [purple] wins on a shared key.
  EXPECT_THAT(login->login().account_strings(),
              UnorderedElementsAre(Pair("hangouts_oauth_token", "t0k"),
                                   Pair("send_headlines", "0"),
                                   Pair("api-key", "from-config")));
}

TEST_F(PurpleSettingsTest, AnIllTypedDeclaredKeyStopsTheBackendAtStart) {
  // The last of repeated keys wins: port = fast.
  WriteConfig(config_path(), "prpl-fake", "port = fast\n");
  absl::StatusOr<std::unique_ptr<spectrum::SpectrumEmulator>> started =
      StartSpectrumLogging(config_path());
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(std::string(started.status().message()),
              HasSubstr("backend exited with code 1"));
  const std::string log = Stderr();
  EXPECT_THAT(log, HasSubstr("invalid [purple] setting for prpl-fake: setting "
                             "\"port\" is an integer, not \"fast\""));
  EXPECT_THAT(log, HasSubstr("refusing to start"));
}

TEST_F(PurpleSettingsTest, WithProtocolAnyTheCheckIsAtLogin) {
  StartShim("any", absl::StrCat("server = ", network_->network_host(),
                                "\nport = fast\n"));
  CreateAccount("alice");
  ASSERT_TRUE(spectrum_->Login(kAlice, "prpl-fake.alice", "secret").ok());
  absl::StatusOr<pbnetwork::Disconnected> refused =
      spectrum_->WaitForDisconnected(kAlice, kTimeout);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->error(), pbnetwork::CONNECTION_ERROR_INVALID_SETTINGS);
  EXPECT_THAT(refused->message(), HasSubstr("\"port\" is an integer"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(PurpleSettingsTest, ARemoteLilacdIsCheckedWhenItFirstAnswers) {
  std::string pattern = "/tmp/lilac-shim-XXXXXX";  // short for sun_path
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  socket_dir_ = pattern;
  const std::string address = "unix:" + socket_dir_ + "/lilacd.sock";
  WriteConfig(config_path(), "prpl-fake",
              absl::StrCat("port = fast\n[lilac]\nlilacd = ", address, "\n"));
  // Nothing to check against yet: the backend starts.
  absl::StatusOr<std::unique_ptr<spectrum::SpectrumEmulator>> started =
      StartSpectrumLogging(config_path());
  ASSERT_TRUE(started.ok()) << started.status();
  spectrum_ = *std::move(started);
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());

  LilacdProcess::Options options;
  options.listen = address;
  options.extra_flags = {"--plugin_dirs=" + RunfilePath("testing/fake_prpl")};
  absl::StatusOr<std::unique_ptr<LilacdProcess>> lilacd =
      LilacdProcess::Start(options);
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  absl::StatusOr<int> code = spectrum_->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 1);
  EXPECT_THAT(Stderr(), HasSubstr("\"port\" is an integer, not \"fast\""));
}

}  // namespace
}  // namespace lilac::shim::testing
