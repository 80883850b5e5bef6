#ifndef LILAC_FRONTEND_SHIM_WIRE_SPECTRUM_CONNECTION_H_
#define LILAC_FRONTEND_SHIM_WIRE_SPECTRUM_CONNECTION_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "frontend_shim/wire/frame_codec.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::shim {

// The one TCP connection to Spectrum. The reading side answers PING with
// PONG and STATS itself, at once, and hands every other frame to a callback
// that must not block (it queues); so liveness never depends on lilacd.
class SpectrumConnection {
 public:
  struct Options {
    std::string host;
    int port = 0;
    size_t max_frame_size = 16 << 20;
    // Stop when no PING arrived for this long; zero: never.
    absl::Duration ping_timeout = absl::Seconds(60);
  };

  static absl::StatusOr<std::unique_ptr<SpectrumConnection>> Connect(
      const Options& options);
  ~SpectrumConnection();

  // Sends one frame; safe from any thread. Fails once the connection broke.
  absl::Status Send(const pbnetwork::WrapperMessage& wrapper);

  // Reads until EXIT, EOF, an error or the ping timeout, calling
  // `on_frame` for every well-formed wrapper other than PING and EXIT.
  // Returns why it stopped.
  std::string Run(
      const std::function<void(pbnetwork::WrapperMessage)>& on_frame);
  // Makes Run return `why` (from any thread); frames can still be sent.
  void Stop(const std::string& why);

 private:
  explicit SpectrumConnection(int fd, Options options)
      : fd_(fd), options_(std::move(options)) {}
  void AnswerPing();

  const int fd_;
  const Options options_;
  absl::Mutex write_mutex_;
  bool broken_ ABSL_GUARDED_BY(write_mutex_) = false;
  absl::Mutex stop_mutex_;
  std::string stop_reason_ ABSL_GUARDED_BY(stop_mutex_);
  long initial_resident_kib_ = 0;
};

// Memory figures for STATS, in KiB, from /proc/self/statm.
struct MemoryUsage {
  long resident_kib = 0;
  long shared_kib = 0;
};
MemoryUsage ReadMemoryUsage();

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_WIRE_SPECTRUM_CONNECTION_H_
