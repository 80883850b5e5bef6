// Group chat (XEP-0045 MUC) between two lilac sessions with prpl-jabber
// through a real Prosody: fields, joining (and so creating, without a
// question) a room, who is there, messages both ways without our own echo, the
// subject, nickname conflicts and leaving.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Property;
using ::testing::UnorderedElementsAre;

class XmppChatTest : public ProsodyTest {
 protected:
  static constexpr char kFirstSubject[] = "Created by alice";

  void SetUp() override {
    ProsodyTest::SetUp();
    if (HasFatalFailure()) return;
    LoginConnected("alice");
    if (HasFatalFailure()) return;
    LoginConnected("bob");
    if (HasFatalFailure()) return;
    room_ = absl::StrCat("lilac@", prosody_->muc_domain());
  }

  // Alice creates the room by joining it. Prosody keeps a new room locked
  // until its owner configures it, and prpl-jabber asks whether to configure
  // it or accept the defaults; lilacd answers for the join it started with
  // the question's default, an instant room. Returns alice's ChatJoined.
  v1::ChatJoined CreateRoomAsAlice() {
    JoinChat("alice", room_, "alice");
    absl::StatusOr<v1::Event> joined = Next("alice", v1::Event::kChatJoined);
    EXPECT_TRUE(joined.ok()) << joined.status();
    if (!joined.ok()) return v1::ChatJoined();
    // The answer, sent before the join is announced, unlocks the room (an IQ
    // without a reply to wait for). A subject alice sets afterwards goes
    // through her stream after it, so once it comes back the room is open to
    // others.
    v1::SetChatSubjectRequest subject;
    subject.set_session("alice");
    subject.set_chat(room_);
    subject.set_subject(kFirstSubject);
    v1::SetChatSubjectResponse set;
    grpc::Status status =
        Call(&v1::LilacService::Stub::SetChatSubject, subject, &set);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(set.has_failure()) << set.failure().message();
    absl::StatusOr<v1::Event> opened = Next(
        "alice", v1::Event::kChatSubjectChanged, [](const v1::Event& event) {
          return event.chat_subject_changed().subject() == kFirstSubject;
        });
    EXPECT_TRUE(opened.ok()) << opened.status();
    return joined->chat_joined();
  }

  // Alice creates the room, bob joins it; returns bob's ChatJoined.
  v1::ChatJoined BothInTheRoom() {
    CreateRoomAsAlice();
    JoinChat("bob", room_, "bob");
    absl::StatusOr<v1::Event> joined = Next("bob", v1::Event::kChatJoined);
    EXPECT_TRUE(joined.ok()) << joined.status();
    absl::StatusOr<v1::Event> arrived = Next(
        "alice", v1::Event::kParticipantsJoined, [](const v1::Event& event) {
          for (const auto& who : event.participants_joined().participants())
            if (who.nickname() == "bob") return true;
          return false;
        });
    EXPECT_TRUE(arrived.ok()) << arrived.status();
    return joined.ok() ? joined->chat_joined() : v1::ChatJoined();
  }

  absl::StatusOr<v1::Event> NextRoomMessage(const std::string& session) {
    return Next(session, v1::Event::kChatMessageReceived);
  }

  std::string room_;
};

TEST_F(XmppChatTest, ListsJabbersChatFields) {
  v1::ListChatFieldsRequest request;
  request.set_session("alice");
  v1::ListChatFieldsResponse fields;
  grpc::Status status =
      Call(&v1::LilacService::Stub::ListChatFields, request, &fields);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(fields.fields(),
              Contains(AllOf(Property(&v1::ChatField::key, "room"),
                             Property(&v1::ChatField::required, true))));
  EXPECT_THAT(fields.fields(),
              Contains(AllOf(Property(&v1::ChatField::key, "server"),
                             Property(&v1::ChatField::required, true))));
  EXPECT_THAT(
      fields.fields(),
      Contains(AllOf(Property(&v1::ChatField::key, "handle"),
                     Property(&v1::ChatField::default_value, "alice"))));
  EXPECT_THAT(fields.fields(),
              Contains(AllOf(Property(&v1::ChatField::key, "password"),
                             Property(&v1::ChatField::secret, true))));
  EXPECT_EQ(fields.chat_field(), "room");
  EXPECT_EQ(fields.nickname_field(), "handle");
  EXPECT_EQ(fields.password_field(), "password");
}

