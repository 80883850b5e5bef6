// XMPP rooms through the shim, prpl-jabber against a private Prosody: a
// password-protected MUC room, created and configured by a raw XMPP client.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/servers/prosody_server.h"
#include "testing/servers/xmpp_client.h"

namespace lilac::shim::testing {
namespace {

using ::lilac::testing::ProsodyServer;
using ::lilac::testing::XmppClient;
constexpr char kAlice[] = "alice@example.org";
constexpr char kPassword[] = "hunter2";

class XmppRoomsTest : public ShimTest {
 protected:
  // Prosody; carol, on a raw client, owns room_ with password kPassword;
  // the shim with alice logged in.
  void SetUp() override {
    ShimTest::SetUp();
    ProsodyServer::Options options;
    options.accounts = {{"alice", "alice-secret"}, {"carol", "carol-secret"}};
    absl::StatusOr<std::unique_ptr<ProsodyServer>> prosody =
        ProsodyServer::Start(std::move(options));
    ASSERT_TRUE(prosody.ok()) << prosody.status();
    prosody_ = *std::move(prosody);
    room_ = absl::StrCat("secret@", prosody_->muc_domain());
    ASSERT_NO_FATAL_FAILURE(CreatePasswordProtectedRoom());

    StartShim("prpl-jabber",
              absl::StrCat("[purple]\nconnect_server = 127.0.0.1\nport = ",
                           prosody_->c2s_port(),
                           "\nconnection_security = opportunistic_tls\n"
                           "auth_plain_in_clear = true\n"));
    ASSERT_TRUE(
        spectrum_->Login(kAlice, prosody_->Jid("alice"), "alice-secret").ok());
    ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  }

  void TearDown() override {
    spectrum_.reset();  // before Prosody goes
    owner_.reset();
    prosody_.reset();
  }

  // carol joins the new room (Prosody creates it locked, 201) and submits
  // the muc#owner configuration form with a room secret, which unlocks it.
  // She stays: the room is not persistent.
  void CreatePasswordProtectedRoom() {
    absl::StatusOr<std::unique_ptr<XmppClient>> owner =
        XmppClient::Login(prosody_->c2s_port(), prosody_->domain(), "carol",
                          "carol-secret", "owner");
    ASSERT_TRUE(owner.ok()) << owner.status();
    owner_ = *std::move(owner);
    ASSERT_TRUE(owner_
                    ->Send(absl::StrCat("<presence to='", room_,
                                        "/carol'><x xmlns='http://jabber.org/"
                                        "protocol/muc'/></presence>"))
                    .ok());
    absl::StatusOr<std::string> created =
        owner_->ReadUntil("code='201'", kTimeout);
    ASSERT_TRUE(created.ok()) << created.status();
    ASSERT_TRUE(
        owner_
            ->Send(absl::StrCat(
                "<iq type='set' id='config' to='", room_,
                "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                "<x xmlns='jabber:x:data' type='submit'>"
                "<field var='FORM_TYPE'><value>"
                "http://jabber.org/protocol/muc#roomconfig</value></field>"
                "<field var='muc#roomconfig_passwordprotectedroom'>"
                "<value>1</value></field>"
                "<field var='muc#roomconfig_roomsecret'><value>",
                kPassword, "</value></field></x></query></iq>"))
            .ok());
    absl::StatusOr<std::string> answer =
        owner_->ReadUntil("id='config'", kTimeout);
    ASSERT_TRUE(answer.ok()) << answer.status();
    absl::StatusOr<std::string> rest = owner_->ReadUntil(">", kTimeout);
    ASSERT_TRUE(rest.ok()) << rest.status();
    const std::string reply = answer->substr(answer->rfind("<iq")) + *rest;
    ASSERT_THAT(reply, ::testing::HasSubstr("type='result'")) << reply;
  }

  // alice's own PARTICIPANT_CHANGED in room_ with `flag`.
  absl::StatusOr<pbnetwork::Participant> WaitForSelf(int flag) {
    return spectrum_->WaitForParticipant(
        [this, flag](const pbnetwork::Participant& p) {
          return p.username() == kAlice && p.room() == room_ &&
                 p.nickname() == "alice" && p.flag() == flag;
        },
        kTimeout);
  }

  std::unique_ptr<ProsodyServer> prosody_;
  std::unique_ptr<XmppClient> owner_;
  std::string room_;
};

TEST_F(XmppRoomsTest, APasswordProtectedRoomIsJoinedWithItsPassword) {
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, room_, "alice", kPassword).ok());
  absl::StatusOr<pbnetwork::Participant> carol = spectrum_->WaitForParticipant(
      [this](const pbnetwork::Participant& p) {
        return p.room() == room_ && p.nickname() == "carol";
      },
      kTimeout);
  ASSERT_TRUE(carol.ok()) << carol.status();
  EXPECT_EQ(carol->flag(), pbnetwork::PARTICIPANT_FLAG_MODERATOR);
  EXPECT_EQ(carol->status(), pbnetwork::STATUS_ONLINE);
  absl::StatusOr<pbnetwork::Participant> self =
      WaitForSelf(pbnetwork::PARTICIPANT_FLAG_NONE);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->status(), pbnetwork::STATUS_ONLINE);
  // The room has her: its owner sees her presence.
  EXPECT_TRUE(owner_->ReadUntil(absl::StrCat(room_, "/alice"), kTimeout).ok());

  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, room_, "let me in").ok());
  EXPECT_TRUE(owner_->ReadUntil("let me in", kTimeout).ok());
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(XmppRoomsTest, AWrongPasswordIsRefusedAsNotAuthorized) {
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, room_, "alice", "guess").ok());
  absl::StatusOr<pbnetwork::Participant> refused =
      WaitForSelf(pbnetwork::PARTICIPANT_FLAG_NOT_AUTHORIZED);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->status(), pbnetwork::STATUS_NONE);
  // Never shown as in the room.
  for (const pbnetwork::WrapperMessage& frame : spectrum_->ReceivedFrames()) {
    if (frame.type() != pbnetwork::WrapperMessage::TYPE_PARTICIPANT_CHANGED) {
      continue;
    }
    pbnetwork::Participant p;
    ASSERT_TRUE(p.ParseFromString(frame.payload()));
    EXPECT_NE(p.status(), pbnetwork::STATUS_ONLINE) << p.nickname();
  }

  // The right password after a wrong one gets in.
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, room_, "alice", kPassword).ok());
  absl::StatusOr<pbnetwork::Participant> self =
      WaitForSelf(pbnetwork::PARTICIPANT_FLAG_NONE);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->status(), pbnetwork::STATUS_ONLINE);
  EXPECT_TRUE(owner_->ReadUntil(absl::StrCat(room_, "/alice"), kTimeout).ok());
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
