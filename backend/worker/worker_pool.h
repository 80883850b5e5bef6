#ifndef LILAC_BACKEND_WORKER_WORKER_POOL_H_
#define LILAC_BACKEND_WORKER_WORKER_POOL_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "backend/commands/host_commands.h"
#include "backend/host/event_sink.h"
#include "backend/worker/worker_client.h"

namespace lilac::worker {

// Sessions spread over worker processes, each with its own libpurple: a
// plugin that crashes or hangs takes down its worker only. Sessions of one
// plugin share workers; a session stays on its worker for its life. When a
// worker ends, each of its sessions gets DISCONNECTED (WORKER_EXITED) and is
// logged in again on another worker, with its latest settings, and rejoins its
// rooms; a session whose workers keep ending is ended instead. Events go to
// `sink` as if one host sent them: the session logs stay in lilacd.
class WorkerPool final : public HostCommands {
 public:
  struct Options {
    // How every worker runs; `name` and `on_exit` are the pool's.
    WorkerClient::Options worker;
    // Sessions of one plugin go to this many workers before any of them
    // takes more than its share (one per core spreads them over the cores).
    int spread = 2;
    // At most this many workers (0: as many as `sessions_per_worker` needs).
    int max_workers = 0;
    // A worker takes new sessions while it has fewer than this (libpurple's
    // cost per account grows with the accounts in the process).
    int sessions_per_worker = 2000;
    // A session whose worker ended this many times within `crash_window` is
    // not logged in again: it ends.
    int crashes_allowed = 3;
    absl::Duration crash_window = absl::Minutes(10);
  };

  // Starts one worker (answering ListProtocols at once); more start as
  // sessions come.
  static absl::StatusOr<std::unique_ptr<WorkerPool>> Start(Options options,
                                                           EventSink* sink);
  // Stops every worker (LogoutAll).
  ~WorkerPool() override;

  // Stops every worker: each logs its sessions out (their last events reach
  // the sink) and exits. Later calls fail with UNAVAILABLE.
  void LogoutAll();

  LILAC_HOST_COMMANDS_OVERRIDES

 private:
  class WorkerSink;
  struct Worker;
  struct SessionRecord;

  WorkerPool(Options options, EventSink* sink);

  // The worker for a new session of `protocol`: an existing one, or a new
  // one (not started yet: the caller starts it). Null once stopping.
  std::shared_ptr<Worker> PlaceLocked(const std::string& protocol, bool* is_new)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Starts a placed worker; on failure it leaves the pool.
  void StartWorker(const std::shared_ptr<Worker>& worker);
  // Waits until `worker` started; why not if it did not.
  static absl::Status AwaitStarted(const Worker& worker);
  // The worker hosting `session`, or any worker (which answers NOT_FOUND as
  // the in-process host does); null when there is none.
  absl::StatusOr<std::shared_ptr<Worker>> WorkerFor(const std::string& session);
  // Carries a session's command to its worker.
  template <typename Request, typename Response, typename Command>
  void Route(const Request& request, Done<Response> done, Command command);
  // Brings a worker's applied network holds to the pool's count.
  void SyncHolds(Worker& worker);

  // From the workers' sinks (their reader threads; never blocks).
  absl::Status OnOpened(Worker* worker, const v1::Session& session);
  void OnEvent(Worker* worker, const std::string& session, v1::Event event);
  void OnClosed(Worker* worker, const std::string& session);
  // A Login that created no session frees its place.
  void Unreserve(const std::string& session, int worker_number);

  // The janitor thread: handles ended workers, retires emptied ones, rejoins
  // rooms. Worker clients are destroyed only here (never on their threads).
  void JanitorLoop();
  bool JanitorHasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(janitor_mutex_);
  void Post(absl::AnyInvocable<void()> task);
  void WorkerEnded(const std::shared_ptr<Worker>& worker,
                   const absl::Status& why);
  // Logs a session moved to a new worker in there.
  void Relogin(const std::string& session);
  void Rejoin(const std::string& session);
  void Retire(std::shared_ptr<Worker> worker);
  // Destroys a client once no caller holds its worker.
  static void Dispose(std::shared_ptr<Worker> worker);

  Options options_;
  EventSink* const sink_;

  mutable absl::Mutex mutex_;
  std::vector<std::shared_ptr<Worker>> workers_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, SessionRecord> sessions_ ABSL_GUARDED_BY(mutex_);
  // protocol '\n' username -> session key.
  std::map<std::string, std::string> accounts_ ABSL_GUARDED_BY(mutex_);
  // Protocol ids the workers load (protocol plugins always load).
  std::set<std::string> protocols_ ABSL_GUARDED_BY(mutex_);
  // Plugins LoadPlugin loaded: new workers load them too.
  std::vector<std::string> loaded_plugins_ ABSL_GUARDED_BY(mutex_);
  int next_number_ ABSL_GUARDED_BY(mutex_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::atomic<int> holds_{0};

  mutable absl::Mutex janitor_mutex_;
  std::deque<absl::AnyInvocable<void()>> tasks_ ABSL_GUARDED_BY(janitor_mutex_);
  bool janitor_stop_ ABSL_GUARDED_BY(janitor_mutex_) = false;
  std::thread janitor_;
};

}  // namespace lilac::worker

#endif  // LILAC_BACKEND_WORKER_WORKER_POOL_H_
