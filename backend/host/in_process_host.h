#ifndef LILAC_BACKEND_HOST_IN_PROCESS_HOST_H_
#define LILAC_BACKEND_HOST_IN_PROCESS_HOST_H_

#include <memory>

#include "absl/status/statusor.h"
#include "backend/commands/host_commands.h"
#include "backend/host/event_sink.h"
#include "backend/host/host_options.h"

namespace lilac {

class PurpleHost;
class PurpleSessions;

// libpurple in this process: a PurpleHost and its sessions, taking commands by
// posting them to the loop thread, where they complete.
class InProcessHost final : public HostCommands {
 public:
  // Starts libpurple and loads the plugins of `options`; the sessions' events
  // go to `sink`, which must outlive the host.
  static absl::StatusOr<std::unique_ptr<InProcessHost>> Start(
      const HostOptions& options, EventSink* sink);
  // Logs every session out, then shuts libpurple down.
  ~InProcessHost() override;

  // Logs every session out and waits until that is done: answers the commands
  // still waiting on the network (ListChats, SetChatSubject, GetUserInfo).
  void LogoutAll();

  // Runs `answer` on the loop thread, after the work posted before it: a
  // loop that hangs never answers.
  void Heartbeat(absl::AnyInvocable<void()> answer);

  LILAC_HOST_COMMANDS_OVERRIDES

 private:
  InProcessHost() = default;

  // Runs a PurpleSessions command that answers at once on the loop thread.
  template <typename Request, typename Response, typename Command>
  void RunOnLoop(const Request& request, Done<Response> done, Command command);

  std::unique_ptr<PurpleHost> host_;
  std::unique_ptr<PurpleSessions> sessions_;  // lives on host_'s loop thread
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_IN_PROCESS_HOST_H_
