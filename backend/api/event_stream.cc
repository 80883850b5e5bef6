#include "backend/api/event_stream.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "backend/api/grpc_status.h"
#include "backend/api/wire_request.h"

namespace lilac {

EventStream::EventStream(SessionRegistry* registry,
                         const v1::StreamEventsRequest& request,
                         HoldNetwork hold_network)
    : registry_(registry),
      hold_network_(request.hold_network_when_behind() ? std::move(hold_network)
                                                       : nullptr) {
  const google::protobuf::OneofDescriptor* kinds =
      v1::Event::descriptor()->FindOneofByName("kind");
  for (const std::string& name : request.omit()) {
    const google::protobuf::FieldDescriptor* kind =
        v1::Event::descriptor()->FindFieldByName(name);
    if (kind == nullptr || kind->containing_oneof() != kinds ||
        kind->number() == v1::Event::kGap ||
        kind->number() == v1::Event::kSessionEnded) {
      std::vector<std::string> allowed;
      for (int i = 0; i < kinds->field_count(); ++i) {
        const int number = kinds->field(i)->number();
        if (number == v1::Event::kGap || number == v1::Event::kSessionEnded) {
          continue;
        }
        allowed.push_back(kinds->field(i)->name());
      }
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("omit: \"", name,
                                       "\" is not an event kind that can be "
                                       "omitted; one of ",
                                       absl::StrJoin(allowed, ", "))));
      return;
    }
    omitted_.insert(kind->number());
  }
  std::vector<std::pair<std::shared_ptr<EventLog>, uint64_t>> named;
  for (const v1::SessionCursor& cursor : request.sessions()) {
    if (cursor.session().empty()) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "sessions[].session must not be empty"));
      return;
    }
    std::shared_ptr<EventLog> log = registry_->FindLog(cursor.session());
    if (log == nullptr) {
      Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat("no session ", cursor.session())));
      return;
    }
    named.emplace_back(std::move(log), cursor.after_sequence());
  }
  if (named.empty() && !request.all_sessions()) {
    Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "name at least one session or set all_sessions"));
    return;
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

void EventStream::Follow(std::shared_ptr<EventLog> log, uint64_t after) {
  const std::string session = log->session();
  {
    absl::MutexLock lock(&mutex_);
    if (finished_ || cursors_.count(session) > 0) return;
  }
  // Subscribed before the cursor exists: a Wake in between finds no cursor and
  // does nothing, and the Wake below catches up.
  const int subscription = log->Subscribe([this, session] { Wake(session); });
  bool followed;
  {
    absl::MutexLock lock(&mutex_);
    followed = !finished_ && cursors_.count(session) == 0;
    if (followed) cursors_[session] = Cursor{log, after, subscription};
  }
  if (!followed) {
    log->Unsubscribe(subscription);
    return;
  }
  Wake(session);
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
      *gap.mutable_gap() = *next.gap;
      cursor.after = next.gap->last_lost();
      UpdateHold(session, cursor);
      serialized = SerializeWireResponse(gap, &pending_);
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
      serialized = SerializeWireResponse(*next.event, &pending_);
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
    }
    writing_ = true;
    StartWrite(&pending_);
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
    behind_.clear();
    ReleaseHold();  // a client that went away holds nothing
  }
  // Unsubscribe outside our lock: a log may be calling Wake, which takes it.
  for (auto& [session, cursor] : cursors) ended.push_back(std::move(cursor));
  for (Cursor& cursor : ended) {
    if (cursor.subscription >= 0) cursor.log->Unsubscribe(cursor.subscription);
  }
  delete this;
}

}  // namespace lilac
