// Contacts' devices through the shim on a real Prosody: a contact writing from
// two resources is one roster contact to Spectrum (the resource apart, as the
// upstream backend gives it), and a room occupant's vCard is answered at once.
#include "absl/strings/str_cat.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gtest/gtest.h"
#include "testing/servers/prosody_server.h"
#include "testing/servers/xmpp_client.h"

namespace lilac::shim::testing {
namespace {

using ::lilac::testing::ProsodyServer;
using ::lilac::testing::XmppClient;
constexpr char kAlice[] = "alice@example.org";
constexpr char kBob[] = "bob@example.org";

class XmppResourcesTest : public ShimTest {
 protected:
  void StartWithProsody() {
    ProsodyServer::Options options;
    options.accounts = {{"alice", "alice-secret"}, {"bob", "bob-secret"}};
    absl::StatusOr<std::unique_ptr<ProsodyServer>> prosody =
        ProsodyServer::Start(std::move(options));
    ASSERT_TRUE(prosody.ok()) << prosody.status();
    prosody_ = *std::move(prosody);
    StartShim("prpl-jabber",
              absl::StrCat(
                  "connect_server = 127.0.0.1\nport = ", prosody_->c2s_port(),
                  "\nconnection_security = opportunistic_tls\n"
                  "auth_plain_in_clear = true\n"));
  }

  void TearDown() override {
    spectrum_.reset();  // before Prosody goes
    prosody_.reset();
  }

  std::unique_ptr<ProsodyServer> prosody_;
};

TEST_F(XmppResourcesTest, TwoDevicesOfAContactAreOneContact) {
  StartWithProsody();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(
      spectrum_->Login(kAlice, prosody_->Jid("alice"), "alice-secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());

  const std::string bob = prosody_->Jid("bob");
  for (const char* device : {"ops", "desk"}) {
    absl::StatusOr<std::unique_ptr<XmppClient>> client = XmppClient::Login(
        prosody_->c2s_port(), prosody_->domain(), "bob", "bob-secret", device);
    ASSERT_TRUE(client.ok()) << client.status();
    const std::string text = absl::StrCat("from ", device);
    ASSERT_TRUE((*client)->SendChat(prosody_->Jid("alice"), text).ok());
    absl::StatusOr<pbnetwork::ConversationMessage> message =
        spectrum_->WaitForMessage(
            [&](const pbnetwork::ConversationMessage& m) {
              return m.username() == kAlice && m.message() == text;
            },
            kTimeout);
    ASSERT_TRUE(message.ok()) << message.status();
    // The roster contact, not "bob@…/ops" as a contact of its own.
    EXPECT_EQ(message->buddyname(), bob);
    EXPECT_EQ(message->nickname(), device);
    EXPECT_FALSE(message->carbon());
  }
}

TEST_F(XmppResourcesTest, ARoomOccupantsVCardIsAnswered) {
  StartWithProsody();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(
      spectrum_->Login(kAlice, prosody_->Jid("alice"), "alice-secret").ok());
  ASSERT_TRUE(spectrum_->Login(kBob, prosody_->Jid("bob"), "bob-secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kBob, kTimeout).ok());
  const std::string room = absl::StrCat("cards@", prosody_->muc_domain());
  auto in_room = [&room](const char* user, const char* nickname) {
    return [&room, user, nickname](const pbnetwork::Participant& p) {
      return p.username() == user && p.room() == room &&
             p.nickname() == nickname;
    };
  };
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, room, "alice").ok());
  ASSERT_TRUE(
      spectrum_->WaitForParticipant(in_room(kAlice, "alice"), kTimeout).ok());
  ASSERT_TRUE(spectrum_->JoinRoom(kBob, room, "bob").ok());
  // Alice sees bob arrive.
  ASSERT_TRUE(
      spectrum_->WaitForParticipant(in_room(kAlice, "bob"), kTimeout).ok());

  ASSERT_TRUE(spectrum_->RequestVCard(kAlice, room + "/bob", 41).ok());
  // prpl-jabber answers under another name than the one asked with; the
  // answer must still be matched, not waited for until lilacd gives up (30 s,
  // past Spectrum's own 20 s): well within that.
  absl::StatusOr<pbnetwork::VCard> vcard =
      spectrum_->WaitForVCard(41, absl::Seconds(10));
  ASSERT_TRUE(vcard.ok()) << vcard.status();
  EXPECT_EQ(vcard->username(), kAlice);
}

}  // namespace
}  // namespace lilac::shim::testing
