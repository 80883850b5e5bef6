#include "backend/worker/worker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "backend/host/host_options.h"
#include "backend/host/in_process_host.h"
#include "backend/worker/channel_sink.h"
#include "backend/worker/frame_channel.h"
#include "backend/worker/worker_server.h"
#include "backend/worker/worker_wire.pb.h"
#include "common/log/log.h"

namespace lilac::worker {
namespace {

// Logging every session out after lilacd left must not keep a stuck worker
// around for ever.
constexpr absl::Duration kShutdownBound = absl::Seconds(15);

HostOptions FromStart(const Start& start) {
  HostOptions options;
  options.plugin_dirs.assign(start.plugin_dirs().begin(),
                             start.plugin_dirs().end());
  options.load_plugins.assign(start.load_plugins().begin(),
                              start.load_plugins().end());
  options.purple_debug = start.purple_debug();
  options.plugin_state_dir = start.plugin_state_dir();
  options.spool_dir = start.spool_dir();
  options.max_file_size = start.max_file_size();
  return options;
}

void SendStarted(FrameChannel& channel, const absl::Status& status) {
  FromWorker message;
  message.mutable_started()->set_code(static_cast<int>(status.code()));
  message.mutable_started()->set_message(std::string(status.message()));
  channel.Write(message).IgnoreError();
}

// VmData of this process: its private writable mappings, as RLIMIT_DATA
// counts them.
uint64_t DataSegmentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmData:")) {
      return std::strtoull(line.c_str() + 7, nullptr, 10) << 10;  // kB
    }
  }
  return 0;
}

}  // namespace

int RunWorker(int channel_fd) {
  // lilacd ends its workers by closing the channel: a Ctrl-C or SIGTERM sent
  // to the whole process group must not end them before lilacd logs
  // sessions out.
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);

  // Processes a plugin starts must not hold the channel open after we die.
  fcntl(channel_fd, F_SETFD, FD_CLOEXEC);
  FrameChannel channel(channel_fd);
  absl::StatusOr<FrameChannel::Frame> first = channel.Read();
  ToWorker start;
  if (!first.ok() || !start.ParseFromString(first->bytes) ||
      !start.has_start()) {
    log::Error("worker", "lilacd did not send Start; exiting");
    return 1;
  }
  if (const uint64_t limit = start.start().memory_limit(); limit > 0) {
    // On top of what is mapped already: under AddressSanitizer that is its
    // shadow memory, terabytes.
    const uint64_t total = DataSegmentBytes() + limit;
    const rlimit heap{total, total};
    if (setrlimit(RLIMIT_DATA, &heap) != 0) {
      log::Error("worker", absl::StrCat("cannot limit the heap to ", limit,
                                        " bytes: ", std::strerror(errno)));
    }
  }
  ChannelSink sink(&channel);
  absl::StatusOr<std::unique_ptr<InProcessHost>> host =
      InProcessHost::Start(FromStart(start.start()), &sink);
  SendStarted(channel, host.status());
  if (!host.ok()) return 1;

  WorkerServer server(&channel, host->get());
  while (true) {
    absl::StatusOr<FrameChannel::Frame> frame = channel.Read();
    if (!frame.ok()) break;
    if (frame->fd >= 0) close(frame->fd);  // lilacd sends none
    ToWorker message;
    if (!message.ParseFromString(frame->bytes)) {
      log::Error("worker", "malformed frame from lilacd; exiting");
      break;
    }
    server.Handle(message);
  }
  std::thread([] {
    absl::SleepFor(kShutdownBound);
    log::Error("worker",
               absl::StrCat("logging out took over ",
                            absl::FormatDuration(kShutdownBound), "; exiting"));
    _exit(1);
  }).detach();
  // Logs every session out; their last events still reach lilacd if it
  // reads.
  host->reset();
  return 0;
}

}  // namespace lilac::worker
