// IRC rooms through the shim, prpl-irc against a private ngIRCd, where lilac
// does better than Spectrum's upstream libpurple backend: the user's own room
// message shown once, renames as renames, part and quit reasons, and private
// replies to room participants.
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/servers/loopback.h"
#include "testing/servers/ngircd_server.h"

namespace lilac::shim::testing {
namespace {

constexpr char kAlice[] = "alice@example.org";
constexpr char kRoom[] = "#lilac";

using ::lilac::testing::NgircdServer;
using ::lilac::testing::TcpClient;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The last IRC line of `read` (which ends with "\r\n").
std::string LastLine(const std::string& read) {
  const size_t end = read.size() >= 2 ? read.size() - 2 : 0;
  const size_t start = read.rfind("\r\n", end == 0 ? 0 : end - 1);
  return read.substr(start == std::string::npos ? 0 : start + 2);
}

// CONV_MESSAGEs to `user` in `room` with `text`, received so far.
int CountRoomMessages(spectrum::SpectrumEmulator& spectrum,
                      const std::string& user, const std::string& room,
                      const std::string& text) {
  int count = 0;
  for (const pbnetwork::WrapperMessage& frame : spectrum.ReceivedFrames()) {
    if (frame.type() != pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE) continue;
    pbnetwork::ConversationMessage message;
    if (!message.ParseFromString(frame.payload())) continue;
    if (message.username() == user && message.buddyname() == room &&
        message.message() == text) {
      ++count;
    }
  }
  return count;
}

// Every PARTICIPANT_CHANGED of `room` received so far.
std::vector<pbnetwork::Participant> RoomParticipantFrames(
    spectrum::SpectrumEmulator& spectrum, const std::string& room) {
  std::vector<pbnetwork::Participant> participants;
  for (const pbnetwork::WrapperMessage& frame : spectrum.ReceivedFrames()) {
    if (frame.type() != pbnetwork::WrapperMessage::TYPE_PARTICIPANT_CHANGED) {
      continue;
    }
    pbnetwork::Participant participant;
    if (participant.ParseFromString(frame.payload()) &&
        participant.room() == room) {
      participants.push_back(participant);
    }
  }
  return participants;
}

class IrcRoomsTest : public ShimTest {
 protected:
  void SetUp() override {
    // A GLib critical in the shim ends it, and the test fails on it.
    setenv("G_DEBUG", "fatal-criticals", 1);
    ShimTest::SetUp();
    absl::StatusOr<std::unique_ptr<NgircdServer>> ircd = NgircdServer::Start();
    ASSERT_TRUE(ircd.ok()) << ircd.status();
    ircd_ = *std::move(ircd);
  }

  void TearDown() override {
    spectrum_.reset();  // before ngIRCd goes
    ircd_.reset();
    unsetenv("G_DEBUG");
  }

  // A plain IRC client on ngIRCd, registered as `nick` and in kRoom.
  std::unique_ptr<TcpClient> ConnectInRoom(const std::string& nick) {
    absl::StatusOr<std::unique_ptr<TcpClient>> client =
        TcpClient::Connect(ircd_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return nullptr;
    TcpClient& irc = **client;
    EXPECT_TRUE(irc.Write(absl::StrCat("NICK ", nick, "\r\nUSER ", nick,
                                       " 0 * :", nick, "\r\n"))
                    .ok());
    EXPECT_TRUE(irc.ReadUntil(absl::StrCat(" 001 ", nick, " "), kTimeout).ok());
    EXPECT_TRUE(irc.Write(absl::StrCat("JOIN ", kRoom, "\r\n")).ok());
    EXPECT_TRUE(
        irc.ReadUntil(absl::StrCat(" 366 ", nick, " ", kRoom, " "), kTimeout)
            .ok());
    return *std::move(client);
  }

  // The shim, alice logged in through it and in kRoom with everyone who is
  // there already; `witness` (in the room) has seen her join.
  void StartAndJoin(TcpClient& witness) {
    // Room messages go out at once: prpl-irc's flood budget would hold back
    // a burst of lines.
    StartShim("prpl-irc", absl::StrCat("[purple]\nport = ", ircd_->port(),
                                       "\nratelimit-interval = 0\n"));
    ASSERT_TRUE(spectrum_->Login(kAlice, "alice@127.0.0.1", "").ok());
    ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
    ASSERT_TRUE(spectrum_->JoinRoom(kAlice, kRoom, "alice").ok());
    absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
        [](const pbnetwork::Participant& p) {
          return p.room() == kRoom && p.nickname() == "alice";
        },
        kTimeout);
    ASSERT_TRUE(self.ok()) << self.status();
    ASSERT_TRUE(witness.ReadUntil(" JOIN :#lilac\r\n", kTimeout).ok());
  }

