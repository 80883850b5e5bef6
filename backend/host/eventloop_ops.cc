#include "backend/host/eventloop_ops.h"

#include <glib.h>

#include "backend/host/epoll_inputs.h"

namespace lilac {
namespace {

SecondsTimerObserver seconds_observer = nullptr;

guint AddInput(gint fd, PurpleInputCondition condition,
               PurpleInputFunction function, gpointer data) {
  return EpollInputs::Get().Add(fd, condition, function, data);
}

gboolean RemoveInput(guint handle) { return EpollInputs::Get().Remove(handle); }

struct ObservedTimer {
  GSourceFunc callback;
  gpointer data;
};

gboolean RunObservedTimer(gpointer data) {
  auto* timer = static_cast<ObservedTimer*>(data);
  const gboolean again = timer->callback(timer->data);
  if (seconds_observer != nullptr) seconds_observer(timer->callback, true);
  return again;
}

guint AddSecondsTimer(guint interval, GSourceFunc callback, gpointer data) {
  if (seconds_observer == nullptr) {
    return g_timeout_add_seconds(interval, callback, data);
  }
  seconds_observer(callback, false);
  return g_timeout_add_seconds_full(
      G_PRIORITY_DEFAULT, interval, RunObservedTimer,
      new ObservedTimer{callback, data},
      [](gpointer timer) { delete static_cast<ObservedTimer*>(timer); });
}

// Timeouts are GLib's; inputs share one epoll source (see EpollInputs).
PurpleEventLoopUiOps kGlibEventLoopOps = {
    g_timeout_add,   g_source_remove, AddInput, RemoveInput,
    nullptr,  // input_get_error: libpurple falls back to getsockopt.
    AddSecondsTimer, nullptr,         nullptr,  nullptr,
};

}  // namespace

PurpleEventLoopUiOps* GlibEventLoopOps() { return &kGlibEventLoopOps; }

void ObserveSecondsTimers(SecondsTimerObserver observer) {
  seconds_observer = observer;
}

}  // namespace lilac
