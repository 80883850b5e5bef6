#ifndef LILAC_TESTING_SERVERS_PROSODY_SERVER_H_
#define LILAC_TESTING_SERVERS_PROSODY_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "testing/servers/child_process.h"
#include "testing/servers/temp_dir.h"

namespace lilac::testing {

// A real Prosody XMPP server for one test: c2s on a free loopback port,
// plaintext SASL PLAIN allowed, a MUC component, all state in a private
// temporary directory. Destroying it stops the server and removes the
// directory.
class ProsodyServer {
 public:
  struct Account {
    std::string user;  // node part, e.g. "alice"
    std::string password;
  };

  struct Options {
    std::string domain = "localhost";
    // Defaults to "conference.<domain>".
    std::string muc_domain;
    // Created before the server starts.
    std::vector<Account> accounts;
    absl::Duration startup_timeout = absl::Seconds(30);
    // Prosody's own log level ("debug" to see every stanza in prosody.log).
    std::string log_level = "info";
    // Offer SASL PLAIN only, not SCRAM (as servers without hashed passwords
    // do): prpl-jabber then asks before sending a password in the clear.
    bool plain_only = false;
    std::string prosody_path = "/usr/bin/prosody";
    std::string prosodyctl_path = "/usr/bin/prosodyctl";
  };

  static absl::StatusOr<std::unique_ptr<ProsodyServer>> Start(Options options);
  ~ProsodyServer();

  // Registers user@domain() (prosodyctl register); works while running.
  absl::Status CreateAccount(const std::string& user,
                             const std::string& password);

  int c2s_port() const { return c2s_port_; }
  const std::string& domain() const { return options_.domain; }
  const std::string& muc_domain() const { return options_.muc_domain; }
  // user@domain().
  std::string Jid(const std::string& user) const;
  // Prosody's log file, for diagnosing a failed test; copied to the test's
  // undeclared outputs when the server is destroyed.
  std::string log_path() const;
  const std::string& dir() const { return dir_->path(); }

 private:
  ProsodyServer(Options options, std::unique_ptr<TempDir> dir, int port)
      : options_(std::move(options)), dir_(std::move(dir)), c2s_port_(port) {}
  std::string ConfigPath() const;

  Options options_;
  std::unique_ptr<TempDir> dir_;
  int c2s_port_;
  std::unique_ptr<ChildProcess> process_;
};

// Prosody's configuration (Lua) for a private instance in `dir`.
std::string ProsodyConfig(const std::string& dir,
                          const ProsodyServer::Options& options, int c2s_port);

}  // namespace lilac::testing

#endif  // LILAC_TESTING_SERVERS_PROSODY_SERVER_H_
