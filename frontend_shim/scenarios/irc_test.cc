// A real network: prpl-irc against a private ngIRCd.
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gtest/gtest.h"
#include "testing/servers/loopback.h"
#include "testing/servers/ngircd_server.h"

namespace lilac::shim::testing {
namespace {

constexpr char kAlice[] = "alice@example.org";

using ::lilac::testing::NgircdServer;
using ::lilac::testing::TcpClient;

class IrcTest : public ShimTest {
 protected:
  void SetUp() override {
    // A GLib critical in the shim (libpurple's g_return_if_fail, such as
    // "purple_roomlist_unref: assertion 'list->ref > 0' failed") ends it, and
    // the test fails on it instead of reading on from freed memory.
    setenv("G_DEBUG", "fatal-criticals", 1);
    ShimTest::SetUp();
  }
  void TearDown() override { unsetenv("G_DEBUG"); }

  // ngIRCd, and the shim logged in to it as alice. `purple` is added to the
  // config's [purple] section.
  void StartAndLogIn(const std::string& purple = "") {
    absl::StatusOr<std::unique_ptr<NgircdServer>> ircd = NgircdServer::Start();
    ASSERT_TRUE(ircd.ok()) << ircd.status();
    ircd_ = *std::move(ircd);
    StartShim("prpl-irc", "[purple]\nport = " + std::to_string(ircd_->port()) +
                              "\n" + purple);
    ASSERT_TRUE(spectrum_->Login(kAlice, "alice@127.0.0.1", "").ok());
    ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  }

  // A plain IRC client on ngIRCd, registered as `nick`.
  std::unique_ptr<TcpClient> Connect(const std::string& nick) {
    absl::StatusOr<std::unique_ptr<TcpClient>> client =
        TcpClient::Connect(ircd_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return nullptr;
    EXPECT_TRUE((*client)
                    ->Write(absl::StrCat("NICK ", nick, "\r\nUSER ", nick,
                                         " 0 * :", nick, "\r\n"))
                    .ok());
    EXPECT_TRUE(
        (*client)->ReadUntil(absl::StrCat(" 001 ", nick, " "), kTimeout).ok());
    return *std::move(client);
  }

  void TearDownShimThenServer() {
    spectrum_.reset();  // before ngIRCd goes
    ircd_.reset();
  }

  std::unique_ptr<NgircdServer> ircd_;
};

TEST_F(IrcTest, LogsInAndJoinsAChannelOnNgircd) {
  absl::StatusOr<std::unique_ptr<::lilac::testing::NgircdServer>> ircd =
      ::lilac::testing::NgircdServer::Start();
  ASSERT_TRUE(ircd.ok()) << ircd.status();
  StartShim("prpl-irc",
            "[purple]\nport = " + std::to_string((*ircd)->port()) + "\n");
  absl::StatusOr<pbnetwork::BackendConfig> config =
      spectrum_->WaitForBackendConfig(kTimeout);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_NE(config->config().find("needRegistration=0"), std::string::npos);
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice@127.0.0.1", "").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "#lilac", "alice").ok());
  absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "alice"; },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->room(), "#lilac");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before ngIRCd goes
}

TEST_F(IrcTest, TheServersNickComesFirstWhenItDiffersFromTheJoinNick) {
  absl::StatusOr<std::unique_ptr<::lilac::testing::NgircdServer>> ircd =
      ::lilac::testing::NgircdServer::Start();
  ASSERT_TRUE(ircd.ok()) << ircd.status();
  StartShim("prpl-irc",
            "[purple]\nport = " + std::to_string((*ircd)->port()) + "\n");
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice@127.0.0.1", "").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  // On IRC the room nick is the connection's nick.
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "#lilac", "wonderland").ok());
  absl::StatusOr<pbnetwork::Room> renamed =
      spectrum_->WaitForPayload<pbnetwork::Room>(
          pbnetwork::WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED, nullptr,
          kTimeout);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->room(), "#lilac");
  EXPECT_EQ(renamed->nickname(), "alice");
  absl::StatusOr<pbnetwork::Participant> self = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "alice"; },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  // ROOM_NICKNAME_CHANGED before any participant of the room.
  bool renamed_first = false;
  for (const pbnetwork::WrapperMessage& frame : spectrum_->ReceivedFrames()) {
    if (frame.type() == pbnetwork::WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED) {
      renamed_first = true;
      break;
    }
    if (frame.type() == pbnetwork::WrapperMessage::TYPE_PARTICIPANT_CHANGED) {
      break;
    }
  }
  EXPECT_TRUE(renamed_first);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before ngIRCd goes
}

