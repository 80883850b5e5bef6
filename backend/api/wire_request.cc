#include "backend/api/wire_request.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/support/slice.h"

namespace lilac {
namespace {

// protobuf names the field it rejects only in its log; this thread's parse
// listens to it.
thread_local std::string* parse_complaint = nullptr;

void CaptureComplaint(google::protobuf::LogLevel level, const char* filename,
                      int line, const std::string& message) {
  if (parse_complaint != nullptr) {
    *parse_complaint = message;
    return;
  }
  // Anything else protobuf logs keeps going to stderr, as by default.
  static const char* const kLevels[] = {"INFO", "WARNING", "ERROR", "FATAL"};
  fprintf(stderr, "[libprotobuf %s %s:%d] %s\n", kLevels[level], filename, line,
          message.c_str());
}

struct InstallLogHandler {
  InstallLogHandler() { google::protobuf::SetLogHandler(CaptureComplaint); }
};

}  // namespace

absl::Status ParseWireRequest(const grpc::ByteBuffer& wire,
                              google::protobuf::Message* message) {
  static InstallLogHandler installed;
  std::vector<grpc::Slice> slices;
  if (!wire.Dump(&slices).ok()) {
    return absl::InvalidArgumentError("the request's bytes cannot be read");
  }
  std::string bytes;
  bytes.reserve(wire.Length());
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  std::string complaint;
  parse_complaint = &complaint;
  const bool parsed = message->ParseFromString(bytes);
  parse_complaint = nullptr;
  if (parsed) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("not a valid ", message->GetDescriptor()->full_name(),
                   complaint.empty() ? "" : ": ", complaint,
                   complaint.empty() ? " (string fields must be UTF-8)" : ""));
}

absl::Status SerializeWireResponse(const google::protobuf::Message& message,
                                   grpc::ByteBuffer* wire) {
  std::string bytes;
  if (!message.SerializeToString(&bytes)) {
    return absl::InternalError("response cannot be serialized");
  }
  grpc::Slice slice(bytes);
  *wire = grpc::ByteBuffer(&slice, 1);
  return absl::OkStatus();
}

}  // namespace lilac
