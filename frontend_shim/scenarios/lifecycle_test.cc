// The process around the sessions: the ping watchdog, Spectrum closing the
// socket (everyone logged out of lilacd, then exit), and two backends of
// one transport side by side.
#include <memory>

#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lilac/v1/lilac.grpc.pb.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::shim::testing {
namespace {

using ::lilac::testing::LilacdProcess;
using ::lilac::testing::RunfilePath;
constexpr char kAlice[] = "alice@example.org";
constexpr char kCarol[] = "carol@example.org";

class LifecycleTest : public ShimTest {};

TEST_F(LifecycleTest, ExitsWhenSpectrumStopsPinging) {
  ping_interval_ = absl::ZeroDuration();  // only the PING on connect
  StartShim("prpl-fake", "[lilac]\nping_timeout = 1\n");
  spectrum_->AllowBackendDisconnect();
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());
  absl::StatusOr<int> code = spectrum_->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

TEST_F(LifecycleTest, SocketClosedLogsEveryoneOutOfLilacdAndExits) {
  LilacdProcess::Options options;
  options.extra_flags = {"--plugin_dirs=" + RunfilePath("testing/fake_prpl")};
  absl::StatusOr<std::unique_ptr<LilacdProcess>> lilacd =
      LilacdProcess::Start(options);
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  std::unique_ptr<v1::LilacService::Stub> lilac =
      v1::LilacService::NewStub((*lilacd)->NewChannel());
  auto sessions = [&lilac]() -> absl::StatusOr<int> {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kTimeout));
    v1::ListSessionsResponse response;
    grpc::Status status =
        lilac->ListSessions(&context, v1::ListSessionsRequest(), &response);
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    return response.sessions_size();
  };

  StartShim("prpl-fake", "[lilac]\nlilacd = " + (*lilacd)->address() + "\n");
  LoginConnected(kAlice, "alice");
  LoginConnected(kCarol, "carol");
  ASSERT_EQ(sessions().value_or(-1), 2);

  spectrum_->Disconnect();  // Spectrum went away without EXIT
  absl::StatusOr<int> code = spectrum_->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  // Logged out on the way out: lilacd has nobody left.
  EXPECT_EQ(sessions().value_or(-1), 0);
}

TEST_F(LifecycleTest, TwoBackendsOfOneTransportServeTheirOwnUsers) {
  StartShim();
  absl::StatusOr<std::unique_ptr<spectrum::SpectrumEmulator>> second =
      StartSpectrum(temp_dir_ + "/transport.cfg");
  ASSERT_TRUE(second.ok()) << second.status();
  spectrum::SpectrumEmulator& other = **second;
  EXPECT_NE(other.backend_pid(), spectrum_->backend_pid());

  LoginConnected(kAlice, "alice");
  CreateAccount("carol");
  ASSERT_TRUE(other.Login(kCarol, "carol", "secret").ok());
  ASSERT_TRUE(other.WaitForConnected(kCarol, kTimeout).ok());

  // Across the two backends, through the network, both ways.
  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, "carol", "hi carol").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> to_carol =
      other.WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.username() == kCarol && m.buddyname() == "alice";
          },
          kTimeout);
  ASSERT_TRUE(to_carol.ok()) << to_carol.status();
  EXPECT_THAT(to_carol->message(), ::testing::HasSubstr("hi carol"));
  ASSERT_TRUE(other.SendChatMessage(kCarol, "alice", "hi alice").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> to_alice =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.username() == kAlice && m.buddyname() == "carol";
          },
          kTimeout);
  ASSERT_TRUE(to_alice.ok()) << to_alice.status();
  EXPECT_THAT(to_alice->message(), ::testing::HasSubstr("hi alice"));
  EXPECT_TRUE(other.Health().ok()) << other.Health();
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
