#ifndef LILAC_TESTING_SERVERS_XMPP_CLIENT_H_
#define LILAC_TESTING_SERVERS_XMPP_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {

// A bare XMPP client on a raw socket, for tests that need another device of an
// account or a contact: plaintext stream, SASL PLAIN, resource binding and
// initial presence, then stanzas written and read as text.
class XmppClient {
 public:
  // Connects to 127.0.0.1:`port`, logs in as `user`@`domain`/`resource` and
  // sends available presence with `priority`.
  static absl::StatusOr<std::unique_ptr<XmppClient>> Login(
      int port, const std::string& domain, const std::string& user,
      const std::string& password, const std::string& resource,
      int priority = 0, absl::Duration timeout = absl::Seconds(20));

  // Sends a chat message with `body` (escaped here) to `to`.
  absl::Status SendChat(const std::string& to, const std::string& body);
  // Sends raw XML.
  absl::Status Send(absl::string_view stanza);
  // Reads until `needle` arrives (see TcpClient::ReadUntil).
  absl::StatusOr<std::string> ReadUntil(absl::string_view needle,
                                        absl::Duration timeout);

  // user@domain/resource.
  const std::string& jid() const { return jid_; }

 private:
  XmppClient(std::unique_ptr<TcpClient> socket, std::string jid)
      : socket_(std::move(socket)), jid_(std::move(jid)) {}

  std::unique_ptr<TcpClient> socket_;
  std::string jid_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_SERVERS_XMPP_CLIENT_H_
