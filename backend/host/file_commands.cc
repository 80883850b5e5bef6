// PurpleSessions: fetching received files and sending files.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backend/host/file_spool.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"

namespace lilac {
namespace {

// Why `gc` cannot send a file to `to`, if it cannot.
absl::Status CanSendFileTo(PurpleConnection* gc, const std::string& to) {
  PurplePluginProtocolInfo* info =
      PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
  if (info == nullptr || info->send_file == nullptr ||
      (info->can_receive_file != nullptr &&
       !info->can_receive_file(gc, to.c_str()))) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot send files to ", to, " on this protocol"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SpooledFile> PurpleSessions::OpenSpooledFile(
    const OnLoop&, const v1::FetchFileRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  return files_->Open(request.session(), request.transfer_id());
}

void PurpleSessions::RemoveSpooledFile(const OnLoop&,
                                       const v1::FetchFileRequest& request) {
  files_->Remove(request.session(), request.transfer_id());
}

absl::StatusOr<std::unique_ptr<PartialUpload>> PurpleSessions::StartSendFile(
    const OnLoop&, const v1::SendFileRequest& header) {
  absl::StatusOr<LoopSession*> session = FindConnected(header.session());
  if (!session.ok()) return session.status();
  absl::Status can = CanSendFileTo(
      purple_account_get_connection((*session)->account), header.to());
  if (!can.ok()) return can;
  return PartialUpload::Create(files_->uploads_dir());
}

absl::StatusOr<v1::SendFileResponse> PurpleSessions::SendFile(
    const OnLoop&, const v1::SendFileRequest& header,
    std::unique_ptr<PartialUpload> upload) {
  // The connection may have dropped while the bytes arrived.
  absl::StatusOr<LoopSession*> session = FindConnected(header.session());
  if (!session.ok()) return session.status();
  PurpleConnection* gc = purple_account_get_connection((*session)->account);
  if (absl::Status can = CanSendFileTo(gc, header.to()); !can.ok()) return can;
  // The plugin reads the file from disk and offers it under its path's last
  // component, which is the client's file name: libpurple names the transfer
  // while accepting it, before the plugin's init offers it to the peer.
  absl::StatusOr<std::string> local =
      files_->StageOutgoing(header.session(), header.filename(), *upload);
  if (!local.ok()) return local.status();
  v1::SendFileResponse response;
  // Taken by the transfer the plugin creates, now or (inside serv_send_file's
  // plugins) possibly later.
  response.set_transfer_id(ReserveOutgoingTransferId((*session)->account));
  PurplePluginProtocolInfo* info =
      PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
  PurpleXfer* xfer =
      info->new_xfer ? info->new_xfer(gc, header.to().c_str()) : nullptr;
  if (xfer != nullptr) {
    purple_xfer_request_accepted(xfer, local->c_str());
  } else {
    serv_send_file(gc, header.to().c_str(), local->c_str());
  }
  return response;
}

}  // namespace lilac
