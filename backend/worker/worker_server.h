#ifndef LILAC_BACKEND_WORKER_WORKER_SERVER_H_
#define LILAC_BACKEND_WORKER_WORKER_SERVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "backend/host/in_process_host.h"
#include "backend/worker/frame_channel.h"
#include "backend/worker/worker_wire.pb.h"

namespace lilac::worker {

// In a worker: runs lilacd's calls on the process's own host and writes each
// reply when the host completes it. One entry per HostCommands method, like
// LilacService's table on the other side.
class WorkerServer {
 public:
  // Both must outlive every call's completion: destroy the host first.
  WorkerServer(FrameChannel* channel, InProcessHost* host);

  // A frame from lilacd other than Start.
  void Handle(const ToWorker& message);

 private:
  using Handler = absl::AnyInvocable<void(const Call& call)>;

  template <typename Request, typename Response>
  void Serve(void (HostCommands::*command)(const Request&,
                                           HostCommands::Done<Response>));
  void ServeFiles();

  void Reply(uint64_t id, const absl::Status& status);
  void Reply(uint64_t id, const google::protobuf::Message& response,
             int pass_fd = -1);
  void Write(const FromWorker& message, int pass_fd = -1);

  FrameChannel* const channel_;
  InProcessHost* const host_;
  std::map<std::string, Handler> handlers_;
  absl::Mutex mutex_;
  // Staged files of StartUpload calls (by call id) until SendFile or
  // ForgetUpload.
  std::map<uint64_t, std::unique_ptr<PartialUpload>> uploads_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace lilac::worker

#endif  // LILAC_BACKEND_WORKER_WORKER_SERVER_H_
