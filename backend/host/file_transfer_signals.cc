// libpurple's file transfer signals: incoming files are accepted into the
// session's spool (up to a size cap) and reported when complete.
#include <string>

#include "backend/host/c_string.h"
#include "backend/host/file_spool.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

LoopSession* SessionOf(PurpleXfer* xfer) {
  return PurpleSessions::SessionOf(purple_xfer_get_account(xfer));
}

void EmitFailed(LoopSession* session, PurpleXfer* xfer,
                const std::string& reason) {
  v1::Event event;
  v1::FileTransferFailed* failed = event.mutable_file_transfer_failed();
  failed->set_peer(OrEmpty(purple_xfer_get_remote_user(xfer)));
  failed->set_filename(OrEmpty(purple_xfer_get_filename(xfer)));
  failed->set_reason(reason);
  failed->set_outgoing(purple_xfer_get_type(xfer) == PURPLE_XFER_SEND);
  PurpleSessions::Get()->Emit(session, std::move(event));
}

// Runs inside purple_xfer_request: a local file name accepts the transfer, a
// local cancel status refuses it.
void FileRecvRequest(PurpleXfer* xfer) {
  LoopSession* session = SessionOf(xfer);
  if (session == nullptr) {
    xfer->status = PURPLE_XFER_STATUS_CANCEL_LOCAL;
    return;
  }
  FileSpool& spool = PurpleSessions::Get()->files();
  if (purple_xfer_get_size(xfer) > spool.max_file_size()) {
    EmitFailed(session, xfer, "file is larger than the spool's size limit");
    xfer->status = PURPLE_XFER_STATUS_CANCEL_LOCAL;
    return;
  }
  absl::StatusOr<std::string> path =
      spool.NewPath(session->key, OrEmpty(purple_xfer_get_filename(xfer)));
  if (!path.ok()) {
    EmitFailed(session, xfer, std::string(path.status().message()));
    xfer->status = PURPLE_XFER_STATUS_CANCEL_LOCAL;
    return;
  }
  purple_xfer_set_local_filename(xfer, path->c_str());
}

void FileRecvComplete(PurpleXfer* xfer) {
  LoopSession* session = SessionOf(xfer);
  if (session == nullptr) return;
  const std::string filename = OrEmpty(purple_xfer_get_filename(xfer));
  const uint64_t id = PurpleSessions::Get()->files().Add(
      session->key, OrEmpty(purple_xfer_get_local_filename(xfer)), filename);
  v1::Event event;
  v1::FileReceived* received = event.mutable_file_received();
  received->set_file_id(id);
  received->set_from(OrEmpty(purple_xfer_get_remote_user(xfer)));
  received->set_filename(filename);
  received->set_size(purple_xfer_get_bytes_sent(xfer));
  PurpleSessions::Get()->Emit(session, std::move(event));
}

void FileCancelled(PurpleXfer* xfer) {
  if (LoopSession* session = SessionOf(xfer)) {
    EmitFailed(session, xfer,
               purple_xfer_get_status(xfer) == PURPLE_XFER_STATUS_CANCEL_REMOTE
                   ? "cancelled by the peer"
                   : "cancelled");
  }
}

void FileSendComplete(PurpleXfer* xfer) {
  LoopSession* session = SessionOf(xfer);
  if (session == nullptr) return;
  v1::Event event;
  v1::FileSent* sent = event.mutable_file_sent();
  sent->set_to(OrEmpty(purple_xfer_get_remote_user(xfer)));
  sent->set_filename(OrEmpty(purple_xfer_get_filename(xfer)));
  sent->set_size(purple_xfer_get_bytes_sent(xfer));
  PurpleSessions::Get()->Emit(session, std::move(event));
}

}  // namespace

void InstallFileTransferSignals() {
  void* xfers = purple_xfers_get_handle();
  purple_signal_connect(xfers, "file-recv-request", SignalHandle(),
                        PURPLE_CALLBACK(FileRecvRequest), nullptr);
  purple_signal_connect(xfers, "file-recv-complete", SignalHandle(),
                        PURPLE_CALLBACK(FileRecvComplete), nullptr);
  purple_signal_connect(xfers, "file-recv-cancel", SignalHandle(),
                        PURPLE_CALLBACK(FileCancelled), nullptr);
  purple_signal_connect(xfers, "file-send-cancel", SignalHandle(),
                        PURPLE_CALLBACK(FileCancelled), nullptr);
  purple_signal_connect(xfers, "file-send-complete", SignalHandle(),
                        PURPLE_CALLBACK(FileSendComplete), nullptr);
}

}  // namespace lilac
