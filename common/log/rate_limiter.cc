#include "common/log/rate_limiter.h"

#include <algorithm>

namespace lilac::log {

bool RateLimiter::Allow(const std::string& site, absl::Time now,
                        uint64_t* suppressed) {
  absl::MutexLock lock(&mutex_);
  auto it = sites_.find(site);
  if (it == sites_.end()) {
    if (sites_.size() >= max_sites_) {
      sites_.erase(std::min_element(
          sites_.begin(), sites_.end(), [](const auto& a, const auto& b) {
            return a.second.window_start < b.second.window_start;
          }));
    }
    it = sites_.emplace(site, Site{now, 0, 0}).first;
  }
  Site& state = it->second;
  if (now - state.window_start >= window_) {
    state.window_start = now;
    state.written = 0;
  }
  if (state.written >= burst_) {
    ++state.suppressed;
    return false;
  }
  ++state.written;
  *suppressed = state.suppressed;
  state.suppressed = 0;
  return true;
}

}  // namespace lilac::log
