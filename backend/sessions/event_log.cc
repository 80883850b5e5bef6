#include "backend/sessions/event_log.h"

#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lilac {

EventLog::EventLog(std::string session, size_t capacity,
                   uint64_t first_sequence)
    : session_(std::move(session)),
      capacity_(capacity > 0 ? capacity : 1),
      first_sequence_(first_sequence > 0 ? first_sequence : 1),
      last_sequence_(first_sequence_ - 1) {}

uint64_t EventLog::Append(v1::Event event) {
  event.set_session(session_);
  const absl::Time now = absl::Now();
  event.mutable_time()->set_seconds(absl::ToUnixSeconds(now));
  event.mutable_time()->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(
      now - absl::FromUnixSeconds(absl::ToUnixSeconds(now)))));
  uint64_t sequence;
  {
    absl::MutexLock lock(&mutex_);
    sequence = ++last_sequence_;
    event.set_sequence(sequence);
    events_.push_back(std::make_shared<const v1::Event>(std::move(event)));
    if (events_.size() > capacity_) events_.pop_front();
  }
  absl::MutexLock lock(&subscribers_mutex_);
  for (auto& [id, on_append] : subscribers_) on_append();
  return sequence;
}

EventLog::Next EventLog::ReadAfter(uint64_t after_sequence) const {
  absl::MutexLock lock(&mutex_);
  if (after_sequence == 0) after_sequence = first_sequence_ - 1;
  Next next;
  if (events_.empty() || after_sequence >= last_sequence_) return next;
  const uint64_t first = events_.front()->sequence();
  if (after_sequence + 1 < first) {
    v1::Gap gap;
    gap.set_first_lost(after_sequence + 1);
    gap.set_last_lost(first - 1);
    next.gap = gap;
    return next;
  }
  next.event = events_[after_sequence + 1 - first];
  return next;
}

uint64_t EventLog::last_sequence() const {
  absl::MutexLock lock(&mutex_);
  return last_sequence_;
}

int EventLog::Subscribe(std::function<void()> on_append) {
  absl::MutexLock lock(&subscribers_mutex_);
  const int id = next_subscription_++;
  subscribers_[id] = std::move(on_append);
  return id;
}

void EventLog::Unsubscribe(int subscription) {
  absl::MutexLock lock(&subscribers_mutex_);
  subscribers_.erase(subscription);
}

}  // namespace lilac
