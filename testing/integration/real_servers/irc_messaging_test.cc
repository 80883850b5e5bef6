// Private messages between two lilac sessions with prpl-irc through a real
// ngIRCd: the scenarios of ../messaging_test.cc on IRC (plain, unicode,
// formatting, long lines, both ways, no echo).
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/ngircd_fixture.h"

namespace lilac::testing {
namespace {

class IrcMessagingTest : public NgircdTest {
 protected:
  void SetUp() override {
    NgircdTest::SetUp();
    if (HasFatalFailure()) return;
    LoginConnected("alice");
    if (HasFailure()) return;
    LoginConnected("bob");
  }

  absl::StatusOr<v1::Event> NextMessage(const std::string& session) {
    return Next(session, v1::Event::kMessageReceived);
  }
};

TEST_F(IrcMessagingTest, MessagesTravelBothWays) {
  v1::SendMessageResponse sent = SendIm("alice", "bob", "hello bob");
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  absl::StatusOr<v1::Event> at_bob = NextMessage("bob");
  ASSERT_TRUE(at_bob.ok()) << at_bob.status();
  EXPECT_EQ(at_bob->message_received().peer(), "alice");
  EXPECT_EQ(at_bob->message_received().text(), "hello bob");

  sent = SendIm("bob", "alice", "hi alice");
  EXPECT_TRUE(sent.accepted()) << sent.failure().message();
  absl::StatusOr<v1::Event> at_alice = NextMessage("alice");
  ASSERT_TRUE(at_alice.ok()) << at_alice.status();
  EXPECT_EQ(at_alice->message_received().peer(), "bob");
  EXPECT_EQ(at_alice->message_received().text(), "hi alice");
}

TEST_F(IrcMessagingTest, UnicodeArrivesIntact) {
  const std::string text = "Grüße aus 東京 🌸 <not a tag> & \"quotes\"";
  EXPECT_TRUE(SendIm("alice", "bob", text).accepted());
  absl::StatusOr<v1::Event> received = NextMessage("bob");
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().text(), text);
}

// prpl-irc sends plain text: markup is dropped on the way out, not turned
// into mIRC formatting codes.
TEST_F(IrcMessagingTest, HtmlIsSentAsPlainText) {
  EXPECT_TRUE(
      SendIm("alice", "bob", "", "<b>bold</b> and <i>italic</i>").accepted());
  absl::StatusOr<v1::Event> received = NextMessage("bob");
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().text(), "bold and italic");
  EXPECT_EQ(received->message_received().html(), "bold and italic");
}

// An IRC line holds at most 512 bytes: prpl-irc splits a long message into
// several PRIVMSGs, and every word arrives, in order.
TEST_F(IrcMessagingTest, LongMessagesArriveSplitIntoLines) {
  std::string text;
  for (int i = 0; text.size() < 3000; ++i) absl::StrAppend(&text, "w", i, " ");
  text.pop_back();
  EXPECT_TRUE(SendIm("alice", "bob", text).accepted());
  const std::string wanted = absl::StrReplaceAll(text, {{" ", ""}});
  std::string got;
  int lines = 0;
  while (got.size() < wanted.size()) {
    absl::StatusOr<v1::Event> received = NextMessage("bob");
    ASSERT_TRUE(received.ok()) << received.status() << " after " << got;
    absl::StrAppend(
        &got,
        absl::StrReplaceAll(received->message_received().text(), {{" ", ""}}));
    ++lines;
  }
  EXPECT_EQ(got, wanted);
  EXPECT_GE(lines, 6);
}

TEST_F(IrcMessagingTest, OurOwnSendsAreNotEchoed) {
  EXPECT_TRUE(SendIm("alice", "bob", "one").accepted());
  absl::StatusOr<v1::Event> result =
      Next("alice", v1::Event::kMessageSendResult);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->message_send_result().accepted());
  ASSERT_TRUE(NextMessage("bob").ok());

  EXPECT_TRUE(SendIm("bob", "alice", "two").accepted());
  absl::StatusOr<v1::Event> next = NextMessage("alice");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->message_received().text(), "two");
}

}  // namespace
}  // namespace lilac::testing
