#include "backend/worker/worker_server.h"

#include <unistd.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace lilac::worker {

WorkerServer::WorkerServer(FrameChannel* channel, InProcessHost* host)
    : channel_(channel), host_(host) {
#define LILAC_SERVE_HOST_COMMAND(Name) Serve(&HostCommands::Name);
  LILAC_HOST_COMMANDS(LILAC_SERVE_HOST_COMMAND)
#undef LILAC_SERVE_HOST_COMMAND
  ServeFiles();
}

template <typename Request, typename Response>
void WorkerServer::Serve(void (HostCommands::*command)(
    const Request&, HostCommands::Done<Response>)) {
  std::string name = Request::descriptor()->name();
  if (!absl::EndsWith(name, "Request")) {
    log::Fatal("worker", "not a request type: " + name);
  }
  name.resize(name.size() - 7);
  handlers_[name] = [this, command](const Call& call) {
    Request request;
    if (!request.ParseFromString(call.request())) {
      return Reply(call.id(),
                   absl::InvalidArgumentError("malformed " +
                                              Request::descriptor()->name()));
    }
    const uint64_t id = call.id();
    (host_->*command)(request, [this, id](absl::StatusOr<Response> result) {
      if (!result.ok()) return Reply(id, result.status());
      Reply(id, *result);
    });
  };
}

void WorkerServer::ServeFiles() {
  handlers_["OpenFetchedFile"] = [this](const Call& call) {
    v1::FetchFileRequest request;
    request.ParseFromString(call.request());
    const uint64_t id = call.id();
    host_->OpenFetchedFile(
        request, [this, id](absl::StatusOr<SpooledFile> file) {
          if (!file.ok()) return Reply(id, file.status());
          FromWorker message;
          lilac::worker::Reply* reply = message.mutable_reply();
          reply->set_id(id);
          reply->set_filename(file->filename);
          reply->set_mime_type(file->mime_type);
          reply->set_size(file->size);
          Write(message, file->fd);
          close(file->fd);
        });
  };
  handlers_["ForgetFetchedFile"] = [this](const Call& call) {
    v1::FetchFileRequest request;
    request.ParseFromString(call.request());
    const uint64_t id = call.id();
    host_->ForgetFetchedFile(request,
                             [this, id] { Reply(id, absl::OkStatus()); });
  };
  handlers_["StartUpload"] = [this](const Call& call) {
    v1::SendFileRequest header;
    header.ParseFromString(call.request());
    const uint64_t id = call.id();
    host_->StartUpload(
        header,
        [this, id](absl::StatusOr<std::unique_ptr<PartialUpload>> upload) {
          if (!upload.ok()) return Reply(id, upload.status());
          const int fd = (*upload)->fd();
          {
            absl::MutexLock lock(&mutex_);
            uploads_[id] = *std::move(upload);
          }
          // lilacd writes the bytes through its duplicate of the descriptor.
          FromWorker message;
          message.mutable_reply()->set_id(id);
          Write(message, fd);
        });
  };
  handlers_["ForgetUpload"] = [this](const Call& call) {
    absl::MutexLock lock(&mutex_);
    uploads_.erase(call.upload());
  };
  handlers_["SendFile"] = [this](const Call& call) {
    v1::SendFileRequest header;
    header.ParseFromString(call.request());
    std::unique_ptr<PartialUpload> upload;
    {
      absl::MutexLock lock(&mutex_);
      auto it = uploads_.find(call.upload());
      if (it != uploads_.end()) {
        upload = std::move(it->second);
        uploads_.erase(it);
      }
    }
    if (upload == nullptr) {
      return Reply(call.id(),
                   absl::FailedPreconditionError("no such staged file"));
    }
    if (absl::Status closed = upload->Close(); !closed.ok()) {
      return Reply(call.id(), closed);
    }
    const uint64_t id = call.id();
    host_->SendFile(header, std::move(upload),
                    [this, id](absl::StatusOr<v1::SendFileResponse> sent) {
                      if (!sent.ok()) return Reply(id, sent.status());
                      Reply(id, *sent);
                    });
  };
}

void WorkerServer::Handle(const ToWorker& message) {
  switch (message.kind_case()) {
    case ToWorker::kCall: {
      auto handler = handlers_.find(message.call().method());
      if (handler == handlers_.end()) {
        return Reply(message.call().id(),
                     absl::UnimplementedError("the worker has no method " +
                                              message.call().method()));
      }
      handler->second(message.call());
      return;
    }
    case ToWorker::kPing: {
      const uint64_t id = message.ping().id();
      host_->Heartbeat([this, id] {
        FromWorker pong;
        pong.set_pong(id);
        Write(pong);
      });
      return;
    }
    case ToWorker::kHoldNetwork:
      host_->HoldNetwork(message.hold_network());
      return;
    case ToWorker::kStart:
    case ToWorker::KIND_NOT_SET:
      log::Error("worker", "unexpected frame from lilacd, ignored");
      return;
  }
}

void WorkerServer::Reply(uint64_t id, const absl::Status& status) {
  FromWorker message;
  lilac::worker::Reply* reply = message.mutable_reply();
  reply->set_id(id);
  reply->set_code(static_cast<int>(status.code()));
  reply->set_message(std::string(status.message()));
  Write(message);
}

void WorkerServer::Reply(uint64_t id, const google::protobuf::Message& response,
                         int pass_fd) {
  FromWorker message;
  lilac::worker::Reply* reply = message.mutable_reply();
  reply->set_id(id);
  reply->set_response(response.SerializeAsString());
  Write(message, pass_fd);
}

void WorkerServer::Write(const FromWorker& message, int pass_fd) {
  // Fails only once lilacd is gone; the reader then ends the worker.
  channel_->Write(message, pass_fd).IgnoreError();
}

}  // namespace lilac::worker
