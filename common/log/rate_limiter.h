#ifndef LILAC_COMMON_LOG_RATE_LIMITER_H_
#define LILAC_COMMON_LOG_RATE_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace lilac::log {

// Lets through at most `burst` lines per message site in each `window`; the
// rest are counted, and the next line let through says how many were left
// out. Bounded: at most `max_sites` sites are tracked (the oldest window is
// forgotten first). Thread-safe.
class RateLimiter {
 public:
  RateLimiter(int burst, absl::Duration window, size_t max_sites = 1024)
      : burst_(burst), window_(window), max_sites_(max_sites) {}

  // Whether a line of `site` may be written at `now`; if so, `suppressed`
  // gets how many of that site were left out since the last one written.
  bool Allow(const std::string& site, absl::Time now, uint64_t* suppressed);

 private:
  struct Site {
    absl::Time window_start;
    int written = 0;
    uint64_t suppressed = 0;
  };

  const int burst_;
  const absl::Duration window_;
  const size_t max_sites_;
  absl::Mutex mutex_;
  std::map<std::string, Site> sites_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace lilac::log

#endif  // LILAC_COMMON_LOG_RATE_LIMITER_H_
