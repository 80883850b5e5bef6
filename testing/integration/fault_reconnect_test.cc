// The fake network cuts every connection mid-conversation: sessions with
// reconnect on come back, rejoin their rooms, report what was sent during the
// cut as failed, and deliver nothing twice.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/event_matchers.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kSessions = {"alice", "bob"};

class FaultReconnectTest : public FakeNetworkTest {
 protected:
  void SetUp() override {
    FakeNetworkTest::SetUp();
    fake::v1::CreateRoomRequest room;
    room.set_name("lobby");
    room.add_participants()->set_nick("carol");
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
    for (const std::string& name : kSessions) {
      CreateAccount(name);
      ASSERT_TRUE(Login(name, name, "secret", "prpl-fake", {}, true).ok());
      ASSERT_TRUE(
          client_->WaitFor(ConnectionIs(name, v1::CONNECTION_STATE_CONNECTED))
              .ok());
      v1::JoinChatRequest join;
      join.set_session(name);
      join.set_chat("lobby");
      join.set_nickname(name);
      v1::JoinChatResponse joined;
      ASSERT_TRUE(Call(&v1::LilacService::Stub::JoinChat, join, &joined).ok());
      ASSERT_TRUE(client_->WaitFor(EventOf(name, v1::Event::kChatJoined)).ok());
    }
  }

  void InjectIm(const std::string& to, const std::string& text) {
    fake::v1::InjectMessageRequest request;
    request.set_account(to);
    request.mutable_message()->set_from("carol");
    request.mutable_message()->set_text(text);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
  }

  void InjectRoomMessage(const std::string& text) {
    fake::v1::InjectRoomEventRequest request;
    request.set_room("lobby");
    request.mutable_message()->set_from("carol");
    request.mutable_message()->set_text(text);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectRoomEvent, request);
  }

  void RefuseLogins(bool refuse) {
    for (const std::string& name : kSessions) {
      fake::v1::SetLoginBehaviorRequest request;
      request.set_account(name);
      if (refuse) request.set_refusal(fake::v1::LOGIN_ERROR_SERVER_ERROR);
      Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, request);
    }
  }

  v1::SendMessageResponse SendIm(const std::string& text,
                                 const std::string& id) {
    v1::SendMessageRequest request;
    request.set_session("alice");
    request.set_to("carol");
    request.set_text(text);
    request.set_client_message_id(id);
    v1::SendMessageResponse response;
    EXPECT_TRUE(
        Call(&v1::LilacService::Stub::SendMessage, request, &response).ok());
    return response;
  }

  // Texts of the messages (one-to-one and room) each session received.
  std::vector<std::string> Received(const std::string& session) {
    std::vector<std::string> texts;
    for (const v1::Event& event : client_->Events()) {
      if (event.session() != session) continue;
      if (event.has_message_received()) {
        texts.push_back(event.message_received().text());
      } else if (event.has_chat_message_received()) {
        texts.push_back(event.chat_message_received().text());
      }
    }
    return texts;
  }
};

TEST_F(FaultReconnectTest, SessionsComeBackRejoinAndLoseNothingSilently) {
  InjectIm("alice", "im-before");
  InjectRoomMessage("room-before");
  ASSERT_TRUE(client_
                  ->WaitFor(AllSeen({
                      EventOf("alice", v1::Event::kMessageReceived),
                      EventOf("alice", v1::Event::kChatMessageReceived),
                      EventOf("bob", v1::Event::kChatMessageReceived),
                  }))
                  .ok());
  ASSERT_TRUE(SendIm("sent-before", "m-1").accepted());
  absl::StatusOr<fake::v1::ClientFrame> before =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_THAT(before->send_im().text(), HasSubstr("sent-before"));

  // Every connection is cut; logins fail (retryably) until the network is
  // back.
  RefuseLogins(true);
  fake::v1::DisconnectRequest cut;
  EXPECT_GE(
      Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut).closed(),
      2);
  ASSERT_TRUE(client_
                  ->WaitFor(AllSeen({
                      ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED),
                      ConnectionIs("bob", v1::CONNECTION_STATE_DISCONNECTED),
                  }))
                  .ok());

  v1::SendMessageRequest during;
  during.set_session("alice");
  during.set_to("carol");
  during.set_text("sent-during-cut");
  during.set_client_message_id("m-2");
  v1::SendMessageResponse refused;
  // Refused outright, never queued or dropped silently.
  EXPECT_EQ(
      Call(&v1::LilacService::Stub::SendMessage, during, &refused).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  v1::SendChatMessageRequest room_send;
  room_send.set_session("bob");
  room_send.set_chat("lobby");
  room_send.set_text("room-during-cut");
  room_send.set_client_message_id("r-1");
  v1::SendChatMessageResponse room_during;
  grpc::Status room_status =
      Call(&v1::LilacService::Stub::SendChatMessage, room_send, &room_during);
  // Refused outright or reported failed: never accepted.
  EXPECT_FALSE(room_status.ok() && room_during.accepted());

  RefuseLogins(false);
  ASSERT_TRUE(
      client_
          ->WaitFor(AllSeen({
                        ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED),
                        ConnectionIs("bob", v1::CONNECTION_STATE_CONNECTED),
                        EventOf("alice", v1::Event::kChatJoined),
                        EventOf("bob", v1::Event::kChatJoined),
                    }),
                    absl::Seconds(30))
          .ok());

  // The refused send was never reported as sent.
  for (const v1::Event& event : client_->Events()) {
    EXPECT_FALSE(event.has_message_send_result() &&
                 event.message_send_result().client_message_id() == "m-2")
        << event.ShortDebugString();
  }

  // The next message the network sees from alice is the one sent after the
  // reconnect: the one sent during the cut was not queued and resent.
  ASSERT_TRUE(SendIm("sent-after", "m-3").accepted());
  absl::StatusOr<fake::v1::ClientFrame> after =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_THAT(after->send_im().text(), HasSubstr("sent-after"));

  InjectIm("alice", "im-after");
  InjectRoomMessage("room-after");
  ASSERT_TRUE(client_
                  ->WaitFor(AllSeen({
                      EventOf("alice", v1::Event::kMessageReceived),
                      EventOf("alice", v1::Event::kChatMessageReceived),
                      EventOf("bob", v1::Event::kChatMessageReceived),
                  }))
                  .ok());
  // Everything arrived exactly once, in order.
  EXPECT_THAT(Received("alice"), ElementsAre("im-before", "room-before",
                                             "im-after", "room-after"));
  EXPECT_THAT(Received("bob"), ElementsAre("room-before", "room-after"));
}

}  // namespace
}  // namespace lilac::testing
