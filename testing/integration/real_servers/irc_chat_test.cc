// Channels between two lilac sessions with prpl-irc through a real ngIRCd:
// fields, joining #test, who is there, messages both ways without our own
// echo, the topic and parting.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/ngircd_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Property;
using ::testing::UnorderedElementsAre;

constexpr char kChannel[] = "#test";

bool Lists(const v1::Event& event, const std::string& nickname) {
  for (const v1::Participant& who :
       event.participants_joined().participants()) {
    if (who.nickname() == nickname) return true;
  }
  return false;
}

class IrcChatTest : public NgircdTest {
 protected:
  void SetUp() override {
    NgircdTest::SetUp();
    if (HasFatalFailure()) return;
    LoginConnected("alice");
    if (HasFailure()) return;
    LoginConnected("bob");
  }

  // Alice joins #test first (and so operates it), then bob; alice waits until
  // bob is listed.
  void BothInTheChannel() {
    JoinChat("alice", kChannel, "");
    ASSERT_TRUE(Next("alice", v1::Event::kChatJoined).ok());
    JoinChat("bob", kChannel, "");
    ASSERT_TRUE(Next("bob", v1::Event::kChatJoined).ok());
    ASSERT_TRUE(
        Next("alice", v1::Event::kParticipantsJoined, [](const v1::Event& e) {
          return Lists(e, "bob");
        }).ok());
  }
};

TEST_F(IrcChatTest, ListsIrcsChatFields) {
  v1::ListChatFieldsRequest request;
  request.set_session("alice");
  v1::ListChatFieldsResponse fields;
  grpc::Status status =
      Call(&v1::LilacService::Stub::ListChatFields, request, &fields);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(fields.fields(),
              Contains(AllOf(Property(&v1::ChatField::key, "channel"),
                             Property(&v1::ChatField::required, true))));
  EXPECT_THAT(fields.fields(),
              Contains(AllOf(Property(&v1::ChatField::key, "password"),
                             Property(&v1::ChatField::secret, true))));
  EXPECT_EQ(fields.chat_field(), "channel");
  EXPECT_EQ(fields.password_field(), "password");
}

TEST_F(IrcChatTest, JoiningShowsWhoIsThere) {
  JoinChat("alice", kChannel, "");
  absl::StatusOr<v1::Event> alice_joined =
      Next("alice", v1::Event::kChatJoined);
  ASSERT_TRUE(alice_joined.ok()) << alice_joined.status();
  EXPECT_EQ(alice_joined->chat_joined().chat(), kChannel);
  EXPECT_EQ(alice_joined->chat_joined().nickname(), "alice");
  // ChatJoined carries the channel's names list: alice alone, as the
  // channel's operator.
  EXPECT_THAT(alice_joined->chat_joined().participants(),
              ElementsAre(AllOf(
                  Property(&v1::Participant::nickname, "alice"),
                  Property(&v1::Participant::is_self, true),
                  Property(&v1::Participant::role,
                           Property(&v1::ParticipantRole::moderator, true)))));

  JoinChat("bob", kChannel, "");
  absl::StatusOr<v1::Event> bob_joined = Next("bob", v1::Event::kChatJoined);
  ASSERT_TRUE(bob_joined.ok()) << bob_joined.status();
  EXPECT_EQ(bob_joined->chat_joined().nickname(), "bob");
  EXPECT_THAT(
      bob_joined->chat_joined().participants(),
      UnorderedElementsAre(
          AllOf(Property(&v1::Participant::nickname, "alice"),
                Property(&v1::Participant::is_self, false),
                Property(&v1::Participant::role,
                         Property(&v1::ParticipantRole::moderator, true))),
          AllOf(Property(&v1::Participant::nickname, "bob"),
                Property(&v1::Participant::is_self, true))));

  absl::StatusOr<v1::Event> arrived =
      Next("alice", v1::Event::kParticipantsJoined);
  ASSERT_TRUE(arrived.ok()) << arrived.status();
  EXPECT_EQ(arrived->participants_joined().chat(), kChannel);
  EXPECT_THAT(arrived->participants_joined().participants(),
              ElementsAre(AllOf(Property(&v1::Participant::nickname, "bob"),
                                Property(&v1::Participant::is_self, false))));
}

