#ifndef LILAC_BENCH_PROCESS_STATS_H_
#define LILAC_BENCH_PROCESS_STATS_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace lilac::bench {

// Resident memory of `pid` in KiB (VmRSS in /proc/PID/status), or -1.
int64_t ResidentKib(int pid);

// User plus system CPU time `pid` has used so far (/proc/PID/stat).
absl::Duration CpuTime(int pid);

// Raises this process's open-file limit to its hard limit (children inherit
// it). Returns the new soft limit.
uint64_t RaiseOpenFileLimit();

// The q-quantile (0..1) of `samples` (sorted in place).
absl::Duration Quantile(std::vector<absl::Duration>& samples, double q);

}  // namespace lilac::bench

#endif  // LILAC_BENCH_PROCESS_STATS_H_
