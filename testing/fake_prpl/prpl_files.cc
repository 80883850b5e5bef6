#include "testing/fake_prpl/prpl_files.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "testing/fake_prpl/prpl_connection.h"

namespace lilac::testing::fake {

FileTransfers::~FileTransfers() {
  closing_ = true;
  std::vector<std::string> ids;
  for (const auto& [id, transfer] : transfers_) ids.push_back(id);
  for (const std::string& id : ids) {
    // Each cancel forgets its transfer (and may free it).
    if (Transfer* transfer = Find(id)) purple_xfer_cancel_local(transfer->xfer);
  }
}

FileTransfers::Transfer* FileTransfers::Of(PurpleXfer* xfer) {
  return static_cast<Transfer*>(xfer->data);
}

FileTransfers::Transfer* FileTransfers::Find(const std::string& id) {
  auto it = transfers_.find(id);
  return it == transfers_.end() ? nullptr : it->second.get();
}

FileTransfers::Transfer* FileTransfers::Track(PurpleXfer* xfer,
                                              std::string id) {
  auto transfer = std::make_unique<Transfer>();
  transfer->owner = this;
  transfer->id = id;
  transfer->xfer = xfer;
  xfer->data = transfer.get();
  Transfer* raw = transfer.get();
  transfers_[std::move(id)] = std::move(transfer);
  return raw;
}

void FileTransfers::Forget(Transfer* transfer) {
  if (transfer->continue_timer != 0) {
    purple_timeout_remove(transfer->continue_timer);
  }
  transfer->xfer->data = nullptr;
  transfers_.erase(transfer->id);
}

void FileTransfers::Send(const v1::ClientFrame& frame) {
  if (!closing_) connection_->Send(frame);
}

PurpleXfer* FileTransfers::NewOutgoing(const char* who) {
  PurpleXfer* xfer =
      purple_xfer_new(connection_->account(), PURPLE_XFER_SEND, who);
  if (xfer == nullptr) return nullptr;
  Track(xfer, absl::StrCat("c-file-", next_id_++));
  purple_xfer_set_init_fnc(xfer, InitOutgoing);
  purple_xfer_set_write_fnc(xfer, Write);
  purple_xfer_set_cancel_send_fnc(xfer, Cancelled);
  purple_xfer_set_end_fnc(xfer, Ended);
  return xfer;
}

void FileTransfers::HandleFrame(const v1::ServerFrame& frame) {
  switch (frame.frame_case()) {
    case v1::ServerFrame::kFileOffer:
      HandleOffer(frame.file_offer());
      break;
    case v1::ServerFrame::kFileAccept:
      HandleAccept(frame.file_accept().transfer_id());
      break;
    case v1::ServerFrame::kFileData:
      HandleData(frame.file_data());
      break;
    case v1::ServerFrame::kFileEnd:
      HandleEnd(frame.file_end().transfer_id());
      break;
    case v1::ServerFrame::kFileCancel:
      HandleCancel(frame.file_cancel().transfer_id());
      break;
    default:
      break;
  }
}

void FileTransfers::HandleOffer(const v1::FileOffer& offer) {
  PurpleXfer* xfer = purple_xfer_new(connection_->account(),
                                     PURPLE_XFER_RECEIVE, offer.peer().c_str());
  if (xfer == nullptr) return;
  Transfer* transfer = Track(xfer, offer.transfer_id());
  transfer->misbehavior = offer.misbehavior();
  if (offer.misbehavior() != v1::FILE_MISBEHAVIOR_NO_FILENAME) {
    purple_xfer_set_filename(xfer, offer.filename().c_str());
  }
  purple_xfer_set_size(xfer, offer.size());
  purple_xfer_set_init_fnc(xfer, InitIncoming);
  purple_xfer_set_read_fnc(xfer, Read);
  purple_xfer_set_cancel_recv_fnc(xfer, Cancelled);
  purple_xfer_set_request_denied_fnc(xfer, Cancelled);
  purple_xfer_set_end_fnc(xfer, Ended);
  // The host accepts (init runs), refuses (a cancel) or asks its user.
  purple_xfer_request(xfer);
  // purple_xfer_request took the reference the transfer lives on.
  purple_xfer_unref(xfer);
}

void FileTransfers::InitIncoming(PurpleXfer* xfer) {
  Transfer* transfer = Of(xfer);
  if (transfer == nullptr) return;
  FileTransfers* self = transfer->owner;
  const std::string id = transfer->id;
  purple_xfer_start(xfer, -1, nullptr, 0);
  if (self->Find(id) == nullptr) return;  // could not open the local file
  v1::ClientFrame frame;
  frame.mutable_accept_file()->set_transfer_id(id);
  self->Send(frame);
}

void FileTransfers::InitOutgoing(PurpleXfer* xfer) {
  Transfer* transfer = Of(xfer);
  if (transfer == nullptr) return;
  v1::ClientFrame frame;
  v1::FileOffer& offer = *frame.mutable_offer_file();
  offer.set_transfer_id(transfer->id);
  offer.set_peer(purple_xfer_get_remote_user(xfer));
  const char* filename = purple_xfer_get_filename(xfer);
  offer.set_filename(filename ? filename : "");
  offer.set_size(purple_xfer_get_size(xfer));
  transfer->owner->Send(frame);
}

void FileTransfers::HandleAccept(const std::string& id) {
  Transfer* transfer = Find(id);
  if (transfer == nullptr ||
      purple_xfer_get_type(transfer->xfer) != PURPLE_XFER_SEND) {
    return;
  }
  purple_xfer_start(transfer->xfer, -1, nullptr, 0);
  // A file that cannot be read cancels the transfer.
  if (Transfer* started = Find(id)) purple_xfer_prpl_ready(started->xfer);
}

gssize FileTransfers::Write(const guchar* buffer, size_t size,
                            PurpleXfer* xfer) {
  Transfer* transfer = Of(xfer);
  if (transfer == nullptr) return -1;
  v1::ClientFrame frame;
  frame.mutable_file_data()->set_transfer_id(transfer->id);
  frame.mutable_file_data()->set_data(reinterpret_cast<const char*>(buffer),
                                      size);
  transfer->owner->Send(frame);
  // libpurple counts the bytes after this returns; the next step looks at
  // them.
  if (transfer->continue_timer == 0) {
    transfer->continue_timer = purple_timeout_add(0, ContinueSend, transfer);
  }
  return static_cast<gssize>(size);
}

gboolean FileTransfers::ContinueSend(gpointer data) {
  auto* transfer = static_cast<Transfer*>(data);
  transfer->continue_timer = 0;
  PurpleXfer* xfer = transfer->xfer;
  if (purple_xfer_get_bytes_remaining(xfer) > 0) {
    purple_xfer_prpl_ready(xfer);
    return FALSE;
  }
  v1::ClientFrame frame;
  frame.mutable_file_end()->set_transfer_id(transfer->id);
  transfer->owner->Send(frame);
  purple_xfer_set_completed(xfer, TRUE);
  purple_xfer_end(xfer);  // forgets the transfer, frees it
  return FALSE;
}

void FileTransfers::HandleData(const v1::FileData& data) {
  Transfer* transfer = Find(data.transfer_id());
  if (transfer == nullptr ||
      purple_xfer_get_type(transfer->xfer) != PURPLE_XFER_RECEIVE) {
    return;
  }
  transfer->inbox += data.data();
  purple_xfer_prpl_ready(transfer->xfer);
}

gssize FileTransfers::Read(guchar** buffer, PurpleXfer* xfer) {
  Transfer* transfer = Of(xfer);
  if (transfer == nullptr || transfer->inbox.empty()) {
    *buffer = nullptr;
    return 0;
  }
  const gssize size = static_cast<gssize>(transfer->inbox.size());
  *buffer = static_cast<guchar*>(g_memdup2(transfer->inbox.data(), size));
  transfer->inbox.clear();
  return size;
}

void FileTransfers::HandleEnd(const std::string& id) {
  Transfer* transfer = Find(id);
  if (transfer == nullptr ||
      purple_xfer_get_type(transfer->xfer) != PURPLE_XFER_RECEIVE) {
    return;
  }
  PurpleXfer* xfer = transfer->xfer;
  if (transfer->misbehavior == v1::FILE_MISBEHAVIOR_CANCEL_AFTER_COMPLETE) {
    // Completed but never ended, then cancelled: the cancel frees it.
    purple_xfer_set_completed(xfer, TRUE);
    purple_xfer_cancel_remote(xfer);
    return;
  }
  purple_xfer_set_completed(xfer, TRUE);
  purple_xfer_end(xfer);  // forgets the transfer, frees it
}

void FileTransfers::HandleCancel(const std::string& id) {
  Transfer* transfer = Find(id);
  if (transfer == nullptr) return;
  PurpleXfer* xfer = transfer->xfer;
  if (transfer->misbehavior == v1::FILE_MISBEHAVIOR_CANCEL_TWICE) {
    // The second cancel drops the extra reference, so libpurple itself does
    // not touch freed memory; the host sees two cancels of one transfer.
    purple_xfer_ref(xfer);
    purple_xfer_cancel_remote(xfer);
    purple_xfer_cancel_local(xfer);
    return;
  }
  purple_xfer_cancel_remote(xfer);  // forgets the transfer, frees it
}

void FileTransfers::Ended(PurpleXfer* xfer) {
  if (Transfer* transfer = Of(xfer)) transfer->owner->Forget(transfer);
}

void FileTransfers::Cancelled(PurpleXfer* xfer) {
  Transfer* transfer = Of(xfer);
  if (transfer == nullptr) return;
  FileTransfers* self = transfer->owner;
  if (purple_xfer_get_status(xfer) != PURPLE_XFER_STATUS_CANCEL_REMOTE) {
    v1::ClientFrame frame;
    frame.mutable_cancel_file()->set_transfer_id(transfer->id);
    frame.mutable_cancel_file()->set_reason("Cancelled by the recipient");
    self->Send(frame);
  }
  self->Forget(transfer);
}

}  // namespace lilac::testing::fake
