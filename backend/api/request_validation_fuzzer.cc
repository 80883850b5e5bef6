// Fuzzes the API request validators: the first byte picks a request type, the
// rest is parsed as that message (as gRPC would) and validated.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "backend/api/request_validation.h"
#include "google/protobuf/stubs/logging.h"
#include "lilac/v1/lilac.pb.h"

namespace lilac {
namespace {

template <typename Request>
void ParseAndValidate(const uint8_t* data, size_t size) {
  Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  const absl::Status status = Validate(request);
  // Every refusal is INVALID_ARGUMENT and says why.
  if (!status.ok() && (status.code() != absl::StatusCode::kInvalidArgument ||
                       status.message().empty())) {
    std::abort();
  }
}

// A message after the first of SendFile's stream, `received` of `total` bytes
// into the file (both from the input's first 16 bytes).
void ParseAndValidateChunk(const uint8_t* data, size_t size) {
  if (size < 16) return;
  uint64_t received;
  uint64_t total;
  std::memcpy(&received, data, sizeof(received));
  std::memcpy(&total, data + 8, sizeof(total));
  if (received > total) std::swap(received, total);  // as a call keeps them
  v1::SendFileRequest request;
  if (!request.ParseFromArray(data + 16, static_cast<int>(size - 16))) return;
  const absl::Status status = ValidateFileChunk(request, received, total);
  if (!status.ok() && (status.code() != absl::StatusCode::kInvalidArgument ||
                       status.message().empty())) {
    std::abort();
  }
}

using Validator = void (*)(const uint8_t*, size_t);

constexpr Validator kValidators[] = {
    ParseAndValidate<v1::LoginRequest>,
    ParseAndValidate<v1::LogoutRequest>,
    ParseAndValidate<v1::GetSessionRequest>,
    ParseAndValidate<v1::SetStatusRequest>,
    ParseAndValidate<v1::ListBuddiesRequest>,
    ParseAndValidate<v1::AddBuddyRequest>,
    ParseAndValidate<v1::RemoveBuddyRequest>,
    ParseAndValidate<v1::UpdateBuddyRequest>,
    ParseAndValidate<v1::SetBuddyBlockedRequest>,
    ParseAndValidate<v1::GetBuddyIconRequest>,
    ParseAndValidate<v1::AnswerAuthorizationRequest>,
    ParseAndValidate<v1::SendMessageRequest>,
    ParseAndValidate<v1::SendTypingRequest>,
    ParseAndValidate<v1::SendAttentionRequest>,
    ParseAndValidate<v1::MarkReadRequest>,
    ParseAndValidate<v1::ListChatFieldsRequest>,
    ParseAndValidate<v1::JoinChatRequest>,
    ParseAndValidate<v1::LeaveChatRequest>,
    ParseAndValidate<v1::SendChatMessageRequest>,
    ParseAndValidate<v1::SetChatSubjectRequest>,
    ParseAndValidate<v1::AnswerChatInvitationRequest>,
    ParseAndValidate<v1::ListChatsRequest>,
    ParseAndValidate<v1::GetCapabilitiesRequest>,
    ParseAndValidate<v1::GetUserInfoRequest>,
    ParseAndValidate<v1::SetProfileRequest>,
    ParseAndValidate<v1::AnswerRequestRequest>,
    ParseAndValidate<v1::CancelRequestRequest>,
    ParseAndValidate<v1::FetchFileRequest>,
    ParseAndValidate<v1::SendFileRequest>,
    ParseAndValidate<v1::StreamEventsRequest>,
    ParseAndValidateChunk,
};

}  // namespace
}  // namespace lilac

// Parsing invalid UTF-8 in string fields is an expected failure; protobuf's
// log line for each would slow fuzzing a hundredfold.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr size_t kCount =
      sizeof(lilac::kValidators) / sizeof(lilac::kValidators[0]);
  lilac::kValidators[data[0] % kCount](data + 1, size - 1);
  return 0;
}
