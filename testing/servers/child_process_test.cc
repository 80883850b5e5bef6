#include "testing/servers/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "testing/servers/temp_dir.h"

namespace lilac::testing {
namespace {

TEST(ChildProcessTest, ReportsExitCode) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/bin/sh", "-c", "exit 7"}, {});
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<int> code = (*child)->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 7);
  EXPECT_TRUE((*child)->HasExited());
}

TEST(ChildProcessTest, CallsOnExitFromTheReaper) {
  absl::Notification exited;
  int seen_code = -1;
  ChildProcess::Options options;
  options.on_exit = [&](int code) {
    seen_code = code;
    exited.Notify();
  };
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/bin/true"}, std::move(options));
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE(exited.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(seen_code, 0);
}

TEST(ChildProcessTest, WaitTimesOutWhileRunningAndStopKills) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/bin/sleep", "600"}, {});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->WaitForExit(absl::Milliseconds(50)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ((*child)->Stop(absl::Seconds(10)), 128 + SIGTERM);
}

TEST(ChildProcessTest, StopEscalatesToSigkill) {
  // The child ignores SIGTERM, then says so through a FIFO, so only SIGKILL
  // can end it.
  absl::StatusOr<std::unique_ptr<TempDir>> dir = TempDir::Create("child");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string fifo = (*dir)->Path("ready");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const int ready_fd = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(ready_fd, 0);
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(
      {"/bin/sh", "-c",
       absl::StrCat("trap '' TERM; echo ready > ", fifo, "; exec sleep 600")},
      {});
  ASSERT_TRUE(child.ok()) << child.status();
  pollfd ready = {ready_fd, POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 10000), 1);
  close(ready_fd);
  EXPECT_EQ((*child)->Stop(absl::Milliseconds(200)), 128 + SIGKILL);
}

TEST(ChildProcessTest, ShedRootRunsTheChildAsANonRootUser) {
  ChildProcess::Options options;
  options.shed_root = true;
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(
      {"/bin/sh", "-c", "test \"$(id -u)\" != 0"}, std::move(options));
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<int> code = (*child)->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

TEST(ChildProcessTest, MissingProgramIsAnError) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/nonexistent/program"}, {});
  EXPECT_EQ(child.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ChildProcessTest, RunsInWorkingDir) {
  ChildProcess::Options options;
  options.working_dir = "/";
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(
      {"/bin/sh", "-c", "test \"$(pwd)\" = /"}, std::move(options));
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<int> code = (*child)->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace lilac::testing
