#ifndef LILAC_BACKEND_WORKER_WORKER_PROCESS_HANDLE_H_
#define LILAC_BACKEND_WORKER_WORKER_PROCESS_HANDLE_H_

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lilac::worker {

// A worker process that lilacd started, with the lilacd end of its channel:
// started with the channel as its descriptor 3, signalled and reaped through
// a pidfd so a recycled pid is never hit.
class WorkerProcessHandle {
 public:
  // Runs `program --worker_channel_fd=3 args...`. The returned handle owns
  // the process; channel_fd() is ours to take.
  static absl::StatusOr<std::unique_ptr<WorkerProcessHandle>> Spawn(
      const std::string& program, const std::vector<std::string>& args);
  // Kills and reaps the process if it still runs.
  ~WorkerProcessHandle();

  pid_t pid() const { return pid_; }
  // The lilacd end of the channel; -1 once taken.
  int TakeChannelFd();

  // Sends `signal` unless the process was reaped.
  void Signal(int signal);
  // Waits up to `timeout` for the process to end, kills it if it has not,
  // reaps it and says how it ended ("killed by signal 11 (Segmentation
  // fault)", "exited with status 1").
  std::string Reap(absl::Duration timeout);

 private:
  WorkerProcessHandle() = default;

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int channel_fd_ = -1;
  // Signal may race with Reap (heartbeat and reader threads).
  std::atomic<bool> reaped_{false};
};

}  // namespace lilac::worker

#endif  // LILAC_BACKEND_WORKER_WORKER_PROCESS_HANDLE_H_
