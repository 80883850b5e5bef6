// libpurple's notify UI ops: user info replies, and error notices (which
// explain failed chat joins).
#include "backend/host/c_string.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

// Notices carry no account, so they cannot be routed to a session on their own.
// A handle of null tells libpurple the notice is already dismissed.
void* NotifyMessage(PurpleNotifyMsgType type, const char* title,
                    const char* primary, const char* secondary) {
  if (type == PURPLE_NOTIFY_MSG_ERROR &&
      PurpleSessions::Get(OnLoop::InCallback()) != nullptr) {
    std::string words = OrEmpty(secondary);
    if (words.empty()) words = OrEmpty(primary);
    if (words.empty()) words = OrEmpty(title);
    PurpleSessions::Get(OnLoop::InCallback())->NoteErrorNotice(words);
  }
  return nullptr;
}

void* NotifyUserInfo(PurpleConnection* gc, const char* who,
                     PurpleNotifyUserInfo* user_info) {
  LoopSession* session =
      PurpleSessions::SessionOf(purple_connection_get_account(gc));
  if (session != nullptr) {
    PurpleSessions::Get(OnLoop::InCallback())
        ->StoreUserInfo(session, OrEmpty(who), user_info);
  }
  return nullptr;
}

PurpleNotifyUiOps kNotifyUiOps = {
    NotifyMessage,
    nullptr,  // notify_email
    nullptr,  // notify_emails
    nullptr,  // notify_formatted
    nullptr,  // notify_searchresults
    nullptr,  // notify_searchresults_new_rows
    NotifyUserInfo,
    nullptr,  // notify_uri
    nullptr,  // close_notify
    nullptr,        nullptr, nullptr, nullptr,
};

}  // namespace

void InstallNotifyUiOps() { purple_notify_set_ui_ops(&kNotifyUiOps); }

}  // namespace lilac
