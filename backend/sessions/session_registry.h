#ifndef LILAC_BACKEND_SESSIONS_SESSION_REGISTRY_H_
#define LILAC_BACKEND_SESSIONS_SESSION_REGISTRY_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "backend/host/event_sink.h"
#include "backend/sessions/event_log.h"
#include "lilac/v1/sessions.pb.h"

namespace lilac {

// Every session's description and event log, readable from any thread. The host
// writes to it through EventSink; the API reads it. A session's state
// (connected or not, display name) is derived from its own connection events,
// so it can never disagree with them.
class SessionRegistry : public EventSink {
 public:
  explicit SessionRegistry(size_t events_per_session);

  // Names this registry (this run of lilacd): random, 32 hex digits. Sequence
  // numbers belong to it; StreamOpened carries it.
  const std::string& instance_id() const { return instance_id_; }

  absl::Status OpenSession(const v1::Session& session) override;
  void Emit(const std::string& session, v1::Event event) override;
  void CloseSession(const std::string& session) override;

  absl::StatusOr<v1::Session> Get(const std::string& session) const;
  // Sorted by key.
  std::vector<v1::Session> List() const;
  // The session's log, or null. Holders keep reading it after the session
  // closed; the logs of the last kClosedLogsKept closed sessions are still
  // found (a follower that reconnects reads the session's end), until their
  // key is opened again.
  std::shared_ptr<EventLog> FindLog(const std::string& session) const;
  std::vector<std::shared_ptr<EventLog>> AllLogs() const;

  // `on_open` runs (on the opening thread, must not block) for every session
  // opened from now on. Once Unsubscribe returns it is not running and will not
  // run again.
  int SubscribeToOpenedSessions(
      std::function<void(std::shared_ptr<EventLog>)> on_open);
  void UnsubscribeFromOpenedSessions(int subscription);

 private:
  struct Entry {
    v1::Session session;
    std::shared_ptr<EventLog> log;
  };

  static constexpr size_t kClosedLogsKept = 64;

  const size_t events_per_session_;
  const std::string instance_id_;
  mutable absl::Mutex mutex_;
  std::map<std::string, Entry> sessions_ ABSL_GUARDED_BY(mutex_);
  // Closed sessions whose logs are kept, oldest first.
  std::deque<std::shared_ptr<EventLog>> closed_logs_ ABSL_GUARDED_BY(mutex_);
  // The last sequence number of every key's latest closed session, so a key
  // opened again goes on numbering. A few bytes per key ever used.
  std::map<std::string, uint64_t> closed_last_sequence_ ABSL_GUARDED_BY(mutex_);

  absl::Mutex subscribers_mutex_ ABSL_ACQUIRED_AFTER(mutex_);
  std::map<int, std::function<void(std::shared_ptr<EventLog>)>> subscribers_
      ABSL_GUARDED_BY(subscribers_mutex_);
  int next_subscription_ ABSL_GUARDED_BY(subscribers_mutex_) = 0;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_SESSIONS_SESSION_REGISTRY_H_
