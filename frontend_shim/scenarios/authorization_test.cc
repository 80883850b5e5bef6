// Authorization requests: AUTH_REQUEST out; Spectrum answers with
// BUDDY_CHANGED (accept) or BUDDY_REMOVED (deny), as upstream expects.
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using Wrapper = pbnetwork::WrapperMessage;
constexpr char kAlice[] = "alice@example.org";

class AuthorizationTest : public ShimTest {
 protected:
  void SetUp() override {
    ShimTest::SetUp();
    StartShim();
    LoginConnected(kAlice, "alice");
  }

  absl::StatusOr<pbnetwork::Buddy> Ask(const std::string& from,
                                       const std::string& message) {
    fake::v1::RequestAuthorizationRequest request;
    request.set_account("alice");
    request.mutable_request()->set_from(from);
    request.mutable_request()->set_message(message);
    Control(&fake::v1::FakeNetworkControl::Stub::RequestAuthorization, request);
    return spectrum_->WaitForBuddy(
        Wrapper::TYPE_AUTH_REQUEST,
        [&from](const pbnetwork::Buddy& b) { return b.buddyname() == from; },
        kTimeout);
  }

  static pbnetwork::Buddy Answer(const std::string& name) {
    pbnetwork::Buddy buddy;
    buddy.set_username(kAlice);
    buddy.set_buddyname(name);
    buddy.set_alias(name);
    buddy.add_group("Friends");
    buddy.set_status(pbnetwork::STATUS_NONE);
    return buddy;
  }
};

TEST_F(AuthorizationTest, BuddyChangedAcceptsAndAddsTheContact) {
  absl::StatusOr<pbnetwork::Buddy> asked = Ask("bob", "let me in");
  ASSERT_TRUE(asked.ok()) << asked.status();
  EXPECT_EQ(asked->username(), kAlice);
  EXPECT_TRUE(asked->has_status());

  ASSERT_TRUE(spectrum_->ChangeBuddy(Answer("bob")).ok());
  absl::StatusOr<fake::v1::ClientFrame> answer =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerAuthorization);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->answer_authorization().from(), "bob");
  EXPECT_TRUE(answer->answer_authorization().granted());
  absl::StatusOr<fake::v1::ClientFrame> added =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAddBuddy);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->add_buddy().name(), "bob");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(AuthorizationTest, BuddyRemovedDenies) {
  ASSERT_TRUE(Ask("eve", "").ok());
  ASSERT_TRUE(spectrum_->RemoveBuddy(Answer("eve")).ok());
  absl::StatusOr<fake::v1::ClientFrame> answer =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerAuthorization);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->answer_authorization().from(), "eve");
  EXPECT_FALSE(answer->answer_authorization().granted());

  // A second request from the same contact is a new one, answered anew.
  ASSERT_TRUE(Ask("eve", "please").ok());
  ASSERT_TRUE(spectrum_->ChangeBuddy(Answer("eve")).ok());
  answer =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerAuthorization);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_TRUE(answer->answer_authorization().granted());
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
