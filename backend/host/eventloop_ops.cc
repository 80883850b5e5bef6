#include "backend/host/eventloop_ops.h"

#include <glib.h>

#include "backend/host/epoll_inputs.h"

namespace lilac {
namespace {

guint AddInput(gint fd, PurpleInputCondition condition,
               PurpleInputFunction function, gpointer data) {
  return EpollInputs::Get().Add(fd, condition, function, data);
}

gboolean RemoveInput(guint handle) { return EpollInputs::Get().Remove(handle); }

// Timeouts are GLib's; inputs share one epoll source (see EpollInputs).
PurpleEventLoopUiOps kGlibEventLoopOps = {
    g_timeout_add,
    g_source_remove,
    AddInput,
    RemoveInput,
    nullptr,  // input_get_error: libpurple falls back to getsockopt.
    g_timeout_add_seconds,
    nullptr,
    nullptr,
    nullptr,
};

}  // namespace

PurpleEventLoopUiOps* GlibEventLoopOps() { return &kGlibEventLoopOps; }

}  // namespace lilac
