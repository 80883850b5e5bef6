// libpurple's file transfer signals: incoming files are accepted into the
// session's spool (up to a size cap) and reported when complete; outgoing ones
// are reported when done and their staged copy removed.
//
// Plugins misuse the transfer API in many ways (cancel twice, complete and
// then cancel, lie about the size, give no name), so every transfer is
// reported once, its state kept in the transfer's ui_data. Each transfer gets
// an id when libpurple creates it, carried by every event about it.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "backend/host/c_string.h"
#include "backend/host/failures.h"
#include "backend/host/file_spool.h"
#include "backend/host/message_conversion.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

constexpr char kTooLarge[] = "file is larger than the spool's size limit";
constexpr char kUnnamed[] = "unnamed";

// PurpleXfer::ui_data: created with the transfer, freed with it.
struct TransferState {
  enum class Phase {
    kActive,
    kOversize,  // a cancel for exceeding the cap is scheduled
    kReported,  // received, sent or failed: nothing more is said
  };
  uint64_t id = 0;
  Phase phase = Phase::kActive;
};

// Loop thread only, as libpurple.
uint64_t next_transfer_id = 1;
// Ids SendFile returned before the plugin created the transfer, oldest first.
std::map<PurpleAccount*, std::deque<uint64_t>> reserved_outgoing_ids;

void NewXfer(PurpleXfer* xfer);

TransferState& StateOf(PurpleXfer* xfer) {
  if (xfer->ui_data == nullptr) NewXfer(xfer);  // created before our ui ops
  return *static_cast<TransferState*>(xfer->ui_data);
}

bool Reported(PurpleXfer* xfer) {
  return StateOf(xfer).phase == TransferState::Phase::kReported;
}

void NewXfer(PurpleXfer* xfer) {
  auto* state = new TransferState;
  auto reserved = reserved_outgoing_ids.find(purple_xfer_get_account(xfer));
  if (purple_xfer_get_type(xfer) == PURPLE_XFER_SEND &&
      reserved != reserved_outgoing_ids.end()) {
    state->id = reserved->second.front();
    reserved->second.pop_front();
    if (reserved->second.empty()) reserved_outgoing_ids.erase(reserved);
  } else {
    state->id = next_transfer_id++;
  }
  xfer->ui_data = state;
}

void DestroyXfer(PurpleXfer* xfer) {
  delete static_cast<TransferState*>(xfer->ui_data);
  xfer->ui_data = nullptr;
}

LoopSession* SessionOf(PurpleXfer* xfer) {
  return PurpleSessions::SessionOf(purple_xfer_get_account(xfer));
}

FileSpool& Spool() {
  const OnLoop& loop = OnLoop::InCallback();
  return PurpleSessions::Get(loop)->files(loop);
}

std::string FilenameOf(PurpleXfer* xfer) {
  const std::string name = OrEmpty(purple_xfer_get_filename(xfer));
  return name.empty() ? kUnnamed : name;
}

