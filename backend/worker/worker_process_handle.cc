#include "backend/worker/worker_process_handle.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

// Through syscall(): Debian 12's <sys/pidfd.h> declares its wrappers without
// C linkage.
namespace lilac::worker {
namespace {

constexpr int kChildChannelFd = 3;

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerProcessHandle>> WorkerProcessHandle::Spawn(
    const std::string& program, const std::vector<std::string>& args) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Errno("socketpair for a worker");
  }
  // dup2 onto 3 clears close-on-exec there, unless the descriptor is 3
  // already: then move it away first.
  int child_end = fds[1];
  if (child_end == kChildChannelFd) {
    child_end = fcntl(fds[1], F_DUPFD_CLOEXEC, kChildChannelFd + 1);
    close(fds[1]);
    if (child_end < 0) {
      close(fds[0]);
      return Errno("dup of a worker's channel");
    }
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_end, kChildChannelFd);

  std::vector<std::string> argv_strings = {
      program, absl::StrCat("--worker_channel_fd=", kChildChannelFd)};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid;
  const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr,
                                  argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(child_end);
  if (spawned != 0) {
    close(fds[0]);
    return absl::InternalError(absl::StrCat("cannot start a worker (", program,
                                            "): ", std::strerror(spawned)));
  }
  std::unique_ptr<WorkerProcessHandle> handle(new WorkerProcessHandle());
  handle->pid_ = pid;
  handle->channel_fd_ = fds[0];
  // Without pidfds (old kernels), plain pids: the process is our child, so
  // its pid is not reused before we reap it.
  handle->pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  return handle;
}

WorkerProcessHandle::~WorkerProcessHandle() {
  if (!reaped_) Reap(absl::ZeroDuration());
  if (pidfd_ >= 0) close(pidfd_);
  if (channel_fd_ >= 0) close(channel_fd_);
}

int WorkerProcessHandle::TakeChannelFd() {
  const int fd = channel_fd_;
  channel_fd_ = -1;
  return fd;
}

void WorkerProcessHandle::Signal(int signal) {
  if (reaped_) return;
  if (pidfd_ >= 0) {
    syscall(SYS_pidfd_send_signal, pidfd_, signal, nullptr, 0);
  } else {
    kill(pid_, signal);
  }
}

std::string WorkerProcessHandle::Reap(absl::Duration timeout) {
  if (reaped_) return "already reaped";
  if (pidfd_ >= 0) {
    pollfd ready{pidfd_, POLLIN, 0};
    int polled;
    do {
      polled = poll(&ready, 1, absl::ToInt64Milliseconds(timeout));
    } while (polled < 0 && errno == EINTR);
    if (polled <= 0) Signal(SIGKILL);
  } else if (timeout > absl::ZeroDuration()) {
    // No pidfd to wait on: give it the time, then kill.
    const absl::Time deadline = absl::Now() + timeout;
    siginfo_t info{};
    while (absl::Now() < deadline &&
           waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == 0) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    Signal(SIGKILL);
  } else {
    Signal(SIGKILL);
  }
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid_, &status, 0);
  } while (reaped < 0 && errno == EINTR);
  reaped_ = true;
  if (reaped < 0)
    return absl::StrCat("could not be reaped: ", std::strerror(errno));
  if (WIFSIGNALED(status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(status), " (",
                        strsignal(WTERMSIG(status)), ")",
                        WCOREDUMP(status) ? ", core dumped" : "");
  }
  return absl::StrCat("exited with status ", WEXITSTATUS(status));
}

}  // namespace lilac::worker
