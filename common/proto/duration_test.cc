#include "common/proto/duration.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac {
namespace {

using ::testing::HasSubstr;

google::protobuf::Duration Make(int64_t seconds, int32_t nanos) {
  google::protobuf::Duration duration;
  duration.set_seconds(seconds);
  duration.set_nanos(nanos);
  return duration;
}

TEST(ProtoDuration, ConvertsBothWays) {
  EXPECT_EQ(FromProtoDuration(Make(1, 500000000)), absl::Milliseconds(1500));
  const google::protobuf::Duration proto =
      ToProtoDuration(absl::Milliseconds(2250));
  EXPECT_EQ(proto.seconds(), 2);
  EXPECT_EQ(proto.nanos(), 250000000);
}

TEST(ProtoDuration, ZeroMeansTheDefault) {
  EXPECT_TRUE(
      CheckProtoDuration("x", Make(0, 0), absl::Seconds(1), absl::Hours(1))
          .ok());
}

TEST(ProtoDuration, RefusesOutOfBoundsAndMalformed) {
  const absl::Duration min = absl::Seconds(1), max = absl::Hours(1);
  EXPECT_TRUE(CheckProtoDuration("x", Make(1, 0), min, max).ok());
  EXPECT_TRUE(CheckProtoDuration("x", Make(3600, 0), min, max).ok());
  absl::Status low = CheckProtoDuration("heartbeat", Make(0, 5), min, max);
  EXPECT_EQ(low.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(low.message(), HasSubstr("heartbeat must be from 1s to 1h"));
  EXPECT_FALSE(CheckProtoDuration("x", Make(3601, 0), min, max).ok());
  EXPECT_FALSE(CheckProtoDuration("x", Make(-5, 0), min, max).ok());
  EXPECT_FALSE(CheckProtoDuration("x", Make(5, -1), min, max).ok());
  EXPECT_FALSE(CheckProtoDuration("x", Make(5, 1000000000), min, max).ok());
}

}  // namespace
}  // namespace lilac
