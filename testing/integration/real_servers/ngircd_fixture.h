#ifndef LILAC_TESTING_INTEGRATION_REAL_SERVERS_NGIRCD_FIXTURE_H_
#define LILAC_TESTING_INTEGRATION_REAL_SERVERS_NGIRCD_FIXTURE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "testing/integration/real_servers/lilacd_fixture.h"
#include "testing/servers/ngircd_server.h"

namespace lilac::testing {

// lilacd with prpl-irc against a real ngIRCd. Sessions are keyed by nickname
// and log in as nick@127.0.0.1 (prpl-irc joins the server to the username with
// "@"; the port is the "port" setting).
class NgircdTest : public LilacdTest {
 protected:
  void SetUp() override;

  // nick@127.0.0.1.
  std::string IrcUsername(const std::string& nick) const;

  // Logs `nick` in as session `nick`, with the port of the ngIRCd plus
  // `settings`.
  absl::StatusOr<v1::LoginResponse> LoginIrc(
      const std::string& nick,
      const std::map<std::string, std::string>& settings = {});

  // Logs `nick` in and waits until connected; returns the CONNECTED change.
  v1::ConnectionChanged LoginConnected(const std::string& nick);

  std::unique_ptr<NgircdServer> ngircd_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_INTEGRATION_REAL_SERVERS_NGIRCD_FIXTURE_H_
