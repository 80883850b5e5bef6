#ifndef LILAC_TESTING_INTEGRATION_REAL_SERVERS_PROSODY_FIXTURE_H_
#define LILAC_TESTING_INTEGRATION_REAL_SERVERS_PROSODY_FIXTURE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "testing/integration/real_servers/lilacd_fixture.h"
#include "testing/servers/prosody_server.h"

namespace lilac::testing {

// lilacd with prpl-jabber against a real Prosody that has the accounts alice
// and bob (passwords kAlicePassword, kBobPassword). Sessions are keyed by the
// user's node ("alice"), and log in as node@domain/kResource.
class ProsodyTest : public LilacdTest {
 protected:
  static constexpr char kAlicePassword[] = "alice-secret";
  static constexpr char kBobPassword[] = "bob-secret";
  static constexpr char kResource[] = "lilac";

  void SetUp() override;

  // Settings that point prpl-jabber at the Prosody (plaintext c2s on
  // 127.0.0.1:c2s_port(), PLAIN allowed without TLS).
  std::map<std::string, std::string> XmppSettings() const;

  // user@domain (bare JID) and user@domain/kResource (our full JID).
  std::string Jid(const std::string& user) const;
  std::string FullJid(const std::string& user) const;

  // Logs `user` in as session `user` with `password` and XmppSettings() plus
  // `settings`.
  absl::StatusOr<v1::LoginResponse> LoginXmpp(
      const std::string& user, const std::string& password,
      const std::map<std::string, std::string>& settings = {});

  // Logs alice or bob in with the right password and waits until connected.
  void LoginConnected(const std::string& user);

  // `from` adds `to` as a buddy, `to` grants the subscription request, and
  // `from` sees `to` available: `from` now knows `to`'s resource.
  void Subscribe(const std::string& from, const std::string& to);

  // Set before SetUp: "debug" logs every stanza Prosody receives; plain_only
  // offers SASL PLAIN alone.
  std::string prosody_log_level_ = "info";
  bool prosody_plain_only_ = false;
  std::unique_ptr<ProsodyServer> prosody_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_INTEGRATION_REAL_SERVERS_PROSODY_FIXTURE_H_
