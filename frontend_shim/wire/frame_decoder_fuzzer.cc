// Fuzzes Spectrum's framing: whatever bytes arrive and however the reads cut
// them, the decoder yields the same frames and the same oversize errors, never
// buffers more than one frame's worth, and every frame body it yields is
// within the limit. Bodies are then parsed as WrapperMessages and their
// payloads as the type they claim, as the shim does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "frontend_shim/wire/frame_codec.h"
#include "google/protobuf/stubs/logging.h"
#include "protos/spectrum/protocol.pb.h"

namespace {

constexpr size_t kMaxFrame = 1024;

lilac::shim::FrameDecoder::Output FeedAll(absl::string_view bytes,
                                          size_t chunk) {
  lilac::shim::FrameDecoder decoder(kMaxFrame);
  lilac::shim::FrameDecoder::Output all;
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    lilac::shim::FrameDecoder::Output some =
        decoder.Feed(bytes.substr(at, chunk));
    all.frames.insert(all.frames.end(), some.frames.begin(), some.frames.end());
    all.errors.insert(all.errors.end(), some.errors.begin(), some.errors.end());
    if (decoder.buffered() > kMaxFrame + lilac::shim::kFrameHeaderSize) {
      std::abort();  // buffered past the limit
    }
  }
  return all;
}

}  // namespace

// Inputs that do not parse are expected; protobuf's log line for each would
// slow fuzzing a hundredfold.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks how the reads cut the rest.
  const size_t chunk = 1 + data[0] % 64;
  const absl::string_view bytes(reinterpret_cast<const char*>(data) + 1,
                                size - 1);
  const lilac::shim::FrameDecoder::Output whole =
      FeedAll(bytes, bytes.size() + 1);
  const lilac::shim::FrameDecoder::Output cut = FeedAll(bytes, chunk);
  if (whole.frames != cut.frames || whole.errors != cut.errors) std::abort();
  for (const std::string& body : whole.frames) {
    if (body.size() > kMaxFrame) std::abort();
    pbnetwork::WrapperMessage wrapper;
    if (!wrapper.ParseFromString(body)) continue;
    // Round trip: a parsed frame encodes to a frame the decoder gives back.
    const std::string frame = lilac::shim::EncodeFrame(wrapper);
    lilac::shim::FrameDecoder again(frame.size());
    lilac::shim::FrameDecoder::Output back = again.Feed(frame);
    if (back.frames.size() != 1) std::abort();
    pbnetwork::ConversationMessage message;
    message.ParseFromString(wrapper.payload());
    pbnetwork::Login login;
    login.ParseFromString(wrapper.payload());
  }
  return 0;
}