  // Waits for a room message from `nickname` with `text`.
  absl::StatusOr<pbnetwork::ConversationMessage> WaitForRoomMessage(
      const std::string& nickname, const std::string& text) {
    return spectrum_->WaitForMessage(
        [&](const pbnetwork::ConversationMessage& m) {
          return m.username() == kAlice && m.buddyname() == kRoom &&
                 m.nickname() == nickname && m.message() == text;
        },
        kTimeout);
  }

  // Sends `text` to the room from Spectrum and waits for it to reach
  // `witness` and come back to Spectrum: everything lilacd had for alice
  // before has reached Spectrum by then (one event stream, in order).
  void RoundTrip(TcpClient& witness, const std::string& text) {
    ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, kRoom, text).ok());
    ASSERT_TRUE(
        witness
            .ReadUntil(absl::StrCat("PRIVMSG #lilac :", text, "\r\n"), kTimeout)
            .ok());
    ASSERT_TRUE(WaitForRoomMessage("alice", text).ok());
  }

  std::unique_ptr<NgircdServer> ircd_;
};

// An XMPP client shows a room message it sent only when the room reflects it;
// IRC servers reflect nothing, so prpl-irc's local copy is passed on, once.
TEST_F(IrcRoomsTest, OwnRoomMessageComesBackOnceAndOthersArriveOnce) {
  std::unique_ptr<TcpClient> bob = ConnectInRoom("bob");
  ASSERT_NE(bob, nullptr);
  ASSERT_NO_FATAL_FAILURE(StartAndJoin(*bob));

  ASSERT_TRUE(
      spectrum_->SendChatMessage(kAlice, kRoom, "hello from spectrum").ok());
  absl::StatusOr<std::string> read =
      bob->ReadUntil("PRIVMSG #lilac :hello from spectrum\r\n", kTimeout);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(LastLine(*read), StartsWith(":alice!"));
  absl::StatusOr<pbnetwork::ConversationMessage> own =
      WaitForRoomMessage("alice", "hello from spectrum");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_FALSE(own->pm());
  EXPECT_FALSE(own->carbon());

  ASSERT_TRUE(bob->Write("PRIVMSG #lilac :hello from irc\r\n").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> from_bob =
      WaitForRoomMessage("bob", "hello from irc");
  ASSERT_TRUE(from_bob.ok()) << from_bob.status();
  EXPECT_FALSE(from_bob->pm());

  ASSERT_NO_FATAL_FAILURE(RoundTrip(*bob, "and that is all"));
  EXPECT_EQ(CountRoomMessages(*spectrum_, kAlice, kRoom, "hello from spectrum"),
            1);
  EXPECT_EQ(CountRoomMessages(*spectrum_, kAlice, kRoom, "hello from irc"), 1);
  EXPECT_EQ(CountRoomMessages(*spectrum_, kAlice, kRoom, "and that is all"), 1);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

// Another participant's NICK is one PARTICIPANT_CHANGED on the old nick with
// `newname`, which Spectrum turns into MUC's 303 rename; not a leave and a
// join of a stranger.
TEST_F(IrcRoomsTest, AParticipantsNickChangeIsARename) {
  std::unique_ptr<TcpClient> bob = ConnectInRoom("bob");
  ASSERT_NE(bob, nullptr);
  ASSERT_NO_FATAL_FAILURE(StartAndJoin(*bob));
  absl::StatusOr<pbnetwork::Participant> listed = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) {
        return p.room() == kRoom && p.nickname() == "bob";
      },
      kTimeout);
  ASSERT_TRUE(listed.ok()) << listed.status();
  // bob opened the channel: ngIRCd made him its operator.
  EXPECT_EQ(listed->flag(), pbnetwork::PARTICIPANT_FLAG_MODERATOR);

  ASSERT_TRUE(bob->Write("NICK robert\r\n").ok());
  ASSERT_TRUE(bob->ReadUntil(" NICK :robert\r\n", kTimeout).ok());
  absl::StatusOr<pbnetwork::Participant> renamed =
      spectrum_->WaitForParticipant(
          [](const pbnetwork::Participant& p) {
            return p.room() == kRoom && p.newname() == "robert";
          },
          kTimeout);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->username(), kAlice);
  EXPECT_EQ(renamed->nickname(), "bob");
  EXPECT_EQ(renamed->status(), pbnetwork::STATUS_ONLINE);
  // Still the operator under the new nick.
  EXPECT_EQ(renamed->flag(), pbnetwork::PARTICIPANT_FLAG_MODERATOR);

  // The renamed participant speaks under the new nick.
  ASSERT_TRUE(bob->Write("PRIVMSG #lilac :call me robert\r\n").ok());
  ASSERT_TRUE(WaitForRoomMessage("robert", "call me robert").ok());
  ASSERT_NO_FATAL_FAILURE(RoundTrip(*bob, "hi robert"));
  int renames = 0;
  for (const pbnetwork::Participant& p :
       RoomParticipantFrames(*spectrum_, kRoom)) {
    if (p.newname() == "robert") {
      ++renames;
      continue;
    }
    EXPECT_FALSE(p.nickname() == "bob" && p.status() == pbnetwork::STATUS_NONE)
        << "bob left instead of being renamed: " << p.ShortDebugString();
    EXPECT_NE(p.nickname(), "robert")
        << "robert joined instead of bob being renamed: "
        << p.ShortDebugString();
  }
  EXPECT_EQ(renames, 1);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

