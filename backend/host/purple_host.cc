#include "backend/host/purple_host.h"

#include <atomic>
#include <utility>

#include "backend/host/epoll_inputs.h"
#include "backend/host/irc_send_queue.h"
#include "backend/host/purple_runtime.h"
#include "common/log/log.h"

namespace lilac {
namespace {

// Whether a host runs in this process: libpurple has one global state.
std::atomic<bool> host_running{false};

// True on the thread running a host's loop, for OnLoop::InCallback.
thread_local bool is_loop_thread = false;

// A source that is ready when its ready time is set (from any thread) and
// clears it on dispatch.
gboolean DispatchWakeup(GSource* source, GSourceFunc callback, gpointer data) {
  g_source_set_ready_time(source, -1);
  return callback(data);
}

GSourceFuncs kWakeupFuncs = {nullptr, nullptr, DispatchWakeup,
                             nullptr, nullptr, nullptr};

}  // namespace

absl::StatusOr<std::unique_ptr<PurpleHost>> PurpleHost::Start(
    const Options& options) {
  if (host_running.exchange(true)) {
    return absl::FailedPreconditionError(
        "another libpurple host is running in this process; libpurple is "
        "process-wide, so hosts can only run one after another");
  }
  std::unique_ptr<PurpleHost> host(new PurpleHost());
  std::promise<absl::Status> started;
  std::future<absl::Status> started_result = started.get_future();
  host->thread_ =
      std::thread(&PurpleHost::LoopMain, host.get(), options, &started);
  absl::Status status = started_result.get();
  if (!status.ok()) {
    host->thread_.join();
    host_running = false;
    return status;
  }
  return host;
}

void PurpleHost::LoopMain(const Options& options,
                          std::promise<absl::Status>* started) {
  loop_thread_id_ = std::this_thread::get_id();
  is_loop_thread = true;
  // libpurple and its plugins add their sources to the default context, so the
  // loop thread owns it for the life of the host.
  GMainContext* context = g_main_context_default();
  g_main_context_acquire(context);
  loop_ = g_main_loop_new(context, FALSE);
  {
    absl::MutexLock lock(&mutex_);
    wakeup_ = g_source_new(&kWakeupFuncs, sizeof(GSource));
    g_source_set_callback(wakeup_, &PurpleHost::DrainQueueSource, this,
                          nullptr);
    g_source_attach(wakeup_, context);
  }

  OnLoop on_loop;
  absl::StatusOr<std::unique_ptr<PurpleRuntime>> runtime =
      PurpleRuntime::Init(on_loop, options.plugin_dirs, options.purple_debug,
                          options.plugin_state_dir);
  if (!runtime.ok()) {
    DestroyWakeup();
    g_main_loop_unref(loop_);
    loop_ = nullptr;
    g_main_context_release(context);
    started->set_value(runtime.status());
    return;
  }
  runtime_ = *std::move(runtime);
  started->set_value(absl::OkStatus());

  g_main_loop_run(loop_);

  // Work posted during shutdown still runs, so no caller of Run waits forever.
  DrainQueue();
  runtime_->Shutdown(on_loop);
  runtime_.reset();
  // What libpurple's shutdown posted still runs; after that, nothing can.
  RunQueued();
  {
    absl::MutexLock lock(&mutex_);
    stopped_ = true;
  }
  DestroyWakeup();
  g_main_loop_unref(loop_);
  loop_ = nullptr;
  g_main_context_release(context);
  is_loop_thread = false;
}

PurpleHost::~PurpleHost() {
  if (!thread_.joinable()) return;
  Post([this](const OnLoop&) { g_main_loop_quit(loop_); });
  thread_.join();
  host_running = false;
}

const OnLoop& OnLoop::InCallback() {
  if (!is_loop_thread) {
    log::Fatal("host",
               "a libpurple callback ran off the loop thread; only the loop "
               "thread may touch libpurple");
  }
  static const OnLoop token{};
  return token;
}

void PurpleHost::AbortRunFromLoop() {
  log::Fatal("host",
             "PurpleHost::Run called on the loop thread, which would wait for "
             "itself forever; code on the loop calls libpurple directly");
}

void PurpleHost::Post(absl::AnyInvocable<void(const OnLoop&)> work) {
  absl::MutexLock lock(&mutex_);
  if (stopped_) {
    log::Fatal("host",
               "work posted to a libpurple host that has shut down; it would "
               "never run and whoever waits for it would hang");
  }
  const bool was_empty = queue_.empty();
  queue_.push_back(std::move(work));
  // One dispatch drains everything queued since the last one. Setting the ready
  // time is thread-safe and wakes the loop.
  if (was_empty && wakeup_ != nullptr) g_source_set_ready_time(wakeup_, 0);
}

void PurpleHost::HoldNetwork(bool hold) {
  {
    absl::MutexLock lock(&mutex_);
    network_holds_ += hold ? 1 : -1;
  }
  // Applied on the loop thread, from the count as it is then: holds and
  // releases racing each other settle on the last word.
  Post([this](const OnLoop&) {
    bool held;
    {
      absl::MutexLock lock(&mutex_);
      held = network_holds_ > 0;
    }
    EpollInputs::Get().SetPaused(held);
  });
}

void PurpleHost::DestroyWakeup() {
  absl::MutexLock lock(&mutex_);
  g_source_destroy(wakeup_);
  g_source_unref(wakeup_);
  wakeup_ = nullptr;
}

void PurpleHost::RunQueued() {
  std::deque<absl::AnyInvocable<void(const OnLoop&)>> batch;
  {
    absl::MutexLock lock(&mutex_);
    batch.swap(queue_);
  }
  OnLoop on_loop;
  for (auto& work : batch) work(on_loop);
}

gboolean PurpleHost::DrainQueueSource(gpointer host) {
  static_cast<PurpleHost*>(host)->DrainQueue();
  return G_SOURCE_CONTINUE;
}

void PurpleHost::DrainQueue() {
  RunQueued();
  OnLoop on_loop;
  // What the commands gave prpl-irc waits in its queue for a timer tick.
  FlushIrcSendQueues(on_loop);
}

PluginStateDir* PurpleHost::plugin_state(const OnLoop&) const {
  return runtime_ != nullptr ? runtime_->plugin_state() : nullptr;
}

bool PurpleHost::IsLoopThread() const {
  return std::this_thread::get_id() == loop_thread_id_;
}

}  // namespace lilac
