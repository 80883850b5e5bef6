// Group chats through lilacd's API: fields, join (with password), failures,
// participants, renames, roles, subject, room and private messages,
// invitations, leave, kick, rejoin after a reconnect, room list.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

class ChatsTest : public FakeNetworkTest {
 protected:
  void CreateRoom(const std::string& name, const std::string& password = "",
                  std::vector<std::pair<std::string, fake::v1::ParticipantRole>>
                      participants = {}) {
    fake::v1::CreateRoomRequest room;
    room.set_name(name);
    room.set_subject("Welcome");
    room.set_subject_setter("mod");
    room.set_password(password);
    for (const auto& [nick, role] : participants) {
      fake::v1::Participant* participant = room.add_participants();
      participant->set_nick(nick);
      participant->set_role(role);
    }
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
  }

  grpc::Status Join(const std::string& room, const std::string& nickname,
                    const std::string& password = "") {
    v1::JoinChatRequest join;
    join.set_session("alice");
    join.set_chat(room);
    join.set_nickname(nickname);
    join.set_password(password);
    v1::JoinChatResponse done;
    return Call(&v1::LilacService::Stub::JoinChat, join, &done);
  }

  void InjectRoomEvent(fake::v1::InjectRoomEventRequest event) {
    Control(&fake::v1::FakeNetworkControl::Stub::InjectRoomEvent, event);
  }

  absl::StatusOr<v1::Event> Next(v1::Event::KindCase kind) {
    return client_->WaitFor(EventOf("alice", kind));
  }
};

TEST_F(ChatsTest, ListsTheProtocolsJoinFields) {
  LoginConnected("alice", "alice");
  v1::ListChatFieldsRequest request;
  request.set_session("alice");
  v1::ListChatFieldsResponse fields;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::ListChatFields, request, &fields).ok());
  std::vector<std::string> keys;
  for (const auto& field : fields.fields()) keys.push_back(field.key());
  EXPECT_THAT(keys, ::testing::ElementsAre("room", "nick", "password"));
  // The plugin's "_Room:" as GTK shows it.
  EXPECT_EQ(fields.fields(0).label(), "Room:");
  EXPECT_TRUE(fields.fields(0).required());
  EXPECT_TRUE(fields.fields(2).secret());
  EXPECT_EQ(fields.chat_field(), "room");
  EXPECT_EQ(fields.nickname_field(), "nick");
  EXPECT_EQ(fields.password_field(), "password");
}

TEST_F(ChatsTest, JoinsWithParticipantsRolesAndSubject) {
  LoginConnected("alice", "alice");
  CreateRoom("lounge", "",
             {{"mod", fake::v1::PARTICIPANT_ROLE_MODERATOR},
              {"guest", fake::v1::PARTICIPANT_ROLE_UNSPECIFIED}});
  ASSERT_TRUE(Join("lounge", "Ali").ok());
  absl::StatusOr<v1::Event> joined = Next(v1::Event::kChatJoined);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->chat_joined().chat(), "lounge");
  EXPECT_EQ(joined->chat_joined().nickname(), "Ali");

  // Everyone present, ourselves included, is in the announcement.
  std::map<std::string, v1::Participant> present;
  for (const auto& participant : joined->chat_joined().participants()) {
    present[participant.nickname()] = participant;
  }
  ASSERT_EQ(present.count("mod"), 1);
  ASSERT_EQ(present.count("guest"), 1);
  ASSERT_EQ(present.count("Ali"), 1);
  EXPECT_TRUE(present["Ali"].is_self());
  EXPECT_TRUE(present["mod"].role().moderator());
  EXPECT_FALSE(present["guest"].role().moderator());

  EXPECT_EQ(joined->chat_joined().subject(), "Welcome");
  EXPECT_EQ(joined->chat_joined().subject_set_by(), "mod");
}

