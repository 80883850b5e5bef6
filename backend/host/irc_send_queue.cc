#include "backend/host/irc_send_queue.h"

#include <glib.h>

#include <cstring>
#include <map>

namespace lilac {
namespace {

// A seconds timer of interval 1 is due at most this far ahead (GLib rounds
// seconds timers up to its per-session point in the second).
constexpr gint64 kTickAheadUs = 2 * G_USEC_PER_SEC;

// The send timer of each watched connection, referenced so that a pointer to
// a source prpl-irc removed is never used. Loop-only state.
std::map<PurpleConnection*, GSource*>& Timers() {
  static auto* timers = new std::map<PurpleConnection*, GSource*>();
  return *timers;
}

// The send timer is prpl-irc's first timeout with its connection data: added
// at connect, before the ISON and WHO timers (45 s and more), which are not
// due within a tick except just before they fire anyway.
GSource* FindSendTimer(PurpleConnection* gc) {
  void* irc = purple_connection_get_protocol_data(gc);
  if (irc == nullptr) return nullptr;
  return g_main_context_find_source_by_funcs_user_data(g_main_context_default(),
                                                       &g_timeout_funcs, irc);
}

}  // namespace

void WatchIrcSendQueue(PurpleConnection* gc) {
  PurpleAccount* account = purple_connection_get_account(gc);
  if (account == nullptr ||
      std::strcmp(purple_account_get_protocol_id(account), "prpl-irc") != 0) {
    return;
  }
  GSource* timer = FindSendTimer(gc);
  if (timer == nullptr) return;
  UnwatchIrcSendQueue(gc);
  Timers()[gc] = g_source_ref(timer);
}

void UnwatchIrcSendQueue(PurpleConnection* gc) {
  auto it = Timers().find(gc);
  if (it == Timers().end()) return;
  g_source_unref(it->second);
  Timers().erase(it);
}

void FlushIrcSendQueues(const OnLoop&) {
  if (Timers().empty()) return;
  const gint64 now = g_get_monotonic_time();
  for (auto& [gc, timer] : Timers()) {
    if (timer == nullptr || g_source_is_destroyed(timer)) {
      // prpl-irc replaced its timer: find the new one.
      if (timer != nullptr) g_source_unref(timer);
      GSource* current = FindSendTimer(gc);
      timer = current != nullptr ? g_source_ref(current) : nullptr;
      if (timer == nullptr) continue;
    }
    const gint64 due = g_source_get_ready_time(timer);
    if (due < 0 || due - now > kTickAheadUs) continue;
    // Ready now; after it runs, GLib schedules it a tick on as before.
    g_source_set_ready_time(timer, 0);
  }
}

}  // namespace lilac
