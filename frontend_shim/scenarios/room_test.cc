// Group chats: password joins, the exact room string, self last with the
// nick Spectrum knows, moderators, subjects, private messages, errors.
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using Wrapper = pbnetwork::WrapperMessage;
constexpr char kAlice[] = "alice@example.org";

class RoomTest : public ShimTest {
 protected:
  void SetUp() override {
    ShimTest::SetUp();
    fake::v1::CreateRoomRequest room;
    room.set_name("lounge");
    room.set_subject("Welcome all");
    room.set_subject_setter("op");
    room.set_password("sesame");
    fake::v1::Participant* op = room.add_participants();
    op->set_nick("op");
    op->set_role(fake::v1::PARTICIPANT_ROLE_MODERATOR);
    room.add_participants()->set_nick("guest");
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
    StartShim();
    LoginConnected(kAlice, "alice");
  }
};

TEST_F(RoomTest, JoinWithPasswordShowsEveryoneThenSelfThenSubject) {
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "lounge", "alice", "sesame").ok());
  absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "alice"; },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->room(), "lounge");
  std::vector<std::string> order;
  int op_flag = -1;
  for (const Wrapper& frame : spectrum_->ReceivedFrames()) {
    if (frame.type() == Wrapper::TYPE_PARTICIPANT_CHANGED) {
      pbnetwork::Participant p;
      ASSERT_TRUE(p.ParseFromString(frame.payload()));
      order.push_back(p.nickname());
      if (p.nickname() == "op") op_flag = p.flag();
    }
  }
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.back(), "alice");
  EXPECT_EQ(op_flag, pbnetwork::PARTICIPANT_FLAG_MODERATOR);
  absl::StatusOr<pbnetwork::ConversationMessage> subject =
      spectrum_->WaitForPayload<pbnetwork::ConversationMessage>(
          Wrapper::TYPE_ROOM_SUBJECT_CHANGED, nullptr, kTimeout);
  ASSERT_TRUE(subject.ok()) << subject.status();
  EXPECT_EQ(subject->message(), "Welcome all");
  EXPECT_EQ(subject->buddyname(), "lounge");

  // Messages, private messages and subject changes from the room.
  fake::v1::InjectRoomEventRequest said;
  said.set_room("lounge");
  said.mutable_message()->set_room("lounge");
  said.mutable_message()->set_from("guest");
  said.mutable_message()->set_text("hi all");
  Control(&fake::v1::FakeNetworkControl::Stub::InjectRoomEvent, said);
  absl::StatusOr<pbnetwork::ConversationMessage> message =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.message() == "hi all";
          },
          kTimeout);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->buddyname(), "lounge");
  EXPECT_EQ(message->nickname(), "guest");
  EXPECT_FALSE(message->pm());

  fake::v1::InjectRoomEventRequest whisper;
  whisper.set_room("lounge");
  whisper.set_account("alice");
  whisper.mutable_private_message()->set_room("lounge");
  whisper.mutable_private_message()->set_from("guest");
  whisper.mutable_private_message()->set_text("psst");
  Control(&fake::v1::FakeNetworkControl::Stub::InjectRoomEvent, whisper);
  message = spectrum_->WaitForMessage(
      [](const pbnetwork::ConversationMessage& m) {
        return m.message() == "psst";
      },
      kTimeout);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_TRUE(message->pm());
  EXPECT_EQ(message->buddyname(), "lounge");
  EXPECT_EQ(message->nickname(), "guest");

  // Our subject change reaches the network.
  ASSERT_TRUE(spectrum_->SetRoomSubject(kAlice, "lounge", "New topic").ok());
  absl::StatusOr<fake::v1::ClientFrame> topic =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetRoomSubject);
  ASSERT_TRUE(topic.ok()) << topic.status();
  EXPECT_EQ(topic->set_room_subject().subject(), "New topic");

  // A room message and a private one go out.
  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, "lounge", "hello room").ok());
  ASSERT_TRUE(
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendRoomMessage)
          .ok());
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(RoomTest, WrongPasswordIsNotAuthorizedOnTheOwnNick) {
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "lounge", "alice", "wrong").ok());
  absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "alice"; },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->flag(), pbnetwork::PARTICIPANT_FLAG_NOT_AUTHORIZED);
  EXPECT_EQ(self->room(), "lounge");
}

TEST_F(RoomTest, JoinBeforeConnectedIsDoneAfterwards) {
  CreateAccount("carol");
  ASSERT_TRUE(spectrum_->Login("carol@example.org", "carol", "secret").ok());
  ASSERT_TRUE(
      spectrum_->JoinRoom("carol@example.org", "lounge", "carol", "sesame")
          .ok());
  absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) {
        return p.username() == "carol@example.org" && p.nickname() == "carol";
      },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->flag(), 0);
}

}  // namespace
}  // namespace lilac::shim::testing
