#ifndef LILAC_BACKEND_HOST_EVENT_SINK_H_
#define LILAC_BACKEND_HOST_EVENT_SINK_H_

#include <string>

#include "absl/status/status.h"
#include "lilac/v1/events.pb.h"
#include "lilac/v1/sessions.pb.h"

namespace lilac {

// Where the host sends what happens in sessions: the host's only way out.
// Implementations are thread-safe and never block on readers.
class EventSink {
 public:
  virtual ~EventSink() = default;

  // A session begins: its event log exists from now on. ALREADY_EXISTS if the
  // key is taken.
  virtual absl::Status OpenSession(const v1::Session& session) = 0;
  // Records an event of an open session (ignored for unknown sessions).
  virtual void Emit(const std::string& session, v1::Event event) = 0;
  // The session ended: a final SessionEnded event, then the session is
  // forgotten.
  virtual void CloseSession(const std::string& session) = 0;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_EVENT_SINK_H_