TEST_F(ChatsTest, PasswordsAndJoinErrorsAreReported) {
  LoginConnected("alice", "alice");
  CreateRoom("vault", "sesame",
             {{"owner", fake::v1::PARTICIPANT_ROLE_FOUNDER}});

  ASSERT_TRUE(Join("vault", "alice", "wrong").ok());
  absl::StatusOr<v1::Event> refused = Next(v1::Event::kChatJoinFailed);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->chat_join_failed().chat(), "vault");
  EXPECT_EQ(refused->chat_join_failed().error(),
            v1::CHAT_JOIN_ERROR_NOT_AUTHORIZED);
  EXPECT_THAT(refused->chat_join_failed().message(), HasSubstr("password"));

  ASSERT_TRUE(Join("nowhere", "alice").ok());
  absl::StatusOr<v1::Event> missing = Next(v1::Event::kChatJoinFailed);
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->chat_join_failed().chat(), "nowhere");
  EXPECT_EQ(missing->chat_join_failed().error(), v1::CHAT_JOIN_ERROR_NOT_FOUND);

  ASSERT_TRUE(Join("vault", "owner", "sesame").ok());
  absl::StatusOr<v1::Event> conflict = Next(v1::Event::kChatJoinFailed);
  ASSERT_TRUE(conflict.ok()) << conflict.status();
  EXPECT_EQ(conflict->chat_join_failed().error(),
            v1::CHAT_JOIN_ERROR_NICKNAME_CONFLICT);

  ASSERT_TRUE(Join("vault", "alice", "sesame").ok());
  EXPECT_TRUE(Next(v1::Event::kChatJoined).ok());
}

TEST_F(ChatsTest, MembersComeGoRenameAndChangeRole) {
  LoginConnected("alice", "alice");
  CreateRoom("lounge");
  ASSERT_TRUE(Join("lounge", "alice").ok());
  ASSERT_TRUE(Next(v1::Event::kChatJoined).ok());

  fake::v1::InjectRoomEventRequest event;
  event.set_room("lounge");
  event.mutable_participant_joined()->set_nick("bob");
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> came = client_->WaitFor([](const v1::Event& e) {
    return e.has_participants_joined() &&
           e.participants_joined().participants(0).nickname() == "bob";
  });
  ASSERT_TRUE(came.ok()) << came.status();

  event.Clear();
  event.set_room("lounge");
  event.mutable_participant_renamed()->set_old_nick("bob");
  event.mutable_participant_renamed()->set_new_nick("robert");
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> renamed = Next(v1::Event::kParticipantRenamed);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->participant_renamed().old_nickname(), "bob");
  EXPECT_EQ(renamed->participant_renamed().new_nickname(), "robert");
  EXPECT_FALSE(renamed->participant_renamed().is_self());

  event.Clear();
  event.set_room("lounge");
  event.mutable_participant_role_changed()->set_nick("robert");
  event.mutable_participant_role_changed()->set_role(
      fake::v1::PARTICIPANT_ROLE_MODERATOR);
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> promoted = Next(v1::Event::kParticipantRoleChanged);
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  EXPECT_EQ(promoted->participant_role_changed().nickname(), "robert");
  EXPECT_TRUE(promoted->participant_role_changed().role().moderator());

  event.Clear();
  event.set_room("lounge");
  event.mutable_participant_left()->set_nick("robert");
  event.mutable_participant_left()->set_reason("bye");
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> left = Next(v1::Event::kParticipantLeft);
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(left->participant_left().nickname(), "robert");
  EXPECT_EQ(left->participant_left().reason(), "bye");
}

