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

TEST_F(IrcTest, TheServersNickComesFirstWhenItDiffersFromTheJoinNick) {
  absl::StatusOr<std::unique_ptr<::lilac::testing::NgircdServer>> ircd =
      ::lilac::testing::NgircdServer::Start();
  ASSERT_TRUE(ircd.ok()) << ircd.status();
  StartShim("prpl-irc",
            "[purple]\nport = " + std::to_string((*ircd)->port()) + "\n");
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice@127.0.0.1", "").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  // On IRC the room nick is the connection's nick.
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "#lilac", "wonderland").ok());
  absl::StatusOr<pbnetwork::Room> renamed =
      spectrum_->WaitForPayload<pbnetwork::Room>(
          pbnetwork::WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED, nullptr,
          kTimeout);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->room(), "#lilac");
  EXPECT_EQ(renamed->nickname(), "alice");
  absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "alice"; },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  // ROOM_NICKNAME_CHANGED before any participant of the room.
  bool renamed_first = false;
  for (const pbnetwork::WrapperMessage& frame : spectrum_->ReceivedFrames()) {
    if (frame.type() == pbnetwork::WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED) {
      renamed_first = true;
      break;
    }
    if (frame.type() == pbnetwork::WrapperMessage::TYPE_PARTICIPANT_CHANGED) {
      break;
    }
  }
  EXPECT_TRUE(renamed_first);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before ngIRCd goes
}

}  // namespace
}  // namespace lilac::shim::testing
