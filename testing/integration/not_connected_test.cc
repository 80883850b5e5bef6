// One rule for a session that is not connected, call by call: what must reach
// the network now is refused with FAILED_PRECONDITION (nothing is queued,
// changed only locally, or made to sign the account on); what lilacd keeps or
// applies at the next sign-on works at any time.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"
#include "testing/lilacd/file_transfers.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

void ExpectOk(const grpc::Status& status) {
  EXPECT_TRUE(status.ok()) << status.error_message();
}

class NotConnectedTest : public FakeNetworkTest {
 protected:
  void SetUp() override {
    FakeNetworkTest::SetUp();
    LoginConnected("alice", "alice");
    fake::v1::DisconnectRequest cut;
    cut.set_account("alice");
    Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut);
    ASSERT_TRUE(
        client_
            ->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED))
            .ok());
  }

  template <typename Request, typename Response>
  void ExpectRefused(const char* name,
                     grpc::Status (v1::LilacService::Stub::*method)(
                         grpc::ClientContext*, const Request&, Response*),
                     const Request& request) {
    Response response;
    const grpc::Status status = Call(method, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
        << name << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("not connected")) << name;
  }

  template <typename Request, typename Response>
  grpc::Status Allowed(const char* name,
                       grpc::Status (v1::LilacService::Stub::*method)(
                           grpc::ClientContext*, const Request&, Response*),
                       const Request& request) {
    Response response;
    const grpc::Status status = Call(method, request, &response);
    EXPECT_NE(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
        << name << ": " << status.error_message();
    return status;
  }
};

