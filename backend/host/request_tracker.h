#ifndef LILAC_BACKEND_HOST_REQUEST_TRACKER_H_
#define LILAC_BACKEND_HOST_REQUEST_TRACKER_H_

#include <cstdarg>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backend/host/loop_session.h"
#include "lilac/v1/requests.pb.h"
#include "purple.h"

namespace lilac {

// libpurple's request API (questions plugins ask: 2FA codes, captchas, choices)
// as events with ids that clients answer or cancel. Every request is tracked
// until libpurple closes it, so a callback is never called for a request that
// is gone. Loop thread only.
class RequestTracker {
 public:
  RequestTracker();
  ~RequestTracker();

  // The UI ops to install with purple_request_set_ui_ops.
  static PurpleRequestUiOps* UiOps();

  absl::Status Answer(LoopSession* session,
                      const v1::AnswerRequestRequest& answer);
  absl::Status Cancel(LoopSession* session, uint64_t request_id);
  // Closes every open request of `session` (it disconnected or logs out).
  void CloseAllOf(LoopSession* session, v1::RequestClosed::Reason reason);
  // Whether `session` has a request open for its client to answer.
  bool HasOpen(const LoopSession* session) const;

  struct Pending;

 private:
  friend struct RequestUiOpsAccess;
  Pending* Open(std::unique_ptr<Pending> pending, v1::RequestOpened event);
  void OnClosedByLibpurple(void* ui_handle);
  // Answers a held question about a join with its default action, or shows it
  // to the client.
  void DecideJoinQuestion(uint64_t id);
  // Answers a chat list's held server question (or cancels it).
  void AnswerChatListQuestion(uint64_t id);
  absl::StatusOr<Pending*> FindOpen(LoopSession* session, uint64_t id);
  void Close(Pending* pending, v1::RequestClosed::Reason reason);

  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Pending>> open_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_REQUEST_TRACKER_H_
