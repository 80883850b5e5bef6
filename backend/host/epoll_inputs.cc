#include "backend/host/epoll_inputs.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>

namespace lilac {
namespace {

constexpr int kEventsPerDispatch = 256;

struct EpollSource {
  GSource base;
  EpollInputs* inputs;
};

// What a watch of `wanted` conditions is told for epoll's `events`. Hang-ups
// and errors wake readers and writers alike, as with GLib's io watches.
int PurpleConditionFor(uint32_t events, int wanted) {
  int condition = 0;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) condition |= PURPLE_INPUT_READ;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
    condition |= PURPLE_INPUT_WRITE;
  }
  return condition & wanted;
}

// The GLib io watch used for an fd epoll refuses.
struct GlibFallback {
  PurpleInputFunction function;
  gpointer data;
  int wanted;
};

gboolean DispatchGlibFallback(GIOChannel* channel, GIOCondition condition,
                              gpointer data) {
  auto* watch = static_cast<GlibFallback*>(data);
  int purple_condition = 0;
  if (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
    purple_condition |= PURPLE_INPUT_READ;
  }
  if (condition & (G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL)) {
    purple_condition |= PURPLE_INPUT_WRITE;
  }
  purple_condition &= watch->wanted;
  if (purple_condition != 0) {
    watch->function(watch->data, g_io_channel_unix_get_fd(channel),
                    static_cast<PurpleInputCondition>(purple_condition));
  }
  return TRUE;
}

void FreeGlibFallback(gpointer data) {
  delete static_cast<GlibFallback*>(data);
}

guint AddGlibWatch(int fd, PurpleInputCondition condition,
                   PurpleInputFunction function, gpointer data) {
  int glib_condition = G_IO_HUP | G_IO_ERR;
  if (condition & PURPLE_INPUT_READ) glib_condition |= G_IO_IN;
  if (condition & PURPLE_INPUT_WRITE) glib_condition |= G_IO_OUT | G_IO_NVAL;
  GIOChannel* channel = g_io_channel_unix_new(fd);
  guint id = g_io_add_watch_full(
      channel, G_PRIORITY_DEFAULT, static_cast<GIOCondition>(glib_condition),
      DispatchGlibFallback, new GlibFallback{function, data, condition},
      FreeGlibFallback);
  g_io_channel_unref(channel);
  return id;
}

}  // namespace

EpollInputs& EpollInputs::Get() {
  static EpollInputs* const inputs = new EpollInputs();
  return *inputs;
}

EpollInputs::EpollInputs() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) {
    g_error("epoll_create1: %s", strerror(errno));
  }
  static GSourceFuncs funcs = {
      nullptr,  // prepare: only the fd decides
      CheckSource, DispatchSource, nullptr, nullptr, nullptr,
  };
  source_ = g_source_new(&funcs, sizeof(EpollSource));
  reinterpret_cast<EpollSource*>(source_)->inputs = this;
  g_source_set_name(source_, "lilac purple inputs");
  source_tag_ = g_source_add_unix_fd(source_, epoll_fd_, G_IO_IN);
  g_source_attach(source_, g_main_context_default());
}

gboolean EpollInputs::CheckSource(GSource* source) {
  EpollInputs* inputs = reinterpret_cast<EpollSource*>(source)->inputs;
  return (g_source_query_unix_fd(source, inputs->source_tag_) & G_IO_IN) != 0;
}

gboolean EpollInputs::DispatchSource(GSource* source, GSourceFunc, gpointer) {
  reinterpret_cast<EpollSource*>(source)->inputs->DispatchReady();
  return G_SOURCE_CONTINUE;
}

void EpollInputs::SetPaused(bool paused) {
  if (paused == paused_) return;
  paused_ = paused;
  g_source_modify_unix_fd(source_, source_tag_,
                          paused ? static_cast<GIOCondition>(0) : G_IO_IN);
}

guint EpollInputs::Add(int fd, PurpleInputCondition condition,
                       PurpleInputFunction function, gpointer data) {
  const guint handle = next_handle_++;
  watches_[handle] = Watch{fd, condition, function, data};
  by_fd_[fd].push_back(handle);
  UpdateInterest(fd);
  return handle;
}

gboolean EpollInputs::Remove(guint handle) {
  auto it = watches_.find(handle);
  if (it == watches_.end()) return FALSE;
  const Watch watch = it->second;
  watches_.erase(it);
  if (watch.glib_source != 0) {
    g_source_remove(watch.glib_source);
    return TRUE;
  }
  auto fd = by_fd_.find(watch.fd);
  if (fd != by_fd_.end()) {
    std::vector<guint>& handles = fd->second;
    handles.erase(std::remove(handles.begin(), handles.end(), handle),
                  handles.end());
  }
  UpdateInterest(watch.fd);
  return TRUE;
}

void EpollInputs::UpdateInterest(int fd) {
  auto it = by_fd_.find(fd);
  uint32_t events = 0;
  if (it != by_fd_.end()) {
    for (guint handle : it->second) {
      const Watch& watch = watches_.at(handle);
      if (watch.condition & PURPLE_INPUT_READ) events |= EPOLLIN;
      if (watch.condition & PURPLE_INPUT_WRITE) events |= EPOLLOUT;
    }
  }
  // No watch left, or none that wants anything: epoll would still report
  // hang-ups that nobody is told about, again and again.
  if (it == by_fd_.end() || events == 0) {
    if (it != by_fd_.end()) by_fd_.erase(it);
    // Fails harmlessly when the fd was closed first (epoll forgot it then).
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    return;
  }
  epoll_event event = {};
  event.events = events;
  event.data.fd = fd;
  // MOD first; ADD when epoll does not know the fd (new, or closed and
  // reopened under the same number).
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) == 0) return;
  if (errno == ENOENT && epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0) {
    return;
  }
  // epoll refuses this fd (EPERM: a regular file): GLib polls it instead.
  for (guint handle : it->second) {
    Watch& watch = watches_.at(handle);
    watch.glib_source =
        AddGlibWatch(fd, watch.condition, watch.function, watch.data);
  }
  by_fd_.erase(it);
}

void EpollInputs::DispatchReady() {
  epoll_event events[kEventsPerDispatch];
  const int ready = epoll_wait(epoll_fd_, events, kEventsPerDispatch, 0);
  // Watches added by a callback of this batch are not told about it: their
  // fd may reuse the number of one closed in the same batch.
  const guint newest = next_handle_ - 1;
  for (int i = 0; i < ready; ++i) {
    const int fd = events[i].data.fd;
    auto it = by_fd_.find(fd);
    if (it == by_fd_.end()) continue;
    // A copy: callbacks add and remove watches.
    const std::vector<guint> handles = it->second;
    for (guint handle : handles) {
      if (handle > newest) continue;
      auto watch = watches_.find(handle);
      if (watch == watches_.end()) continue;  // removed by an earlier callback
      const int condition =
          PurpleConditionFor(events[i].events, watch->second.condition);
      if (condition == 0) continue;
      watch->second.function(watch->second.data, fd,
                             static_cast<PurpleInputCondition>(condition));
    }
  }
}

}  // namespace lilac