TEST_F(IrcChatTest, ChannelMessagesTravelBothWaysOurOwnComesBackOnce) {
  BothInTheChannel();
  if (HasFatalFailure()) return;

  v1::SendChatMessageResponse sent =
      SendToRoom("alice", kChannel, "hello channel");
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  absl::StatusOr<v1::Event> at_bob =
      Next("bob", v1::Event::kChatMessageReceived);
  ASSERT_TRUE(at_bob.ok()) << at_bob.status();
  EXPECT_EQ(at_bob->chat_message_received().chat(), kChannel);
  EXPECT_EQ(at_bob->chat_message_received().sender_nickname(), "alice");
  EXPECT_EQ(at_bob->chat_message_received().text(), "hello channel");
  EXPECT_FALSE(at_bob->chat_message_received().is_private());

  const std::string unicode = "Grüße 🌸 aus 東京";
  sent = SendToRoom("bob", kChannel, unicode);
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  // An IRC server reflects nothing: prpl-irc's local copy of alice's message
  // is the only one, passed on once and marked as hers; then bob's.
  absl::StatusOr<v1::Event> own =
      Next("alice", v1::Event::kChatMessageReceived);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->chat_message_received().text(), "hello channel");
  EXPECT_EQ(own->chat_message_received().sender_nickname(), "alice");
  EXPECT_TRUE(own->chat_message_received().flags().sent_by_us());
  EXPECT_FALSE(own->chat_message_received().flags().sent_by_us_elsewhere());
  absl::StatusOr<v1::Event> at_alice =
      Next("alice", v1::Event::kChatMessageReceived);
  ASSERT_TRUE(at_alice.ok()) << at_alice.status();
  EXPECT_EQ(at_alice->chat_message_received().sender_nickname(), "bob");
  EXPECT_EQ(at_alice->chat_message_received().text(), unicode);
  EXPECT_FALSE(at_alice->chat_message_received().flags().sent_by_us());
}

TEST_F(IrcChatTest, TopicSetByOneIsSeenByTheOther) {
  BothInTheChannel();
  if (HasFatalFailure()) return;

  v1::SetChatSubjectRequest request;
  request.set_session("alice");
  request.set_chat(kChannel);
  request.set_subject("Today: real servers");
  v1::SetChatSubjectResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::SetChatSubject, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto is_set = [](const v1::Event& event) {
    return event.chat_subject_changed().subject() == "Today: real servers";
  };
  absl::StatusOr<v1::Event> at_bob =
      Next("bob", v1::Event::kChatSubjectChanged, is_set);
  ASSERT_TRUE(at_bob.ok()) << at_bob.status();
  EXPECT_EQ(at_bob->chat_subject_changed().chat(), kChannel);
  EXPECT_EQ(at_bob->chat_subject_changed().set_by(), "alice");
  absl::StatusOr<v1::Event> at_alice =
      Next("alice", v1::Event::kChatSubjectChanged, is_set);
  ASSERT_TRUE(at_alice.ok()) << at_alice.status();
}

TEST_F(IrcChatTest, PartingIsSeenByTheOthers) {
  BothInTheChannel();
  if (HasFatalFailure()) return;

  v1::LeaveChatRequest leave;
  leave.set_session("bob");
  leave.set_chat(kChannel);
  v1::LeaveChatResponse left;
  grpc::Status status = Call(&v1::LilacService::Stub::LeaveChat, leave, &left);
  ASSERT_TRUE(status.ok()) << status.error_message();

  absl::StatusOr<v1::Event> gone = Next("alice", v1::Event::kParticipantLeft);
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->participant_left().chat(), kChannel);
  EXPECT_EQ(gone->participant_left().nickname(), "bob");

  v1::SendChatMessageRequest request;
  request.set_session("bob");
  request.set_chat(kChannel);
  request.set_text("still here?");
  v1::SendChatMessageResponse response;
  EXPECT_EQ(Call(&v1::LilacService::Stub::SendChatMessage, request, &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lilac::testing
