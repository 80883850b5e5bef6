// The Facebook plugin's quirks through lilacd, with prpl-fake-facebook:
// thread-id joins, unread messages replayed at every connect until marked read,
// show-unread off, our own room messages echoed by the plugin, stickers as
// inline images.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

constexpr char kFacebook[] = "prpl-fake-facebook";

class FacebookTest : public FakeNetworkTest {
 protected:
  void InjectFrom(const std::string& from, const std::string& text) {
    fake::v1::InjectMessageRequest request;
    request.set_account("100001");
    request.mutable_message()->set_from(from);
    request.mutable_message()->set_text(text);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
  }

  void AddFriend(const std::string& id) {
    fake::v1::AddBuddyRequest request;
    request.set_account("100001");
    request.mutable_buddy()->set_name(id);
    request.mutable_buddy()->add_groups("Facebook");
    request.mutable_buddy()->set_status_id("available");
    Control(&fake::v1::FakeNetworkControl::Stub::AddBuddy, request);
  }

  void CutAndWaitForReconnect() {
    fake::v1::DisconnectRequest cut;
    cut.set_account("100001");
    Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut);
    ASSERT_TRUE(
        client_->WaitFor(ConnectionIs("fb", v1::CONNECTION_STATE_DISCONNECTED))
            .ok());
    ASSERT_TRUE(
        client_->WaitFor(ConnectionIs("fb", v1::CONNECTION_STATE_CONNECTED))
            .ok());
  }

  void LoginWithReconnect(std::map<std::string, std::string> settings = {}) {
    CreateAccount("100001");
    AddFriend("200002");
    ASSERT_TRUE(
        Login("fb", "100001", "secret", kFacebook, std::move(settings), true)
            .ok());
    ASSERT_TRUE(
        client_->WaitFor(ConnectionIs("fb", v1::CONNECTION_STATE_CONNECTED))
            .ok());
  }

  // Messages whose text is `text` received so far.
  int CountReceived(const std::string& text) {
    int count = 0;
    for (const v1::Event& event : client_->Events()) {
      if (event.has_message_received() &&
          event.message_received().text() == text) {
        ++count;
      }
    }
    return count;
  }
};

TEST_F(FacebookTest, ProtocolHasTheFacebookOptionsAndDefaults) {
  v1::ListProtocolsResponse protocols;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::ListProtocols,
                   v1::ListProtocolsRequest(), &protocols)
                  .ok());
  std::map<std::string, v1::AccountOption> options;
  for (const auto& protocol : protocols.protocols()) {
    if (protocol.id() != kFacebook) continue;
    for (const auto& option : protocol.options())
      options[option.key()] = option;
  }
  ASSERT_EQ(options.count("show-unread"), 1);
  EXPECT_EQ(options["sync-interval"].int_default(), 5);
  EXPECT_TRUE(options["mark-read"].bool_default());
  EXPECT_FALSE(options["mark-read-available"].bool_default());
  EXPECT_TRUE(options["show-self"].bool_default());
  EXPECT_TRUE(options["show-unread"].bool_default());
  EXPECT_TRUE(options["group-chat-open"].bool_default());
}

TEST_F(FacebookTest, UnreadMessagesAreReplayedUntilMarkedRead) {
  LoginWithReconnect();
  InjectFrom("200002", "are you there?");
  ASSERT_TRUE(client_
                  ->WaitFor([](const v1::Event& e) {
                    return e.has_message_received() &&
                           e.message_received().text() == "are you there?";
                  })
                  .ok());

  // Still unread: the plugin replays it, as backlog, at the next connect.
  CutAndWaitForReconnect();
  absl::StatusOr<v1::Event> replayed = client_->WaitFor([](const v1::Event& e) {
    return e.has_message_received() &&
           e.message_received().text() == "are you there?";
  });
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_TRUE(replayed->message_received().flags().delayed());

  v1::MarkReadRequest read;
  read.set_session("fb");
  read.set_conversation("200002");
  v1::MarkReadResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::MarkRead, read, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("100001", fake::v1::ClientFrame::kMarkRead);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->mark_read().conversation(), "200002");

  // Marked read: a reconnect replays nothing. A fresh message is the next one
  // we see.
  CutAndWaitForReconnect();
  InjectFrom("200002", "new one");
  ASSERT_TRUE(client_
                  ->WaitFor([](const v1::Event& e) {
                    return e.has_message_received() &&
                           e.message_received().text() == "new one";
                  })
                  .ok());
  EXPECT_EQ(CountReceived("are you there?"), 2);
}

