#include "backend/worker/channel_sink.h"

#include "backend/worker/worker_wire.pb.h"

namespace lilac::worker {

// A failed write means lilacd is gone: the worker's reader sees the channel
// end and shuts the worker down, so nothing is kept here.

absl::Status ChannelSink::OpenSession(const v1::Session& session) {
  {
    absl::MutexLock lock(&mutex_);
    if (!open_.insert(session.session()).second) {
      return absl::AlreadyExistsError("session " + session.session() +
                                      " already exists");
    }
  }
  FromWorker message;
  message.mutable_session_opened()->set_session(session.SerializeAsString());
  channel_->Write(message).IgnoreError();
  return absl::OkStatus();
}

void ChannelSink::Emit(const std::string& session, v1::Event event) {
  FromWorker message;
  SessionEvent* out = message.mutable_event();
  out->set_session(session);
  out->set_event(event.SerializeAsString());
  channel_->Write(message).IgnoreError();
}

void ChannelSink::CloseSession(const std::string& session) {
  {
    absl::MutexLock lock(&mutex_);
    open_.erase(session);
  }
  FromWorker message;
  message.mutable_session_closed()->set_session(session);
  channel_->Write(message).IgnoreError();
}

}  // namespace lilac::worker
