// A contact writing from several devices (XMPP resources) is one contact:
// messages carry the roster name and the resource apart, through a real
// Prosody. And user info of a room participant, which prpl-jabber answers
// under another name than the one asked with.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"
#include "testing/servers/xmpp_client.h"

namespace lilac::testing {
namespace {

class XmppResourcesTest : public ProsodyTest {
 protected:
  std::unique_ptr<XmppClient> BobOn(const std::string& resource) {
    absl::StatusOr<std::unique_ptr<XmppClient>> bob =
        XmppClient::Login(prosody_->c2s_port(), prosody_->domain(), "bob",
                          kBobPassword, resource);
    EXPECT_TRUE(bob.ok()) << bob.status();
    return bob.ok() ? *std::move(bob) : nullptr;
  }
};

TEST_F(XmppResourcesTest, MessagesFromTwoDevicesComeFromOneContact) {
  LoginConnected("alice");
  if (HasFatalFailure()) return;
  std::unique_ptr<XmppClient> ops = BobOn("ops");
  std::unique_ptr<XmppClient> desk = BobOn("desk");
  ASSERT_NE(ops, nullptr);
  ASSERT_NE(desk, nullptr);

  ASSERT_TRUE(ops->SendChat(FullJid("alice"), "from ops").ok());
  absl::StatusOr<v1::Event> first = Next("alice", v1::Event::kMessageReceived);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->message_received().text(), "from ops");
  EXPECT_EQ(first->message_received().peer(), Jid("bob"));
  EXPECT_EQ(first->message_received().resource(), "ops");
  EXPECT_FALSE(first->message_received().flags().sent_by_us_elsewhere());

  ASSERT_TRUE(desk->SendChat(FullJid("alice"), "from desk").ok());
  absl::StatusOr<v1::Event> second = Next("alice", v1::Event::kMessageReceived);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->message_received().text(), "from desk");
  EXPECT_EQ(second->message_received().peer(), Jid("bob"));
  EXPECT_EQ(second->message_received().resource(), "desk");
}

TEST_F(XmppResourcesTest, UserInfoOfARoomParticipantIsAnswered) {
  LoginConnected("alice");
  if (HasFatalFailure()) return;
  LoginConnected("bob");
  if (HasFatalFailure()) return;
  const std::string room = absl::StrCat("infos@", prosody_->muc_domain());
  // Alice creates the room; a subject she sets comes back once the room is
  // open to others (see xmpp_chat_test.cc).
  JoinChat("alice", room, "alice");
  ASSERT_TRUE(Next("alice", v1::Event::kChatJoined).ok());
  v1::SetChatSubjectRequest subject;
  subject.set_session("alice");
  subject.set_chat(room);
  subject.set_subject("open");
  v1::SetChatSubjectResponse set;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::SetChatSubject, subject, &set).ok());
  ASSERT_TRUE(Next("alice", v1::Event::kChatSubjectChanged).ok());
  JoinChat("bob", room, "bob");
  absl::StatusOr<v1::Event> joined = Next("bob", v1::Event::kChatJoined);
  ASSERT_TRUE(joined.ok()) << joined.status();
  v1::GetUserInfoRequest request;
  request.set_session("alice");
  request.set_chat(room);
  request.set_name("bob");
  v1::GetUserInfoResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::GetUserInfo, request, &response);
  // Answered as it arrives: before, lilacd waited for an answer under the
  // nickname until its own 30 s limit, past the call's deadline.
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.info().name().empty());
}

}  // namespace
}  // namespace lilac::testing
