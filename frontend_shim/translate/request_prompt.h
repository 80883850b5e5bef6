#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_REQUEST_PROMPT_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_REQUEST_PROMPT_H_

#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "lilac/v1/lilac.pb.h"

namespace lilac::shim {

// Interactive requests (2FA codes, captchas, confirmations: lilac's
// RequestOpened) reach the XMPP user as chat messages from a helper contact,
// whatever their language or wording; the user answers by replying.

// The message text that shows `request` and says how to answer it.
std::string FormatRequest(const v1::RequestOpened& request);

// A reply meant to cancel the request.
struct CancelAnswer {};

// Reads the user's reply to `request` as an answer (request id and session
// are left for the caller) or a cancel; an error explains what was expected.
absl::StatusOr<std::variant<v1::AnswerRequestRequest, CancelAnswer>>
ParseRequestReply(const v1::RequestOpened& request, const std::string& reply);

// A reply may start with "#<id> " to pick one of several open requests.
// Returns the id (0 when absent) and the rest of the reply.
std::pair<uint64_t, std::string> SplitRequestId(const std::string& reply);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_REQUEST_PROMPT_H_
