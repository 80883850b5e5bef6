// Interactive requests (2FA codes, questions) reach the user as messages from
// the helper contact and are answered by replying to it.
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using ::testing::HasSubstr;
constexpr char kAlice[] = "alice@example.org";

bool FromHelper(const pbnetwork::ConversationMessage& m) {
  return m.buddyname() == "lilac-requests";
}

class RequestTest : public ShimTest {
 protected:
  void Reply(const std::string& text) {
    pbnetwork::ConversationMessage reply;
    reply.set_username(kAlice);
    reply.set_buddyname("lilac-requests");
    reply.set_message(text);
    ASSERT_TRUE(spectrum_->SendMessage(reply).ok());
  }
};

TEST_F(RequestTest, SecondFactorCodeIsAskedAndAnswered) {
  CreateAccount("alice");
  fake::v1::SetLoginBehaviorRequest behavior;
  behavior.set_account("alice");
  behavior.set_second_factor_code("424242");
  Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, behavior);
  StartShim();
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice", "secret").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> prompt =
      spectrum_->WaitForMessage(FromHelper, kTimeout);
  ASSERT_TRUE(prompt.ok()) << prompt.status();
  EXPECT_THAT(prompt->message(), HasSubstr("[Request #"));
  Reply("424242");
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
}

TEST_F(RequestTest, AnyQuestionWithActionsIsAnsweredByNumber) {
  StartShim();
  LoginConnected(kAlice, "alice");
  fake::v1::AskQuestionRequest ask;
  ask.set_account("alice");
  ask.mutable_question()->set_title("Nutzungsbedingungen");
  ask.mutable_question()->set_primary("Akzeptieren Sie?");
  ask.mutable_question()->mutable_action()->add_actions("Ja");
  ask.mutable_question()->mutable_action()->add_actions("Nein");
  Control(&fake::v1::FakeNetworkControl::Stub::AskQuestion, ask);
  absl::StatusOr<pbnetwork::ConversationMessage> prompt =
      spectrum_->WaitForMessage(FromHelper, kTimeout);
  ASSERT_TRUE(prompt.ok()) << prompt.status();
  EXPECT_THAT(prompt->message(), HasSubstr("Akzeptieren Sie?"));
  EXPECT_THAT(prompt->message(), HasSubstr("2. Nein"));
  Reply("2");
  absl::StatusOr<fake::v1::ClientFrame> answer =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerQuestion);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->answer_question().action(), 1);
  EXPECT_FALSE(answer->answer_question().cancelled());
}

TEST_F(RequestTest, CancelAndNothingOpen) {
  StartShim();
  LoginConnected(kAlice, "alice");
  Reply("hello?");
  absl::StatusOr<pbnetwork::ConversationMessage> none =
      spectrum_->WaitForMessage(FromHelper, kTimeout);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_THAT(none->message(), HasSubstr("no open request"));

  fake::v1::AskQuestionRequest ask;
  ask.set_account("alice");
  ask.mutable_question()->set_primary("Your SMS code?");
  ask.mutable_question()->mutable_input();
  Control(&fake::v1::FakeNetworkControl::Stub::AskQuestion, ask);
  ASSERT_TRUE(spectrum_
                  ->WaitForMessage(
                      [](const pbnetwork::ConversationMessage& m) {
                        return FromHelper(m) &&
                               m.message().find("SMS") != std::string::npos;
                      },
                      kTimeout)
                  .ok());
  Reply("cancel");
  absl::StatusOr<fake::v1::ClientFrame> answer =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerQuestion);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_TRUE(answer->answer_question().cancelled());
}

}  // namespace
}  // namespace lilac::shim::testing
