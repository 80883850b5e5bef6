#ifndef LILAC_TESTING_SPECTRUM_EMULATOR_FRAME_LOG_H_
#define LILAC_TESTING_SPECTRUM_EMULATOR_FRAME_LOG_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::spectrum {

// Everything a backend sent, and what went wrong with its connection, for
// tests to wait on. Thread-safe: the emulator's I/O thread records, test
// threads wait.
//
// Each wait takes the oldest matching frame not taken by an earlier wait, so
// two waits for the same kind of frame see two different frames. A protocol
// violation, or the backend disconnecting before AllowDisconnect(), fails
// every wait (Envoy's fake_upstream does the same), so a test cannot pass by
// accident after its backend broke.
class FrameLog {
 public:
  using Predicate = std::function<bool(const pbnetwork::WrapperMessage&)>;

  void Add(pbnetwork::WrapperMessage wrapper);
  // The backend did something Spectrum would not accept.
  void AddViolation(std::string what);
  // The connection ended (EOF or error).
  void SetDisconnected(std::string reason);
  // From now on a disconnect is expected and not an error.
  void AllowDisconnect();

  // Waits for a frame of `type` that satisfies `predicate` (any, if null).
  absl::StatusOr<pbnetwork::WrapperMessage> WaitFor(
      pbnetwork::WrapperMessage::Type type, const Predicate& predicate,
      absl::Duration timeout);

  // Waits until the connection ends; allows the disconnect.
  absl::Status WaitForDisconnect(absl::Duration timeout);

  // OK unless there was a violation or an unexpected disconnect.
  absl::Status Health();

  bool disconnected();
  std::vector<pbnetwork::WrapperMessage> Frames();
  std::vector<std::string> Violations();
  int CountOf(pbnetwork::WrapperMessage::Type type);

 private:
  struct Entry {
    pbnetwork::WrapperMessage wrapper;
    bool taken = false;
  };

  absl::Status HealthLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // The frames nobody waited for yet, for failure messages.
  std::string DescribeUntakenLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  absl::Mutex mutex_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mutex_);
  // Every entry before this one is taken: waits start here, so that long
  // runs (benchmarks) do not rescan the whole history.
  size_t first_untaken_ ABSL_GUARDED_BY(mutex_) = 0;
  std::vector<std::string> violations_ ABSL_GUARDED_BY(mutex_);
  std::optional<std::string> disconnect_reason_ ABSL_GUARDED_BY(mutex_);
  bool disconnect_allowed_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace lilac::spectrum

#endif  // LILAC_TESTING_SPECTRUM_EMULATOR_FRAME_LOG_H_
