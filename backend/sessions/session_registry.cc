#include "backend/sessions/session_registry.h"

#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"

namespace lilac {

namespace {

std::string NewInstanceId() {
  absl::BitGen random;
  return absl::StrCat(
      absl::Hex(absl::Uniform<uint64_t>(random), absl::kZeroPad16),
      absl::Hex(absl::Uniform<uint64_t>(random), absl::kZeroPad16));
}

}  // namespace

SessionRegistry::SessionRegistry(size_t events_per_session)
    : events_per_session_(events_per_session), instance_id_(NewInstanceId()) {}

absl::Status SessionRegistry::OpenSession(const v1::Session& session) {
  std::shared_ptr<EventLog> log;
  {
    absl::MutexLock lock(&mutex_);
    if (sessions_.count(session.session())) {
      return absl::AlreadyExistsError(
          absl::StrCat("session ", session.session(), " already exists"));
    }
    uint64_t first_sequence = 1;
    if (auto closed = closed_last_sequence_.find(session.session());
        closed != closed_last_sequence_.end()) {
      first_sequence = closed->second + 1;
    }
    log = std::make_shared<EventLog>(session.session(), events_per_session_,
                                     first_sequence);
    sessions_.emplace(session.session(), Entry{session, log});
    // The new session's log is the one found under its key now.
    for (auto it = closed_logs_.begin(); it != closed_logs_.end(); ++it) {
      if ((*it)->session() == session.session()) {
        closed_logs_.erase(it);
        break;
      }
    }
  }
  absl::MutexLock lock(&subscribers_mutex_);
  for (auto& [id, on_open] : subscribers_) on_open(log);
  return absl::OkStatus();
}

void SessionRegistry::Emit(const std::string& session, v1::Event event) {
  std::shared_ptr<EventLog> log;
  {
    absl::MutexLock lock(&mutex_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    log = it->second.log;
    if (event.has_connection_changed()) {
      const v1::ConnectionChanged& change = event.connection_changed();
      it->second.session.set_state(change.state());
      if (!change.display_name().empty()) {
        it->second.session.set_display_name(change.display_name());
      }
    }
  }
  log->Append(std::move(event));
}

void SessionRegistry::CloseSession(const std::string& session) {
  std::shared_ptr<EventLog> log;
  {
    absl::MutexLock lock(&mutex_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    log = std::move(it->second.log);
    sessions_.erase(it);
  }
  v1::Event ended;
  ended.mutable_session_ended();
  const uint64_t last = log->Append(std::move(ended));
  absl::MutexLock lock(&mutex_);
  closed_last_sequence_[log->session()] = last;
  if (!sessions_.count(log->session())) {
    closed_logs_.push_back(std::move(log));
    if (closed_logs_.size() > kClosedLogsKept) closed_logs_.pop_front();
  }
}

absl::StatusOr<v1::Session> SessionRegistry::Get(
    const std::string& session) const {
  absl::MutexLock lock(&mutex_);
  auto it = sessions_.find(session);
  if (it == sessions_.end()) {
    return absl::NotFoundError(absl::StrCat("no session ", session));
  }
  v1::Session result = it->second.session;
  result.set_last_sequence(it->second.log->last_sequence());
  return result;
}

std::vector<v1::Session> SessionRegistry::List() const {
  absl::MutexLock lock(&mutex_);
  std::vector<v1::Session> result;
  result.reserve(sessions_.size());
  for (const auto& [key, entry] : sessions_) {
    result.push_back(entry.session);
    result.back().set_last_sequence(entry.log->last_sequence());
  }
  return result;
}

std::shared_ptr<EventLog> SessionRegistry::FindLog(
    const std::string& session) const {
  absl::MutexLock lock(&mutex_);
  auto it = sessions_.find(session);
  if (it != sessions_.end()) return it->second.log;
  for (auto closed = closed_logs_.rbegin(); closed != closed_logs_.rend();
       ++closed) {
    if ((*closed)->session() == session) return *closed;
  }
  return nullptr;
}

std::vector<std::shared_ptr<EventLog>> SessionRegistry::AllLogs() const {
  absl::MutexLock lock(&mutex_);
  std::vector<std::shared_ptr<EventLog>> logs;
  logs.reserve(sessions_.size());
  for (const auto& [key, entry] : sessions_) logs.push_back(entry.log);
  return logs;
}

int SessionRegistry::SubscribeToOpenedSessions(
    std::function<void(std::shared_ptr<EventLog>)> on_open) {
  absl::MutexLock lock(&subscribers_mutex_);
  const int id = next_subscription_++;
  subscribers_[id] = std::move(on_open);
  return id;
}

void SessionRegistry::UnsubscribeFromOpenedSessions(int subscription) {
  absl::MutexLock lock(&subscribers_mutex_);
  subscribers_.erase(subscription);
}

}  // namespace lilac
