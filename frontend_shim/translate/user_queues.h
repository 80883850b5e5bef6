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

// One ordered queue of tasks per key (a Spectrum user), run on a pool of
// threads that grows whenever every thread is busy: tasks of one key run one
// at a time, in the order posted; a task that blocks (a slow call to lilacd)
// only holds back later tasks of its own key. The pool never has more
// threads than keys ever had tasks running at the same time.
class UserQueues {
 public:
  using Task = absl::AnyInvocable<void()>;

  UserQueues() = default;
  // Stop()s.
  ~UserQueues();
  UserQueues(const UserQueues&) = delete;
  UserQueues& operator=(const UserQueues&) = delete;

  // Queues `task` behind the earlier tasks of `key`. Ignored once stopping.
  void Post(const std::string& key, Task task);

  // Runs no further task; waits for the running ones to return. Queued tasks
  // are dropped.
  void Stop();

  // Threads started so far (for tests).
  int threads() const;

 private:
  struct Queue {
    std::deque<Task> tasks;
    bool running = false;
  };
  void Run();

  mutable absl::Mutex mutex_;
  std::map<std::string, Queue> queues_ ABSL_GUARDED_BY(mutex_);
  // Keys with tasks and none running, in the order they became ready.
  std::deque<std::string> ready_ ABSL_GUARDED_BY(mutex_);
  int idle_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_USER_QUEUES_H_
