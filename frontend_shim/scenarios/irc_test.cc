// A real network: prpl-irc against a private ngIRCd.
#include "frontend_shim/testing/shim_fixture.h"
#include "gtest/gtest.h"
#include "testing/servers/ngircd_server.h"

namespace lilac::shim::testing {
namespace {

constexpr char kAlice[] = "alice@example.org";

class IrcTest : public ShimTest {};

TEST_F(IrcTest, LogsInAndJoinsAChannelOnNgircd) {
  absl::StatusOr<std::unique_ptr<::lilac::testing::NgircdServer>> ircd =
      ::lilac::testing::NgircdServer::Start();
  ASSERT_TRUE(ircd.ok()) << ircd.status();
  StartShim("prpl-irc",
            "[purple]\nport = " + std::to_string((*ircd)->port()) + "\n");
  absl::StatusOr<pbnetwork::BackendConfig> config =
      spectrum_->WaitForBackendConfig(kTimeout);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_NE(config->config().find("needRegistration=0"), std::string::npos);
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice@127.0.0.1", "").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "#lilac", "alice").ok());
  absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "alice"; },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->room(), "#lilac");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before ngIRCd goes
}

}  // namespace
}  // namespace lilac::shim::testing