// The shim lists the rooms at sign-on, as upstream. prpl-irc drops its own
// reference to that list at the end of LIST (numeric 323); lilac's must be
// its own, or the second unref reads freed memory.
TEST_F(IrcTest, TheRoomListAtSignOnIsReleasedOnce) {
  absl::StatusOr<std::unique_ptr<NgircdServer>> ircd = NgircdServer::Start();
  ASSERT_TRUE(ircd.ok()) << ircd.status();
  ircd_ = *std::move(ircd);
  std::unique_ptr<TcpClient> bob = Connect("bob");
  ASSERT_NE(bob, nullptr);
  ASSERT_TRUE(bob->Write("JOIN #rooms\r\n").ok());
  ASSERT_TRUE(bob->ReadUntil(" 366 bob #rooms ", kTimeout).ok());
  StartShim("prpl-irc",
            "[purple]\nport = " + std::to_string(ircd_->port()) + "\n");
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice@127.0.0.1", "").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  absl::StatusOr<pbnetwork::RoomList> rooms =
      spectrum_->WaitForPayload<pbnetwork::RoomList>(
          pbnetwork::WrapperMessage::TYPE_ROOM_LIST,
          [](const pbnetwork::RoomList& list) {
            return std::count(list.room().begin(), list.room().end(),
                              "#rooms") > 0;
          },
          kTimeout);
  ASSERT_TRUE(rooms.ok()) << rooms.status();
  // Round trips through libpurple's loop (a join, a message), so that lilac's
  // release, an idle callback after the 323, has run.
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "#rooms", "alice").ok());
  ASSERT_TRUE(spectrum_
                  ->WaitForParticipant(
                      [](const pbnetwork::Participant& p) {
                        return p.nickname() == "alice";
                      },
                      kTimeout)
                  .ok());
  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, "bob", "after the list").ok());
  ASSERT_TRUE(bob->ReadUntil("PRIVMSG bob :after the list\r\n", kTimeout).ok());
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  TearDownShimThenServer();
}

// From the Spectrum frame to the IRC server: the shim, lilacd and prpl-irc
// add no wait of their own (upstream's backend takes 0.07-0.13 s). prpl-irc
// writes its queue on a once-a-second timer, which lilac makes due after each
// command. Its flood budget (after a burst of 5, a line per 2 s) is a wait
// that should exist, so it is off here: 16 lines in a row would exhaust it.
TEST_F(IrcTest, MessagesReachTheIrcServerWithoutDelay) {
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn("ratelimit-interval = 0\n"));
  std::unique_ptr<TcpClient> bob = Connect("bob");
  ASSERT_NE(bob, nullptr);
  ASSERT_TRUE(bob->Write("JOIN #lilac\r\n").ok());
  ASSERT_TRUE(bob->ReadUntil(" 366 bob #lilac ", kTimeout).ok());
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "#lilac", "alice").ok());
  ASSERT_TRUE(bob->ReadUntil(" JOIN :#lilac\r\n", kTimeout).ok());
  ASSERT_TRUE(spectrum_
                  ->WaitForParticipant(
                      [](const pbnetwork::Participant& p) {
                        return p.nickname() == "alice";
                      },
                      kTimeout)
                  .ok());
  // The median: ngIRCd's own flood penalty (a second after prpl-irc's WHO,
  // say) can hold back a line now and then.
  constexpr int kMessages = 8;
  for (const char* to : {"bob", "#lilac"}) {
    std::vector<absl::Duration> latencies;
    for (int i = 0; i < kMessages; ++i) {
      const std::string body = absl::StrCat("latency ", to, " ", i);
      const absl::Time sent = absl::Now();
      ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, to, body).ok());
      ASSERT_TRUE(
          bob->ReadUntil(absl::StrCat("PRIVMSG ", to, " :", body, "\r\n"),
                         kTimeout)
              .ok());
      latencies.push_back(absl::Now() - sent);
    }
    std::vector<std::string> shown;
    for (absl::Duration latency : latencies) {
      shown.push_back(absl::FormatDuration(latency));
    }
    std::sort(latencies.begin(), latencies.end());
    const absl::Duration median = latencies[kMessages / 2];
    std::printf("Spectrum frame to ngIRCd, to %s: %s; median %s\n", to,
                absl::StrJoin(shown, " ").c_str(),
                absl::FormatDuration(median).c_str());
    // Generous: nothing should wait at all.
    EXPECT_LT(median, absl::Milliseconds(300)) << "to " << to;
  }
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  TearDownShimThenServer();
}

// Whitespace is the sender's: a tab stays a tab both ways, as with upstream.
TEST_F(IrcTest, TabsAndSpacesInABodyArriveAsSent) {
  ASSERT_NO_FATAL_FAILURE(StartAndLogIn());
  std::unique_ptr<TcpClient> bob = Connect("bob");
  ASSERT_NE(bob, nullptr);
  ASSERT_TRUE(
      spectrum_->SendChatMessage(kAlice, "bob", "col 1\tcol 2  \t end").ok());
  EXPECT_TRUE(
      bob->ReadUntil("PRIVMSG bob :col 1\tcol 2  \t end\r\n", kTimeout).ok());
  ASSERT_TRUE(bob->Write("PRIVMSG alice :a\tb   c\t\td\r\n").ok());
  absl::StatusOr<pbnetwork::ConversationMessage> received =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.buddyname() == "bob";
          },
          kTimeout);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message(), "a\tb   c\t\td");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  TearDownShimThenServer();
}

}  // namespace
}  // namespace lilac::shim::testing
