#include "backend/host/ui_ops.h"

#include "backend/host/dns_resolver_ui_ops.h"
#include "backend/host/irc_send_queue.h"
#include "backend/host/request_tracker.h"
#include "purple.h"

namespace lilac {

void* SignalHandle() {
  static int handle;
  return &handle;
}

void InstallUiOps(const OnLoop& loop) {
  InstallConnectionUiOps();
  InstallConversationUiOps();
  InstallChatSignals();
  InstallBuddyListSignals();
  InstallAccountUiOps();
  InstallNotifyUiOps();
  InstallFileTransferSignals();
  InstallRoomlistUiOps();
  purple_request_set_ui_ops(RequestTracker::UiOps());
  void* connections = purple_connections_get_handle();
  purple_signal_connect(connections, "signed-on", SignalHandle(),
                        PURPLE_CALLBACK(WatchIrcSendQueue), nullptr);
  purple_signal_connect(connections, "signed-off", SignalHandle(),
                        PURPLE_CALLBACK(UnwatchIrcSendQueue), nullptr);
  InstallResolverUiOps(loop);
}

}  // namespace lilac
