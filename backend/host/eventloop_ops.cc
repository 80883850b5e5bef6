#include "backend/host/eventloop_ops.h"

#include <glib.h>

namespace lilac {
namespace {

constexpr GIOCondition kReadCondition =
    static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR);
constexpr GIOCondition kWriteCondition =
    static_cast<GIOCondition>(G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL);

struct InputWatch {
  PurpleInputFunction function;
  gpointer data;
};

gboolean DispatchInput(GIOChannel* channel, GIOCondition condition,
                       gpointer data) {
  auto* watch = static_cast<InputWatch*>(data);
  int purple_condition = 0;
  if (condition & kReadCondition) purple_condition |= PURPLE_INPUT_READ;
  if (condition & kWriteCondition) purple_condition |= PURPLE_INPUT_WRITE;
  watch->function(watch->data, g_io_channel_unix_get_fd(channel),
                  static_cast<PurpleInputCondition>(purple_condition));
  return TRUE;
}

void FreeInputWatch(gpointer data) { delete static_cast<InputWatch*>(data); }

guint AddInput(gint fd, PurpleInputCondition condition,
               PurpleInputFunction function, gpointer data) {
  int glib_condition = 0;
  if (condition & PURPLE_INPUT_READ) glib_condition |= kReadCondition;
  if (condition & PURPLE_INPUT_WRITE) glib_condition |= kWriteCondition;
  GIOChannel* channel = g_io_channel_unix_new(fd);
  guint id = g_io_add_watch_full(
      channel, G_PRIORITY_DEFAULT, static_cast<GIOCondition>(glib_condition),
      DispatchInput, new InputWatch{function, data}, FreeInputWatch);
  g_io_channel_unref(channel);
  return id;
}

PurpleEventLoopUiOps kGlibEventLoopOps = {
    g_timeout_add,
    g_source_remove,
    AddInput,
    g_source_remove,
    nullptr,  // input_get_error: libpurple falls back to getsockopt.
    g_timeout_add_seconds,
    nullptr,
    nullptr,
    nullptr,
};

}  // namespace

PurpleEventLoopUiOps* GlibEventLoopOps() { return &kGlibEventLoopOps; }

}  // namespace lilac
