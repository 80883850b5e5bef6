#ifndef LILAC_BACKEND_HOST_EPOLL_INPUTS_H_
#define LILAC_BACKEND_HOST_EPOLL_INPUTS_H_

#include <glib.h>
#include <purple.h>

#include <map>
#include <vector>

namespace lilac {

// libpurple's input watches (purple_input_add) on one epoll instance that a
// single GSource of the default main context dispatches. With GLib's own io
// watches every loop iteration polls, prepares and checks one source per
// connection; with thousands of sessions that is most of the loop's time.
// Here an iteration polls one fd and touches only the ready ones.
//
// Only the loop thread may use it (libpurple calls the event loop ops there).
// An fd epoll cannot watch (a regular file) falls back to a GLib io watch.
class EpollInputs {
 public:
  // The process's instance, attached to the default main context on first
  // use. Never destroyed: libpurple may remove inputs while it shuts down.
  static EpollInputs& Get();

  // purple_input_add / purple_input_remove. Handles are never reused.
  guint Add(int fd, PurpleInputCondition condition,
            PurpleInputFunction function, gpointer data);
  gboolean Remove(guint handle);

  // While paused no watch is dispatched (the epoll fd is not polled, so the
  // loop does not spin on ready fds).
  void SetPaused(bool paused);

  // Watches registered now (for tests).
  size_t size() const { return watches_.size(); }

 private:
  struct Watch {
    int fd;
    PurpleInputCondition condition;
    PurpleInputFunction function;
    gpointer data;
    guint glib_source = 0;  // set when epoll could not take the fd
  };

  EpollInputs();
  // Tells epoll what the watches of `fd` want now (or forgets the fd).
  void UpdateInterest(int fd);
  // Runs the callbacks of the fds epoll reports ready.
  void DispatchReady();

  static gboolean CheckSource(GSource* source);
  static gboolean DispatchSource(GSource* source, GSourceFunc, gpointer);

  int epoll_fd_ = -1;
  bool paused_ = false;
  GSource* source_ = nullptr;
  gpointer source_tag_ = nullptr;
  guint next_handle_ = 1;
  std::map<guint, Watch> watches_;
  // The epoll-watched handles of each fd, oldest first.
  std::map<int, std::vector<guint>> by_fd_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_EPOLL_INPUTS_H_
