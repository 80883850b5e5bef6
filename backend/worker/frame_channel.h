#ifndef LILAC_BACKEND_WORKER_FRAME_CHANNEL_H_
#define LILAC_BACKEND_WORKER_FRAME_CHANNEL_H_

#include <cstddef>
#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message_lite.h"

namespace lilac::worker {

// Protobuf frames over a connected Unix stream socket, each one optionally
// carrying a file descriptor (SCM_RIGHTS). Any thread may write; one thread
// reads. A frame is a 4-byte little-endian header (length, top bit set when
// a descriptor comes with it) and the serialised message.
class FrameChannel {
 public:
  static constexpr size_t kMaxFrameBytes = 64 << 20;

  // Takes `fd` over.
  explicit FrameChannel(int fd) : fd_(fd) {}
  ~FrameChannel();

  FrameChannel(const FrameChannel&) = delete;
  FrameChannel& operator=(const FrameChannel&) = delete;

  // Writes one whole frame; `pass_fd` (ours to keep) goes with it when >= 0.
  // UNAVAILABLE once the peer is gone.
  absl::Status Write(const google::protobuf::MessageLite& message,
                     int pass_fd = -1);

  struct Frame {
    std::string bytes;
    int fd = -1;  // the caller's to close
  };
  // Blocks for the next frame. UNAVAILABLE at the end of the stream (or after
  // Shutdown), DATA_LOSS for a malformed one.
  absl::StatusOr<Frame> Read();

  int fd() const { return fd_; }

  // Ends both directions: a blocked Read returns, writes fail.
  void Shutdown();
  // Ends our writing only: the peer reads to the end, then sees it closed.
  void ShutdownWrite();

 private:
  // Reads more bytes (and descriptors) into buffer_.
  absl::Status Fill();

  const int fd_;
  absl::Mutex write_mutex_;
  // Reader-only state.
  std::string buffer_;
  size_t consumed_ = 0;
  std::deque<int> fds_;  // received, not yet given to a frame
};

}  // namespace lilac::worker

#endif  // LILAC_BACKEND_WORKER_FRAME_CHANNEL_H_
