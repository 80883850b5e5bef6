// One-to-one messages both ways through lilacd's API: text, HTML, unicode,
// long, delayed, inline images, sent from another client, echo suppression,
// failures; typing; attention.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

class MessagingTest : public FakeNetworkTest {
 protected:
  void SetUp() override {
    FakeNetworkTest::SetUp();
    LoginConnected("alice", "alice");
  }

  void Inject(fake::v1::IncomingIm message) {
    fake::v1::InjectMessageRequest request;
    request.set_account("alice");
    *request.mutable_message() = std::move(message);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
  }

  absl::StatusOr<v1::Event> NextMessage() {
    return client_->WaitFor(EventOf("alice", v1::Event::kMessageReceived));
  }

  v1::SendMessageResponse Send(const std::string& to, const std::string& text,
                               const std::string& id) {
    v1::SendMessageRequest request;
    request.set_session("alice");
    request.set_to(to);
    request.set_text(text);
    request.set_client_message_id(id);
    v1::SendMessageResponse response;
    grpc::Status status =
        Call(&v1::LilacService::Stub::SendMessage, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
};

TEST_F(MessagingTest, ReceivesPlainUnicodeAndHtmlMessages) {
  fake::v1::IncomingIm plain;
  plain.set_from("bob");
  plain.set_text("Grüße aus 東京 🌸 <not a tag>");
  Inject(plain);
  absl::StatusOr<v1::Event> first = NextMessage();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->message_received().peer(), "bob");
  EXPECT_EQ(first->message_received().text(), "Grüße aus 東京 🌸 <not a tag>");
  EXPECT_FALSE(first->message_received().flags().delayed());
  EXPECT_GT(first->message_received().time().seconds(), 0);

  fake::v1::IncomingIm html;
  html.set_from("bob");
  html.set_text("<b>bold</b> and <i>italic</i>");
  html.set_format(fake::v1::MESSAGE_FORMAT_HTML);
  Inject(html);
  absl::StatusOr<v1::Event> second = NextMessage();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->message_received().text(), "bold and italic");
  EXPECT_THAT(second->message_received().html(), HasSubstr("<b>bold</b>"));
}

TEST_F(MessagingTest, LongMessagesArriveWhole) {
  fake::v1::IncomingIm message;
  message.set_from("bob");
  message.set_text(std::string(200000, 'x'));
  Inject(message);
  absl::StatusOr<v1::Event> received = NextMessage();
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().text().size(), 200000);
}

TEST_F(MessagingTest, DelayedMessagesKeepTheServerTime) {
  fake::v1::IncomingIm message;
  message.set_from("bob");
  message.set_text("sent while you were away");
  message.set_server_time(1700000000);
  Inject(message);
  absl::StatusOr<v1::Event> received = NextMessage();
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_TRUE(received->message_received().flags().delayed());
  EXPECT_EQ(received->message_received().time().seconds(), 1700000000);
}

TEST_F(MessagingTest, InlineImagesComeWithTheirBytes) {
  const std::string png("\x89PNG\r\n\x1a\nfake image body", 24);
  fake::v1::IncomingIm message;
  message.set_from("bob");
  message.set_text("look");
  fake::v1::Image* image = message.add_images();
  image->set_data(png);
  image->set_filename("cat.png");
  Inject(message);
  absl::StatusOr<v1::Event> received = NextMessage();
  ASSERT_TRUE(received.ok()) << received.status();
  const v1::MessageReceived& got = received->message_received();
  EXPECT_TRUE(got.flags().has_images());
  ASSERT_EQ(got.images_size(), 1);
  EXPECT_EQ(got.images(0).data(), png);
  EXPECT_EQ(got.images(0).mime_type(), "image/png");
  EXPECT_EQ(got.images(0).sha1().size(), 40);
  EXPECT_THAT(got.html(), HasSubstr(absl::StrCat("id=\"", got.images(0).id())));
}

TEST_F(MessagingTest, MessagesWeSentFromAnotherClientAreMarked) {
  fake::v1::IncomingIm message;
  message.set_from("alice");
  message.set_sent_to("bob");
  message.set_text("from my phone");
  Inject(message);
  absl::StatusOr<v1::Event> received = NextMessage();
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_TRUE(received->message_received().flags().sent_by_us_elsewhere());
  EXPECT_EQ(received->message_received().peer(), "bob");
  EXPECT_EQ(received->message_received().text(), "from my phone");
}

