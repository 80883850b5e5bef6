#include "backend/api/file_calls.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backend/api/grpc_status.h"
#include "backend/api/request_validation.h"
#include "backend/api/wire_request.h"
#include "backend/host/api_limits.h"

namespace lilac {

SendFileCall::SendFileCall(grpc::CallbackServerContext* context,
                           HostCommands* host, grpc::ByteBuffer* wire_response)
    : context_(context), host_(host), wire_response_(wire_response) {
  StartRead(&wire_);
}

void SendFileCall::OnReadDone(bool ok) {
  // The first message's bytes are written here, on the call's thread.
  if (!first_bytes_.empty()) {
    absl::Status written = upload_->Append(first_bytes_);
    first_bytes_.clear();
    if (!written.ok()) return Fail(written);
  }
  if (!ok) return OnStreamEnd();
  v1::SendFileRequest part;
  if (absl::Status parsed = ParseWireRequest(wire_, &part); !parsed.ok()) {
    return Fail(parsed);
  }
  if (header_ == nullptr) return OnHeader(std::move(part));
  if (absl::Status valid =
          ValidateFileChunk(part, upload_->size(), header_->size());
      !valid.ok()) {
    return Fail(valid);
  }
  if (absl::Status written = upload_->Append(part.data()); !written.ok()) {
    return Fail(written);
  }
  StartRead(&wire_);
}

void SendFileCall::OnHeader(v1::SendFileRequest header) {
  if (absl::Status valid = Validate(header); !valid.ok()) return Fail(valid);
  first_bytes_ = std::move(*header.mutable_data());
  header.clear_data();
  header_ = std::make_unique<v1::SendFileRequest>(std::move(header));
  // Refused before the client sends the rest, if the session cannot send it.
  host_->StartUpload(
      *header_, [this](absl::StatusOr<std::unique_ptr<PartialUpload>> upload) {
        if (!upload.ok()) return Fail(upload.status());
        upload_ = std::move(*upload);
        StartRead(&wire_);
      });
}

void SendFileCall::OnStreamEnd() {
  if (context_->IsCancelled()) {
    return Fail(absl::CancelledError("SendFile cancelled by the client"));
  }
  if (header_ == nullptr) {
    return Fail(absl::InvalidArgumentError(
        "the stream ended before its first message"));
  }
  if (upload_->size() < header_->size()) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("the stream ended after ", upload_->size(), " of ",
                     header_->size(), " bytes")));
  }
  if (absl::Status closed = upload_->Close(); !closed.ok()) {
    return Fail(closed);
  }
  host_->SendFile(*header_, std::move(upload_),
                  [this](absl::StatusOr<v1::SendFileResponse> sent) {
                    absl::Status status = sent.status();
                    if (status.ok())
                      status = SerializeWireResponse(*sent, wire_response_);
                    Finish(ToGrpcStatus(status));
                  });
}

void SendFileCall::Fail(const absl::Status& status) {
  // Nothing was offered. The bytes go before the client hears of it, so a
  // refused upload leaves nothing on disk by then.
  upload_.reset();
  Finish(ToGrpcStatus(status));
}

FetchFileCall::FetchFileCall(HostCommands* host,
                             const v1::FetchFileRequest& request)
    : host_(host), request_(request) {
  if (absl::Status valid = Validate(request_); !valid.ok()) {
    Finish(ToGrpcStatus(valid));
    return;
  }
  host_->OpenFetchedFile(request_, [this](absl::StatusOr<SpooledFile> opened) {
    if (!opened.ok()) {
      Finish(ToGrpcStatus(opened.status()));
      return;
    }
    OnOpened(std::move(*opened));
  });
}

FetchFileCall::~FetchFileCall() {
  if (file_.fd >= 0) close(file_.fd);
}

void FetchFileCall::OnOpened(SpooledFile opened) {
  file_ = std::move(opened);
  WriteNext();
}

void FetchFileCall::OnWriteDone(bool ok) {
  if (!ok) {
    // The client went away: the file stays for another fetch.
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
    return;
  }
  WriteNext();
}

void FetchFileCall::WriteNext() {
  if (!first_ && offset_ == file_.size) {
    host_->ForgetFetchedFile(request_, [this] { Finish(grpc::Status::OK); });
    return;
  }
  v1::FetchFileResponse message;
  if (first_) {
    message.set_filename(file_.filename);
    message.set_mime_type(file_.mime_type);
    message.set_size(file_.size);
    first_ = false;
  }
  message.set_offset(offset_);
  std::string& data = *message.mutable_data();
  data.resize(std::min<uint64_t>(kMaxFileChunkBytes, file_.size - offset_));
  size_t filled = 0;
  while (filled < data.size()) {
    const ssize_t got = pread(file_.fd, data.data() + filled,
                              data.size() - filled, offset_ + filled);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      Finish(ToGrpcStatus(absl::InternalError(absl::StrCat(
          "cannot read file ", request_.transfer_id(), ": ",
          got < 0 ? std::strerror(errno) : "it is shorter than it was"))));
      return;
    }
    filled += got;
  }
  offset_ += data.size();
  if (absl::Status serialized = SerializeWireResponse(message, &wire_);
      !serialized.ok()) {
    Finish(ToGrpcStatus(serialized));
    return;
  }
  StartWrite(&wire_);
}

}  // namespace lilac