TEST_F(NotConnectedTest, CallsThatNeedTheNetworkAreRefused) {
  using Stub = v1::LilacService::Stub;
  v1::SendMessageRequest send;
  send.set_session("alice");
  send.set_to("bob");
  send.set_text("hi");
  ExpectRefused("SendMessage", &Stub::SendMessage, send);

  v1::SendChatMessageRequest chat_send;
  chat_send.set_session("alice");
  chat_send.set_chat("lounge");
  chat_send.set_text("hi");
  ExpectRefused("SendChatMessage", &Stub::SendChatMessage, chat_send);

  v1::SendTypingRequest typing;
  typing.set_session("alice");
  typing.set_to("bob");
  typing.set_state(v1::TYPING_STATE_TYPING);
  ExpectRefused("SendTyping", &Stub::SendTyping, typing);

  v1::SendAttentionRequest attention;
  attention.set_session("alice");
  attention.set_to("bob");
  ExpectRefused("SendAttention", &Stub::SendAttention, attention);

  v1::SetChatSubjectRequest subject;
  subject.set_session("alice");
  subject.set_chat("lounge");
  subject.set_subject("news");
  ExpectRefused("SetChatSubject", &Stub::SetChatSubject, subject);

  v1::AddBuddyRequest add;
  add.set_session("alice");
  add.set_name("bob");
  ExpectRefused("AddBuddy", &Stub::AddBuddy, add);

  v1::RemoveBuddyRequest remove;
  remove.set_session("alice");
  remove.set_name("bob");
  ExpectRefused("RemoveBuddy", &Stub::RemoveBuddy, remove);

  v1::UpdateBuddyRequest update;
  update.set_session("alice");
  update.set_name("bob");
  update.set_alias("Bob");
  ExpectRefused("UpdateBuddy", &Stub::UpdateBuddy, update);

  v1::SetBuddyBlockedRequest block;
  block.set_session("alice");
  block.set_name("eve");
  block.set_blocked(true);
  ExpectRefused("SetBuddyBlocked", &Stub::SetBuddyBlocked, block);

  v1::SetProfileRequest profile;
  profile.set_session("alice");
  profile.set_nickname("Alice");
  ExpectRefused("SetProfile", &Stub::SetProfile, profile);

  v1::GetUserInfoRequest info;
  info.set_session("alice");
  info.set_name("bob");
  ExpectRefused("GetUserInfo", &Stub::GetUserInfo, info);

  v1::ListChatsRequest chats;
  chats.set_session("alice");
  ExpectRefused("ListChats", &Stub::ListChats, chats);

  // libpurple would sign the account on to show an online status.
  v1::SetStatusRequest status;
  status.set_session("alice");
  status.set_presence(v1::PRESENCE_AWAY);
  status.set_message("back soon");
  ExpectRefused("SetStatus", &Stub::SetStatus, status);

  // Refused at its first message, before the rest of the file is read.
  v1::SendFileRequest file;
  file.set_session("alice");
  file.set_to("bob");
  file.set_filename("a.txt");
  v1::SendFileResponse sent;
  const grpc::Status file_status = SendFileMessages(
      client_->stub(), FileChunks(file, std::string(5000, 'x'), 1000), &sent);
  EXPECT_EQ(file_status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << file_status.error_message();
  EXPECT_THAT(file_status.error_message(), HasSubstr("not connected"));

  // Nothing was sent or reported as sent, and the session stayed down.
  for (const v1::Event& event : client_->Events()) {
    EXPECT_FALSE(event.has_message_send_result()) << event.ShortDebugString();
  }
  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse got;
  ASSERT_TRUE(Call(&Stub::GetSession, get, &got).ok());
  EXPECT_EQ(got.session().state(), v1::CONNECTION_STATE_DISCONNECTED);
}

TEST_F(NotConnectedTest, CallsOnWhatLilacdKeepsWorkAnyTime) {
  using Stub = v1::LilacService::Stub;

  v1::ListBuddiesRequest buddies;
  buddies.set_session("alice");
  ExpectOk(Allowed("ListBuddies", &Stub::ListBuddies, buddies));

  v1::ListChatFieldsRequest fields;
  fields.set_session("alice");
  ExpectOk(Allowed("ListChatFields", &Stub::ListChatFields, fields));

  // Joined at the next sign-on; leaving before that just forgets it.
  v1::JoinChatRequest join;
  join.set_session("alice");
  join.set_chat("lounge");
  ExpectOk(Allowed("JoinChat", &Stub::JoinChat, join));
  v1::LeaveChatRequest leave;
  leave.set_session("alice");
  leave.set_chat("lounge");
  ExpectOk(Allowed("LeaveChat", &Stub::LeaveChat, leave));

  v1::GetSessionRequest get;
  get.set_session("alice");
  ExpectOk(Allowed("GetSession", &Stub::GetSession, get));

  // What the plugin can do is known without a connection; what only the
  // connection tells is not.
  v1::GetCapabilitiesRequest capabilities;
  capabilities.set_session("alice");
  v1::GetCapabilitiesResponse described;
  ExpectOk(Call(&Stub::GetCapabilities, capabilities, &described));
  EXPECT_FALSE(described.session().connected());
  EXPECT_TRUE(described.session().chats());
  EXPECT_FALSE(described.session().html());

  // Nothing open to answer: NOT_FOUND, never "not connected".
  v1::MarkReadRequest read;
  read.set_session("alice");
  read.set_conversation("bob");
  Allowed("MarkRead", &Stub::MarkRead, read);
  v1::GetBuddyIconRequest icon;
  icon.set_session("alice");
  icon.set_name("bob");
  Allowed("GetBuddyIcon", &Stub::GetBuddyIcon, icon);
  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  answer.set_request_id(7);
  EXPECT_EQ(Allowed("AnswerRequest", &Stub::AnswerRequest, answer).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::CancelRequestRequest cancel;
  cancel.set_session("alice");
  cancel.set_request_id(7);
  EXPECT_EQ(Allowed("CancelRequest", &Stub::CancelRequest, cancel).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::AnswerAuthorizationRequest authorization;
  authorization.set_session("alice");
  authorization.set_authorization_id(7);
  EXPECT_EQ(
      Allowed("AnswerAuthorization", &Stub::AnswerAuthorization, authorization)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::AnswerChatInvitationRequest invitation;
  invitation.set_session("alice");
  invitation.set_invitation_id(7);
  EXPECT_EQ(
      Allowed("AnswerChatInvitation", &Stub::AnswerChatInvitation, invitation)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::FetchFileRequest fetch;
  fetch.set_session("alice");
  fetch.set_transfer_id(7);
  FetchedFile fetched;
  EXPECT_EQ(FetchWholeFile(client_->stub(), fetch, &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::LogoutRequest logout;
  logout.set_session("alice");
  ExpectOk(Allowed("Logout", &Stub::Logout, logout));
}

}  // namespace
}  // namespace lilac::testing
