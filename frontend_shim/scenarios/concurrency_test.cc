// Users are independent: one user's slow call to lilacd (a vCard lookup the
// network never answers) does not hold back another user, while each user's
// own frames keep their order.
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using Wrapper = pbnetwork::WrapperMessage;
constexpr char kAlice[] = "alice@example.org";
constexpr char kCarol[] = "carol@example.org";

class ConcurrencyTest : public ShimTest {};

bool HasVCard(const std::vector<Wrapper>& frames) {
  for (const Wrapper& frame : frames) {
    if (frame.type() == Wrapper::TYPE_VCARD) return true;
  }
  return false;
}

TEST_F(ConcurrencyTest, ASlowVCardOfOneUserDoesNotDelayAnother) {
  fake::v1::SetUserInfoRequest ghost;
  ghost.mutable_info()->set_name("ghost");
  ghost.set_never_answer(true);
  Control(&fake::v1::FakeNetworkControl::Stub::SetUserInfo, ghost);
  // The lookup fails after 10 s; everything else takes milliseconds.
  StartShim("prpl-fake", "[lilac]\nrpc_timeout = 10\n");
  LoginConnected(kAlice, "alice");
  LoginConnected(kCarol, "carol");

  ASSERT_TRUE(spectrum_->RequestVCard(kAlice, "ghost", 42).ok());
  // The lookup reached the network, which will never answer it.
  absl::StatusOr<fake::v1::ClientFrame> lookup =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kGetInfo);
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  EXPECT_EQ(lookup->get_info().name(), "ghost");
  // Alice's next frame waits behind her lookup (her order is kept)...
  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, "dave", "after").ok());
  // ...but Carol's message goes out while Alice's lookup is still open.
  ASSERT_TRUE(spectrum_->SendChatMessage(kCarol, "dave", "not held up").ok());
  absl::StatusOr<fake::v1::ClientFrame> sent =
      WaitForClientFrame("carol", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_THAT(sent->send_im().text(), ::testing::HasSubstr("not held up"));
  EXPECT_FALSE(HasVCard(spectrum_->ReceivedFrames()))
      << "Carol's message waited for Alice's vCard lookup";

  // The lookup gives up: Spectrum still gets an answer with its id, and only
  // then does Alice's message go out.
  absl::StatusOr<pbnetwork::VCard> vcard =
      spectrum_->WaitForVCard(42, kTimeout);
  ASSERT_TRUE(vcard.ok()) << vcard.status();
  EXPECT_EQ(vcard->username(), kAlice);
  absl::StatusOr<fake::v1::ClientFrame> after =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_THAT(after->send_im().text(), ::testing::HasSubstr("after"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
