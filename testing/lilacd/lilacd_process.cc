#include "testing/lilacd/lilacd_process.h"

#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace lilac::testing {
namespace {

// Cancels `cancellable` unless `done` is notified within `timeout`; joins on
// destruction.
class Deadline {
 public:
  Deadline(GCancellable* cancellable, absl::Duration timeout)
      : thread_([this, cancellable, timeout] {
          if (!done_.WaitForNotificationWithTimeout(timeout)) {
            g_cancellable_cancel(cancellable);
          }
        }) {}
  ~Deadline() {
    done_.Notify();
    thread_.join();
  }

 private:
  absl::Notification done_;
  std::thread thread_;
};

absl::Status ErrorStatus(absl::string_view what, GError* error) {
  absl::Status status =
      absl::InternalError(absl::StrCat(what, ": ", error->message));
  g_error_free(error);
  return status;
}

std::vector<char*> ToArgv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

int ExitCodeOf(GSubprocess* process) {
  if (g_subprocess_get_if_exited(process)) {
    return g_subprocess_get_exit_status(process);
  }
  return 128 + g_subprocess_get_term_sig(process);
}

}  // namespace

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr) return workspace_relative;
  return absl::StrCat(srcdir, "/", workspace ? workspace : "lilac", "/",
                      workspace_relative);
}

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         absl::Duration timeout) {
  GError* error = nullptr;
  std::vector<char*> c_argv = ToArgv(argv);
  GSubprocess* process = g_subprocess_newv(
      c_argv.data(),
      static_cast<GSubprocessFlags>(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                    G_SUBPROCESS_FLAGS_STDERR_PIPE),
      &error);
  if (process == nullptr) return ErrorStatus("cannot start process", error);

  GCancellable* cancellable = g_cancellable_new();
  char* out = nullptr;
  char* err = nullptr;
  bool finished;
  {
    Deadline deadline(cancellable, timeout);
    finished = g_subprocess_communicate_utf8(process, nullptr, cancellable,
                                             &out, &err, &error);
  }
  absl::StatusOr<ProcessResult> result;
  if (!finished) {
    g_subprocess_force_exit(process);
    g_subprocess_wait(process, nullptr, nullptr);
    result = ErrorStatus(
        absl::StrCat("process did not finish: ", absl::StrJoin(argv, " ")),
        error);
  } else {
    g_subprocess_wait(process, nullptr, nullptr);
    result = ProcessResult{ExitCodeOf(process), out ? out : "", err ? err : ""};
  }
  g_free(out);
  g_free(err);
  g_object_unref(cancellable);
  g_object_unref(process);
  return result;
}

absl::StatusOr<std::unique_ptr<LilacdProcess>> LilacdProcess::Start(
    const Options& options) {
  std::vector<std::string> args = {RunfilePath("backend/server/lilacd"),
                                   absl::StrCat("--listen=", options.listen)};
  args.insert(args.end(), options.extra_flags.begin(),
              options.extra_flags.end());
  // A suite's mode (--workers=0), last so that it wins.
  if (const char* mode = std::getenv("LILAC_TEST_LILACD_FLAGS")) {
    for (absl::string_view flag :
         absl::StrSplit(mode, ' ', absl::SkipEmpty())) {
      args.emplace_back(flag);
    }
  }
  std::vector<char*> c_argv = ToArgv(args);
  GError* error = nullptr;
  // stderr goes to the test log; stdout carries the "listening on" line.
  GSubprocess* process =
      g_subprocess_newv(c_argv.data(), G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (process == nullptr) return ErrorStatus("cannot start lilacd", error);

  std::unique_ptr<LilacdProcess> lilacd(new LilacdProcess());
  lilacd->pid_ = std::atoi(g_subprocess_get_identifier(process));
  lilacd->process_ = process;

  GDataInputStream* lines =
      g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  GCancellable* cancellable = g_cancellable_new();
  char* line;
  {
    Deadline deadline(cancellable, options.startup_timeout);
    line =
        g_data_input_stream_read_line_utf8(lines, nullptr, cancellable, &error);
  }
  g_object_unref(cancellable);
  g_object_unref(lines);
  if (line == nullptr) {
    absl::Status status =
        error ? ErrorStatus("lilacd did not report its address", error)
              : absl::UnavailableError(
                    "lilacd exited before it reported its address");
    return status;  // The destructor stops the process.
  }
  absl::string_view text = line;
  const bool listening = absl::ConsumePrefix(&text, "lilacd: listening on ");
  lilacd->address_ = std::string(text);
  g_free(line);
  if (!listening) {
    return absl::InternalError(
        absl::StrCat("unexpected first line from lilacd: ", lilacd->address_));
  }
  return lilacd;
}

absl::StatusOr<int> LilacdProcess::Stop(absl::Duration timeout) {
  if (process_ == nullptr) return absl::FailedPreconditionError("not running");
  g_subprocess_send_signal(process_, SIGTERM);
  GCancellable* cancellable = g_cancellable_new();
  bool exited;
  {
    Deadline deadline(cancellable, timeout);
    exited = g_subprocess_wait(process_, cancellable, nullptr);
  }
  g_object_unref(cancellable);
  if (!exited) {
    g_subprocess_force_exit(process_);
    g_subprocess_wait(process_, nullptr, nullptr);
  }
  const int code = ExitCodeOf(process_);
  g_object_unref(process_);
  process_ = nullptr;
  if (!exited) {
    return absl::DeadlineExceededError("lilacd did not stop after SIGTERM");
  }
  return code;
}

void LilacdProcess::Kill() {
  if (process_ == nullptr) return;
  // Its children (workers), found before they lose their parent.
  std::vector<int> exits;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(
           absl::StrCat("/proc/", pid_, "/task"), error)) {
    std::ifstream children(task.path() / "children");
    int child;
    while (children >> child) {
      const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
      if (pidfd >= 0) exits.push_back(pidfd);
    }
  }
  kill(pid_, SIGKILL);
  for (int pidfd : exits) {
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
  }
  g_subprocess_wait(process_, nullptr, nullptr);
  g_object_unref(process_);
  process_ = nullptr;
  for (int pidfd : exits) {
    pollfd ended{pidfd, POLLIN, 0};
    poll(&ended, 1, 10000);
    close(pidfd);
  }
}

LilacdProcess::~LilacdProcess() {
  if (process_ != nullptr) Stop().IgnoreError();
}

std::shared_ptr<grpc::Channel> LilacdProcess::NewChannel() const {
  return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

}  // namespace lilac::testing
