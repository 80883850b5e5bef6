#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_USER_QUEUES_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_USER_QUEUES_H_

#include <deque>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace lilac::shim {

// One ordered queue of tasks per key (a Spectrum user): tasks of one key run
// one at a time, in the order posted; a task that blocks (a slow call to
// lilacd) only holds back later tasks of its own key.
//
// Blocking tasks run on a pool of threads that grows whenever every thread is
// busy (never more threads than keys ever had tasks running at once).
// Asynchronous tasks only start work that finishes later (a callback call to
// lilacd) and call `done` when it has; they run on the thread that made them
// due (the poster, or the one that called the previous task's `done`), so a
// busy user's messages pass from one completion to the next call without
// waking a pool thread.
class UserQueues {
 public:
  using Task = absl::AnyInvocable<void()>;
  // Must not block. Calls `done` exactly once, from any thread, when its work
  // is over; later tasks of the key wait until then.
  using Done = absl::AnyInvocable<void()>;
  using AsyncTask = absl::AnyInvocable<void(Done done)>;

  UserQueues() = default;
  // Stop()s.
  ~UserQueues();
  UserQueues(const UserQueues&) = delete;
  UserQueues& operator=(const UserQueues&) = delete;

  // Queues `task` behind the earlier tasks of `key`. Ignored once stopping.
  void Post(const std::string& key, Task task);
  void PostAsync(const std::string& key, AsyncTask task);

  // Starts no further task; waits for the running ones (blocking tasks to
  // return, asynchronous ones to call `done`). Queued tasks are dropped.
  void Stop();

  // Threads started so far (for tests).
  int threads() const;

 private:
  struct Entry {
    Task blocking;
    AsyncTask async;
  };
  struct Queue {
    std::deque<Entry> tasks;
    bool running = false;
  };

  void Enqueue(const std::string& key, Entry entry);
  // With `key` idle and its queue not empty: hands a blocking task to the
  // pool, or takes an asynchronous one out for the caller to run (returns
  // true and fills `*async`).
  bool Schedule(const std::string& key, AsyncTask* async, bool from_pool_thread)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Runs an asynchronous task of `key` on this thread, then whatever became
  // due through its `done` on this thread, iteratively.
  void RunAsync(std::string key, AsyncTask task);
  // `done` of an asynchronous task of `key`.
  void Finished(const std::string& key);
  void Run();

  mutable absl::Mutex mutex_;
  std::map<std::string, Queue> queues_ ABSL_GUARDED_BY(mutex_);
  // Keys whose next task is a blocking one, in the order they became ready.
  std::deque<std::string> ready_ ABSL_GUARDED_BY(mutex_);
  int idle_ ABSL_GUARDED_BY(mutex_) = 0;
  int async_running_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_USER_QUEUES_H_
