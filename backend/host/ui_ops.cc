#include "backend/host/ui_ops.h"

#include "backend/host/request_tracker.h"
#include "purple.h"

namespace lilac {

void* SignalHandle() {
  static int handle;
  return &handle;
}

void InstallUiOps(const OnLoop&) {
  InstallConnectionUiOps();
  InstallConversationUiOps();
  InstallChatSignals();
  InstallBuddyListSignals();
  InstallAccountUiOps();
  InstallNotifyUiOps();
  InstallFileTransferSignals();
  InstallRoomlistUiOps();
  purple_request_set_ui_ops(RequestTracker::UiOps());
}

}  // namespace lilac
