#include "testing/integration/real_servers/ngircd_fixture.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace lilac::testing {

void NgircdTest::SetUp() {
  LilacdTest::SetUp();
  if (HasFatalFailure()) return;
  absl::StatusOr<std::unique_ptr<NgircdServer>> ngircd = NgircdServer::Start();
  ASSERT_TRUE(ngircd.ok()) << ngircd.status();
  ngircd_ = *std::move(ngircd);
}

std::string NgircdTest::IrcUsername(const std::string& nick) const {
  return absl::StrCat(nick, "@127.0.0.1");
}

absl::StatusOr<v1::LoginResponse> NgircdTest::LoginIrc(
    const std::string& nick,
    const std::map<std::string, std::string>& settings) {
  std::map<std::string, std::string> all = {
      {"port", absl::StrCat(ngircd_->port())}};
  for (const auto& [key, value] : settings) all[key] = value;
  return Login(nick, "prpl-irc", IrcUsername(nick), "", all);
}

v1::ConnectionChanged NgircdTest::LoginConnected(const std::string& nick) {
  absl::StatusOr<v1::LoginResponse> login = LoginIrc(nick);
  EXPECT_TRUE(login.ok()) << login.status();
  absl::StatusOr<v1::Event> connected =
      NextConnection(nick, v1::CONNECTION_STATE_CONNECTED);
  EXPECT_TRUE(connected.ok()) << connected.status();
  return connected.ok() ? connected->connection_changed()
                        : v1::ConnectionChanged();
}

}  // namespace lilac::testing
