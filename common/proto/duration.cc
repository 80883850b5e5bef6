#include "common/proto/duration.h"

#include "absl/strings/str_cat.h"

namespace lilac {

absl::Duration FromProtoDuration(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) +
         absl::Nanoseconds(duration.nanos());
}

google::protobuf::Duration ToProtoDuration(absl::Duration duration) {
  google::protobuf::Duration proto;
  const int64_t seconds =
      absl::IDivDuration(duration, absl::Seconds(1), &duration);
  proto.set_seconds(seconds);
  proto.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(duration)));
  return proto;
}

absl::Status CheckProtoDuration(absl::string_view field,
                                const google::protobuf::Duration& duration,
                                absl::Duration min, absl::Duration max) {
  if (duration.seconds() == 0 && duration.nanos() == 0) return absl::OkStatus();
  // The well-known type's own rules: nanos within a second, same sign.
  const bool valid = duration.nanos() > -1000000000 &&
                     duration.nanos() < 1000000000 &&
                     !(duration.seconds() > 0 && duration.nanos() < 0) &&
                     !(duration.seconds() < 0 && duration.nanos() > 0);
  const absl::Duration value = FromProtoDuration(duration);
  if (!valid || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be from ", absl::FormatDuration(min), " to ",
        absl::FormatDuration(max), " (or absent for the default)"));
  }
  return absl::OkStatus();
}

}  // namespace lilac