TEST_F(MessagingTest, SendsReachTheNetworkWithoutAnEcho) {
  v1::SendMessageResponse response = Send("bob", "hello bob", "m-1");
  EXPECT_TRUE(response.accepted()) << response.failure().message();
  EXPECT_EQ(response.client_message_id(), "m-1");

  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->send_im().to(), "bob");
  EXPECT_THAT(frame->send_im().text(), HasSubstr("hello bob"));

  absl::StatusOr<v1::Event> result =
      client_->WaitFor(EventOf("alice", v1::Event::kMessageSendResult));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->message_send_result().accepted());
  EXPECT_EQ(result->message_send_result().client_message_id(), "m-1");

  // A later incoming message is the next message event: our send was not
  // echoed.
  fake::v1::IncomingIm reply;
  reply.set_from("bob");
  reply.set_text("hi alice");
  Inject(reply);
  absl::StatusOr<v1::Event> next = NextMessage();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->message_received().text(), "hi alice");
}

TEST_F(MessagingTest, SendingWhileDisconnectedIsRefused) {
  fake::v1::DisconnectRequest cut;
  cut.set_account("alice");
  Control(&fake::v1::FakeNetworkControl::Stub::Disconnect, cut);
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED))
          .ok());
  v1::SendMessageRequest request;
  request.set_session("alice");
  request.set_to("bob");
  request.set_text("lost?");
  request.set_client_message_id("m-2");
  v1::SendMessageResponse response;
  const grpc::Status status =
      Call(&v1::LilacService::Stub::SendMessage, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("not connected"));
}

TEST_F(MessagingTest, ANetworkRefusalIsATypedFailure) {
  // prpl-fake refuses messages over its network's size limit with -E2BIG.
  v1::SendMessageResponse response =
      Send("bob", std::string(70000, 'x'), "m-big");
  EXPECT_FALSE(response.accepted());
  EXPECT_EQ(response.failure().code(), v1::FAILURE_CODE_TOO_LARGE);
  EXPECT_FALSE(response.failure().message().empty());
  absl::StatusOr<v1::Event> result =
      client_->WaitFor(EventOf("alice", v1::Event::kMessageSendResult));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->message_send_result().client_message_id(), "m-big");
  EXPECT_EQ(result->message_send_result().failure().code(),
            v1::FAILURE_CODE_TOO_LARGE);
}

TEST_F(MessagingTest, SendingToAnUnknownSessionIsNotFound) {
  v1::SendMessageRequest request;
  request.set_session("nobody");
  request.set_to("bob");
  request.set_text("hi");
  v1::SendMessageResponse response;
  EXPECT_EQ(Call(&v1::LilacService::Stub::SendMessage, request, &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(MessagingTest, TypingTravelsBothWays) {
  fake::v1::InjectTypingRequest typing;
  typing.set_account("alice");
  typing.mutable_typing()->set_from("bob");
  typing.mutable_typing()->set_state(fake::v1::TYPING_STATE_TYPING);
  Control(&fake::v1::FakeNetworkControl::Stub::InjectTyping, typing);
  absl::StatusOr<v1::Event> seen =
      client_->WaitFor(EventOf("alice", v1::Event::kTypingChanged));
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->typing_changed().peer(), "bob");
  EXPECT_EQ(seen->typing_changed().state(), v1::TYPING_STATE_TYPING);

  typing.mutable_typing()->set_state(fake::v1::TYPING_STATE_TYPED);
  Control(&fake::v1::FakeNetworkControl::Stub::InjectTyping, typing);
  seen = client_->WaitFor(EventOf("alice", v1::Event::kTypingChanged));
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->typing_changed().state(), v1::TYPING_STATE_PAUSED);

  v1::SendTypingRequest ours;
  ours.set_session("alice");
  ours.set_to("bob");
  ours.set_state(v1::TYPING_STATE_TYPING);
  v1::SendTypingResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SendTyping, ours, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetTyping);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->set_typing().to(), "bob");
  EXPECT_EQ(frame->set_typing().state(), fake::v1::TYPING_STATE_TYPING);
}

TEST_F(MessagingTest, AttentionTravelsBothWays) {
  fake::v1::InjectAttentionRequest buzz;
  buzz.set_account("alice");
  buzz.mutable_attention()->set_from("bob");
  Control(&fake::v1::FakeNetworkControl::Stub::InjectAttention, buzz);
  absl::StatusOr<v1::Event> seen =
      client_->WaitFor(EventOf("alice", v1::Event::kAttentionReceived));
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->attention_received().sender(), "bob");

  v1::SendAttentionRequest ours;
  ours.set_session("alice");
  ours.set_to("bob");
  v1::SendAttentionResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SendAttention, ours, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendAttention);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->send_attention().to(), "bob");
}

}  // namespace
}  // namespace lilac::testing
