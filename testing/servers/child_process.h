#ifndef LILAC_TESTING_SERVERS_CHILD_PROCESS_H_
#define LILAC_TESTING_SERVERS_CHILD_PROCESS_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace lilac::testing {

// A child process started with fork+exec and reaped by a thread of its own,
// so that its exit is seen as soon as it happens. Destroying the handle stops
// the child (SIGTERM, then SIGKILL after a grace period).
class ChildProcess {
 public:
  struct Options {
    // Run here instead of the current directory.
    std::string working_dir;
    // Start a new session (setsid), as Spectrum does for its backends.
    bool new_session = true;
    // SIGKILL the child if the thread that called Start exits (for example
    // when a test crashes). Start from a thread that outlives the child.
    bool die_with_parent = true;
    // If we run as root, run the child in a new user namespace where it is
    // not root (it appears as the overflow user, "nobody", but keeps our
    // access to files): for servers that refuse to run as root or insist on
    // switching to a user that a container may not have.
    bool shed_root = false;
    // Called once, on the reaper thread, with the exit code (128 + signal
    // number for a killed child).
    absl::AnyInvocable<void(int exit_code)> on_exit;
  };

  // Starts argv[0] (a path; not looked up in PATH) with `argv`. Fails if the
  // program cannot be executed.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv, Options options);

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }

  // The exit code once the child has been reaped.
  absl::StatusOr<int> WaitForExit(absl::Duration timeout);
  bool HasExited();

  // Sends `signal` unless the child has already been reaped.
  void Signal(int signal);

  // SIGTERM, then SIGKILL if the child is still running after `grace`.
  // Returns the exit code.
  int Stop(absl::Duration grace = absl::Seconds(10));

 private:
  ChildProcess(int pid, absl::AnyInvocable<void(int)> on_exit);
  void Reap();

  const int pid_;
  absl::AnyInvocable<void(int)> on_exit_;
  absl::Mutex mutex_;
  bool exited_ ABSL_GUARDED_BY(mutex_) = false;
  int exit_code_ ABSL_GUARDED_BY(mutex_) = -1;
  std::thread reaper_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_SERVERS_CHILD_PROCESS_H_
