// Logins by hostname with prpl-jabber against a real Prosody: every lookup
// (SRV for the domain, the address of the host, TXT when the connection fails)
// goes through lilacd's resolver, which forks nothing. libpurple's own
// resolver forks children that nobody reaps, so lilacd filled up with zombies.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"
#include "testing/lilacd/child_processes.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {
namespace {

constexpr int kRounds = 4;

class XmppResolverTest : public ProsodyTest {
 protected:
  // No connect_server: prpl-jabber looks up _xmpp-client._tcp.localhost (there
  // is none), then connects to the domain's own address, by name.
  std::map<std::string, std::string> BySrvLookup(int port) const {
    return {{"port", absl::StrCat(port)},
            {"connection_security", "opportunistic_tls"},
            {"auth_plain_in_clear", "true"}};
  }
  // connect_server by name: no SRV lookup, only the address.
  std::map<std::string, std::string> ByConnectServer() const {
    std::map<std::string, std::string> settings =
        BySrvLookup(prosody_->c2s_port());
    settings["connect_server"] = "localhost";
    return settings;
  }
};

TEST_F(XmppResolverTest, RepeatedLoginsByHostnameLeaveNoChildren) {
  for (int round = 0; round < kRounds; ++round) {
    const std::string alice = absl::StrCat("alice-", round);
    const std::string bob = absl::StrCat("bob-", round);
    // Both at once, so lookups overlap.
    ASSERT_TRUE(Login(alice, "prpl-jabber", FullJid("alice"), kAlicePassword,
                      BySrvLookup(prosody_->c2s_port()))
                    .ok());
    ASSERT_TRUE(Login(bob, "prpl-jabber", FullJid("bob"), kBobPassword,
                      ByConnectServer())
                    .ok());
    for (const std::string& session : {alice, bob}) {
      absl::StatusOr<v1::Event> connected =
          NextConnection(session, v1::CONNECTION_STATE_CONNECTED);
      ASSERT_TRUE(connected.ok()) << session << ": " << connected.status();
    }
    EXPECT_TRUE(ForksNothingButWorkers(lilacd_->pid()))
        << "connected, round " << round;
    Logout(alice);
    Logout(bob);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(ForksNothingButWorkers(lilacd_->pid()))
        << "logged out, round " << round;
  }
}

// With nothing listening, prpl-jabber falls back to a TXT lookup of
// _xmppconnect.localhost (for BOSH); there is none, and the login must end in
// a network error rather than hang.
TEST_F(XmppResolverTest, ServerDownEndsInANetworkErrorAfterTheTxtLookup) {
  absl::StatusOr<int> nothing_there = PickFreeLoopbackPort();
  ASSERT_TRUE(nothing_there.ok()) << nothing_there.status();
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = absl::StrCat("alice-", round);
    ASSERT_TRUE(Login(key, "prpl-jabber", FullJid("alice"), kAlicePassword,
                      BySrvLookup(*nothing_there))
                    .ok());
    absl::StatusOr<v1::Event> down =
        NextConnection(key, v1::CONNECTION_STATE_DISCONNECTED);
    ASSERT_TRUE(down.ok()) << down.status();
    EXPECT_EQ(down->connection_changed().reason(),
              v1::DISCONNECT_REASON_NETWORK_ERROR);
    EXPECT_TRUE(down->connection_changed().retryable());
    EXPECT_TRUE(ForksNothingButWorkers(lilacd_->pid()))
        << "disconnected, round " << round;
    Logout(key);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace lilac::testing
