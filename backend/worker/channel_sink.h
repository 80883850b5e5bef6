#ifndef LILAC_BACKEND_WORKER_CHANNEL_SINK_H_
#define LILAC_BACKEND_WORKER_CHANNEL_SINK_H_

#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "backend/host/event_sink.h"
#include "backend/worker/frame_channel.h"

namespace lilac::worker {

// In a worker: the host's events go to lilacd over the channel, in the order
// they happen (lilacd keeps the event logs).
class ChannelSink final : public EventSink {
 public:
  explicit ChannelSink(FrameChannel* channel) : channel_(channel) {}

  // ALREADY_EXISTS for a key open in this worker; lilacd keeps keys unique
  // across workers.
  absl::Status OpenSession(const v1::Session& session) override;
  void Emit(const std::string& session, v1::Event event) override;
  void CloseSession(const std::string& session) override;

 private:
  FrameChannel* const channel_;
  absl::Mutex mutex_;
  std::set<std::string> open_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace lilac::worker

#endif  // LILAC_BACKEND_WORKER_CHANNEL_SINK_H_
