#ifndef LILAC_BACKEND_HOST_UI_OPS_H_
#define LILAC_BACKEND_HOST_UI_OPS_H_

#include <cstdint>

#include "backend/host/purple_host.h"

namespace lilac {

// Installs every libpurple UI op and signal handler lilac uses; each forwards
// to PurpleSessions::Get(OnLoop::InCallback()). One file per libpurple
// subsystem implements its part.
void InstallUiOps(const OnLoop& loop);

void InstallConnectionUiOps();
void InstallConversationUiOps();
void InstallChatSignals();
void InstallBuddyListSignals();
void InstallAccountUiOps();
void InstallNotifyUiOps();
void InstallFileTransferSignals();
// Cancels the unfinished file transfers of an account about to be deleted (not
// every plugin does at close, and a transfer outliving its account crashes).
void CancelTransfersOf(struct _PurpleAccount* account);
// The id lilacd gave a transfer when libpurple created it (the id of its
// events).
uint64_t TransferIdOf(struct _PurpleXfer* xfer);
// An id for the next outgoing transfer the plugin creates on `account`, for
// SendFile to return before libpurple creates the transfer (some plugins do
// that inside serv_send_file, some later).
uint64_t ReserveOutgoingTransferId(struct _PurpleAccount* account);
void InstallRoomlistUiOps();

// While set, libpurple's has_focus asks about this conversation get "yes":
// MarkRead raises the focused unseen update this way, the only read marker
// plugins such as Facebook act on.
void SetFocusedConversation(struct _PurpleConversation* conv);

// Frees the handle of an authorization request that was answered (libpurple
// never closes those).
void DeleteAuthorizationHandle(void* ui_handle);

// True while a chat's join is waiting to be announced with its members: members
// added meanwhile are part of that announcement.
bool IsAnnouncingJoin(struct _PurpleConversation* conv);

// The handle our signal connections are registered under.
void* SignalHandle();

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_UI_OPS_H_
