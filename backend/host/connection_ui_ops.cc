// libpurple's connection UI ops: progress, connected, disconnected with a
// reason.
#include "backend/host/c_string.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

LoopSession* SessionOf(PurpleConnection* gc) {
  return PurpleSessions::SessionOf(purple_connection_get_account(gc));
}

void ConnectProgress(PurpleConnection* gc, const char* text, size_t step,
                     size_t step_count) {
  LoopSession* session = SessionOf(gc);
  if (session == nullptr) return;
  v1::Event event;
  v1::ConnectionChanged* change = event.mutable_connection_changed();
  change->set_state(v1::CONNECTION_STATE_CONNECTING);
  change->set_progress_text(OrEmpty(text));
  change->set_progress_step(static_cast<int32_t>(step));
  change->set_progress_steps(static_cast<int32_t>(step_count));
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void Connected(PurpleConnection* gc) {
  if (LoopSession* session = SessionOf(gc)) {
    session->disconnect_reported = false;
    PurpleSessions::Get(OnLoop::InCallback())->OnConnected(session);
  }
}

void Disconnected(PurpleConnection* gc) {
  LoopSession* session = SessionOf(gc);
  if (session == nullptr) return;
  if (session->disconnect_reported) {
    session->disconnect_reported = false;  // already reported with its reason
    return;
  }
  PurpleSessions::Get(OnLoop::InCallback())
      ->OnDisconnected(session, PURPLE_CONNECTION_ERROR_OTHER_ERROR, "",
                       /*has_reason=*/false);
}

void ReportDisconnectReason(PurpleConnection* gc, PurpleConnectionError reason,
                            const char* text) {
  LoopSession* session = SessionOf(gc);
  if (session == nullptr) return;
  session->disconnect_reported = true;
  PurpleSessions::Get(OnLoop::InCallback())
      ->OnDisconnected(session, reason, OrEmpty(text),
                       /*has_reason=*/true);
}

PurpleConnectionUiOps kConnectionUiOps = {
    ConnectProgress,
    Connected,
    Disconnected,
    nullptr,  // notice
    nullptr,  // report_disconnect: superseded by report_disconnect_reason
    nullptr,  // network_connected
    nullptr,  // network_disconnected
    ReportDisconnectReason,
    nullptr,
    nullptr,
    nullptr,
};

}  // namespace

void InstallConnectionUiOps() {
  purple_connections_set_ui_ops(&kConnectionUiOps);
}

}  // namespace lilac
