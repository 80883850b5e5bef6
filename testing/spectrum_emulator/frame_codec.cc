#include "testing/spectrum_emulator/frame_codec.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace lilac::spectrum {

std::string EncodeFrameBody(absl::string_view body) {
  const uint32_t size = static_cast<uint32_t>(body.size());
  std::string frame;
  frame.reserve(kFrameHeaderSize + body.size());
  frame.push_back(static_cast<char>((size >> 24) & 0xff));
  frame.push_back(static_cast<char>((size >> 16) & 0xff));
  frame.push_back(static_cast<char>((size >> 8) & 0xff));
  frame.push_back(static_cast<char>(size & 0xff));
  frame.append(body.data(), body.size());
  return frame;
}

std::string EncodeFrame(const pbnetwork::WrapperMessage& wrapper) {
  // SerializePartial: tests may deliberately send frames that lack a
  // required field.
  return EncodeFrameBody(wrapper.SerializePartialAsString());
}

absl::StatusOr<std::optional<std::string>> FrameSplitter::Next() {
  const size_t available = buffer_.size() - consumed_;
  if (available < kFrameHeaderSize) return std::nullopt;
  const auto* header =
      reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
  const size_t size = (static_cast<uint32_t>(header[0]) << 24) |
                      (static_cast<uint32_t>(header[1]) << 16) |
                      (static_cast<uint32_t>(header[2]) << 8) |
                      static_cast<uint32_t>(header[3]);
  if (size > max_frame_size_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "frame of ", size, " bytes is over the limit of ", max_frame_size_));
  }
  if (available - kFrameHeaderSize < size) return std::nullopt;
  std::string body = buffer_.substr(consumed_ + kFrameHeaderSize, size);
  consumed_ += kFrameHeaderSize + size;
  // Drop consumed bytes once they dominate, keeping appends amortised O(1).
  if (consumed_ > 4096 && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return body;
}

}  // namespace lilac::spectrum
