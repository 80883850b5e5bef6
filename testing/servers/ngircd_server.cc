#include "testing/servers/ngircd_server.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {

std::string NgircdConfig(const std::string& dir, const std::string& server_name,
                         int port) {
  // IncludeDir points at an empty directory so that the system's
  // /etc/ngircd/conf.d cannot change the test server.
  return absl::Substitute(R"conf(# Written by lilac's NgircdServer for one test.
[Global]
	Name = $1
	Info = lilac test server
	AdminInfo1 = lilac test
	AdminInfo2 = loopback only
	AdminEMail = nobody@lilac.test
	Listen = 127.0.0.1
	Ports = $2
	PidFile = $0/ngircd.pid
	MotdPhrase = "lilac test server"
[Limits]
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 30
[Options]
	DNS = no
	Ident = no
	PAM = no
	IncludeDir = $0/conf.d
	OperCanUseMode = yes
)conf",
                          dir, server_name, port);
}

absl::StatusOr<std::unique_ptr<NgircdServer>> NgircdServer::Start(
    Options options) {
  absl::StatusOr<std::unique_ptr<TempDir>> dir = TempDir::Create("ngircd");
  if (!dir.ok()) return dir.status();
  if (mkdir((*dir)->Path("conf.d").c_str(), 0700) != 0) {
    return absl::InternalError("cannot create ngircd conf.d");
  }
  absl::StatusOr<int> port = PickFreeLoopbackPort();
  if (!port.ok()) return port.status();

  std::unique_ptr<NgircdServer> server(
      new NgircdServer(std::move(options), *std::move(dir), *port));
  const std::string config_path = server->dir_->Path("ngircd.conf");
  absl::Status written = WriteFile(
      config_path,
      NgircdConfig(server->dir(), server->options_.server_name, server->port_));
  if (!written.ok()) return written;

  ChildProcess::Options process_options;
  process_options.working_dir = server->dir();
  // As root, ngIRCd switches to "nobody", which fails where nobody's group is
  // not mapped (Bazel's sandbox); not being root in the first place avoids it.
  process_options.shed_root = true;
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
      {server->options_.ngircd_path, "--nodaemon", "--config", config_path},
      std::move(process_options));
  if (!process.ok()) return process.status();
  server->process_ = *std::move(process);

  absl::Status ready = WaitUntilAccepting(
      server->port_, server->options_.startup_timeout, server->process_.get());
  if (!ready.ok()) {
    return absl::Status(
        ready.code(), absl::StrCat("ngircd did not start: ", ready.message()));
  }
  return server;
}

NgircdServer::~NgircdServer() { process_.reset(); }

}  // namespace lilac::testing
