#ifndef LILAC_COMMON_PROTO_DURATION_H_
#define LILAC_COMMON_PROTO_DURATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"

namespace lilac {

// google.protobuf.Duration <-> absl::Duration, for the API's durations.
absl::Duration FromProtoDuration(const google::protobuf::Duration& duration);
google::protobuf::Duration ToProtoDuration(absl::Duration duration);

// OK if `duration` is zero (the API's "use the default") or a valid duration
// from `min` to `max`; otherwise INVALID_ARGUMENT naming `field` and the
// bounds.
absl::Status CheckProtoDuration(absl::string_view field,
                                const google::protobuf::Duration& duration,
                                absl::Duration min, absl::Duration max);

}  // namespace lilac

#endif  // LILAC_COMMON_PROTO_DURATION_H_
