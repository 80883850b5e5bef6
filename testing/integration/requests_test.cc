// libpurple's request API through lilacd: a 2FA code asked at login and
// answered; actions and forms; cancelling; requests closed when the connection
// drops can no longer be answered.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

class RequestsTest : public FakeNetworkTest {
 protected:
  std::string Ask(fake::v1::Question question) {
    fake::v1::AskQuestionRequest request;
    request.set_account("alice");
    *request.mutable_question() = std::move(question);
    return Control(&fake::v1::FakeNetworkControl::Stub::AskQuestion, request)
        .question_id();
  }

  grpc::Status Answer(const v1::AnswerRequestRequest& answer) {
    v1::AnswerRequestResponse done;
    return Call(&v1::LilacService::Stub::AnswerRequest, answer, &done);
  }
};

TEST_F(RequestsTest, ASecondFactorAskedAtLoginIsAnswered) {
  CreateAccount("alice");
  fake::v1::SetLoginBehaviorRequest behavior;
  behavior.set_account("alice");
  behavior.set_second_factor_code("123456");
  Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, behavior);
  ASSERT_TRUE(Login("alice", "alice").ok());

  absl::StatusOr<v1::Event> opened =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(opened.ok()) << opened.status();
  const v1::RequestOpened& request = opened->request_opened();
  EXPECT_EQ(request.kind(), v1::RequestOpened::KIND_INPUT);
  EXPECT_FALSE(request.title().empty() && request.primary().empty());
  ASSERT_EQ(request.fields_size(), 1);

  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  answer.set_request_id(request.request_id());
  answer.set_text("123456");
  ASSERT_TRUE(Answer(answer).ok());
  absl::StatusOr<v1::Event> closed =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestClosed));
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->request_closed().request_id(), request.request_id());
  EXPECT_EQ(closed->request_closed().reason(),
            v1::RequestClosed::REASON_ANSWERED);
  EXPECT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  // Answered requests cannot be answered again.
  EXPECT_EQ(Answer(answer).error_code(), grpc::StatusCode::NOT_FOUND);
}

// The connect deadline is for a silent network, not for a user typing a code.
TEST_F(RequestsTest, AnOpenSecondFactorIsNotCutByTheConnectDeadline) {
  CreateAccount("alice");
  fake::v1::SetLoginBehaviorRequest behavior;
  behavior.set_account("alice");
  behavior.set_second_factor_code("123456");
  Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, behavior);
  v1::LoginRequest login;
  login.set_session("alice");
  login.set_protocol("prpl-fake");
  login.set_username("alice");
  login.set_password("secret");
  (*login.mutable_settings())["server"] = network_->network_host();
  (*login.mutable_settings())["port"] = absl::StrCat(network_->network_port());
  login.mutable_connect_timeout()->set_seconds(1);
  v1::LoginResponse response;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Login, login, &response).ok());

  absl::StatusOr<v1::Event> opened =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(opened.ok()) << opened.status();
  // Twice the deadline, still connecting.
  EXPECT_FALSE(
      client_
          ->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED),
                    absl::Seconds(2))
          .ok());
  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  answer.set_request_id(opened->request_opened().request_id());
  answer.set_text("123456");
  ASSERT_TRUE(Answer(answer).ok());
  EXPECT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
}

TEST_F(RequestsTest, ActionsAreAnsweredByIndex) {
  LoginConnected("alice", "alice");
  fake::v1::Question question;
  question.set_title("Terms of service");
  question.set_primary("Do you accept?");
  // Buttons written for GTK, with mnemonics, come as GTK shows them.
  question.mutable_action()->add_actions("_Accept");
  question.mutable_action()->add_actions("_Decline");
  const std::string id = Ask(question);

  absl::StatusOr<v1::Event> opened =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->request_opened().kind(), v1::RequestOpened::KIND_ACTION);
  EXPECT_THAT(opened->request_opened().actions(),
              ::testing::ElementsAre("Accept", "Decline"));
  EXPECT_EQ(opened->request_opened().primary(), "Do you accept?");

  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  answer.set_request_id(opened->request_opened().request_id());
  answer.set_index(5);
  EXPECT_EQ(Answer(answer).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  answer.set_index(1);
  ASSERT_TRUE(Answer(answer).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerQuestion);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->answer_question().question_id(), id);
  EXPECT_EQ(frame->answer_question().action(), 1);
}

TEST_F(RequestsTest, FormsAreAnsweredByFieldAndCheckedForRequiredOnes) {
  LoginConnected("alice", "alice");
  fake::v1::Question question;
  question.set_title("Captcha");
  fake::v1::QuestionField* code = question.mutable_fields()->add_fields();
  code->set_id("code");
  code->set_label("Code");
  code->set_required(true);
  fake::v1::QuestionField* remember = question.mutable_fields()->add_fields();
  remember->set_id("remember");
  remember->set_type(fake::v1::FIELD_TYPE_BOOLEAN);
  Ask(question);

  absl::StatusOr<v1::Event> opened =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->request_opened().kind(), v1::RequestOpened::KIND_FIELDS);
  ASSERT_EQ(opened->request_opened().fields_size(), 2);
  EXPECT_EQ(opened->request_opened().fields(0).id(), "code");
  EXPECT_TRUE(opened->request_opened().fields(0).required());
  EXPECT_EQ(opened->request_opened().fields(1).type(),
            v1::RequestField::TYPE_BOOLEAN);

  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  answer.set_request_id(opened->request_opened().request_id());
  (*answer.mutable_fields())["remember"] = "yes";
  grpc::Status missing = Answer(answer);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(missing.error_message(), ::testing::HasSubstr("code"));
  (*answer.mutable_fields())["nonsense"] = "1";
  EXPECT_EQ(Answer(answer).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  answer.mutable_fields()->erase("nonsense");
  (*answer.mutable_fields())["code"] = "XK42";
  ASSERT_TRUE(Answer(answer).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerQuestion);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->answer_question().fields().at("code"), "XK42");
}

TEST_F(RequestsTest, CancellingReachesThePlugin) {
  LoginConnected("alice", "alice");
  fake::v1::Question question;
  question.set_title("Verify");
  question.mutable_input();
  Ask(question);
  absl::StatusOr<v1::Event> opened =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(opened.ok()) << opened.status();
  v1::CancelRequestRequest cancel;
  cancel.set_session("alice");
  cancel.set_request_id(opened->request_opened().request_id());
  v1::CancelRequestResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::CancelRequest, cancel, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerQuestion);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_TRUE(frame->answer_question().cancelled());
  absl::StatusOr<v1::Event> closed =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestClosed));
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->request_closed().reason(),
            v1::RequestClosed::REASON_CANCELLED);
}

TEST_F(RequestsTest, ADroppedConnectionClosesItsRequests) {
  LoginConnected("alice", "alice");
  fake::v1::Question question;
  question.set_title("Verify");
  question.mutable_input();
  Ask(question);
  absl::StatusOr<v1::Event> opened =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(opened.ok()) << opened.status();

  fake::v1::DisconnectRequest cut;
  cut.set_account("alice");
  Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut);
  absl::StatusOr<v1::Event> closed =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestClosed));
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->request_closed().request_id(),
            opened->request_opened().request_id());
  EXPECT_EQ(closed->request_closed().reason(),
            v1::RequestClosed::REASON_SESSION_GONE);

  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  answer.set_request_id(opened->request_opened().request_id());
  answer.set_text("too late");
  EXPECT_EQ(Answer(answer).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lilac::testing
