#include "frontend_shim/translate/user_queues.h"

#include <utility>

namespace lilac::shim {
namespace {

// Asynchronous tasks made due on this thread while it is already running
// one: the outer RunAsync takes them, so a chain of tasks whose `done` is
// called inline never deepens the stack.
struct DueTask {
  std::string key;
  UserQueues::AsyncTask task;
};
thread_local std::deque<DueTask>* due_here = nullptr;

}  // namespace

UserQueues::~UserQueues() { Stop(); }

void UserQueues::Post(const std::string& key, Task task) {
  Enqueue(key, Entry{std::move(task), nullptr});
}

void UserQueues::PostAsync(const std::string& key, AsyncTask task) {
  Enqueue(key, Entry{nullptr, std::move(task)});
}

void UserQueues::Enqueue(const std::string& key, Entry entry) {
  AsyncTask async;
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return;
    Queue& queue = queues_[key];
    queue.tasks.push_back(std::move(entry));
    if (queue.running || queue.tasks.size() > 1) return;  // already scheduled
    if (!Schedule(key, &async, /*from_pool_thread=*/false)) return;
  }
  RunAsync(key, std::move(async));
}

bool UserQueues::Schedule(const std::string& key, AsyncTask* async,
                          bool from_pool_thread) {
  Queue& queue = queues_[key];
  Entry& next = queue.tasks.front();
  if (next.async) {
    *async = std::move(next.async);
    queue.tasks.pop_front();
    queue.running = true;
    ++async_running_;
    return true;
  }
  ready_.push_back(key);
  // Every ready key gets a thread of its own: a busy thread may be blocked
  // for as long as a call to lilacd can take. (A pool thread about to wait
  // again counts as one.)
  if (!from_pool_thread && static_cast<size_t>(idle_) < ready_.size()) {
    threads_.emplace_back([this] { Run(); });
  }
  return false;
}

void UserQueues::RunAsync(std::string key, AsyncTask task) {
  if (due_here != nullptr) {
    due_here->push_back(DueTask{std::move(key), std::move(task)});
    return;
  }
  std::deque<DueTask> due;
  due.push_back(DueTask{std::move(key), std::move(task)});
  due_here = &due;
  while (!due.empty()) {
    DueTask next = std::move(due.front());
    due.pop_front();
    next.task([this, key = next.key] { Finished(key); });
  }
  due_here = nullptr;
}

void UserQueues::Finished(const std::string& key) {
  AsyncTask async;
  {
    absl::MutexLock lock(&mutex_);
    --async_running_;
    Queue& queue = queues_[key];
    queue.running = false;
    if (stopping_ || queue.tasks.empty()) {
      queues_.erase(key);
      return;
    }
    if (!Schedule(key, &async, /*from_pool_thread=*/false)) return;
  }
  RunAsync(key, std::move(async));
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
    Task task = std::move(queue.tasks.front().blocking);
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
      continue;
    }
    AsyncTask async;
    if (Schedule(key, &async, /*from_pool_thread=*/true)) {
      mutex_.Unlock();
      RunAsync(key, std::move(async));
      mutex_.Lock();
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
  // Asynchronous tasks in flight still call `done`, which touches us.
  mutex_.Await(absl::Condition(
      +[](UserQueues* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
        return self->async_running_ == 0;
      },
      this));
  queues_.clear();
  ready_.clear();
}

int UserQueues::threads() const {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(threads_.size());
}

}  // namespace lilac::shim
