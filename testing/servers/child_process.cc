#include "testing/servers/child_process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lilac::testing {
namespace {

int ExitCodeFromWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Only async-signal-safe calls: the parent may have other threads. Reports
// a failure as errno through `error_pipe` (closed on a successful exec).
[[noreturn]] void ExecChild(char* const* argv, char* const* unshare_argv,
                            const char* working_dir, bool new_session,
                            bool die_with_parent, bool shed_root,
                            int error_pipe) {
  int error = 0;
  if (die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) error = errno;
  // A forked child normally has one thread, as unshare(CLONE_NEWUSER)
  // requires; under ThreadSanitizer its runtime starts a thread in the child
  // too (EINVAL), and util-linux's unshare(1), a fresh process, does it.
  bool via_unshare_command = false;
  if (error == 0 && shed_root && getuid() == 0 && unshare(CLONE_NEWUSER) != 0) {
    if (errno == EINVAL) {
      via_unshare_command = true;
    } else {
      error = errno;
    }
  }
  if (error == 0 && new_session && setsid() < 0) error = errno;
  if (error == 0 && working_dir != nullptr && chdir(working_dir) != 0) {
    error = errno;
  }
  if (error == 0) {
    // Undo signal settings a test framework may have made.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    execv(via_unshare_command ? unshare_argv[0] : argv[0],
          via_unshare_command ? unshare_argv : argv);
    error = errno;
  }
  (void)!write(error_pipe, &error, sizeof(error));
  _exit(127);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, Options options) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) {
    c_argv.push_back(const_cast<char*>(arg.c_str()));
  }
  c_argv.push_back(nullptr);
  // Made before fork: the child may only make async-signal-safe calls.
  std::vector<char*> unshare_argv = {const_cast<char*>("/usr/bin/unshare"),
                                     const_cast<char*>("--user"),
                                     const_cast<char*>("--")};
  unshare_argv.insert(unshare_argv.end(), c_argv.begin(), c_argv.end());
  const char* working_dir =
      options.working_dir.empty() ? nullptr : options.working_dir.c_str();

  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(error_pipe[0]);
    close(error_pipe[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(error)));
  }
  if (pid == 0) {
    close(error_pipe[0]);
    ExecChild(c_argv.data(), unshare_argv.data(), working_dir,
              options.new_session, options.die_with_parent, options.shed_root,
              error_pipe[1]);
  }
  close(error_pipe[1]);
  int exec_error = 0;
  ssize_t got;
  do {
    got = read(error_pipe[0], &exec_error, sizeof(exec_error));
  } while (got < 0 && errno == EINTR);
  close(error_pipe[0]);
  if (got > 0) {
    waitpid(pid, nullptr, 0);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run ", absl::StrJoin(argv, " "), ": ",
                     std::strerror(exec_error)));
  }
  std::unique_ptr<ChildProcess> child(
      new ChildProcess(pid, std::move(options.on_exit)));
  child->reaper_ = std::thread([raw = child.get()] { raw->Reap(); });
  return child;
}

ChildProcess::ChildProcess(int pid, absl::AnyInvocable<void(int)> on_exit)
    : pid_(pid), on_exit_(std::move(on_exit)) {}

void ChildProcess::Reap() {
  // Wait without reaping first, so that Signal (under the lock) can never hit
  // a reused pid.
  siginfo_t info;
  int result;
  do {
    result = waitid(P_PID, pid_, &info, WEXITED | WNOWAIT);
  } while (result < 0 && errno == EINTR);
  int code = -1;
  {
    absl::MutexLock lock(&mutex_);
    int status = 0;
    if (waitpid(pid_, &status, 0) == pid_)
      code = ExitCodeFromWaitStatus(status);
    exited_ = true;
    exit_code_ = code;
  }
  if (on_exit_) on_exit_(code);
}

absl::StatusOr<int> ChildProcess::WaitForExit(absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  if (!mutex_.AwaitWithTimeout(absl::Condition(&exited_), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("process ", pid_, " still running after ",
                     absl::FormatDuration(timeout)));
  }
  return exit_code_;
}

bool ChildProcess::HasExited() {
  absl::MutexLock lock(&mutex_);
  return exited_;
}

void ChildProcess::Signal(int signal) {
  // Holding the lock keeps the pid from being reaped (and reused) meanwhile.
  absl::MutexLock lock(&mutex_);
  if (!exited_) kill(pid_, signal);
}

int ChildProcess::Stop(absl::Duration grace) {
  Signal(SIGTERM);
  absl::StatusOr<int> code = WaitForExit(grace);
  if (!code.ok()) {
    Signal(SIGKILL);
    code = WaitForExit(absl::InfiniteDuration());
  }
  return *code;
}

ChildProcess::~ChildProcess() {
  Stop();
  reaper_.join();
}

}  // namespace lilac::testing
