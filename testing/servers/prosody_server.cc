#include "testing/servers/prosody_server.h"

#include <sys/stat.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {
namespace {

// Runs `argv` (e.g. prosodyctl) to completion, with a deadline.
absl::Status RunToCompletion(const std::vector<std::string>& argv,
                             absl::Duration timeout,
                             absl::string_view description) {
  ChildProcess::Options options;
  options.new_session = false;
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(argv, std::move(options));
  if (!child.ok()) return child.status();
  absl::StatusOr<int> code = (*child)->WaitForExit(timeout);
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(
        absl::StrCat(description, " failed with exit code ", *code));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ProsodyConfig(const std::string& dir,
                          const ProsodyServer::Options& options, int c2s_port) {
  // Tests run as root in CI; Prosody refuses that (mod_posix, prosodyctl)
  // unless run_as_root is set. s2s is disabled so that nothing listens
  // beyond the one c2s port on loopback.
  return absl::Substitute(
      R"lua(-- Written by lilac's ProsodyServer for one test.
run_as_root = true
daemonize = false
pidfile = "$0/prosody.pid"
data_path = "$0/data"
log = {
  { levels = { min = "$4" }, to = "file", filename = "$0/prosody.log" };
  { levels = { min = "error" }, to = "console" };
}

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { $3 }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }

modules_enabled = {
  "roster"; "saslauth"; "disco"; "private"; "vcard_legacy"; "ping";
  "time"; "version"; "uptime"; "blocklist"; "carbons"; "pep";
}
modules_disabled = { "s2s"; "s2s_auth_certs" }

authentication = "internal_hashed"
storage = "internal"
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
allow_registration = false
$5

VirtualHost "$1"

Component "$2" "muc"
  restrict_room_creation = false
  -- Listed in the service's disco#items (Prosody hides new rooms otherwise).
  muc_room_default_public = true
)lua",
      dir, options.domain, options.muc_domain, c2s_port, options.log_level,
      options.plain_only
          ? R"lua(disable_sasl_mechanisms = { "DIGEST-MD5"; "SCRAM-SHA-1" })lua"
          : "");
}

absl::StatusOr<std::unique_ptr<ProsodyServer>> ProsodyServer::Start(
    Options options) {
  if (options.muc_domain.empty()) {
    options.muc_domain = absl::StrCat("conference.", options.domain);
  }
  absl::StatusOr<std::unique_ptr<TempDir>> dir = TempDir::Create("prosody");
  if (!dir.ok()) return dir.status();
  if (mkdir((*dir)->Path("data").c_str(), 0700) != 0) {
    return absl::InternalError("cannot create prosody data dir");
  }
  absl::StatusOr<int> port = PickFreeLoopbackPort();
  if (!port.ok()) return port.status();

  std::unique_ptr<ProsodyServer> server(
      new ProsodyServer(std::move(options), *std::move(dir), *port));
  const Options& opts = server->options_;
  absl::Status written =
      WriteFile(server->ConfigPath(),
                ProsodyConfig(server->dir(), opts, server->c2s_port_));
  if (!written.ok()) return written;
  for (const Account& account : opts.accounts) {
    absl::Status created =
        server->CreateAccount(account.user, account.password);
    if (!created.ok()) return created;
  }

  ChildProcess::Options process_options;
  process_options.working_dir = server->dir();
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
      {opts.prosody_path, "-F", "--config", server->ConfigPath()},
      std::move(process_options));
  if (!process.ok()) return process.status();
  server->process_ = *std::move(process);

  absl::Status ready = WaitUntilAccepting(
      server->c2s_port_, opts.startup_timeout, server->process_.get());
  if (!ready.ok()) {
    return absl::Status(ready.code(),
                        absl::StrCat("prosody did not start: ", ready.message(),
                                     "; see ", server->log_path()));
  }
  return server;
}

ProsodyServer::~ProsodyServer() {
  // Stop before the directory goes.
  process_.reset();
  // Keep Prosody's log with the test's outputs (test.outputs/), for
  // diagnosing failures after the directory is gone.
  const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  if (outputs == nullptr || *outputs == '\0') return;
  absl::StatusOr<std::string> log = ReadFile(log_path());
  if (log.ok()) {
    WriteFile(absl::StrCat(outputs, "/prosody-", c2s_port_, ".log"), *log)
        .IgnoreError();
  }
}

absl::Status ProsodyServer::CreateAccount(const std::string& user,
                                          const std::string& password) {
  return RunToCompletion({options_.prosodyctl_path, "--config", ConfigPath(),
                          "register", user, options_.domain, password},
                         absl::Seconds(30),
                         absl::StrCat("prosodyctl register ", Jid(user)));
}

std::string ProsodyServer::Jid(const std::string& user) const {
  return absl::StrCat(user, "@", options_.domain);
}

std::string ProsodyServer::log_path() const {
  return dir_->Path("prosody.log");
}

std::string ProsodyServer::ConfigPath() const {
  return dir_->Path("prosody.cfg.lua");
}

}  // namespace lilac::testing
