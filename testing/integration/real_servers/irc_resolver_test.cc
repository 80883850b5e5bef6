// Logins by hostname with prpl-irc against a real ngIRCd: the address lookup
// goes through lilacd's resolver, which forks nothing (libpurple's own forks
// children that nobody reaps).
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/ngircd_fixture.h"
#include "testing/lilacd/child_processes.h"

namespace lilac::testing {
namespace {

constexpr int kRounds = 4;

class IrcResolverTest : public NgircdTest {};

TEST_F(IrcResolverTest, RepeatedLoginsByHostnameLeaveNoChildren) {
  for (int round = 0; round < kRounds; ++round) {
    const std::string nick = absl::StrCat("nick", round);
    // The server part of the username is a name, not 127.0.0.1.
    ASSERT_TRUE(Login(nick, "prpl-irc", absl::StrCat(nick, "@localhost"), "",
                      {{"port", absl::StrCat(ngircd_->port())}})
                    .ok());
    absl::StatusOr<v1::Event> connected =
        NextConnection(nick, v1::CONNECTION_STATE_CONNECTED);
    ASSERT_TRUE(connected.ok()) << connected.status();
    EXPECT_TRUE(ForksNothingButWorkers(lilacd_->pid()))
        << "connected, round " << round;
    Logout(nick);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(ForksNothingButWorkers(lilacd_->pid()))
        << "logged out, round " << round;
  }
}

}  // namespace
}  // namespace lilac::testing
