// lilacd: libpurple as a gRPC service. `lilacd --help` lists the flags.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "backend/server/lilac_server.h"
#include "backend/worker/worker_process.h"
#include "common/flags/parse_flags.h"
#include "common/log/glib_log.h"
#include "common/log/log.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:5345",
          "Address to serve on: HOST:PORT (port 0 picks a free port) or "
          "unix:PATH. Only loopback hosts unless --allow_remote_listen.");
ABSL_FLAG(bool, allow_remote_listen, false,
          "Allow --listen on a non-loopback address. lilacd carries "
          "passwords: put TLS or an authenticating proxy in front of it.");
ABSL_FLAG(std::string, address_file, "",
          "If set, write the address lilacd listens on (with the chosen "
          "port) to this file once it is serving.");
ABSL_FLAG(std::vector<std::string>, plugin_dirs, {},
          "Comma-separated extra directories to load libpurple protocol "
          "plugins (.so) from, before the system directory.");
ABSL_FLAG(std::vector<std::string>, load_plugins, {},
          "Comma-separated libpurple plugins that are not protocols to load "
          "for every session, by id (core-riba-carbons) or file (carbons.so); "
          "lilacd does not start if one does not load. Protocol plugins "
          "always load.");
ABSL_FLAG(std::string, log_format, "text",
          "How lilacd writes its log on stderr: text (one line per event: "
          "time, program, level, component, message) or json (one JSON "
          "object per line with those fields).");
ABSL_FLAG(bool, purple_debug, false, "Print libpurple's debug log on stderr.");
ABSL_FLAG(uint32_t, events_per_session, 4096,
          "Events kept per session for event-stream clients that resume; a "
          "client further behind gets a gap event.");
ABSL_FLAG(std::string, spool_dir, "",
          "Directory for incoming files until clients fetch them (one "
          "subdirectory per session). Default: inside lilacd's private "
          "libpurple directory, removed at exit.");
ABSL_FLAG(std::string, plugin_state_dir, "",
          "Directory where plugins' own files persist across restarts "
          "(telegram-purple's keys, OMEMO databases; created 0700). "
          "libpurple's directory stays private inside it, and passwords "
          "never reach it. Several lilacd processes may share one. "
          "Default: none, plugins' files go with the process. Tokens that "
          "plugins keep as account settings come as AccountSettingsChanged "
          "events instead.");
ABSL_FLAG(uint64_t, max_file_size, 50 << 20,
          "Largest incoming file accepted, in bytes.");
ABSL_FLAG(int, workers, -1,
          "Worker processes that host libpurple. Each runs its own "
          "libpurple, so a plugin that crashes, aborts or hangs ends only "
          "its worker; lilacd logs that worker's sessions in again on "
          "another one. -1: workers start as sessions come, sessions of one "
          "plugin spread over one worker per core, and more start once each "
          "has --sessions_per_worker; an emptied worker exits. N > 0: at "
          "most N workers. 0: libpurple runs inside the lilacd process.");
ABSL_FLAG(int, sessions_per_worker, 2000,
          "A worker takes new sessions while it hosts fewer than this "
          "(libpurple's cost per account grows with the accounts in one "
          "process).");
ABSL_FLAG(uint64_t, worker_memory_limit_mb, 0,
          "The most heap one worker process may use, in MiB (RLIMIT_DATA); "
          "a plugin that allocates past it ends its worker only, whose "
          "sessions are logged in again. 0: no limit.");
ABSL_FLAG(int, worker_channel_fd, -1,
          "Internal: lilacd starts its worker processes with this flag (the "
          "descriptor of their private channel to lilacd). Not for use by "
          "hand.");

