// Questions a plugin asks while lilac joins a room: an action request about
// that room (XMPP's "configure the new room or accept the defaults?") is
// answered with its default action and never reaches the client; questions a
// person must answer (forms, input, actions about anything else) still do.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

class RoomQuestionsTest : public FakeNetworkTest {
 protected:
  void SetUp() override {
    FakeNetworkTest::SetUp();
    if (HasFatalFailure()) return;
    LoginConnected("alice", "alice");
  }

  // A room whose joins wait for the answer to `question`.
  void CreateRoomAsking(const std::string& name, fake::v1::Question question) {
    fake::v1::CreateRoomRequest room;
    room.set_name(name);
    *room.mutable_join_question() = std::move(question);
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
  }

  static fake::v1::Question CreationQuestion() {
    fake::v1::Question question;
    question.set_title("New room");
    question.set_primary("Configure the room or accept the defaults?");
    question.mutable_action()->add_actions("Configure");
    question.mutable_action()->add_actions("Accept defaults");
    question.mutable_action()->set_default_action(1);
    return question;
  }

  grpc::Status Join(const std::string& room) {
    v1::JoinChatRequest join;
    join.set_session("alice");
    join.set_chat(room);
    join.set_nickname("alice");
    v1::JoinChatResponse done;
    return Call(&v1::LilacService::Stub::JoinChat, join, &done);
  }

  std::string Ask(fake::v1::Question question) {
    fake::v1::AskQuestionRequest request;
    request.set_account("alice");
    *request.mutable_question() = std::move(question);
    return Control(&fake::v1::FakeNetworkControl::Stub::AskQuestion, request)
        .question_id();
  }

  int RequestsOpened() {
    int opened = 0;
    for (const v1::Event& event : client_->Events()) {
      opened += event.kind_case() == v1::Event::kRequestOpened;
    }
    return opened;
  }
};

TEST_F(RoomQuestionsTest, AnActionAboutTheRoomBeingJoinedGetsItsDefault) {
  CreateRoomAsking("fresh", CreationQuestion());
  ASSERT_TRUE(Join("fresh").ok());

  absl::StatusOr<fake::v1::ClientFrame> answer =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerQuestion);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->answer_question().cancelled());
  EXPECT_EQ(answer->answer_question().action(), 1);
  absl::StatusOr<v1::Event> joined =
      client_->WaitFor(EventOf("alice", v1::Event::kChatJoined));
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->chat_joined().chat(), "fresh");
  // Neither the question nor its closing reached the client.
  for (const v1::Event& event : client_->Events()) {
    EXPECT_NE(event.kind_case(), v1::Event::kRequestOpened)
        << event.ShortDebugString();
    EXPECT_NE(event.kind_case(), v1::Event::kRequestClosed)
        << event.ShortDebugString();
  }
}

TEST_F(RoomQuestionsTest, AFormAboutTheRoomBeingJoinedReachesTheClient) {
  fake::v1::Question question;
  question.set_title("Members only");
  question.set_primary("Why do you want to join?");
  question.mutable_input();
  CreateRoomAsking("club", question);
  ASSERT_TRUE(Join("club").ok());

  absl::StatusOr<v1::Event> opened =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->request_opened().kind(), v1::RequestOpened::KIND_INPUT);
  EXPECT_EQ(opened->request_opened().who(), "club");
  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  answer.set_request_id(opened->request_opened().request_id());
  answer.set_text("to talk");
  v1::AnswerRequestResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::AnswerRequest, answer, &done).ok());
  absl::StatusOr<v1::Event> joined =
      client_->WaitFor(EventOf("alice", v1::Event::kChatJoined));
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->chat_joined().chat(), "club");
}

TEST_F(RoomQuestionsTest, ActionsNotAboutThatJoinReachTheClient) {
  // The join stays in progress: its room waits for an answer from alice.
  fake::v1::Question hold;
  hold.set_title("Members only");
  hold.mutable_input();
  CreateRoomAsking("club", hold);
  ASSERT_TRUE(Join("club").ok());
  ASSERT_TRUE(
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened)).ok());

  // An action naming no room, while no room opens.
  fake::v1::Question terms;
  terms.set_title("Terms of service");
  terms.mutable_action()->add_actions("Accept");
  terms.mutable_action()->add_actions("Decline");
  terms.mutable_action()->set_default_action(0);
  Ask(terms);
  absl::StatusOr<v1::Event> unnamed =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(unnamed.ok()) << unnamed.status();
  EXPECT_EQ(unnamed->request_opened().title(), "Terms of service");
  EXPECT_EQ(unnamed->request_opened().kind(), v1::RequestOpened::KIND_ACTION);

  // An action about another room.
  fake::v1::Question other = CreationQuestion();
  other.set_room("elsewhere");
  Ask(other);
  absl::StatusOr<v1::Event> named =
      client_->WaitFor(EventOf("alice", v1::Event::kRequestOpened));
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->request_opened().who(), "elsewhere");
  EXPECT_EQ(named->request_opened().default_action(), 1);
  EXPECT_EQ(RequestsOpened(), 3);
}

}  // namespace
}  // namespace lilac::testing
