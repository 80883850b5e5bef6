// Instant messages both ways through prpl-fake: plain, HTML, images, delayed,
// sent from another client of ours; typing.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/prpl_test_support.h"

namespace lilac::testing::fake {
namespace {

class ImTest : public FakeNetworkTest {
 protected:
  void SetUp() override {
    FakeNetworkTest::SetUp();
    CreateServerAccount(kUser, "pw");
    SignOn("prpl-fake", kUser, "pw");
  }

  // Injects `message` and returns the host event it produced.
  PurpleEvent Deliver(const v1::IncomingIm& message,
                      const std::string& event = "received-im-msg") {
    const size_t mark = Events().Mark();
    grpc::ClientContext context;
    v1::InjectMessageRequest request;
    request.set_account(kUser);
    *request.mutable_message() = message;
    v1::InjectMessageResponse response;
    EXPECT_TRUE(Ok(control().InjectMessage(&context, request, &response)));
    std::optional<PurpleEvent> received = Events().WaitFor(event, kUser, mark);
    EXPECT_TRUE(received.has_value()) << "no " << event;
    return received.value_or(PurpleEvent{});
  }

  static constexpr char kUser[] = "im-user";
};

TEST_F(ImTest, PlainMessageIsEscaped) {
  v1::IncomingIm message;
  message.set_from("bob");
  message.set_text("1 < 2 & <b>");
  PurpleEvent received = Deliver(message);
  EXPECT_EQ(received.who, "bob");
  EXPECT_EQ(received.text, "1 &lt; 2 &amp; &lt;b&gt;");
  EXPECT_FALSE(received.value & PURPLE_MESSAGE_DELAYED);
}

TEST_F(ImTest, HtmlMessageIsPassedThrough) {
  v1::IncomingIm message;
  message.set_from("bob");
  message.set_text("<b>bold</b>");
  message.set_format(v1::MESSAGE_FORMAT_HTML);
  EXPECT_EQ(Deliver(message).text, "<b>bold</b>");
}

TEST_F(ImTest, ImageArrivesAsImgstoreReference) {
  v1::IncomingIm message;
  message.set_from("bob");
  message.set_text("look");
  message.add_images()->set_data("\x89PNG fake image bytes");
  PurpleEvent received = Deliver(message);
  EXPECT_TRUE(received.value & PURPLE_MESSAGE_IMAGES);
  EXPECT_TRUE(absl::StartsWith(received.text, "look<img id=\""))
      << received.text;
}

TEST_F(ImTest, ServerTimestampMarksTheMessageDelayed) {
  v1::IncomingIm message;
  message.set_from("bob");
  message.set_text("old news");
  message.set_server_time(1000000000);
  EXPECT_TRUE(Deliver(message).value & PURPLE_MESSAGE_DELAYED);
}

TEST_F(ImTest, OwnMessageFromAnotherClientIsARemoteSend) {
  v1::IncomingIm message;
  message.set_sent_to("bob");
  message.set_text("sent from my phone");
  PurpleEvent written = Deliver(message, "wrote-im-msg");
  EXPECT_TRUE(written.value & PURPLE_MESSAGE_SEND);
  EXPECT_TRUE(written.value & PURPLE_MESSAGE_REMOTE_SEND);
}

TEST_F(ImTest, SentImReachesTheServer) {
  Host().Run([](const OnLoop&) {
    PurpleAccount* account = purple_accounts_find(kUser, "prpl-fake");
    PurpleConversation* conv =
        purple_conversation_new(PURPLE_CONV_TYPE_IM, account, "carol");
    purple_conv_im_send(PURPLE_CONV_IM(conv), "hello carol");
  });
  v1::WaitForClientFrameResponse sent =
      WaitForClientFrame(kUser, v1::ClientFrame::kSendIm);
  EXPECT_EQ(sent.frame().send_im().to(), "carol");
  EXPECT_EQ(sent.frame().send_im().text(), "hello carol");
  EXPECT_FALSE(sent.frame().send_im().message_id().empty());
}

TEST_F(ImTest, TypingBothWays) {
  const size_t mark = Events().Mark();
  grpc::ClientContext context;
  v1::InjectTypingRequest request;
  request.set_account(kUser);
  request.mutable_typing()->set_from("bob");
  request.mutable_typing()->set_state(v1::TYPING_STATE_TYPING);
  v1::InjectTypingResponse response;
  ASSERT_TRUE(Ok(control().InjectTyping(&context, request, &response)));
  std::optional<PurpleEvent> typing =
      Events().WaitFor("buddy-typing", kUser, mark);
  ASSERT_TRUE(typing.has_value());
  EXPECT_EQ(typing->who, "bob");

  Host().Run([](const OnLoop&) {
    serv_send_typing(
        purple_account_get_connection(purple_accounts_find(kUser, "prpl-fake")),
        "bob", PURPLE_TYPING);
  });
  EXPECT_EQ(WaitForClientFrame(kUser, v1::ClientFrame::kSetTyping)
                .frame()
                .set_typing()
                .state(),
            v1::TYPING_STATE_TYPING);
}

}  // namespace
}  // namespace lilac::testing::fake
