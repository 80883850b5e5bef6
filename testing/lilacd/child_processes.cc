#include "testing/lilacd/child_processes.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lilac::testing {
namespace {

// Parses "pid (comm) state ppid ...". comm may hold spaces and parentheses, so
// it ends at the last ')'.
bool ParseStat(const std::string& stat, ProcessEntry* process, pid_t* ppid) {
  const size_t open = stat.find('(');
  const size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return false;
  }
  process->pid = std::atoi(stat.c_str());
  process->name = stat.substr(open + 1, close - open - 1);
  std::istringstream rest(stat.substr(close + 1));
  long parent = 0;
  if (!(rest >> process->state >> parent)) return false;
  *ppid = static_cast<pid_t>(parent);
  return true;
}

}  // namespace

absl::StatusOr<std::vector<ProcessEntry>> ChildrenOf(pid_t parent) {
  std::error_code error;
  std::filesystem::directory_iterator proc("/proc", error);
  if (error) {
    return absl::InternalError(absl::StrCat("/proc: ", error.message()));
  }
  std::vector<ProcessEntry> children;
  for (const auto& entry : proc) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != name.npos) {
      continue;
    }
    std::ifstream file(entry.path() / "stat");
    std::string stat;
    if (!std::getline(file, stat)) continue;  // exited meanwhile
    ProcessEntry process;
    pid_t ppid = 0;
    if (ParseStat(stat, &process, &ppid) && ppid == parent) {
      children.push_back(process);
    }
  }
  return children;
}

std::string Describe(const std::vector<ProcessEntry>& children) {
  if (children.empty()) return "none";
  return absl::StrJoin(children, ", ",
                       [](std::string* out, const ProcessEntry& child) {
                         absl::StrAppend(out, child.pid, " (", child.name, ") ",
                                         std::string(1, child.state));
                       });
}

::testing::AssertionResult HasNoChildren(pid_t parent) {
  absl::StatusOr<std::vector<ProcessEntry>> children = ChildrenOf(parent);
  if (!children.ok()) {
    return ::testing::AssertionFailure() << children.status();
  }
  if (children->empty()) return ::testing::AssertionSuccess();
  int zombies = 0;
  for (const ProcessEntry& child : *children) zombies += child.state == 'Z';
  return ::testing::AssertionFailure()
         << "process " << parent << " has " << children->size() << " children, "
         << zombies << " of them zombies: " << Describe(*children);
}

::testing::AssertionResult ForksNothingButWorkers(pid_t lilacd) {
  absl::StatusOr<std::vector<ProcessEntry>> children = ChildrenOf(lilacd);
  if (!children.ok()) {
    return ::testing::AssertionFailure() << children.status();
  }
  for (const ProcessEntry& child : *children) {
    std::ifstream file(absl::StrCat("/proc/", child.pid, "/cmdline"));
    std::string command((std::istreambuf_iterator<char>(file)),
                        std::istreambuf_iterator<char>());
    if (child.state == 'Z' ||
        command.find("--worker_channel_fd") == std::string::npos) {
      return ::testing::AssertionFailure()
             << "lilacd " << lilacd
             << " has a child that is not a live worker: " << Describe({child});
    }
    if (::testing::AssertionResult none = HasNoChildren(child.pid); !none) {
      return none;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace lilac::testing
