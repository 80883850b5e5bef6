#include "backend/api/event_stream.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backend/api/grpc_status.h"
#include "backend/api/request_validation.h"
#include "backend/api/wire_request.h"
#include "common/proto/duration.h"

namespace lilac {

namespace {

// The wire bytes of a StreamEventsResponse holding `event`, without copying
// the event into one: the field's tag and length, then the event's bytes.
absl::Status SerializeStreamedEvent(const v1::Event& event,
                                    grpc::ByteBuffer* wire) {
  std::string bytes;
  const size_t size = event.ByteSizeLong();
  bytes.reserve(size + 11);
  bytes.push_back(static_cast<char>(
      (v1::StreamEventsResponse::kEventFieldNumber << 3) | 2));
  for (uint64_t rest = size;; rest >>= 7) {
    if (rest < 0x80) {
      bytes.push_back(static_cast<char>(rest));
      break;
    }
    bytes.push_back(static_cast<char>((rest & 0x7f) | 0x80));
  }
  const size_t head = bytes.size();
  bytes.resize(head + size);
  if (!event.SerializeToArray(&bytes[head], static_cast<int>(size))) {
    return absl::InternalError("event cannot be serialized");
  }
  grpc::Slice slice(std::move(bytes));
  *wire = grpc::ByteBuffer(&slice, 1);
  return absl::OkStatus();
}

}  // namespace

EventStream::EventStream(SessionRegistry* registry,
                         const v1::StreamEventsRequest& request,
                         HoldNetwork hold_network)
    : registry_(registry),
      hold_network_(request.hold_network_when_behind() ? std::move(hold_network)
                                                       : nullptr) {
  absl::Status valid = Configure(request);
  v1::StreamEventsResponse opened_message;
  v1::StreamOpened* opened = opened_message.mutable_opened();
  opened->set_instance_id(registry_->instance_id());
  std::vector<std::pair<std::shared_ptr<EventLog>, uint64_t>> named;
  for (const v1::SessionCursor& cursor : request.sessions()) {
    if (!valid.ok()) break;
    std::shared_ptr<EventLog> log = registry_->FindLog(cursor.session());
    if (log == nullptr) {
      valid =
          absl::NotFoundError(absl::StrCat("no session ", cursor.session()));
      break;
    }
    uint64_t after = cursor.after_sequence();
    // Numbers from another run of lilacd, or from the future, mean nothing
    // here: start again from the oldest buffered event, and say so.
    if ((!cursor.instance_id().empty() &&
         cursor.instance_id() != registry_->instance_id()) ||
        after > log->last_sequence()) {
      after = 0;
      opened->add_reset_sessions(cursor.session());
    }
    named.emplace_back(std::move(log), after);
  }
  auto* resets = opened->mutable_reset_sessions();
  std::sort(resets->begin(), resets->end());
  resets->erase(std::unique(resets->begin(), resets->end()), resets->end());
  {
    absl::MutexLock lock(&mutex_);
    if (valid.ok()) valid = SerializeWireResponse(opened_message, &pending_);
    if (!valid.ok()) {
      finished_ = true;
      Finish(ToGrpcStatus(valid));
      return;
    }
    // StreamOpened goes first: events wait for this write to finish.
    Write();
    ArmHeartbeat();
  }
  for (auto& [log, after] : named) Follow(std::move(log), after);
  if (request.all_sessions()) {
    // Subscribe before listing, so no session opened in between is missed;
    // Follow ignores sessions it already follows.
    opened_subscription_ = registry_->SubscribeToOpenedSessions(
        [this](std::shared_ptr<EventLog> log) { Follow(std::move(log), 0); });
    for (std::shared_ptr<EventLog>& log : registry_->AllLogs()) {
      Follow(std::move(log), 0);
    }
  }
}

absl::Status EventStream::Configure(const v1::StreamEventsRequest& request) {
  if (absl::Status valid = Validate(request); !valid.ok()) return valid;
  // EventKind numbers are Event.kind's field numbers.
  omitted_.insert(request.omit().begin(), request.omit().end());
  if (const absl::Duration interval =
          FromProtoDuration(request.heartbeat_interval());
      interval != absl::ZeroDuration()) {
    heartbeat_interval_ = interval;
  }
  return absl::OkStatus();
}

void EventStream::Write() {
  writing_ = true;
  last_write_ = absl::Now();
  StartWrite(&pending_);
}

void EventStream::ArmHeartbeat() {
  if (alarm_set_ || finished_) return;
  alarm_set_ = true;
  heartbeat_alarm_.Set(absl::ToChronoTime(last_write_ + heartbeat_interval_),
                       [this](bool fired) { OnHeartbeatAlarm(fired); });
}

void EventStream::OnHeartbeatAlarm(bool fired) {
  mutex_.Lock();
  alarm_set_ = false;
  if (done_) {
    mutex_.Unlock();
    delete this;
    return;
  }
  if (fired && !finished_ && !writing_ &&
      absl::Now() - last_write_ >= heartbeat_interval_) {
    v1::StreamEventsResponse heartbeat;
    const absl::Duration since_epoch = absl::Now() - absl::UnixEpoch();
    const google::protobuf::Duration proto = ToProtoDuration(since_epoch);
    heartbeat.mutable_heartbeat()->mutable_time()->set_seconds(proto.seconds());
    heartbeat.mutable_heartbeat()->mutable_time()->set_nanos(proto.nanos());
    if (SerializeWireResponse(heartbeat, &pending_).ok()) Write();
  }
  if (writing_) {
    // A write in flight: the stream is not idle. Look again an interval on.
    last_write_ = std::max(last_write_, absl::Now());
  }
  ArmHeartbeat();
  mutex_.Unlock();
}

void EventStream::Follow(std::shared_ptr<EventLog> log, uint64_t after) {
  const std::string session = log->session();
  {
    absl::MutexLock lock(&mutex_);
    if (finished_ || Follows(session, log.get())) return;
  }
  // Subscribed before the cursor exists: a Wake in between finds no cursor (or
  // the older session's) and does nothing, and the Wake below catches up.
  const int subscription = log->Subscribe([this, session] { Wake(session); });
  bool followed;
  {
    absl::MutexLock lock(&mutex_);
    followed = !finished_ && !Follows(session, log.get());
    if (followed) {
      Cursor cursor{log, after, subscription};
      if (cursors_.count(session) > 0) {
        successors_[session].push_back(std::move(cursor));
      } else {
        cursors_[session] = std::move(cursor);
      }
    }
  }
  if (!followed) {
    log->Unsubscribe(subscription);
    return;
  }
  Wake(session);
}

bool EventStream::Follows(const std::string& session,
                          const EventLog* log) const {
  if (auto it = cursors_.find(session);
      it != cursors_.end() && it->second.log.get() == log) {
    return true;
  }
  if (auto it = successors_.find(session); it != successors_.end()) {
    for (const Cursor& cursor : it->second) {
      if (cursor.log.get() == log) return true;
    }
  }
  return false;
}

void EventStream::Wake(const std::string& session) {
  absl::MutexLock lock(&mutex_);
  if (ready_set_.insert(session).second) ready_.push_back(session);
  // While a write is stuck (the client stopped reading), Pump reads nothing:
  // this is where a growing lag is seen.
  if (auto it = cursors_.find(session); it != cursors_.end()) {
    UpdateHold(session, it->second);
  }
  Pump();
}

void EventStream::Pump() {
  while (!writing_ && !finished_ && !ready_.empty()) {
    const std::string session = ready_.front();
    ready_.pop_front();
    ready_set_.erase(session);
    auto it = cursors_.find(session);
    if (it == cursors_.end()) continue;
    Cursor& cursor = it->second;
    EventLog::Next next = cursor.log->ReadAfter(cursor.after);
    bool session_ended = false;
    absl::Status serialized;
    if (next.gap.has_value()) {
      v1::Event gap;
      gap.set_session(session);
      // Its own number is the last one lost: a client that keeps the last
      // sequence it saw resumes after the loss.
      gap.set_sequence(next.gap->last_lost());
      *gap.mutable_gap() = *next.gap;
      cursor.after = next.gap->last_lost();
      UpdateHold(session, cursor);
      serialized = SerializeStreamedEvent(gap, &pending_);
    } else if (next.event != nullptr &&
               omitted_.count(next.event->kind_case()) > 0) {
      cursor.after = next.event->sequence();
      UpdateHold(session, cursor);
      if (ready_set_.insert(session).second) ready_.push_back(session);
      continue;
    } else if (next.event != nullptr) {
      cursor.after = next.event->sequence();
      UpdateHold(session, cursor);
      session_ended = next.event->has_session_ended();
      serialized = SerializeStreamedEvent(*next.event, &pending_);
    } else {
      continue;  // Nothing new: wait for the next Append.
    }
    if (!serialized.ok()) {
      // Never skip an event silently: the client sees the stream end with
      // an error and can resume after the last sequence it received.
      finished_ = true;
      Finish(ToGrpcStatus(serialized));
      return;
    }
    // Round robin: this session goes to the back of the line if it has more.
    if (ready_set_.insert(session).second) ready_.push_back(session);
    if (session_ended) {
      if (behind_.erase(session) > 0 && behind_.empty()) ReleaseHold();
      // Nothing follows the end of a session. Its subscription is dropped in
      // OnDone: doing it here, under our lock, could deadlock with an Append
      // calling Wake.
      ended_.push_back(std::move(cursor));
      cursors_.erase(it);
      if (auto next = successors_.find(session); next != successors_.end()) {
        cursors_[session] = std::move(next->second.front());
        next->second.pop_front();
        if (next->second.empty()) successors_.erase(next);
        if (ready_set_.insert(session).second) ready_.push_back(session);
      }
    }
    Write();
  }
}

void EventStream::UpdateHold(const std::string& session, const Cursor& cursor) {
  if (!hold_network_) return;
  const uint64_t lag = cursor.log->last_sequence() - cursor.after;
  const size_t capacity = cursor.log->capacity();
  if (lag > capacity / 2) {
    behind_.insert(session);
  } else if (lag <= capacity / 4) {
    behind_.erase(session);
  }
  if (!behind_.empty() && !holding_) {
    holding_ = true;
    hold_network_(true);
  } else if (behind_.empty()) {
    ReleaseHold();
  }
}

void EventStream::ReleaseHold() {
  if (!holding_) return;
  holding_ = false;
  hold_network_(false);
}

void EventStream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mutex_);
  writing_ = false;
  if (!ok) {
    // The client went away; OnCancel or OnDone follows.
    if (!finished_) {
      finished_ = true;
      Finish(grpc::Status::OK);
    }
    return;
  }
  Pump();
}

