// libpurple's account UI ops: authorization requests ("may X add you to their
// list?").
#include "backend/host/c_string.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

// The handle libpurple keeps for an open authorization request.
struct AuthorizationHandle {
  std::string session;
  uint64_t id;
};

void* RequestAuthorize(PurpleAccount* account, const char* remote_user,
                       const char*, const char* alias, const char* message,
                       gboolean on_list,
                       PurpleAccountRequestAuthorizationCb authorize_cb,
                       PurpleAccountRequestAuthorizationCb deny_cb,
                       void* user_data) {
  LoopSession* session = PurpleSessions::SessionOf(account);
  if (session == nullptr) return nullptr;
  const uint64_t id = session->next_authorization_id++;
  auto* handle = new AuthorizationHandle{session->key, id};
  session->authorizations[id] =
      PendingAuthorization{authorize_cb, deny_cb, user_data, handle};
  v1::Event event;
  v1::AuthorizationRequested* requested =
      event.mutable_authorization_requested();
  requested->set_authorization_id(id);
  requested->set_sender(OrEmpty(remote_user));
  requested->set_alias(OrEmpty(alias));
  requested->set_message(OrEmpty(message));
  requested->set_on_list(on_list);
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
  return handle;
}

// libpurple withdrew the request (for example the connection closed): it can no
// longer be answered.
void CloseAccountRequest(void* ui_handle) {
  auto* handle = static_cast<AuthorizationHandle*>(ui_handle);
  if (PurpleSessions* sessions = PurpleSessions::Get(OnLoop::InCallback())) {
    sessions->ForgetAuthorization(handle->session, handle->id);
  }
  delete handle;
}

PurpleAccountUiOps kAccountUiOps = {
    nullptr,  // notify_added
    nullptr,  // status_changed
    nullptr,  // request_add
    RequestAuthorize, CloseAccountRequest, nullptr, nullptr, nullptr, nullptr,
};

}  // namespace

void DeleteAuthorizationHandle(void* ui_handle) {
  delete static_cast<AuthorizationHandle*>(ui_handle);
}

void InstallAccountUiOps() { purple_accounts_set_ui_ops(&kAccountUiOps); }

}  // namespace lilac