// Reports the transfer failed, once; a partial download or staged upload is
// removed.
void Fail(PurpleXfer* xfer, v1::FailureCode code, const std::string& reason) {
  if (Reported(xfer)) return;
  StateOf(xfer).phase = TransferState::Phase::kReported;
  if (const char* local = purple_xfer_get_local_filename(xfer)) {
    Spool().Discard(local);
  }
  LoopSession* session = SessionOf(xfer);
  if (session == nullptr) return;
  v1::Event event;
  v1::FileTransferFailed* failed = event.mutable_file_transfer_failed();
  failed->set_peer(OrEmpty(purple_xfer_get_remote_user(xfer)));
  failed->set_filename(FilenameOf(xfer));
  *failed->mutable_failure() = MakeFailure(code, reason);
  failed->set_outgoing(purple_xfer_get_type(xfer) == PURPLE_XFER_SEND);
  failed->set_transfer_id(StateOf(xfer).id);
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

// Runs inside purple_xfer_request: accepting here (as Pidgin's autoaccept
// does) starts the transfer; a local cancel status refuses it.
void FileRecvRequest(PurpleXfer* xfer) {
  LoopSession* session = SessionOf(xfer);
  if (session == nullptr) {
    xfer->status = PURPLE_XFER_STATUS_CANCEL_LOCAL;
    return;
  }
  if (purple_xfer_get_size(xfer) > Spool().max_file_size()) {
    Fail(xfer, v1::FAILURE_CODE_TOO_LARGE, kTooLarge);
    xfer->status = PURPLE_XFER_STATUS_CANCEL_LOCAL;
    return;
  }
  absl::StatusOr<std::string> path =
      Spool().NewPath(session->key, FilenameOf(xfer));
  if (!path.ok()) {
    Fail(xfer, v1::FAILURE_CODE_OTHER, std::string(path.status().message()));
    xfer->status = PURPLE_XFER_STATUS_CANCEL_LOCAL;
    return;
  }
  // Without a name libpurple would ask the user whether to accept, after we
  // accepted.
  if (OrEmpty(purple_xfer_get_filename(xfer)).empty()) {
    purple_xfer_set_filename(xfer, kUnnamed);
  }
  purple_xfer_request_accepted(xfer, path->c_str());
}

gboolean CancelOversize(gpointer data) {
  auto* xfer = static_cast<PurpleXfer*>(data);
  if (!purple_xfer_is_canceled(xfer) && !purple_xfer_is_completed(xfer)) {
    Fail(xfer, v1::FAILURE_CODE_TOO_LARGE, kTooLarge);
    purple_xfer_cancel_local(xfer);
  }
  purple_xfer_unref(xfer);
  return G_SOURCE_REMOVE;
}

// The announced size may lie: the bytes are counted as they arrive. The cancel
// waits for libpurple to return from its transfer loop, which still uses the
// transfer after this call.
void UpdateProgress(PurpleXfer* xfer, double) {
  if (purple_xfer_get_type(xfer) != PURPLE_XFER_RECEIVE ||
      purple_xfer_get_status(xfer) != PURPLE_XFER_STATUS_STARTED ||
      StateOf(xfer).phase != TransferState::Phase::kActive ||
      purple_xfer_get_bytes_sent(xfer) <= Spool().max_file_size()) {
    return;
  }
  StateOf(xfer).phase = TransferState::Phase::kOversize;
  purple_xfer_ref(xfer);
  g_idle_add(CancelOversize, xfer);
}

void FileRecvComplete(PurpleXfer* xfer) {
  if (Reported(xfer)) return;
  if (purple_xfer_get_bytes_sent(xfer) > Spool().max_file_size()) {
    Fail(xfer, v1::FAILURE_CODE_TOO_LARGE, kTooLarge);
    return;
  }
  const std::string local = OrEmpty(purple_xfer_get_local_filename(xfer));
  LoopSession* session = SessionOf(xfer);
  if (session == nullptr || local.empty()) {
    Fail(xfer, v1::FAILURE_CODE_NOT_CONNECTED, "the session is gone");
    return;
  }
  StateOf(xfer).phase = TransferState::Phase::kReported;
  // Complete before libpurple closes the file (plugins that never end a
  // transfer leave it open): make its bytes visible to FetchFile.
  if (xfer->dest_fp != nullptr) fflush(xfer->dest_fp);
  const std::string filename = FilenameOf(xfer);
  const uint64_t id = StateOf(xfer).id;
  Spool().Add(id, session->key, local, filename);
  std::string head(64, '\0');
  if (FILE* file = fopen(local.c_str(), "rb")) {
    head.resize(fread(head.data(), 1, head.size(), file));
    fclose(file);
  } else {
    head.clear();
  }
  v1::Event event;
  v1::FileReceived* received = event.mutable_file_received();
  received->set_transfer_id(id);
  received->set_sender(OrEmpty(purple_xfer_get_remote_user(xfer)));
  received->set_filename(filename);
  received->set_size(purple_xfer_get_bytes_sent(xfer));
  received->set_mime_type(GuessMimeType(head));
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void FileCancelled(PurpleXfer* xfer) {
  const bool by_peer =
      purple_xfer_get_status(xfer) == PURPLE_XFER_STATUS_CANCEL_REMOTE;
  Fail(xfer, v1::FAILURE_CODE_CANCELLED,
       by_peer ? "cancelled by the peer" : "cancelled");
}

void FileSendComplete(PurpleXfer* xfer) {
  if (Reported(xfer)) return;
  StateOf(xfer).phase = TransferState::Phase::kReported;
  if (const char* local = purple_xfer_get_local_filename(xfer)) {
    Spool().Discard(local);
  }
  LoopSession* session = SessionOf(xfer);
  if (session == nullptr) return;
  v1::Event event;
  v1::FileSent* sent = event.mutable_file_sent();
  sent->set_to(OrEmpty(purple_xfer_get_remote_user(xfer)));
  sent->set_filename(FilenameOf(xfer));
  sent->set_size(purple_xfer_get_bytes_sent(xfer));
  sent->set_transfer_id(StateOf(xfer).id);
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

PurpleXferUiOps xfer_ui_ops = {};

}  // namespace

uint64_t TransferIdOf(PurpleXfer* xfer) { return StateOf(xfer).id; }

uint64_t ReserveOutgoingTransferId(PurpleAccount* account) {
  const uint64_t id = next_transfer_id++;
  reserved_outgoing_ids[account].push_back(id);
  return id;
}

void CancelTransfersOf(PurpleAccount* account) {
  reserved_outgoing_ids.erase(account);
  // Cancels free transfers: walk a copy, and only transfers still alive.
  GList* all = g_list_copy(purple_xfers_get_all());
  for (GList* item = all; item != nullptr; item = item->next) {
    auto* xfer = static_cast<PurpleXfer*>(item->data);
    if (g_list_find(purple_xfers_get_all(), xfer) == nullptr ||
        purple_xfer_get_account(xfer) != account ||
        purple_xfer_is_canceled(xfer) || purple_xfer_is_completed(xfer)) {
      continue;
    }
    purple_xfer_cancel_local(xfer);
  }
  g_list_free(all);
}

void InstallFileTransferSignals() {
  xfer_ui_ops.new_xfer = NewXfer;
  xfer_ui_ops.destroy = DestroyXfer;
  xfer_ui_ops.update_progress = UpdateProgress;
  purple_xfers_set_ui_ops(&xfer_ui_ops);
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
