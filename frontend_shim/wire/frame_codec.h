#ifndef LILAC_FRONTEND_SHIM_WIRE_FRAME_CODEC_H_
#define LILAC_FRONTEND_SHIM_WIRE_FRAME_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::shim {

// Spectrum's framing: a 4-byte big-endian length, then that many bytes of a
// serialized pbnetwork.WrapperMessage (spectrum-backend-protocol.md §3.1).
inline constexpr size_t kFrameHeaderSize = 4;

// The frame for `wrapper`.
std::string EncodeFrame(const pbnetwork::WrapperMessage& wrapper);

// Cuts the byte stream from Spectrum into frames, whatever the reads look
// like (split frames, coalesced frames). A frame longer than the limit is
// skipped, not buffered: its bytes are discarded as they arrive and the
// stream stays usable after it.
class FrameDecoder {
 public:
  struct Output {
    // Complete frame bodies, in order.
    std::vector<std::string> frames;
    // One line per frame that was dropped for being over the limit.
    std::vector<std::string> errors;
  };

  explicit FrameDecoder(size_t max_frame_size)
      : max_frame_size_(max_frame_size) {}

  // Feeds `bytes` and returns what they completed.
  Output Feed(absl::string_view bytes);

  // Bytes buffered towards the next frame.
  size_t buffered() const { return buffer_.size(); }

 private:
  const size_t max_frame_size_;
  std::string buffer_;
  // Bytes still to discard of an oversized frame.
  uint64_t skipping_ = 0;
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_WIRE_FRAME_CODEC_H_