TEST_F(ChatsTest, MessagesSubjectAndPrivateMessages) {
  LoginConnected("alice", "alice");
  CreateRoom("lounge", "", {{"bob", fake::v1::PARTICIPANT_ROLE_UNSPECIFIED}});
  ASSERT_TRUE(Join("lounge", "alice").ok());
  ASSERT_TRUE(Next(v1::Event::kChatJoined).ok());

  fake::v1::InjectRoomEventRequest event;
  event.set_room("lounge");
  event.mutable_message()->set_from("bob");
  event.mutable_message()->set_text("hello room");
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> said = Next(v1::Event::kChatMessageReceived);
  ASSERT_TRUE(said.ok()) << said.status();
  EXPECT_EQ(said->chat_message_received().chat(), "lounge");
  EXPECT_EQ(said->chat_message_received().sender_nickname(), "bob");
  EXPECT_EQ(said->chat_message_received().text(), "hello room");
  EXPECT_FALSE(said->chat_message_received().is_private());

  v1::SendChatMessageRequest send;
  send.set_session("alice");
  send.set_chat("lounge");
  send.set_text("hi all");
  send.set_client_message_id("c-1");
  v1::SendChatMessageResponse sent;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SendChatMessage, send, &sent).ok());
  EXPECT_TRUE(sent.accepted());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendRoomMessage);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_THAT(frame->send_room_message().text(), HasSubstr("hi all"));

  event.Clear();
  event.set_room("lounge");
  event.set_account("alice");
  event.mutable_private_message()->set_from("bob");
  event.mutable_private_message()->set_text("psst");
  InjectRoomEvent(event);
  // The room reflects our own message: one event, marked as ours, with the
  // send's id; the next room message is bob's private one.
  absl::StatusOr<v1::Event> echo = Next(v1::Event::kChatMessageReceived);
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_TRUE(echo->chat_message_received().flags().sent_by_us());
  EXPECT_FALSE(echo->chat_message_received().flags().sent_by_us_elsewhere());
  EXPECT_EQ(echo->chat_message_received().client_message_id(),
            send.client_message_id());
  EXPECT_THAT(echo->chat_message_received().text(), HasSubstr("hi all"));
  absl::StatusOr<v1::Event> whisper = Next(v1::Event::kChatMessageReceived);
  ASSERT_TRUE(whisper.ok()) << whisper.status();
  EXPECT_TRUE(whisper->chat_message_received().is_private());
  EXPECT_EQ(whisper->chat_message_received().chat(), "lounge");
  EXPECT_EQ(whisper->chat_message_received().sender_nickname(), "bob");
  EXPECT_EQ(whisper->chat_message_received().text(), "psst");

  event.Clear();
  event.set_room("lounge");
  event.mutable_subject_changed()->set_subject("New topic");
  event.mutable_subject_changed()->set_setter("bob");
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> subject = client_->WaitFor([](const v1::Event& e) {
    return e.has_chat_subject_changed() &&
           e.chat_subject_changed().subject() == "New topic";
  });
  ASSERT_TRUE(subject.ok()) << subject.status();
  EXPECT_EQ(subject->chat_subject_changed().set_by(), "bob");

  v1::SetChatSubjectRequest ours;
  ours.set_session("alice");
  ours.set_chat("lounge");
  ours.set_subject("Mine now");
  v1::SetChatSubjectResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SetChatSubject, ours, &done).ok());
  // The call returned once the network confirmed it.
  EXPECT_FALSE(done.has_failure()) << done.failure().message();
  EXPECT_EQ(done.subject(), "Mine now");
  frame = WaitForClientFrame("alice", fake::v1::ClientFrame::kSetRoomSubject);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->set_room_subject().subject(), "Mine now");
}

TEST_F(ChatsTest, InvitationsAreAcceptedById) {
  LoginConnected("alice", "alice");
  CreateRoom("party");
  fake::v1::InjectRoomEventRequest event;
  event.set_room("party");
  event.set_account("alice");
  event.mutable_invitation()->set_from("bob");
  event.mutable_invitation()->set_message("come over");
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> invited = Next(v1::Event::kChatInvitation);
  ASSERT_TRUE(invited.ok()) << invited.status();
  EXPECT_EQ(invited->chat_invitation().chat(), "party");
  EXPECT_EQ(invited->chat_invitation().sender(), "bob");
  EXPECT_EQ(invited->chat_invitation().message(), "come over");
  EXPECT_FALSE(invited->chat_invitation().has_password());

  v1::AnswerChatInvitationRequest answer;
  answer.set_session("alice");
  answer.set_invitation_id(invited->chat_invitation().invitation_id());
  answer.set_accept(true);
  v1::AnswerChatInvitationResponse done;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::AnswerChatInvitation, answer, &done).ok());
  absl::StatusOr<v1::Event> joined = Next(v1::Event::kChatJoined);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->chat_joined().chat(), "party");
  EXPECT_EQ(Call(&v1::LilacService::Stub::AnswerChatInvitation, answer, &done)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  // An invitation with the chat's password says so, and never shows it.
  event.mutable_invitation()->set_password("s3cret-pass");
  InjectRoomEvent(event);
  absl::StatusOr<v1::Event> with_password = Next(v1::Event::kChatInvitation);
  ASSERT_TRUE(with_password.ok()) << with_password.status();
  EXPECT_TRUE(with_password->chat_invitation().has_password());
  EXPECT_THAT(with_password->ShortDebugString(),
              ::testing::Not(HasSubstr("s3cret-pass")));
}

