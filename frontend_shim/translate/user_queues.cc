#include "frontend_shim/translate/user_queues.h"

#include <utility>

namespace lilac::shim {

UserQueues::~UserQueues() { Stop(); }

void UserQueues::Post(const std::string& key, Task task) {
  absl::MutexLock lock(&mutex_);
  if (stopping_) return;
  Queue& queue = queues_[key];
  queue.tasks.push_back(std::move(task));
  if (queue.running || queue.tasks.size() > 1) return;  // already scheduled
  ready_.push_back(key);
  // Every ready key gets a thread of its own: a busy thread may be blocked
  // for as long as a call to lilacd can take.
  if (static_cast<size_t>(idle_) < ready_.size()) {
    threads_.emplace_back([this] { Run(); });
  }
}

void UserQueues::Run() {
  absl::MutexLock lock(&mutex_);
  while (true) {
    ++idle_;
    mutex_.Await(absl::Condition(
        +[](UserQueues* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
          return self->stopping_ || !self->ready_.empty();
        },
        this));
    --idle_;
    if (stopping_) return;
    const std::string key = std::move(ready_.front());
    ready_.pop_front();
    Queue& queue = queues_[key];
    Task task = std::move(queue.tasks.front());
    queue.tasks.pop_front();
    queue.running = true;
    mutex_.Unlock();
    task();
    task = nullptr;  // whatever it holds goes before the next task starts
    mutex_.Lock();
    // std::map nodes are stable: `queue` is still this key's.
    queue.running = false;
    if (queue.tasks.empty()) {
      queues_.erase(key);
    } else {
      ready_.push_back(key);  // behind the other ready keys: fair
    }
  }
}

void UserQueues::Stop() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
  absl::MutexLock lock(&mutex_);
  queues_.clear();
  ready_.clear();
}

int UserQueues::threads() const {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(threads_.size());
}

}  // namespace lilac::shim
