#ifndef LILAC_BACKEND_WORKER_WORKER_CLIENT_H_
#define LILAC_BACKEND_WORKER_WORKER_CLIENT_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "backend/commands/host_commands.h"
#include "backend/host/event_sink.h"
#include "backend/host/host_options.h"
#include "backend/worker/frame_channel.h"
#include "backend/worker/worker_process_handle.h"
#include "backend/worker/worker_wire.pb.h"

namespace lilac::worker {

// The commands of HostCommands carried to a worker process that runs its own
// libpurple host; the worker's events go to `sink` in order. A worker that
// dies (a signal, an exit) or hangs (its loop thread misses a heartbeat; it
// is then killed) fails the calls in flight with UNAVAILABLE saying so, and
// every later call.
class WorkerClient final : public HostCommands {
 public:
  struct Options {
    // The lilacd binary the worker runs as (`--worker_channel_fd`).
    std::string program = "/proc/self/exe";
    // More flags for the worker (--log_format...).
    std::vector<std::string> args;
    // For messages: "worker 2".
    std::string name = "worker";
    HostOptions host;
    // The loop thread of the worker must answer a heartbeat within
    // `heartbeat_timeout`; one is sent every `heartbeat_interval`.
    absl::Duration heartbeat_interval = absl::Seconds(1);
    absl::Duration heartbeat_timeout = absl::Seconds(5);
    // The most heap the worker may use (RLIMIT_DATA), in bytes; 0: no limit.
    uint64_t memory_limit = 0;
    // Until libpurple has started in the worker.
    absl::Duration start_timeout = absl::Seconds(60);
    // Called once from the client's reader thread when the worker ended
    // without being asked to (not at destruction), with why.
    absl::AnyInvocable<void(const absl::Status& why)> on_exit;
  };

  // Starts the worker and waits until libpurple runs in it (or failed to).
  static absl::StatusOr<std::unique_ptr<WorkerClient>> Start(Options options,
                                                             EventSink* sink);
  // Closes the channel: the worker logs its sessions out (their last events
  // still reach the sink) and exits; killed if it takes too long.
  ~WorkerClient() override;

  pid_t pid() const { return process_->pid(); }
  // Whether the worker still runs (false once it ended, for any reason).
  bool alive() const;

  LILAC_HOST_COMMANDS_OVERRIDES

 private:
  // A reply, or the status that ended the call (the worker's end); `fd` is
  // the descriptor that came with the reply, the handler's to close.
  using ReplyHandler =
      absl::AnyInvocable<void(const absl::Status&, const Reply&, int fd)>;

  WorkerClient(Options options, EventSink* sink,
               std::unique_ptr<WorkerProcessHandle> process);

  // Sends a Call; `handler` runs exactly once.
  void Send(const std::string& method, const google::protobuf::Message& request,
            ReplyHandler handler, uint64_t upload = 0);
  // A call whose reply is the response message (SendFile: of the staged
  // file `upload`).
  template <typename Response>
  void Forward(const google::protobuf::Message& request, Done<Response> done,
               uint64_t upload = 0);
  void ReadLoop();
  void HeartbeatLoop();
  void Dispatch(const FromWorker& message, int fd);
  // The worker ended: every call in flight fails with `why`.
  void Ended(const absl::Status& why);

  Options options_;
  EventSink* const sink_;
  std::unique_ptr<WorkerProcessHandle> process_;
  std::shared_ptr<FrameChannel> channel_;

  mutable absl::Mutex mutex_;
  uint64_t next_id_ ABSL_GUARDED_BY(mutex_) = 1;
  std::map<uint64_t, ReplyHandler> pending_ ABSL_GUARDED_BY(mutex_);
  // Set once the worker ended: why, for every later call.
  absl::Status ended_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  // The heartbeat sent and not answered yet (0: none), and when.
  uint64_t unanswered_ping_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Time ping_sent_ ABSL_GUARDED_BY(mutex_);
  // When the worker's loop thread last sent an event.
  absl::Time loop_seen_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  std::string hang_ ABSL_GUARDED_BY(mutex_);
  // The reader saw the channel end.
  bool read_ended_ ABSL_GUARDED_BY(mutex_) = false;

  std::thread reader_;
  std::thread heartbeat_;
};

}  // namespace lilac::worker

#endif  // LILAC_BACKEND_WORKER_WORKER_CLIENT_H_
