#ifndef LILAC_TESTING_FAKE_PRPL_FRAME_CODEC_H_
#define LILAC_TESTING_FAKE_PRPL_FRAME_CODEC_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"

namespace lilac::testing::fake {

// Largest frame payload either side accepts (avatars and images fit).
inline constexpr size_t kMaxFramePayload = 4 << 20;

// A 4-byte big-endian length followed by the serialized message.
std::string EncodeFrame(const google::protobuf::MessageLite& message);

// Splits a byte stream into frame payloads.
class FrameReader {
 public:
  void Append(absl::string_view bytes);

  // The next complete payload, nullopt until one is complete, or
  // RESOURCE_EXHAUSTED when the announced length exceeds kMaxFramePayload
  // (the stream cannot be resynchronised after that).
  absl::StatusOr<std::optional<std::string>> Next();

 private:
  std::string buffer_;
  size_t consumed_ = 0;
};

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_FRAME_CODEC_H_
