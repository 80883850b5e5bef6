#ifndef LILAC_BACKEND_HOST_PURPLE_HOST_H_
#define LILAC_BACKEND_HOST_PURPLE_HOST_H_

#include <deque>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "glib.h"

namespace lilac {

class PluginStateDir;
class PurpleRuntime;

// Proof that code runs on the libpurple loop thread. Only PurpleHost makes one,
// and only on that thread, so every function that touches libpurple takes a
// `const OnLoop&` and cannot be called from anywhere else without going through
// PurpleHost::Post or PurpleHost::Run.
class OnLoop {
 public:
  // The token for libpurple's callbacks (UI ops, signals, timers, inputs):
  // libpurple calls them on the loop thread, and this is the one place they
  // get the token, checked. On any other thread it aborts.
  static const OnLoop& InCallback();

  OnLoop(const OnLoop&) = delete;
  OnLoop& operator=(const OnLoop&) = delete;

 private:
  friend class PurpleHost;
  OnLoop() = default;
};

// Owns libpurple: one thread runs a GLib main loop and is the only thread that
// ever calls libpurple. Other threads hand it work with Post (fire and forget)
// or Run (wait for a result).
class PurpleHost {
 public:
  struct Options {
    // Extra directories searched for protocol plugins (.so), before the system
    // one.
    std::vector<std::string> plugin_dirs;
    // Print libpurple's debug log on stderr.
    bool purple_debug = false;
    // Where plugins' own files (keys, databases) persist across restarts; see
    // PluginStateDir. Empty: libpurple's directory is temporary.
    std::string plugin_state_dir;
  };

  // Starts the loop thread and initialises libpurple on it. Fails if a plugin
  // directory does not exist or libpurple cannot start, and while another
  // host runs in this process (libpurple is process-wide); hosts one after
  // another are fine.
  static absl::StatusOr<std::unique_ptr<PurpleHost>> Start(
      const Options& options);

  // Shuts libpurple down on the loop thread, joins it and removes the private
  // user directory.
  ~PurpleHost();

  PurpleHost(const PurpleHost&) = delete;
  PurpleHost& operator=(const PurpleHost&) = delete;

  // Queues `work` to run on the loop thread, in order. Never blocks on
  // libpurple. Posting once the loop has shut down is a bug and aborts
  // (the work could never run).
  void Post(absl::AnyInvocable<void(const OnLoop&)> work);

  // Runs `work` on the loop thread and returns its result. Called from the
  // loop thread itself it would wait for itself forever: that aborts.
  template <typename Work>
  auto Run(Work work) -> std::invoke_result_t<Work, const OnLoop&> {
    using Result = std::invoke_result_t<Work, const OnLoop&>;
    if (IsLoopThread()) AbortRunFromLoop();
    std::promise<Result> promise;
    std::future<Result> result = promise.get_future();
    Post([&promise, &work](const OnLoop& loop) {
      if constexpr (std::is_void_v<Result>) {
        work(loop);
        promise.set_value();
      } else {
        promise.set_value(work(loop));
      }
    });
    return result.get();
  }

  // True on the loop thread.
  bool IsLoopThread() const;

  // The plugin state directory (Options::plugin_state_dir), or null. Lives as
  // long as the host; used on the loop thread only.
  PluginStateDir* plugin_state(const OnLoop& loop) const;

  // Holds (or releases) reading from the network: while any hold is on,
  // libpurple's input watches are not dispatched, so unread data waits in the
  // kernel and TCP slows the senders. Timers and posted work still run. For
  // an event consumer that must not lose events (see StreamEventsRequest's
  // hold_network_when_behind). Any thread; holds are counted.
  void HoldNetwork(bool hold);

 private:
  PurpleHost() = default;
  void LoopMain(const Options& options, std::promise<absl::Status>* started);
  // Runs everything queued so far; called by GLib on the loop thread.
  void DrainQueue();
  // Runs the queued work only.
  void RunQueued();
  static gboolean DrainQueueSource(gpointer host);
  void DestroyWakeup();
  [[noreturn]] static void AbortRunFromLoop();

  std::thread thread_;
  std::thread::id loop_thread_id_;
  GMainLoop* loop_ = nullptr;
  // Made ready by Post to run DrainQueue; lives on the loop thread's context.
  GSource* wakeup_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::unique_ptr<PurpleRuntime> runtime_;

  absl::Mutex mutex_;
  std::deque<absl::AnyInvocable<void(const OnLoop&)>> queue_
      ABSL_GUARDED_BY(mutex_);
  int network_holds_ ABSL_GUARDED_BY(mutex_) = 0;
  // The loop ended and ran its last work: nothing posted now would run.
  bool stopped_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PURPLE_HOST_H_