namespace {

int Fail(const absl::Status& status) {
  lilac::log::Error("lilacd", status.message());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "libpurple as a gRPC service.\nUsage: lilacd [--listen=ADDRESS] "
      "[--plugin_dirs=DIR,...] [--address_file=FILE]");
  lilac::ParseFlagsOrExit(argc, argv);
  // Debian builds Abseil without NDEBUG, which leaves Mutex deadlock detection
  // on: every lock then takes one global lock and updates a graph of every
  // Mutex ever held together (one per session log and per stream). Tests keep
  // it; the daemon does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  const int worker_channel_fd = absl::GetFlag(FLAGS_worker_channel_fd);
  lilac::log::Options log_options;
  log_options.program = worker_channel_fd >= 0 ? "lilacd-worker" : "lilacd";
  if (!lilac::log::ParseFormat(absl::GetFlag(FLAGS_log_format),
                               &log_options.format)) {
    return Fail(
        absl::InvalidArgumentError("--log_format must be text or json, not \"" +
                                   absl::GetFlag(FLAGS_log_format) + "\""));
  }
  lilac::log::Configure(log_options);
  // Plugins' GLib warnings, rate-limited per message.
  lilac::log::RouteGlibLog();
  if (worker_channel_fd >= 0)
    return lilac::worker::RunWorker(worker_channel_fd);

  // Block the stop signals before any thread starts, so only sigwait below sees
  // them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<lilac::ListenAddress> listen = lilac::ParseListenAddress(
      absl::GetFlag(FLAGS_listen), absl::GetFlag(FLAGS_allow_remote_listen));
  if (!listen.ok()) return Fail(listen.status());

  lilac::LilacServer::Options options;
  options.listen = *listen;
  options.host.plugin_dirs = absl::GetFlag(FLAGS_plugin_dirs);
  options.host.purple_debug = absl::GetFlag(FLAGS_purple_debug);
  options.host.plugin_state_dir = absl::GetFlag(FLAGS_plugin_state_dir);
  options.host.load_plugins = absl::GetFlag(FLAGS_load_plugins);
  options.events_per_session = absl::GetFlag(FLAGS_events_per_session);
  options.host.spool_dir = absl::GetFlag(FLAGS_spool_dir);
  options.host.max_file_size = absl::GetFlag(FLAGS_max_file_size);
  const int workers = absl::GetFlag(FLAGS_workers);
  if (workers < -1) {
    return Fail(absl::InvalidArgumentError(
        "--workers must be -1 (as the sessions need), 0 (none) or a count"));
  }
  if (absl::GetFlag(FLAGS_sessions_per_worker) < 1) {
    return Fail(
        absl::InvalidArgumentError("--sessions_per_worker must be at least 1"));
  }
  if (workers != 0) {
    lilac::LilacServer::Options::Workers pool;
    const int cores =
        std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    pool.spread = workers > 0 ? workers : cores;
    pool.max_workers = workers > 0 ? workers : 0;
    pool.sessions_per_worker = absl::GetFlag(FLAGS_sessions_per_worker);
    pool.memory_limit = absl::GetFlag(FLAGS_worker_memory_limit_mb) << 20;
    pool.args = {"--log_format=" + absl::GetFlag(FLAGS_log_format)};
    options.workers = pool;
  }
  absl::StatusOr<std::unique_ptr<lilac::LilacServer>> server =
      lilac::LilacServer::Start(options);
  if (!server.ok()) return Fail(server.status());

  const std::string address_file = absl::GetFlag(FLAGS_address_file);
  if (!address_file.empty()) {
    // Written whole under a temporary name, then renamed: a reader never sees
    // half of it.
    const std::string partial = address_file + ".partial";
    std::ofstream(partial) << (*server)->address() << "\n";
    if (std::rename(partial.c_str(), address_file.c_str()) != 0) {
      return Fail(absl::FailedPreconditionError("cannot write --address_file " +
                                                address_file));
    }
  }
  std::printf("lilacd: listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  lilac::log::Info("lilacd",
                   absl::StrCat("signal ", signal_number, ", shutting down"));
  server->reset();
  if (listen->kind == lilac::ListenAddress::Kind::kUnix) {
    unlink(listen->path.c_str());
  }
  return 0;
}