// Joining a room that does not exist creates it with the server's defaults,
// as the upstream Spectrum backend does: nobody is asked anything, and the room
// opens to others at once.
TEST_F(XmppChatTest, JoiningANewRoomCreatesItWithoutAsking) {
  v1::ChatJoined joined = CreateRoomAsAlice();
  if (HasFailure()) return;
  EXPECT_EQ(joined.chat(), room_);
  EXPECT_THAT(
      joined.participants(),
      Contains(AllOf(Property(&v1::Participant::is_self, true),
                     Property(&v1::Participant::role,
                              Property(&v1::ParticipantRole::founder, true)))));

  // Prosody refuses a locked room to everyone but its owner: bob gets in only
  // if the room was created with the defaults.
  JoinChat("bob", room_, "bob");
  absl::StatusOr<v1::Event> bob_joined = Next("bob", v1::Event::kChatJoined);
  ASSERT_TRUE(bob_joined.ok()) << bob_joined.status();
  EXPECT_EQ(bob_joined->chat_joined().chat(), room_);
  absl::StatusOr<v1::Event> arrived =
      Next("alice", v1::Event::kParticipantsJoined);
  ASSERT_TRUE(arrived.ok()) << arrived.status();

  // Neither the creation question nor its closing reached the client.
  for (const v1::Event& event : client_->Events()) {
    EXPECT_NE(event.kind_case(), v1::Event::kRequestOpened)
        << event.ShortDebugString();
    EXPECT_NE(event.kind_case(), v1::Event::kRequestClosed)
        << event.ShortDebugString();
  }
}

TEST_F(XmppChatTest, CreatingAndJoiningARoomShowsWhoIsThere) {
  v1::ChatJoined alice_joined = CreateRoomAsAlice();
  if (HasFailure()) return;
  EXPECT_EQ(alice_joined.chat(), room_);
  EXPECT_EQ(alice_joined.nickname(), "alice");

  JoinChat("bob", room_, "bob");
  absl::StatusOr<v1::Event> bob_joined = Next("bob", v1::Event::kChatJoined);
  ASSERT_TRUE(bob_joined.ok()) << bob_joined.status();
  const v1::ChatJoined& joined = bob_joined->chat_joined();
  EXPECT_EQ(joined.chat(), room_);
  EXPECT_EQ(joined.nickname(), "bob");
  // Prosody sends the occupants before our own presence: bob sees alice,
  // the room's owner (a moderator), and himself.
  EXPECT_THAT(
      joined.participants(),
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
  EXPECT_EQ(arrived->participants_joined().chat(), room_);
  EXPECT_THAT(
      arrived->participants_joined().participants(),
      UnorderedElementsAre(AllOf(Property(&v1::Participant::nickname, "bob"),
                                 Property(&v1::Participant::is_self, false))));
}

TEST_F(XmppChatTest, RoomMessagesTravelBothWaysOurReflectionComesOnce) {
  BothInTheRoom();
  if (HasFailure()) return;

  v1::SendChatMessageResponse sent = SendToRoom("alice", room_, "hello room");
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  absl::StatusOr<v1::Event> at_bob = NextRoomMessage("bob");
  ASSERT_TRUE(at_bob.ok()) << at_bob.status();
  EXPECT_EQ(at_bob->chat_message_received().chat(), room_);
  EXPECT_EQ(at_bob->chat_message_received().sender_nickname(), "alice");
  EXPECT_EQ(at_bob->chat_message_received().text(), "hello room");
  EXPECT_FALSE(at_bob->chat_message_received().is_private());

  const std::string unicode = "Grüße 🌸 aus 東京";
  sent = SendToRoom("bob", room_, unicode);
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  // The MUC reflects alice's own message to her: passed on once, marked as
  // hers (prpl-jabber writes no local copy, so nothing doubles); then bob's.
  absl::StatusOr<v1::Event> own = NextRoomMessage("alice");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->chat_message_received().text(), "hello room");
  EXPECT_EQ(own->chat_message_received().sender_nickname(), "alice");
  EXPECT_TRUE(own->chat_message_received().flags().sent_by_us());
  absl::StatusOr<v1::Event> at_alice = NextRoomMessage("alice");
  ASSERT_TRUE(at_alice.ok()) << at_alice.status();
  EXPECT_EQ(at_alice->chat_message_received().sender_nickname(), "bob");
  EXPECT_EQ(at_alice->chat_message_received().text(), unicode);
  EXPECT_FALSE(at_alice->chat_message_received().flags().sent_by_us());
}

