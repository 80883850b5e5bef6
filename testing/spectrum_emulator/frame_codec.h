#ifndef LILAC_TESTING_SPECTRUM_EMULATOR_FRAME_CODEC_H_
#define LILAC_TESTING_SPECTRUM_EMULATOR_FRAME_CODEC_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::spectrum {

// Spectrum's framing (§3.1): a 4-byte big-endian length, then that many bytes
// of serialized pbnetwork.WrapperMessage.
inline constexpr size_t kFrameHeaderSize = 4;

// The frame for already serialized (or deliberately malformed) `body`.
std::string EncodeFrameBody(absl::string_view body);

// The frame for `wrapper`.
std::string EncodeFrame(const pbnetwork::WrapperMessage& wrapper);

// Cuts a TCP byte stream into frame bodies, whatever the reads look like:
// a frame split over many reads, several frames in one read.
class FrameSplitter {
 public:
  // Spectrum has no limit; a test peer has one so that a corrupt length
  // cannot make it allocate gigabytes.
  explicit FrameSplitter(size_t max_frame_size = 64 << 20)
      : max_frame_size_(max_frame_size) {}

  void Append(absl::string_view bytes) {
    buffer_.append(bytes.data(), bytes.size());
  }

  // The next complete frame body, nullopt if more bytes are needed, or an
  // error if the announced length is over the limit (the stream is then
  // unusable).
  absl::StatusOr<std::optional<std::string>> Next();

  // Bytes received but not yet returned as a frame.
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  const size_t max_frame_size_;
  std::string buffer_;
  size_t consumed_ = 0;
};

}  // namespace lilac::spectrum

#endif  // LILAC_TESTING_SPECTRUM_EMULATOR_FRAME_CODEC_H_
