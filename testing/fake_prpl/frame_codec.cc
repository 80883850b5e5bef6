#include "testing/fake_prpl/frame_codec.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace lilac::testing::fake {

std::string EncodeFrame(const google::protobuf::MessageLite& message) {
  const std::string payload = message.SerializeAsString();
  const uint32_t size = payload.size();
  std::string frame = {static_cast<char>(size >> 24),
                       static_cast<char>(size >> 16),
                       static_cast<char>(size >> 8), static_cast<char>(size)};
  frame += payload;
  return frame;
}

void FrameReader::Append(absl::string_view bytes) {
  // Drop what was consumed before growing, so the buffer stays small.
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes.data(), bytes.size());
}

absl::StatusOr<std::optional<std::string>> FrameReader::Next() {
  const size_t available = buffer_.size() - consumed_;
  if (available < 4) return std::nullopt;
  const auto* head =
      reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
  const uint32_t size = (uint32_t{head[0]} << 24) | (uint32_t{head[1]} << 16) |
                        (uint32_t{head[2]} << 8) | uint32_t{head[3]};
  if (size > kMaxFramePayload) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "frame of ", size, " bytes exceeds the limit of ", kMaxFramePayload));
  }
  if (available - 4 < size) return std::nullopt;
  std::string payload = buffer_.substr(consumed_ + 4, size);
  consumed_ += 4 + size;
  return payload;
}

}  // namespace lilac::testing::fake