// A PART's and a QUIT's reason reach Spectrum as the leaving participant's
// status message (MUC's unavailable presence <status/>).
TEST_F(IrcRoomsTest, PartAndQuitReasonsReachSpectrum) {
  std::unique_ptr<TcpClient> bob = ConnectInRoom("bob");
  ASSERT_NE(bob, nullptr);
  std::unique_ptr<TcpClient> carol = ConnectInRoom("carol");
  ASSERT_NE(carol, nullptr);
  std::unique_ptr<TcpClient> dave = ConnectInRoom("dave");
  ASSERT_NE(dave, nullptr);
  ASSERT_NO_FATAL_FAILURE(StartAndJoin(*bob));
  for (const char* nick : {"carol", "dave"}) {
    ASSERT_TRUE(spectrum_
                    ->WaitForParticipant(
                        [nick](const pbnetwork::Participant& p) {
                          return p.room() == kRoom && p.nickname() == nick &&
                                 p.status() == pbnetwork::STATUS_ONLINE;
                        },
                        kTimeout)
                    .ok())
        << nick;
  }
  auto left = [this](const char* nick) {
    return spectrum_->WaitForParticipant(
        [nick](const pbnetwork::Participant& p) {
          return p.room() == kRoom && p.nickname() == nick &&
                 p.status() == pbnetwork::STATUS_NONE;
        },
        kTimeout);
  };

  ASSERT_TRUE(carol->Write("PART #lilac :gone to lunch\r\n").ok());
  ASSERT_TRUE(bob->ReadUntil(" PART #lilac", kTimeout).ok());
  absl::StatusOr<pbnetwork::Participant> parted = left("carol");
  ASSERT_TRUE(parted.ok()) << parted.status();
  EXPECT_EQ(parted->username(), kAlice);
  EXPECT_THAT(parted->statusmessage(), HasSubstr("gone to lunch"));

  ASSERT_TRUE(dave->Write("QUIT :see you tomorrow\r\n").ok());
  ASSERT_TRUE(bob->ReadUntil(" QUIT :", kTimeout).ok());
  absl::StatusOr<pbnetwork::Participant> quit = left("dave");
  ASSERT_TRUE(quit.ok()) << quit.status();
  EXPECT_EQ(quit->username(), kAlice);
  EXPECT_THAT(quit->statusmessage(), HasSubstr("see you tomorrow"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

// Spectrum addresses a private message to a room occupant as "room/nick";
// on IRC that is a PRIVMSG to the nick, not to the channel (upstream drops
// it).
TEST_F(IrcRoomsTest, APrivateReplyToAParticipantReachesThemPrivately) {
  std::unique_ptr<TcpClient> bob = ConnectInRoom("bob");
  ASSERT_NE(bob, nullptr);
  ASSERT_NO_FATAL_FAILURE(StartAndJoin(*bob));

  ASSERT_TRUE(
      spectrum_->SendChatMessage(kAlice, "#lilac/bob", "just for you").ok());
  absl::StatusOr<std::string> read =
      bob->ReadUntil("PRIVMSG bob :just for you\r\n", kTimeout);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(LastLine(*read), StartsWith(":alice!"));
  EXPECT_THAT(*read, ::testing::Not(HasSubstr("PRIVMSG #lilac")));

  // Nothing of it went to the room either: the next line bob gets in the
  // room is the round trip's.
  ASSERT_TRUE(
      spectrum_->SendChatMessage(kAlice, kRoom, "now for everyone").ok());
  absl::StatusOr<std::string> next =
      bob->ReadUntil("PRIVMSG #lilac :now for everyone\r\n", kTimeout);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_THAT(*next, ::testing::Not(HasSubstr("just for you")));
  ASSERT_TRUE(WaitForRoomMessage("alice", "now for everyone").ok());
  EXPECT_EQ(CountRoomMessages(*spectrum_, kAlice, kRoom, "just for you"), 0);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