TEST_F(FacebookTest, ShowUnreadOffStopsTheReplay) {
  LoginWithReconnect({{"show-unread", "0"}});
  InjectFrom("200002", "once only");
  ASSERT_TRUE(client_
                  ->WaitFor([](const v1::Event& e) {
                    return e.has_message_received() &&
                           e.message_received().text() == "once only";
                  })
                  .ok());
  CutAndWaitForReconnect();
  InjectFrom("200002", "after reconnect");
  ASSERT_TRUE(client_
                  ->WaitFor([](const v1::Event& e) {
                    return e.has_message_received() &&
                           e.message_received().text() == "after reconnect";
                  })
                  .ok());
  EXPECT_EQ(CountReceived("once only"), 1);
}

TEST_F(FacebookTest, GroupChatsJoinByThreadIdAndEchoesComeBackOnce) {
  LoginWithReconnect();
  fake::v1::CreateRoomRequest thread;
  thread.set_name("9876543210");
  thread.add_participants()->set_nick("200002");
  Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, thread);

  v1::ListChatFieldsRequest fields_request;
  fields_request.set_session("fb");
  v1::ListChatFieldsResponse fields;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::ListChatFields, fields_request, &fields)
          .ok());
  ASSERT_EQ(fields.fields_size(), 1);
  EXPECT_EQ(fields.fields(0).key(), "name");

  v1::JoinChatRequest bad;
  bad.set_session("fb");
  bad.set_chat("not-a-thread");
  v1::JoinChatResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::JoinChat, bad, &done).ok());
  absl::StatusOr<v1::Event> refused =
      client_->WaitFor(EventOf("fb", v1::Event::kChatJoinFailed));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->chat_join_failed().chat(), "not-a-thread");
  EXPECT_THAT(refused->chat_join_failed().message(),
              ::testing::HasSubstr("Invalid Facebook identifier"));

  v1::JoinChatRequest join;
  join.set_session("fb");
  join.set_chat("9876543210");
  ASSERT_TRUE(Call(&v1::LilacService::Stub::JoinChat, join, &done).ok());
  absl::StatusOr<v1::Event> joined =
      client_->WaitFor(EventOf("fb", v1::Event::kChatJoined));
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->chat_joined().chat(), "9876543210");

  v1::SendChatMessageRequest send;
  send.set_session("fb");
  send.set_chat("9876543210");
  send.set_text("hello thread");
  send.set_client_message_id("m-1");
  v1::SendChatMessageResponse sent;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SendChatMessage, send, &sent).ok());
  ASSERT_TRUE(sent.accepted());
  ASSERT_TRUE(
      WaitForClientFrame("100001", fake::v1::ClientFrame::kSendRoomMessage)
          .ok());

  fake::v1::InjectRoomEventRequest reply;
  reply.set_room("9876543210");
  reply.mutable_message()->set_from("200002");
  reply.mutable_message()->set_text("hi back");
  Control(&fake::v1::FakeNetworkControl::Stub::InjectRoomEvent, reply);
  // The plugin's local echo of "hello thread" is the room's copy of our
  // message: one event marked as ours, then the reply.
  absl::StatusOr<v1::Event> first =
      client_->WaitFor(EventOf("fb", v1::Event::kChatMessageReceived));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->chat_message_received().text(), "hello thread");
  EXPECT_TRUE(first->chat_message_received().flags().sent_by_us());
  EXPECT_EQ(first->chat_message_received().client_message_id(), "m-1");
  absl::StatusOr<v1::Event> second = client_->WaitFor([&](const v1::Event& e) {
    return e.session() == "fb" && e.has_chat_message_received() &&
           e.sequence() > first->sequence();
  });
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->chat_message_received().text(), "hi back");
  EXPECT_FALSE(second->chat_message_received().flags().sent_by_us());
}

TEST_F(FacebookTest, StickersArriveAsInlineImages) {
  LoginWithReconnect();
  const std::string sticker("GIF89a sticker frames", 21);
  fake::v1::InjectMessageRequest request;
  request.set_account("100001");
  request.mutable_message()->set_from(
      "300003");  // not a friend: held, then delivered
  fake::v1::Image* image = request.mutable_message()->add_images();
  image->set_data(sticker);
  Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
  absl::StatusOr<v1::Event> received =
      client_->WaitFor(EventOf("fb", v1::Event::kMessageReceived));
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().peer(), "300003");
  EXPECT_TRUE(received->message_received().flags().has_images());
  ASSERT_EQ(received->message_received().images_size(), 1);
  EXPECT_EQ(received->message_received().images(0).data(), sticker);
  EXPECT_EQ(received->message_received().images(0).mime_type(), "image/gif");
}

}  // namespace
}  // namespace lilac::testing
