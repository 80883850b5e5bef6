#include "frontend_shim/wire/frame_codec.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace lilac::shim {

std::string EncodeFrame(const pbnetwork::WrapperMessage& wrapper) {
  const std::string body = wrapper.SerializeAsString();
  const uint32_t size = static_cast<uint32_t>(body.size());
  std::string frame;
  frame.reserve(kFrameHeaderSize + body.size());
  frame.push_back(static_cast<char>((size >> 24) & 0xff));
  frame.push_back(static_cast<char>((size >> 16) & 0xff));
  frame.push_back(static_cast<char>((size >> 8) & 0xff));
  frame.push_back(static_cast<char>(size & 0xff));
  frame.append(body);
  return frame;
}

FrameDecoder::Output FrameDecoder::Feed(absl::string_view bytes) {
  Output output;
  while (!bytes.empty() || buffer_.size() >= kFrameHeaderSize) {
    if (skipping_ > 0) {
      const size_t skip = static_cast<size_t>(
          std::min<uint64_t>(skipping_, static_cast<uint64_t>(bytes.size())));
      bytes.remove_prefix(skip);
      skipping_ -= skip;
      if (skipping_ > 0) break;
      continue;
    }
    // Take only what the current frame needs, so an oversized one is never
    // copied into the buffer.
    if (buffer_.size() < kFrameHeaderSize) {
      const size_t take =
          std::min(kFrameHeaderSize - buffer_.size(), bytes.size());
      buffer_.append(bytes.data(), take);
      bytes.remove_prefix(take);
      if (buffer_.size() < kFrameHeaderSize) break;
    }
    const auto* header = reinterpret_cast<const unsigned char*>(buffer_.data());
    const uint64_t size = (static_cast<uint64_t>(header[0]) << 24) |
                          (static_cast<uint64_t>(header[1]) << 16) |
                          (static_cast<uint64_t>(header[2]) << 8) |
                          static_cast<uint64_t>(header[3]);
    if (size > max_frame_size_) {
      output.errors.push_back(absl::StrCat("frame of ", size,
                                           " bytes is over the limit of ",
                                           max_frame_size_, " bytes; dropped"));
      buffer_.clear();
      skipping_ = size;
      continue;
    }
    const size_t wanted = kFrameHeaderSize + static_cast<size_t>(size);
    const size_t take = std::min(wanted - buffer_.size(), bytes.size());
    buffer_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (buffer_.size() < wanted) break;
    output.frames.push_back(buffer_.substr(kFrameHeaderSize));
    buffer_.clear();
  }
  return output;
}

}  // namespace lilac::shim
