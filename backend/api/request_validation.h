#ifndef LILAC_BACKEND_API_REQUEST_VALIDATION_H_
#define LILAC_BACKEND_API_REQUEST_VALIDATION_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "backend/host/api_limits.h"
#include "lilac/v1/lilac.pb.h"

namespace lilac {

// Checks what a request must have before it reaches libpurple: required names
// present, sizes within bounds, enums set. Everything else (does the session
// exist, is the buddy known) is checked by the host. Errors are
// INVALID_ARGUMENT and name the field.
// Sizes: see api_limits.h.
// LoginRequest.connect_timeout; absent or zero is the host's default.
constexpr absl::Duration kMaxConnectTimeout = absl::Hours(1);
// ReconnectPolicy's delays; absent or zero are the defaults.
constexpr absl::Duration kMinReconnectDelay = absl::Milliseconds(100);
constexpr absl::Duration kMaxReconnectDelay = absl::Hours(1);
// LoginRequest.saved_settings: how many, and the largest string value.
constexpr int kMaxSavedSettings = 256;
// SetChatSubjectRequest.timeout and ListChatsRequest.timeout: bounds (the
// defaults are in api_limits.h).
constexpr absl::Duration kMinWaitTimeout = absl::Seconds(1);
constexpr absl::Duration kMaxWaitTimeout = absl::Minutes(5);
constexpr size_t kMaxSavedSettingBytes = 64 << 10;

absl::Status Validate(const v1::ListProtocolsRequest& request);
absl::Status Validate(const v1::ListPluginsRequest& request);
absl::Status Validate(const v1::ListSessionsRequest& request);
absl::Status Validate(const v1::LoginRequest& request);
absl::Status Validate(const v1::LoadPluginRequest& request);
absl::Status Validate(const v1::LogoutRequest& request);
absl::Status Validate(const v1::GetSessionRequest& request);
absl::Status Validate(const v1::SetStatusRequest& request);
absl::Status Validate(const v1::ListBuddiesRequest& request);
absl::Status Validate(const v1::AddBuddyRequest& request);
absl::Status Validate(const v1::RemoveBuddyRequest& request);
absl::Status Validate(const v1::UpdateBuddyRequest& request);
absl::Status Validate(const v1::SetBuddyBlockedRequest& request);
absl::Status Validate(const v1::GetBuddyIconRequest& request);
absl::Status Validate(const v1::AnswerAuthorizationRequest& request);
absl::Status Validate(const v1::SendMessageRequest& request);
absl::Status Validate(const v1::SendTypingRequest& request);
absl::Status Validate(const v1::SendAttentionRequest& request);
absl::Status Validate(const v1::MarkReadRequest& request);
absl::Status Validate(const v1::ListChatFieldsRequest& request);
absl::Status Validate(const v1::JoinChatRequest& request);
absl::Status Validate(const v1::LeaveChatRequest& request);
absl::Status Validate(const v1::SendChatMessageRequest& request);
absl::Status Validate(const v1::SetChatSubjectRequest& request);
absl::Status Validate(const v1::AnswerChatInvitationRequest& request);
absl::Status Validate(const v1::ListChatsRequest& request);
absl::Status Validate(const v1::GetCapabilitiesRequest& request);
absl::Status Validate(const v1::GetUserInfoRequest& request);
absl::Status Validate(const v1::SetProfileRequest& request);
absl::Status Validate(const v1::AnswerRequestRequest& request);
absl::Status Validate(const v1::CancelRequestRequest& request);
absl::Status Validate(const v1::FetchFileRequest& request);
// The first message of SendFile's stream: where the file goes, its size, and
// its first bytes (if any).
absl::Status Validate(const v1::SendFileRequest& request);
// A message of SendFile's stream, after `received` of `size` bytes came:
// data only, at the right offset, within size (`first` for the first
// message, which also carries the header).
absl::Status ValidateFileChunk(const v1::SendFileRequest& request,
                               uint64_t received, uint64_t size,
                               bool first = false);
// StreamEventsRequest.heartbeat_interval's bounds; absent or zero is 30 s.
constexpr absl::Duration kMinHeartbeatInterval = absl::Seconds(1);
constexpr absl::Duration kMaxHeartbeatInterval = absl::Hours(1);
// Whether StreamEventsRequest.omit may name `kind` (every kind but the gap and
// the session's end, which a client must always see).
bool CanBeOmitted(int kind);
absl::Status Validate(const v1::StreamEventsRequest& request);

}  // namespace lilac

#endif  // LILAC_BACKEND_API_REQUEST_VALIDATION_H_
