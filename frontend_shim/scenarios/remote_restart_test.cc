// A remote lilacd killed and restarted under the shim: every user gets a
// retryable DISCONNECTED, the shim finds lilacd again, Spectrum's re-LOGIN
// works and messages flow.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>

#include "absl/time/clock.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::shim::testing {
namespace {

using ::lilac::testing::LilacdProcess;
using ::lilac::testing::RunfilePath;
constexpr char kAlice[] = "alice@example.org";
constexpr char kCarol[] = "carol@example.org";

class RemoteRestartTest : public ShimTest {
 protected:
  absl::StatusOr<std::unique_ptr<LilacdProcess>> StartLilacd() {
    LilacdProcess::Options options;
    // The same address after a restart; short enough for sun_path.
    if (socket_dir_.empty()) {
      std::string pattern = "/tmp/lilac-shim-XXXXXX";
      if (mkdtemp(pattern.data()) == nullptr) {
        return absl::InternalError("mkdtemp failed");
      }
      socket_dir_ = pattern;
    }
    options.listen = "unix:" + socket_dir_ + "/lilacd.sock";
    options.extra_flags = {"--plugin_dirs=" + RunfilePath("testing/fake_prpl")};
    return LilacdProcess::Start(options);
  }

  void TearDown() override {
    if (socket_dir_.empty()) return;
    unlink((socket_dir_ + "/lilacd.sock").c_str());
    rmdir(socket_dir_.c_str());
  }

  std::string socket_dir_;
};

TEST_F(RemoteRestartTest, UsersAreDisconnectedThenLogInAgain) {
  absl::StatusOr<std::unique_ptr<LilacdProcess>> lilacd = StartLilacd();
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  StartShim("prpl-fake", "[lilac]\nlilacd = " + (*lilacd)->address() + "\n");
  LoginConnected(kAlice, "alice");
  LoginConnected(kCarol, "carol");

  (*lilacd)->Kill();
  lilacd->reset();
  for (const char* user : {kAlice, kCarol}) {
    absl::StatusOr<pbnetwork::Disconnected> down =
        spectrum_->WaitForDisconnected(user, kTimeout);
    ASSERT_TRUE(down.ok()) << user << ": " << down.status();
    EXPECT_TRUE(down->error() == pbnetwork::CONNECTION_ERROR_NETWORK_ERROR ||
                down->error() == pbnetwork::CONNECTION_ERROR_OTHER_ERROR)
        << down->error();
  }
  // Liveness never depended on lilacd.
  ASSERT_TRUE(spectrum_->SendPing().ok());
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());

  // What Spectrum does after a retryable error: LOGOUT, then LOGIN. Alice
  // does so while lilacd is still down: her Login waits for lilacd, and the
  // stream's failed reconnects in the meantime must not disconnect her.
  ASSERT_TRUE(spectrum_->Logout(kAlice, "alice").ok());
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice", "secret").ok());
  // Long enough for the shim's stream to retry (200 ms, then 400 ms...).
  absl::SleepFor(absl::Seconds(1.5));
  lilacd = StartLilacd();
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  ASSERT_TRUE(spectrum_->Logout(kCarol, "carol").ok());
  ASSERT_TRUE(spectrum_->Login(kCarol, "carol", "secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kCarol, kTimeout).ok());
  ASSERT_TRUE(spectrum_->SendChatMessage(kCarol, "alice", "welcome back").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> message =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.username() == kAlice && m.buddyname() == "carol";
          },
          kTimeout);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_THAT(message->message(), ::testing::HasSubstr("welcome back"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before lilacd goes
}

}  // namespace
}  // namespace lilac::shim::testing
