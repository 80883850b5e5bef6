#ifndef LILAC_BACKEND_SESSIONS_EVENT_LOG_H_
#define LILAC_BACKEND_SESSIONS_EVENT_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "lilac/v1/events.pb.h"

namespace lilac {

using EventPtr = std::shared_ptr<const v1::Event>;

// One session's events in order, numbered first_sequence, first_sequence + 1...
// and kept in a bounded buffer so a client that reconnects can resume.
// Appending never waits for readers: a reader that falls behind the buffer is
// told which sequence numbers it lost. Thread-safe.
class EventLog {
 public:
  // `first_sequence` is 1 for a key's first session; a key opened again goes
  // on after its previous session's last number, so an old cursor can never
  // point into the new session.
  EventLog(std::string session, size_t capacity, uint64_t first_sequence = 1);

  // Stamps `event` with the session, the next sequence number and the time,
  // stores it (dropping the oldest if full) and wakes the subscribers. Returns
  // the sequence number.
  uint64_t Append(v1::Event event);

  // What a reader gets after `after_sequence`: either a gap (events it can no
  // longer have) or the next event, or nothing yet. 0 reads from this log's
  // first event (no gap for the numbers of earlier sessions of the key).
  struct Next {
    std::optional<v1::Gap> gap;
    EventPtr event;
  };
  Next ReadAfter(uint64_t after_sequence) const;

  uint64_t last_sequence() const;
  size_t capacity() const { return capacity_; }
  const std::string& session() const { return session_; }

  // `on_append` runs after every Append, on the appending thread, and must not
  // block. Once Unsubscribe returns, it is not running and will not run again.
  int Subscribe(std::function<void()> on_append);
  void Unsubscribe(int subscription);

 private:
  const std::string session_;
  const size_t capacity_;
  const uint64_t first_sequence_;

  mutable absl::Mutex mutex_;
  std::deque<EventPtr> events_ ABSL_GUARDED_BY(mutex_);
  uint64_t last_sequence_ ABSL_GUARDED_BY(mutex_);

  absl::Mutex subscribers_mutex_;
  std::map<int, std::function<void()>> subscribers_
      ABSL_GUARDED_BY(subscribers_mutex_);
  int next_subscription_ ABSL_GUARDED_BY(subscribers_mutex_) = 0;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_SESSIONS_EVENT_LOG_H_
