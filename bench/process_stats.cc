#include "bench/process_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace lilac::bench {

int64_t ResidentKib(int pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmRSS:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, "kB");
    int64_t kib;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kib)) return kib;
  }
  return -1;
}

absl::Duration CpuTime(int pid) {
  std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
  std::stringstream text;
  text << stat.rdbuf();
  const std::string content = text.str();
  // The command name may hold spaces: fields are counted after its ')'.
  const size_t end = content.rfind(')');
  if (end == std::string::npos) return absl::ZeroDuration();
  std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(content).substr(end + 2), ' ', absl::SkipEmpty());
  // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the state.
  if (fields.size() < 13) return absl::ZeroDuration();
  int64_t utime = 0, stime = 0;
  if (!absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::ZeroDuration();
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return absl::Seconds(static_cast<double>(utime + stime) / ticks);
}

uint64_t RaiseOpenFileLimit() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

absl::Duration Quantile(std::vector<absl::Duration>& samples, double q) {
  if (samples.empty()) return absl::ZeroDuration();
  std::sort(samples.begin(), samples.end());
  const size_t index = std::min(
      samples.size() - 1, static_cast<size_t>(q * (samples.size() - 1) + 0.5));
  return samples[index];
}

}  // namespace lilac::bench