TEST_F(XmppChatTest, SubjectSetByOneIsSeenByTheOther) {
  BothInTheRoom();
  if (HasFailure()) return;

  v1::SetChatSubjectRequest request;
  request.set_session("alice");
  request.set_chat(room_);
  request.set_subject("Today: real servers");
  v1::SetChatSubjectResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::SetChatSubject, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The call waited for Prosody's confirmation.
  EXPECT_FALSE(response.has_failure()) << response.failure().message();
  EXPECT_EQ(response.subject(), "Today: real servers");

  auto is_set = [](const v1::Event& event) {
    return event.chat_subject_changed().subject() == "Today: real servers";
  };
  absl::StatusOr<v1::Event> at_bob =
      Next("bob", v1::Event::kChatSubjectChanged, is_set);
  ASSERT_TRUE(at_bob.ok()) << at_bob.status();
  EXPECT_EQ(at_bob->chat_subject_changed().chat(), room_);
  EXPECT_EQ(at_bob->chat_subject_changed().set_by(), "alice");
  absl::StatusOr<v1::Event> at_alice =
      Next("alice", v1::Event::kChatSubjectChanged, is_set);
  ASSERT_TRUE(at_alice.ok()) << at_alice.status();
  EXPECT_EQ(at_alice->chat_subject_changed().set_by(), "alice");
}

TEST_F(XmppChatTest, ATakenNicknameIsRefused) {
  CreateRoomAsAlice();
  if (HasFailure()) return;
  JoinChat("bob", room_, "alice");
  absl::StatusOr<v1::Event> failed = Next("bob", v1::Event::kChatJoinFailed);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->chat_join_failed().chat(), room_);
  EXPECT_EQ(failed->chat_join_failed().error(),
            v1::CHAT_JOIN_ERROR_NICKNAME_CONFLICT)
      << failed->chat_join_failed().message();
}

TEST_F(XmppChatTest, LeavingIsSeenByTheOthers) {
  BothInTheRoom();
  if (HasFailure()) return;

  v1::LeaveChatRequest leave;
  leave.set_session("bob");
  leave.set_chat(room_);
  v1::LeaveChatResponse left;
  grpc::Status status = Call(&v1::LilacService::Stub::LeaveChat, leave, &left);
  ASSERT_TRUE(status.ok()) << status.error_message();

  absl::StatusOr<v1::Event> gone = Next("alice", v1::Event::kParticipantLeft);
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->participant_left().chat(), room_);
  EXPECT_EQ(gone->participant_left().nickname(), "bob");

  // Bob is no longer in the room.
  v1::SendChatMessageRequest request;
  request.set_session("bob");
  request.set_chat(room_);
  request.set_text("still here?");
  v1::SendChatMessageResponse response;
  EXPECT_EQ(Call(&v1::LilacService::Stub::SendChatMessage, request, &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Prosody lets only moderators change a room's subject, and tells libpurple
// nothing when it refuses: the call says the change was not confirmed.
TEST_F(XmppChatTest, ASubjectTheRoomRefusesIsReportedAsNotConfirmed) {
  BothInTheRoom();
  if (HasFailure()) return;
  v1::GetCapabilitiesRequest capabilities;
  capabilities.set_session("bob");
  capabilities.set_chat(room_);
  v1::GetCapabilitiesResponse described;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetCapabilities, capabilities, &described)
          .ok());
  EXPECT_TRUE(described.chat().subject());
  EXPECT_FALSE(described.chat().role().moderator());
  EXPECT_EQ(described.chat().nickname(), "bob");
  capabilities.set_session("alice");
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetCapabilities, capabilities, &described)
          .ok());
  EXPECT_TRUE(described.chat().role().founder());

  v1::SetChatSubjectRequest request;
  request.set_session("bob");
  request.set_chat(room_);
  request.set_subject("bob was here");
  request.mutable_timeout()->set_seconds(2);
  v1::SetChatSubjectResponse response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::SetChatSubject, request, &response).ok());
  ASSERT_TRUE(response.has_failure());
  EXPECT_EQ(response.failure().code(), v1::FAILURE_CODE_TIMED_OUT);
  EXPECT_THAT(response.failure().message(), HasSubstr("may have refused"));
  EXPECT_TRUE(response.subject().empty());
}

// The directory lists the occupied room: the conference server question
// prpl-jabber asks is answered with the server it discovered, or the one
// given.
TEST_F(XmppChatTest, ListChatsListsTheConferenceServersRooms) {
  CreateRoomAsAlice();
  if (HasFailure()) return;
  v1::ListChatsRequest request;
  request.set_session("bob");
  v1::ListChatsResponse listed;
  grpc::Status status =
      Call(&v1::LilacService::Stub::ListChats, request, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> chats;
  for (const v1::ChatListEntry& chat : listed.chats()) {
    chats.push_back(chat.chat());
  }
  EXPECT_THAT(chats, ::testing::Contains(room_));

  request.set_server(prosody_->muc_domain());
  v1::ListChatsResponse named;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::ListChats, request, &named).ok());
  EXPECT_EQ(named.chats_size(), listed.chats_size());

  // No question reached the client.
  for (const v1::Event& event : client_->Events()) {
    EXPECT_FALSE(event.has_request_opened()) << event.ShortDebugString();
  }
}

}  // namespace
}  // namespace lilac::testing
