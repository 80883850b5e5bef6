// lilacd stopped with SIGTERM logs every session out as a client that quits:
// the plugin closes each XMPP stream itself (Prosody receives
// </stream:stream>), the buddies see the logout, and lilacd exits 0 within a
// bound. A SIGKILLed lilacd shows, for contrast, what a cut stream looks like.
// (How Prosody words the TCP close after a closed stream depends on timing,
// so the stanza is what is checked.)
#include <signal.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"

namespace lilac::testing {
namespace {

class XmppShutdownTest : public ProsodyTest {
 protected:
  // Prosody logs every stanza, the stream's end among them.
  XmppShutdownTest() { prosody_log_level_ = "debug"; }

  void SetUp() override {
    ProsodyTest::SetUp();
    if (HasFatalFailure()) return;
    LoginConnected("alice");
    if (HasFatalFailure()) return;
    LoginConnected("bob");
    if (HasFatalFailure()) return;
    Subscribe("bob", "alice");
    if (HasFatalFailure()) return;
    // alice moves to a lilacd of her own, to be stopped; bob stays here.
    Logout("alice");
    ASSERT_TRUE(NextAlice(v1::PRESENCE_OFFLINE).ok());
  }

  // A second lilacd with alice logged in; bob has seen her come online.
  std::unique_ptr<LilacdProcess> AliceElsewhere() {
    absl::StatusOr<std::unique_ptr<LilacdProcess>> process =
        LilacdProcess::Start(LilacdProcess::Options());
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    LilacClient other((*process)->NewChannel());
    v1::LoginRequest login;
    login.set_session("alice");
    login.set_protocol("prpl-jabber");
    login.set_username(FullJid("alice"));
    login.set_password(kAlicePassword);
    for (const auto& [key, value] : XmppSettings()) {
      (*login.mutable_settings())[key] = value;
    }
    v1::LoginResponse response;
    grpc::Status status =
        other.stub().Login(LilacClient::Context().get(), login, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(
        other.WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
            .ok());
    EXPECT_TRUE(NextAlice(v1::PRESENCE_AVAILABLE).ok());
    return *std::move(process);
  }

  // What Prosody logged of alice's latest stream, once it ended (within
  // 10 s): "closed by the client" if the client sent </stream:stream>, else
  // "cut".
  std::string HowAlicesLastStreamEnded() {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    do {
      std::ifstream log(prosody_->log_path());
      std::string line;
      std::string stream;  // Prosody's id of alice's latest c2s session
      bool closed_by_client = false;
      bool ended = false;
      while (std::getline(log, line)) {
        std::vector<absl::string_view> columns = absl::StrSplit(line, '\t');
        if (columns.size() < 3) continue;
        // "Dec 02 15:50:30 c2s5586b917e6b0": the session is the last word.
        const absl::string_view session =
            columns[0].substr(columns[0].rfind(' ') + 1);
        if (absl::StartsWith(columns[2], "Authenticated as alice@")) {
          stream = std::string(session);
          closed_by_client = ended = false;
        } else if (session != stream) {
          continue;
        } else if (columns[2] == "Received </stream:stream>") {
          closed_by_client = true;
        } else if (absl::StartsWith(columns[2], "Client disconnected")) {
          ended = true;
        }
      }
      if (ended) return closed_by_client ? "closed by the client" : "cut";
      absl::SleepFor(absl::Milliseconds(50));
    } while (absl::Now() < deadline);
    return "";
  }

  // bob's next view of alice in `presence`.
  absl::StatusOr<v1::Event> NextAlice(v1::Presence presence) {
    return Next(
        "bob", v1::Event::kBuddyPresenceChanged, [&](const v1::Event& event) {
          return event.buddy_presence_changed().name() == Jid("alice") &&
                 event.buddy_presence_changed().presence() == presence;
        });
  }
};

TEST_F(XmppShutdownTest, SigtermClosesTheStreamWhereSigkillCutsIt) {
  {
    std::unique_ptr<LilacdProcess> killed = AliceElsewhere();
    ASSERT_NE(killed, nullptr);
    killed->Kill();
    EXPECT_TRUE(NextAlice(v1::PRESENCE_OFFLINE).ok());
    // Prosody's words for a stream that was cut: the check below can fail.
    EXPECT_EQ(HowAlicesLastStreamEnded(), "cut");
  }

  std::unique_ptr<LilacdProcess> stopped = AliceElsewhere();
  ASSERT_NE(stopped, nullptr);
  absl::StatusOr<int> exit_code = stopped->Stop(absl::Seconds(20));
  // Stopped within the bound (Stop fails after it).
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
#ifndef __SANITIZE_ADDRESS__
  // Under LeakSanitizer the exit code is its verdict on the plugins instead:
  // prpl-jabber leaks parser nodes and roster strings that lilacd cannot free.
  EXPECT_EQ(*exit_code, 0);
#endif
  EXPECT_TRUE(NextAlice(v1::PRESENCE_OFFLINE).ok());
  EXPECT_EQ(HowAlicesLastStreamEnded(), "closed by the client");
}

}  // namespace
}  // namespace lilac::testing
