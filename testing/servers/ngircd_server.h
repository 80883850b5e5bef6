#ifndef LILAC_TESTING_SERVERS_NGIRCD_SERVER_H_
#define LILAC_TESTING_SERVERS_NGIRCD_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "testing/servers/child_process.h"
#include "testing/servers/temp_dir.h"

namespace lilac::testing {

// A real ngIRCd IRC server for one test, on a free loopback port, with its
// configuration in a private temporary directory. No passwords, PAM, ident or
// DNS lookups; no per-IP connection limit. Destroying it stops the server.
class NgircdServer {
 public:
  struct Options {
    std::string server_name = "irc.lilac.test";
    absl::Duration startup_timeout = absl::Seconds(30);
    std::string ngircd_path = "/usr/sbin/ngircd";
  };

  static absl::StatusOr<std::unique_ptr<NgircdServer>> Start(Options options);
  static absl::StatusOr<std::unique_ptr<NgircdServer>> Start() {
    return Start(Options());
  }
  ~NgircdServer();

  int port() const { return port_; }
  const std::string& server_name() const { return options_.server_name; }
  const std::string& dir() const { return dir_->path(); }

 private:
  NgircdServer(Options options, std::unique_ptr<TempDir> dir, int port)
      : options_(std::move(options)), dir_(std::move(dir)), port_(port) {}

  Options options_;
  std::unique_ptr<TempDir> dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

// ngIRCd's configuration for a private instance in `dir`.
std::string NgircdConfig(const std::string& dir, const std::string& server_name,
                         int port);

}  // namespace lilac::testing

#endif  // LILAC_TESTING_SERVERS_NGIRCD_SERVER_H_