TEST_F(ChatsTest, LeavingAndBeingKickedAreTold) {
  LoginConnected("alice", "alice");
  CreateRoom("lounge");
  CreateRoom("strict");
  ASSERT_TRUE(Join("lounge", "alice").ok());
  ASSERT_TRUE(Next(v1::Event::kChatJoined).ok());
  ASSERT_TRUE(Join("strict", "alice").ok());
  ASSERT_TRUE(Next(v1::Event::kChatJoined).ok());

  v1::LeaveChatRequest leave;
  leave.set_session("alice");
  leave.set_chat("lounge");
  v1::LeaveChatResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::LeaveChat, leave, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kLeaveRoom);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->leave_room().room(), "lounge");
  // Leaving as asked is not being kicked.
  absl::StatusOr<v1::Event> left_lounge =
      client_->WaitFor([](const v1::Event& e) {
        return e.has_chat_left() && e.chat_left().chat() == "lounge";
      });
  ASSERT_TRUE(left_lounge.ok()) << left_lounge.status();
  EXPECT_FALSE(left_lounge->chat_left().kicked());
  EXPECT_EQ(Call(&v1::LilacService::Stub::LeaveChat, leave, &done).error_code(),
            grpc::StatusCode::NOT_FOUND);

  fake::v1::InjectRoomEventRequest kick;
  kick.set_room("strict");
  kick.set_account("alice");
  kick.mutable_kicked()->set_by("mod");
  kick.mutable_kicked()->set_reason("spam");
  InjectRoomEvent(kick);
  absl::StatusOr<v1::Event> left = client_->WaitFor([](const v1::Event& e) {
    return e.has_chat_left() && e.chat_left().chat() == "strict";
  });
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_TRUE(left->chat_left().kicked());
  EXPECT_EQ(left->chat_left().reason(), "You were kicked by mod: spam");
  EXPECT_EQ(left_lounge->chat_left().reason(), "");
}

TEST_F(ChatsTest, RoomsAreRejoinedAfterAReconnect) {
  CreateAccount("alice");
  ASSERT_TRUE(Login("alice", "alice", "secret", "prpl-fake", {}, true).ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  CreateRoom("lounge");
  ASSERT_TRUE(Join("lounge", "alice").ok());
  ASSERT_TRUE(Next(v1::Event::kChatJoined).ok());

  fake::v1::DisconnectRequest cut;
  cut.set_account("alice");
  Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut);
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  absl::StatusOr<v1::Event> rejoined = Next(v1::Event::kChatJoined);
  ASSERT_TRUE(rejoined.ok()) << rejoined.status();
  EXPECT_EQ(rejoined->chat_joined().chat(), "lounge");
}

TEST_F(ChatsTest, ListChatsReturnsTheDirectory) {
  LoginConnected("alice", "alice");
  CreateRoom("lounge");
  CreateRoom("vault", "sesame");
  v1::ListChatsRequest request;
  request.set_session("alice");
  v1::ListChatsResponse listed;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::ListChats, request, &listed).ok());
  std::vector<std::string> chats;
  for (const v1::ChatListEntry& chat : listed.chats()) {
    chats.push_back(chat.chat());
  }
  EXPECT_THAT(chats, ::testing::UnorderedElementsAre("lounge", "vault"));
  // Asked again, the list is made again (nothing is left in flight).
  v1::ListChatsResponse again;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::ListChats, request, &again).ok());
  EXPECT_EQ(again.chats_size(), 2);
}

