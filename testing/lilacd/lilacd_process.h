#ifndef LILAC_TESTING_LILACD_LILACD_PROCESS_H_
#define LILAC_TESTING_LILACD_LILACD_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gio/gio.h"
#include "grpcpp/channel.h"

namespace lilac::testing {

// Path of a binary in the test's runfiles, for example "backend/server/lilacd".
std::string RunfilePath(const std::string& workspace_relative);

// Result of a process that ran to completion.
struct ProcessResult {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs `argv` to completion (killing it after `timeout`) and returns its exit
// code and output.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         absl::Duration timeout);

// A real lilacd process serving on a free loopback port (or a Unix socket),
// stopped with SIGTERM when destroyed. LILAC_TEST_LILACD_FLAGS (flags
// separated by spaces) is added to every lilacd's flags: a suite's mode.
class LilacdProcess {
 public:
  struct Options {
    // "127.0.0.1:0" by default; "unix:/path" for a Unix socket.
    std::string listen = "127.0.0.1:0";
    std::vector<std::string> extra_flags;
    absl::Duration startup_timeout = absl::Seconds(30);
  };

  // Starts lilacd and waits until it reports its address.
  static absl::StatusOr<std::unique_ptr<LilacdProcess>> Start(
      const Options& options);

  ~LilacdProcess();

  // Sends SIGTERM and waits for the exit status; returns it.
  absl::StatusOr<int> Stop(absl::Duration timeout = absl::Seconds(10));
  // A crash of the whole service: SIGKILLs lilacd and its worker processes
  // (which would otherwise log their sessions out when lilacd's end of their
  // channel closes) and waits until all of them are gone.
  void Kill();

  const std::string& address() const { return address_; }
  int pid() const { return pid_; }
  std::shared_ptr<grpc::Channel> NewChannel() const;

 private:
  LilacdProcess() = default;

  int pid_ = -1;
  GSubprocess* process_ = nullptr;
  std::string address_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_LILACD_LILACD_PROCESS_H_
