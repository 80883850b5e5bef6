// Questions from the network through libpurple's request API: a 2FA code at
// login, an action choice and a form; answers and cancels reach the server.
#include "gtest/gtest.h"
#include "testing/fake_prpl/prpl_test_support.h"

namespace lilac::testing::fake {
namespace {

class QuestionTest : public FakeNetworkTest {
 protected:
  std::string Ask(const std::string& account, const v1::Question& question) {
    grpc::ClientContext context;
    v1::AskQuestionRequest request;
    request.set_account(account);
    *request.mutable_question() = question;
    v1::AskQuestionResponse response;
    EXPECT_TRUE(Ok(control().AskQuestion(&context, request, &response)));
    return response.question_id();
  }
};

TEST_F(QuestionTest, SecondFactorCodeAnsweredThroughRequestInput) {
  CreateServerAccount("q-2fa", "pw");
  grpc::ClientContext context;
  v1::SetLoginBehaviorRequest behavior;
  behavior.set_account("q-2fa");
  behavior.set_second_factor_code("123456");
  v1::SetLoginBehaviorResponse ignored;
  ASSERT_TRUE(Ok(control().SetLoginBehavior(&context, behavior, &ignored)));

  const size_t mark = Events().Mark();
  StartLogin("prpl-fake", "q-2fa", "pw");
  std::optional<PurpleEvent> asked =
      Events().WaitFor("request-input", "q-2fa", mark);
  ASSERT_TRUE(asked.has_value());
  EXPECT_EQ(asked->who, "Two-factor authentication");
  AnswerInput(asked->value, "123456");
  EXPECT_TRUE(Events().WaitFor("signed-on", "q-2fa", mark).has_value());
  EXPECT_EQ(WaitForClientFrame("q-2fa", v1::ClientFrame::kAnswerQuestion)
                .frame()
                .answer_question()
                .text(),
            "123456");
}

TEST_F(QuestionTest, WrongSecondFactorFailsAuthentication) {
  CreateServerAccount("q-2fa-wrong", "pw");
  grpc::ClientContext context;
  v1::SetLoginBehaviorRequest behavior;
  behavior.set_account("q-2fa-wrong");
  behavior.set_second_factor_code("123456");
  v1::SetLoginBehaviorResponse ignored;
  ASSERT_TRUE(Ok(control().SetLoginBehavior(&context, behavior, &ignored)));
  const size_t mark = Events().Mark();
  StartLogin("prpl-fake", "q-2fa-wrong", "pw");
  std::optional<PurpleEvent> asked =
      Events().WaitFor("request-input", "q-2fa-wrong", mark);
  ASSERT_TRUE(asked.has_value());
  AnswerInput(asked->value, "000000");
  std::optional<PurpleEvent> error =
      Events().WaitFor("connection-error", "q-2fa-wrong", mark);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->value, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED);
}

TEST_F(QuestionTest, ActionChoiceReachesTheServer) {
  CreateServerAccount("q-action", "pw");
  SignOn("prpl-fake", "q-action", "pw");
  v1::Question question;
  question.set_title("Terms of service");
  question.mutable_action()->add_actions("Accept");
  question.mutable_action()->add_actions("Decline");
  const size_t mark = Events().Mark();
  const std::string id = Ask("q-action", question);
  std::optional<PurpleEvent> asked =
      Events().WaitFor("request-action", "q-action", mark);
  ASSERT_TRUE(asked.has_value());
  AnswerAction(asked->value, 1);
  v1::AnswerQuestion answer =
      WaitForClientFrame("q-action", v1::ClientFrame::kAnswerQuestion)
          .frame()
          .answer_question();
  EXPECT_EQ(answer.question_id(), id);
  EXPECT_EQ(answer.action(), 1);
}

TEST_F(QuestionTest, FieldsFormAnsweredAndCancelled) {
  CreateServerAccount("q-fields", "pw");
  SignOn("prpl-fake", "q-fields", "pw");
  v1::Question question;
  question.set_title("Verify");
  v1::QuestionField* code = question.mutable_fields()->add_fields();
  code->set_id("code");
  code->set_label("Code");
  v1::QuestionField* trust = question.mutable_fields()->add_fields();
  trust->set_id("trust");
  trust->set_label("Trust this device");
  trust->set_type(v1::FIELD_TYPE_BOOLEAN);

  size_t mark = Events().Mark();
  Ask("q-fields", question);
  std::optional<PurpleEvent> asked =
      Events().WaitFor("request-fields", "q-fields", mark);
  ASSERT_TRUE(asked.has_value());
  AnswerFields(asked->value, {{"code", "42"}, {"trust", "true"}});
  v1::WaitForClientFrameResponse first =
      WaitForClientFrame("q-fields", v1::ClientFrame::kAnswerQuestion);
  EXPECT_EQ(first.frame().answer_question().fields().at("code"), "42");
  EXPECT_EQ(first.frame().answer_question().fields().at("trust"), "true");

  mark = Events().Mark();
  Ask("q-fields", question);
  asked = Events().WaitFor("request-fields", "q-fields", mark);
  ASSERT_TRUE(asked.has_value());
  CancelRequest(asked->value);
  EXPECT_TRUE(WaitForClientFrame("q-fields", v1::ClientFrame::kAnswerQuestion,
                                 first.sequence())
                  .frame()
                  .answer_question()
                  .cancelled());
}

TEST_F(QuestionTest, OpenQuestionIsClosedWhenTheConnectionDies) {
  CreateServerAccount("q-dies", "pw");
  SignOn("prpl-fake", "q-dies", "pw");
  v1::Question question;
  question.mutable_input();
  const size_t mark = Events().Mark();
  Ask("q-dies", question);
  std::optional<PurpleEvent> asked =
      Events().WaitFor("request-input", "q-dies", mark);
  ASSERT_TRUE(asked.has_value());
  grpc::ClientContext context;
  v1::DisconnectRequest cut;
  cut.set_account("q-dies");
  v1::DisconnectResponse ignored;
  ASSERT_TRUE(Ok(control().Disconnect(&context, cut, &ignored)));
  const int id = asked->value;
  EXPECT_TRUE(Events()
                  .WaitFor(
                      [id](const PurpleEvent& e) {
                        return e.type == "request-closed" && e.value == id;
                      },
                      mark)
                  .has_value());
  EXPECT_FALSE(RequestOpen(id));
}

}  // namespace
}  // namespace lilac::testing::fake
