// What Spectrum sends between LOGIN and CONNECTED (roster changes, the user's
// own vCard photo): lilacd refuses such calls until the session is connected,
// so the shim keeps them and applies them, in order, once it is.
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

constexpr char kAlice[] = "alice@example.org";

// lilacd takes only real image formats: a PNG signature and some bytes.
std::string Png(const std::string& body) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + body;
}

class BeforeConnectedTest : public ShimTest {
 protected:
  void SetUp() override {
    ShimTest::SetUp();
    StartShim();
    CreateAccount("alice");
    // A slow login: what Spectrum sends meanwhile arrives before CONNECTED.
    fake::v1::SetLoginBehaviorRequest behavior;
    behavior.set_account("alice");
    behavior.set_delay_ms(1500);
    Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, behavior);
    ASSERT_TRUE(spectrum_->Login(kAlice, "alice", "secret").ok());
  }
};

TEST_F(BeforeConnectedTest, RosterChangesAndOwnPhotoWaitForTheConnection) {
  pbnetwork::Buddy carol;
  carol.set_username(kAlice);
  carol.set_buddyname("carol");
  carol.set_alias("Carol");
  carol.add_group("Friends");
  ASSERT_TRUE(spectrum_->ChangeBuddy(carol).ok());
  ASSERT_TRUE(spectrum_->UpdateOwnVCard(kAlice, "Alice", Png("alice")).ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());

  absl::StatusOr<fake::v1::ClientFrame> added =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAddBuddy);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->add_buddy().name(), "carol");
  absl::StatusOr<fake::v1::ClientFrame> avatar =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetAvatar);
  ASSERT_TRUE(avatar.ok()) << avatar.status();
  EXPECT_EQ(avatar->set_avatar().image(), Png("alice"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
