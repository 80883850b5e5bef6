// One-to-one messages between two lilac sessions with prpl-jabber through a
// real Prosody: the scenarios of ../messaging_test.cc on a real network (plain,
// unicode, HTML, long, both ways, no echo, typing).
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

class XmppMessagingTest : public ProsodyTest {
 protected:
  void SetUp() override {
    ProsodyTest::SetUp();
    if (HasFatalFailure()) return;
    LoginConnected("alice");
    if (HasFatalFailure()) return;
    LoginConnected("bob");
  }

  absl::StatusOr<v1::Event> NextMessage(const std::string& session) {
    return Next(session, v1::Event::kMessageReceived);
  }

  void SendTyping(const std::string& session, const std::string& to,
                  v1::TypingState state) {
    v1::SendTypingRequest request;
    request.set_session(session);
    request.set_to(to);
    request.set_state(state);
    v1::SendTypingResponse response;
    grpc::Status status =
        Call(&v1::LilacService::Stub::SendTyping, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
};

TEST_F(XmppMessagingTest, MessagesTravelBothWays) {
  v1::SendMessageResponse sent = SendIm("alice", Jid("bob"), "hello bob");
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  absl::StatusOr<v1::Event> at_bob = NextMessage("bob");
  ASSERT_TRUE(at_bob.ok()) << at_bob.status();
  // The roster contact, with the device apart.
  EXPECT_EQ(at_bob->message_received().peer(), Jid("alice"));
  EXPECT_EQ(at_bob->message_received().resource(), kResource);
  EXPECT_EQ(at_bob->message_received().text(), "hello bob");
  EXPECT_FALSE(at_bob->message_received().flags().delayed());
  EXPECT_GT(at_bob->message_received().time().seconds(), 0);

  // Answering the full JID the message came from.
  sent = SendIm("bob", at_bob->message_received().peer(), "hi alice");
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  absl::StatusOr<v1::Event> at_alice = NextMessage("alice");
  ASSERT_TRUE(at_alice.ok()) << at_alice.status();
  // The roster contact, with the device apart.
  EXPECT_EQ(at_alice->message_received().peer(), Jid("bob"));
  EXPECT_EQ(at_alice->message_received().resource(), kResource);
  EXPECT_EQ(at_alice->message_received().text(), "hi alice");
}

TEST_F(XmppMessagingTest, UnicodeArrivesIntact) {
  const std::string text = "Grüße aus 東京 🌸 <not a tag> & \"quotes\"";
  EXPECT_TRUE(SendIm("alice", Jid("bob"), text).accepted());
  absl::StatusOr<v1::Event> received = NextMessage("bob");
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().text(), text);
}

TEST_F(XmppMessagingTest, HtmlArrivesAsMarkupAndText) {
  EXPECT_TRUE(SendIm("alice", Jid("bob"), "", "<b>bold</b> and <i>italic</i>")
                  .accepted());
  absl::StatusOr<v1::Event> received = NextMessage("bob");
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().text(), "bold and italic");
  // prpl-jabber sends XHTML-IM and hands the received XHTML-IM body on as is.
  EXPECT_THAT(received->message_received().html(),
              HasSubstr("<span style='font-weight: bold;'>bold</span>"));
  EXPECT_THAT(received->message_received().html(),
              HasSubstr("<em>italic</em>"));
}

TEST_F(XmppMessagingTest, LongMessagesArriveWhole) {
  // Well beyond one TCP segment and libpurple's read buffer, within Prosody's
  // stanza size limit (256 KiB).
  std::string text;
  for (int i = 0; text.size() < 60000; ++i) absl::StrAppend(&text, i, " ");
  EXPECT_TRUE(SendIm("alice", Jid("bob"), text).accepted());
  absl::StatusOr<v1::Event> received = NextMessage("bob");
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().text(), text);
}

TEST_F(XmppMessagingTest, OurOwnSendsAreNotEchoed) {
  v1::SendMessageResponse sent = SendIm("alice", Jid("bob"), "one");
  EXPECT_TRUE(sent.accepted());
  absl::StatusOr<v1::Event> result =
      Next("alice", v1::Event::kMessageSendResult);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->message_send_result().accepted());
  EXPECT_EQ(result->message_send_result().to(), Jid("bob"));
  ASSERT_TRUE(NextMessage("bob").ok());

  EXPECT_TRUE(SendIm("bob", Jid("alice"), "two").accepted());
  // Alice's next message is bob's: her own "one" was not reported back.
  absl::StatusOr<v1::Event> next = NextMessage("alice");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->message_received().text(), "two");
}

// prpl-jabber sends chat states (XEP-0085) only to a resource it knows from
// presence, so alice and bob subscribe to each other first.
TEST_F(XmppMessagingTest, TypingTravelsBothWaysBetweenSubscribedContacts) {
  Subscribe("alice", "bob");
  if (HasFatalFailure()) return;
  Subscribe("bob", "alice");
  if (HasFatalFailure()) return;

  SendTyping("alice", Jid("bob"), v1::TYPING_STATE_TYPING);
  absl::StatusOr<v1::Event> seen = Next("bob", v1::Event::kTypingChanged);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->typing_changed().peer(), Jid("alice"));
  EXPECT_EQ(seen->typing_changed().resource(), kResource);
  EXPECT_EQ(seen->typing_changed().state(), v1::TYPING_STATE_TYPING);

  SendTyping("alice", Jid("bob"), v1::TYPING_STATE_PAUSED);
  seen = Next("bob", v1::Event::kTypingChanged);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->typing_changed().state(), v1::TYPING_STATE_PAUSED);

  SendTyping("bob", Jid("alice"), v1::TYPING_STATE_TYPING);
  seen = Next("alice", v1::Event::kTypingChanged);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->typing_changed().peer(), Jid("bob"));
  EXPECT_EQ(seen->typing_changed().resource(), kResource);
  EXPECT_EQ(seen->typing_changed().state(), v1::TYPING_STATE_TYPING);

  // A message ends the typing notification.
  EXPECT_TRUE(SendIm("bob", Jid("alice"), "done typing").accepted());
  absl::StatusOr<v1::Event> message = NextMessage("alice");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->message_received().text(), "done typing");
}

}  // namespace
}  // namespace lilac::testing