TEST_F(ChatsTest, CapabilitiesDescribeThePluginAndOurPlaceInAChat) {
  v1::GetCapabilitiesRequest request;
  request.set_session("alice");
  v1::GetCapabilitiesResponse before;
  EXPECT_EQ(Call(&v1::LilacService::Stub::GetCapabilities, request, &before)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  LoginConnected("alice", "alice");
  CreateRoom("lounge");
  ASSERT_TRUE(Join("lounge", "alice", "").ok());
  ASSERT_TRUE(Next(v1::Event::kChatJoined).ok());
  request.set_chat("lounge");
  v1::GetCapabilitiesResponse got;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetCapabilities, request, &got).ok());
  const v1::Capabilities& session = got.session();
  EXPECT_EQ(session.protocol_id(), "prpl-fake");
  EXPECT_TRUE(session.connected());
  EXPECT_THAT(session.presences(),
              ::testing::ElementsAre(v1::PRESENCE_AVAILABLE, v1::PRESENCE_AWAY,
                                     v1::PRESENCE_EXTENDED_AWAY,
                                     v1::PRESENCE_DO_NOT_DISTURB));
  EXPECT_TRUE(session.typing());
  EXPECT_TRUE(session.attention());
  EXPECT_THAT(session.attention_types(), ::testing::ElementsAre("Buzz"));
  EXPECT_TRUE(session.send_files());
  EXPECT_EQ(session.max_send_file_size(), 64u << 20);
  EXPECT_EQ(session.max_message_size(), 1u << 20);
  EXPECT_GT(session.max_receive_file_size(), 0u);
  EXPECT_FALSE(session.chat_files());
  EXPECT_TRUE(session.chats());
  EXPECT_TRUE(session.chat_list());
  EXPECT_TRUE(session.chat_subject());
  EXPECT_TRUE(session.chat_invitations());
  EXPECT_TRUE(session.user_info());
  EXPECT_TRUE(session.avatars());
  EXPECT_TRUE(session.blocking());
  EXPECT_FALSE(session.registration());
  EXPECT_FALSE(session.password_change());
  EXPECT_FALSE(session.inline_images());
  ASSERT_TRUE(got.has_chat());
  EXPECT_EQ(got.chat().chat(), "lounge");
  EXPECT_EQ(got.chat().nickname(), "alice");
  EXPECT_TRUE(got.chat().subject());
  EXPECT_FALSE(got.chat().files());

  // Every call these advertise works: none is refused as unsupported.
  v1::SendAttentionRequest buzz;
  buzz.set_session("alice");
  buzz.set_to("bob");
  v1::SendAttentionResponse buzzed;
  EXPECT_TRUE(Call(&v1::LilacService::Stub::SendAttention, buzz, &buzzed).ok());
  for (int number : session.presences()) {
    const auto presence = static_cast<v1::Presence>(number);
    v1::SetStatusRequest status;
    status.set_session("alice");
    status.set_presence(presence);
    v1::SetStatusResponse set;
    EXPECT_TRUE(Call(&v1::LilacService::Stub::SetStatus, status, &set).ok())
        << v1::Presence_Name(presence);
  }
  v1::SetStatusRequest invisible;
  invisible.set_session("alice");
  invisible.set_presence(v1::PRESENCE_INVISIBLE);
  v1::SetStatusResponse refused;
  EXPECT_EQ(Call(&v1::LilacService::Stub::SetStatus, invisible, &refused)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  request.set_chat("elsewhere");
  EXPECT_EQ(Call(&v1::LilacService::Stub::GetCapabilities, request, &got)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ChatsTest, SendingToARoomWeAreNotInIsNotFound) {
  LoginConnected("alice", "alice");
  v1::SendChatMessageRequest send;
  send.set_session("alice");
  send.set_chat("elsewhere");
  send.set_text("hello?");
  v1::SendChatMessageResponse sent;
  EXPECT_EQ(
      Call(&v1::LilacService::Stub::SendChatMessage, send, &sent).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lilac::testing
