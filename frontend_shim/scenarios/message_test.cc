// Messages both ways: delivery ACKs, XHTML, delayed timestamps, carbons,
// typing and attention.
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using Wrapper = pbnetwork::WrapperMessage;
constexpr char kAlice[] = "alice@example.org";

class MessageTest : public ShimTest {
 protected:
  void SetUp() override {
    ShimTest::SetUp();
    StartShim();
    LoginConnected(kAlice, "alice");
  }
  void Inject(fake::v1::IncomingIm message) {
    fake::v1::InjectMessageRequest inject;
    inject.set_account("alice");
    *inject.mutable_message() = std::move(message);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, inject);
  }
};

TEST_F(MessageTest, OutgoingReachesTheNetworkAndIsAcked) {
  pbnetwork::ConversationMessage message;
  message.set_username(kAlice);
  message.set_buddyname("bob");
  message.set_message("hello bob");
  message.set_id("stanza-1");
  ASSERT_TRUE(spectrum_->SendMessage(message).ok());
  absl::StatusOr<fake::v1::ClientFrame> sent =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->send_im().to(), "bob");
  EXPECT_THAT(sent->send_im().text(), ::testing::HasSubstr("hello bob"));
  absl::StatusOr<Wrapper> ack = spectrum_->WaitForFrame(
      Wrapper::TYPE_CONV_MESSAGE_ACK, nullptr, kTimeout);
  ASSERT_TRUE(ack.ok()) << ack.status();
  pbnetwork::ConversationMessage acked;
  ASSERT_TRUE(acked.ParseFromString(ack->payload()));
  EXPECT_EQ(acked.id(), "stanza-1");
  EXPECT_EQ(acked.buddyname(), "bob");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(MessageTest, IncomingWithXhtmlAndDelayedTimestamp) {
  fake::v1::IncomingIm live;
  live.set_from("bob");
  live.set_text("<b>bold</b> move");
  live.set_format(fake::v1::MESSAGE_FORMAT_HTML);
  Inject(live);
  absl::StatusOr<pbnetwork::ConversationMessage> got =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.buddyname() == "bob";
          },
          kTimeout);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->message(), "bold move");
  EXPECT_EQ(got->xhtml(), "<b>bold</b> move");
  EXPECT_FALSE(got->has_timestamp());

  fake::v1::IncomingIm old;
  old.set_from("carol");
  old.set_text("from yesterday");
  old.set_server_time(1700000000);
  Inject(old);
  got = spectrum_->WaitForMessage(
      [](const pbnetwork::ConversationMessage& m) {
        return m.buddyname() == "carol";
      },
      kTimeout);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->timestamp(), "20231114T221320");
}

TEST_F(MessageTest, ControlCharactersXmlCannotCarryBecomeReplacements) {
  // IRC formatting codes and a bell reach the shim from the network; a raw
  // one in a stanza would make the XMPP server drop the transport.
  fake::v1::IncomingIm message;
  message.set_from("bob");
  message.set_text(
      "\x02"
      "bold\x02 and \x03"
      "4red\x07");
  Inject(message);
  absl::StatusOr<pbnetwork::ConversationMessage> got =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.buddyname() == "bob";
          },
          kTimeout);
  ASSERT_TRUE(got.ok()) << got.status();
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(got->message(), replacement + "bold" + replacement + " and " +
                                replacement + "4red" + replacement);
}

TEST_F(MessageTest, OwnMessagesFromAnotherClientAreCarbons) {
  fake::v1::IncomingIm mine;
  mine.set_sent_to("bob");
  mine.set_text("sent from my phone");
  Inject(mine);
  absl::StatusOr<pbnetwork::ConversationMessage> got =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) { return m.carbon(); },
          kTimeout);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->buddyname(), "bob");
  EXPECT_EQ(got->message(), "sent from my phone");
}

TEST_F(MessageTest, TypingAndAttentionBothWays) {
  fake::v1::InjectTypingRequest typing;
  typing.set_account("alice");
  typing.mutable_typing()->set_from("bob");
  typing.mutable_typing()->set_state(fake::v1::TYPING_STATE_TYPING);
  // Spectrum shows typing only in an existing conversation: start one.
  fake::v1::IncomingIm hello;
  hello.set_from("bob");
  hello.set_text("hi");
  Inject(hello);
  Control(&fake::v1::FakeNetworkControl::Stub::InjectTyping, typing);
  absl::StatusOr<pbnetwork::Buddy> typing_frame = spectrum_->WaitForBuddy(
      Wrapper::TYPE_BUDDY_TYPING,
      [](const pbnetwork::Buddy& b) { return b.buddyname() == "bob"; },
      kTimeout);
  ASSERT_TRUE(typing_frame.ok()) << typing_frame.status();
  EXPECT_TRUE(typing_frame->has_status());

  ASSERT_TRUE(
      spectrum_->SendTyping(Wrapper::TYPE_BUDDY_TYPING, kAlice, "bob").ok());
  absl::StatusOr<fake::v1::ClientFrame> sent =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetTyping);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->set_typing().to(), "bob");

  fake::v1::InjectAttentionRequest buzz;
  buzz.set_account("alice");
  buzz.mutable_attention()->set_from("bob");
  Control(&fake::v1::FakeNetworkControl::Stub::InjectAttention, buzz);
  ASSERT_TRUE(
      spectrum_->WaitForFrame(Wrapper::TYPE_ATTENTION, nullptr, kTimeout).ok());
  ASSERT_TRUE(spectrum_->SendAttention(kAlice, "bob", "").ok());
  ASSERT_TRUE(
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendAttention).ok());
}

}  // namespace
}  // namespace lilac::shim::testing
