#ifndef LILAC_BACKEND_API_EVENT_STREAM_H_
#define LILAC_BACKEND_API_EVENT_STREAM_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "backend/sessions/session_registry.h"
#include "grpcpp/alarm.h"
#include "grpcpp/grpcpp.h"
#include "lilac/v1/events.pb.h"

namespace lilac {

// One StreamEvents call: writes StreamOpened, then follows the requested
// sessions' event logs and writes their events, in order per session, one
// write in flight at a time, and a StreamHeartbeat whenever it has written
// nothing for the heartbeat interval. It only reads the logs, so a slow or
// stuck client never slows libpurple or other clients; if it falls behind a
// log's buffer it gets a Gap event. Messages are written as wire bytes (the
// method is served raw, so lilacd parses the request itself). Deletes itself
// when the call is done and its heartbeat alarm has run.
class EventStream : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Holds (true) or releases (false) reading from the network; see
  // PurpleHost::HoldNetwork.
  using HoldNetwork = std::function<void(bool)>;

  // Validates the request; on error the call is finished with that status.
  // `hold_network` is used if the request asks for it.
  EventStream(SessionRegistry* registry, const v1::StreamEventsRequest& request,
              HoldNetwork hold_network);

  // StreamEventsRequest.heartbeat_interval when absent.
  static constexpr absl::Duration kDefaultHeartbeatInterval = absl::Seconds(30);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  struct Cursor {
    std::shared_ptr<EventLog> log;
    uint64_t after = 0;
    int subscription = -1;
  };

  // Checks the request; fills omitted_ and heartbeat_interval_.
  absl::Status Configure(const v1::StreamEventsRequest& request);
  // Starts writing `pending_`; records the time for the heartbeat.
  void Write() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Sets the heartbeat alarm for one interval after the last write.
  void ArmHeartbeat() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void OnHeartbeatAlarm(bool fired) ABSL_LOCKS_EXCLUDED(mutex_);
  // Starts following `log` from `after` (no-op if already followed). A newer
  // session of a key whose older one is still being written waits for that
  // one's end.
  void Follow(std::shared_ptr<EventLog> log, uint64_t after)
      ABSL_LOCKS_EXCLUDED(mutex_);
  bool Follows(const std::string& session, const EventLog* log) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Marks a session as having something to write and writes if idle.
  void Wake(const std::string& session) ABSL_LOCKS_EXCLUDED(mutex_);
  // Starts the next write if none is in flight.
  void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // With hold_network_when_behind: notes how far behind `session` is and
  // holds the network while any session is more than half its buffer behind,
  // until all are within a quarter.
  void UpdateHold(const std::string& session, const Cursor& cursor)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ReleaseHold() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  SessionRegistry* const registry_;
  // Event kinds (Event::KindCase) the client asked to omit.
  std::set<int> omitted_;
  // Set only if the client asked to hold the network when behind.
  HoldNetwork hold_network_;
  int opened_subscription_ = -1;
  absl::Duration heartbeat_interval_ = kDefaultHeartbeatInterval;
  grpc::Alarm heartbeat_alarm_;

  absl::Mutex mutex_;
  std::map<std::string, Cursor> cursors_ ABSL_GUARDED_BY(mutex_);
  // Cursors of sessions that ended; unsubscribed in OnDone.
  std::vector<Cursor> ended_ ABSL_GUARDED_BY(mutex_);
  // Later sessions of a key (opened again), each taking over the key's cursor
  // when the one before ends. Subscribed already.
  std::map<std::string, std::deque<Cursor>> successors_ ABSL_GUARDED_BY(mutex_);
  // Sessions that may have unwritten events, in the order they woke up.
  std::deque<std::string> ready_ ABSL_GUARDED_BY(mutex_);
  std::set<std::string> ready_set_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  // Sessions more than half their buffer behind (with hold_network_).
  std::set<std::string> behind_ ABSL_GUARDED_BY(mutex_);
  bool holding_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  // OnDone ran; the heartbeat alarm's callback deletes this.
  bool done_ ABSL_GUARDED_BY(mutex_) = false;
  bool alarm_set_ ABSL_GUARDED_BY(mutex_) = false;
  absl::Time last_write_ ABSL_GUARDED_BY(mutex_);
  grpc::ByteBuffer pending_
      ABSL_GUARDED_BY(mutex_);  // the message being written
};

// A server-streaming call (StreamEvents, FetchFile) refused before it
// started (its request did not parse): finishes with `status` and deletes
// itself when done.
class RefusedServerStream : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedServerStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace lilac

#endif  // LILAC_BACKEND_API_EVENT_STREAM_H_
