// A real network: prpl-jabber against a private Prosody, two Spectrum users
// messaging each other and creating a room.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/servers/prosody_server.h"

namespace lilac::shim::testing {
namespace {

using ::lilac::testing::ProsodyServer;
constexpr char kAlice[] = "alice@example.org";
constexpr char kBob[] = "bob@example.org";

class XmppTest : public ShimTest {};

TEST_F(XmppTest, LoginAndMessagesBothWaysThroughProsody) {
  ProsodyServer::Options options;
  options.accounts = {{"alice", "alice-secret"}, {"bob", "bob-secret"}};
  absl::StatusOr<std::unique_ptr<ProsodyServer>> prosody =
      ProsodyServer::Start(std::move(options));
  ASSERT_TRUE(prosody.ok()) << prosody.status();
  const std::string alice = (*prosody)->Jid("alice");
  const std::string bob = (*prosody)->Jid("bob");
  // Prosody here offers no TLS: plaintext SASL must be allowed.
  StartShim("prpl-jabber",
            absl::StrCat("[purple]\nconnect_server = 127.0.0.1\nport = ",
                         (*prosody)->c2s_port(),
                         "\nconnection_security = opportunistic_tls\n"
                         "auth_plain_in_clear = true\n"));
  ASSERT_TRUE(spectrum_->Login(kAlice, alice, "alice-secret").ok());
  ASSERT_TRUE(spectrum_->Login(kBob, bob, "bob-secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kBob, kTimeout).ok());

  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, bob, "hello bob").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> to_bob =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.username() == kBob && m.buddyname() != "lilac-requests";
          },
          kTimeout);
  ASSERT_TRUE(to_bob.ok()) << to_bob.status();
  EXPECT_TRUE(absl::StartsWith(to_bob->buddyname(), alice))
      << to_bob->buddyname();
  EXPECT_THAT(to_bob->message(), ::testing::HasSubstr("hello bob"));

  ASSERT_TRUE(spectrum_->SendChatMessage(kBob, alice, "hello alice").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> to_alice =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.username() == kAlice && m.buddyname() != "lilac-requests";
          },
          kTimeout);
  ASSERT_TRUE(to_alice.ok()) << to_alice.status();
  EXPECT_TRUE(absl::StartsWith(to_alice->buddyname(), bob))
      << to_alice->buddyname();
  EXPECT_THAT(to_alice->message(), ::testing::HasSubstr("hello alice"));
  // Nothing asked the users anything (prpl-jabber's room list would ask
  // for a conference server).
  for (const pbnetwork::WrapperMessage& frame : spectrum_->ReceivedFrames()) {
    if (frame.type() != pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE) continue;
    pbnetwork::ConversationMessage m;
    ASSERT_TRUE(m.ParseFromString(frame.payload()));
    EXPECT_NE(m.buddyname(), "lilac-requests") << m.message();
  }
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before Prosody goes
}

// Joining a room that does not exist creates it with the server's defaults, as
// the upstream backend does: no question from the request contact, nothing new
// on the roster, and the room is open to others.
TEST_F(XmppTest, JoiningANewRoomCreatesItWithoutAsking) {
  ProsodyServer::Options options;
  options.accounts = {{"alice", "alice-secret"}, {"bob", "bob-secret"}};
  absl::StatusOr<std::unique_ptr<ProsodyServer>> prosody =
      ProsodyServer::Start(std::move(options));
  ASSERT_TRUE(prosody.ok()) << prosody.status();
  StartShim("prpl-jabber",
            absl::StrCat("[purple]\nconnect_server = 127.0.0.1\nport = ",
                         (*prosody)->c2s_port(),
                         "\nconnection_security = opportunistic_tls\n"
                         "auth_plain_in_clear = true\n"));
  ASSERT_TRUE(
      spectrum_->Login(kAlice, (*prosody)->Jid("alice"), "alice-secret").ok());
  ASSERT_TRUE(
      spectrum_->Login(kBob, (*prosody)->Jid("bob"), "bob-secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kBob, kTimeout).ok());

  const std::string room = absl::StrCat("fresh@", (*prosody)->muc_domain());
  auto in_room = [&room](const char* user, const char* nickname) {
    return [&room, user, nickname](const pbnetwork::Participant& p) {
      return p.username() == user && p.room() == room &&
             p.nickname() == nickname;
    };
  };
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, room, "alice").ok());
  absl::StatusOr<pbnetwork::Participant> alice =
      spectrum_->WaitForParticipant(in_room(kAlice, "alice"), kTimeout);
  ASSERT_TRUE(alice.ok()) << alice.status();
  // Prosody keeps a room locked until its owner configures it or accepts the
  // defaults: bob gets in only if the defaults were accepted.
  ASSERT_TRUE(spectrum_->JoinRoom(kBob, room, "bob").ok());
  absl::StatusOr<pbnetwork::Participant> bob =
      spectrum_->WaitForParticipant(in_room(kBob, "bob"), kTimeout);
  ASSERT_TRUE(bob.ok()) << bob.status();

  for (const pbnetwork::WrapperMessage& frame : spectrum_->ReceivedFrames()) {
    if (frame.type() == pbnetwork::WrapperMessage::TYPE_BUDDY_CHANGED) {
      pbnetwork::Buddy buddy;
      ASSERT_TRUE(buddy.ParseFromString(frame.payload()));
      EXPECT_NE(buddy.buddyname(), "lilac-requests");
    }
    if (frame.type() == pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE) {
      pbnetwork::ConversationMessage m;
      ASSERT_TRUE(m.ParseFromString(frame.payload()));
      EXPECT_NE(m.buddyname(), "lilac-requests") << m.message();
    }
  }
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before Prosody goes
}

}  // namespace
}  // namespace lilac::shim::testing