void EventStream::OnCancel() {
  absl::MutexLock lock(&mutex_);
  if (finished_) return;
  finished_ = true;
  Finish(grpc::Status::CANCELLED);
}

void EventStream::OnDone() {
  if (opened_subscription_ >= 0) {
    registry_->UnsubscribeFromOpenedSessions(opened_subscription_);
  }
  std::map<std::string, Cursor> cursors;
  std::vector<Cursor> ended;
  {
    absl::MutexLock lock(&mutex_);
    finished_ = true;
    cursors.swap(cursors_);
    ended.swap(ended_);
    for (auto& [session, later] : successors_) {
      for (Cursor& cursor : later) ended.push_back(std::move(cursor));
    }
    successors_.clear();
    behind_.clear();
    ReleaseHold();  // a client that went away holds nothing
  }
  // Unsubscribe outside our lock: a log may be calling Wake, which takes it.
  for (auto& [session, cursor] : cursors) ended.push_back(std::move(cursor));
  for (Cursor& cursor : ended) {
    if (cursor.subscription >= 0) cursor.log->Unsubscribe(cursor.subscription);
  }
  bool alarm_set;
  {
    absl::MutexLock lock(&mutex_);
    done_ = true;
    alarm_set = alarm_set_;
    // A set alarm runs its callback once more (gRPC runs it on another
    // thread, so not under this lock): that deletes this, so the callback
    // never finds it gone.
    if (alarm_set) heartbeat_alarm_.Cancel();
  }
  if (!alarm_set) delete this;
}

}  // namespace lilac
