#ifndef LILAC_BACKEND_HOST_API_LIMITS_H_
#define LILAC_BACKEND_HOST_API_LIMITS_H_

#include <cstddef>

#include "absl/time/time.h"

namespace lilac {

// Sizes lilacd takes in requests: checked when a request arrives and reported
// by GetCapabilities.
constexpr size_t kMaxNameBytes = 1024;
constexpr size_t kMaxMessageBytes = 1 << 20;
constexpr size_t kMaxFileBytes = 64 << 20;
// The most bytes of a file in one message of SendFile or FetchFile.
constexpr size_t kMaxFileChunkBytes = 1 << 20;
// How long SetChatSubject and ListChats wait when the request names no
// timeout.
constexpr absl::Duration kDefaultSubjectTimeout = absl::Seconds(10);
constexpr absl::Duration kDefaultChatListTimeout = absl::Seconds(30);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_API_LIMITS_H_
