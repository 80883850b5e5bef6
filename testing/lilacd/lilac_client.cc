#include "testing/lilacd/lilac_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace lilac::testing {

LilacClient::LilacClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::LilacService::NewStub(channel)) {
  reader_ = std::thread([this] { ReadEvents(); });
}

LilacClient::~LilacClient() {
  stream_context_.TryCancel();
  reader_.join();
}

void LilacClient::ReadEvents() {
  v1::StreamEventsRequest request;
  request.set_all_sessions(true);
  std::unique_ptr<grpc::ClientReader<v1::StreamEventsResponse>> reader =
      stub_->StreamEvents(&stream_context_, request);
  v1::Event event;
  while (ReadEvent(*reader, &event)) {
    absl::MutexLock lock(&mutex_);
    events_.push_back(event);
  }
  reader->Finish().IgnoreError();
  absl::MutexLock lock(&mutex_);
  stream_ended_ = true;
}

absl::StatusOr<v1::Event> LilacClient::WaitFor(
    std::function<bool(const v1::Event&)> predicate, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mutex_);
  size_t scanned = next_;
  while (true) {
    for (; scanned < events_.size(); ++scanned) {
      if (predicate(events_[scanned])) {
        next_ = scanned + 1;
        return events_[scanned];
      }
    }
    if (stream_ended_) {
      return absl::UnavailableError("the event stream ended");
    }
    seen_ = scanned;
    if (!mutex_.AwaitWithDeadline(
            absl::Condition(this, &LilacClient::HasUnseenEvents), deadline)) {
      std::string unmatched;
      for (size_t i = next_; i < events_.size(); ++i) {
        absl::StrAppend(&unmatched, "\n  ", events_[i].ShortDebugString());
      }
      return absl::DeadlineExceededError(absl::StrCat(
          "no matching event within ", absl::FormatDuration(timeout),
          "; unmatched events:", unmatched));
    }
  }
}

bool LilacClient::HasUnseenEvents() const {
  return events_.size() > seen_ || stream_ended_;
}

std::vector<v1::Event> LilacClient::Events() const {
  absl::MutexLock lock(&mutex_);
  return events_;
}

std::unique_ptr<grpc::ClientContext> LilacClient::Context(
    absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(timeout));
  return context;
}

bool ReadEvent(grpc::ClientReaderInterface<v1::StreamEventsResponse>& reader,
               v1::Event* event) {
  v1::StreamEventsResponse message;
  while (reader.Read(&message)) {
    if (message.has_event()) {
      *event = std::move(*message.mutable_event());
      return true;
    }
  }
  return false;
}

std::function<bool(const v1::Event&)> ConnectionIs(const std::string& session,
                                                   v1::ConnectionState state) {
  return [session, state](const v1::Event& event) {
    return event.session() == session && event.has_connection_changed() &&
           event.connection_changed().state() == state;
  };
}

std::function<bool(const v1::Event&)> EventOf(const std::string& session,
                                              v1::Event::KindCase kind) {
  return [session, kind](const v1::Event& event) {
    return event.session() == session && event.kind_case() == kind;
  };
}

}  // namespace lilac::testing
