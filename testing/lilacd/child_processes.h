#ifndef LILAC_TESTING_LILACD_CHILD_PROCESSES_H_
#define LILAC_TESTING_LILACD_CHILD_PROCESSES_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace lilac::testing {

// A process as /proc/<pid>/stat describes it.
struct ProcessEntry {
  pid_t pid = 0;
  std::string name;  // comm
  char state = '?';  // 'Z' for a zombie (exited, never reaped)
};

// The children of `parent` now, in any state, read from /proc/*/stat. Children
// that exit while /proc is read are skipped.
absl::StatusOr<std::vector<ProcessEntry>> ChildrenOf(pid_t parent);

// "1234 (name) Z, ..." for test failure messages.
std::string Describe(const std::vector<ProcessEntry>& children);

// Success if `parent` has no children in any state; otherwise a failure that
// counts the zombies (state Z) and lists every child. A process that forks
// nothing must pass: a child alive now is a zombie once it exits, unless
// reaped.
::testing::AssertionResult HasNoChildren(pid_t parent);

// For a lilacd: success if its only children are its live worker processes
// (`lilacd --worker_channel_fd`) and they have no children themselves.
::testing::AssertionResult ForksNothingButWorkers(pid_t lilacd);

}  // namespace lilac::testing

#endif  // LILAC_TESTING_LILACD_CHILD_PROCESSES_H_
