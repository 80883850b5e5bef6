// ThreadSanitizer can only see synchronization it instruments or is told
// about. Debian's Abseil is built without -fsanitize=thread, so absl::Mutex,
// CondVar and Notification are invisible to it and every access they guard
// looks like a race. Abseil's own TSAN annotations only exist in a TSAN build
// of Abseil, which Debian does not ship.
//
// Linked into every binary of `--config=tsan` (see .bazelrc), this file
// defines the public lock, wait and notify entry points itself, so the
// program's calls bind here before libabsl_synchronization (symbol
// interposition). Each one tells TSAN what happens (lock acquired, released,
// notification published) and calls the real function, found with
// dlsym(RTLD_NEXT). Waits on a Condition poll with visible unlocks and locks
// instead of the real Await, which evaluates the condition while holding the
// lock internally, where TSAN could not see it held.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace {

template <typename Function>
Function Real(const char* mangled) {
  void* found = dlsym(RTLD_NEXT, mangled);
  if (found == nullptr) {
    fprintf(stderr, "absl_tsan_annotations: %s not found: %s\n", mangled,
            dlerror());
    abort();
  }
  return reinterpret_cast<Function>(found);
}

// How long a Condition wait sleeps between evaluations.
constexpr useconds_t kPollMicros = 50;

void AnnotateLocked(void* mutex, unsigned flags) {
  __tsan_mutex_pre_lock(mutex, flags);
  __tsan_mutex_post_lock(mutex, flags, 0);
}

void AnnotateUnlocked(void* mutex, unsigned flags) {
  __tsan_mutex_pre_unlock(mutex, flags);
  __tsan_mutex_post_unlock(mutex, flags);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  static auto real = Real<void (*)(Mutex*)>("_ZN4absl7debian35MutexD2Ev");
  __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
  static auto real = Real<void (*)(Mutex*)>("_ZN4absl7debian35Mutex4LockEv");
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::Unlock() {
  static auto real = Real<void (*)(Mutex*)>("_ZN4absl7debian35Mutex6UnlockEv");
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

bool Mutex::TryLock() {
  static auto real = Real<bool (*)(Mutex*)>("_ZN4absl7debian35Mutex7TryLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = real(this);
  __tsan_mutex_post_lock(
      this,
      locked ? __tsan_mutex_try_lock
             : __tsan_mutex_try_lock | __tsan_mutex_try_lock_failed,
      0);
  return locked;
}

void Mutex::ReaderLock() {
  static auto real =
      Real<void (*)(Mutex*)>("_ZN4absl7debian35Mutex10ReaderLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

void Mutex::ReaderUnlock() {
  static auto real =
      Real<void (*)(Mutex*)>("_ZN4absl7debian35Mutex12ReaderUnlockEv");
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

bool Mutex::ReaderTryLock() {
  static auto real =
      Real<bool (*)(Mutex*)>("_ZN4absl7debian35Mutex13ReaderTryLockEv");
  const unsigned flags = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(this, flags);
  const bool locked = real(this);
  __tsan_mutex_post_lock(
      this, locked ? flags : flags | __tsan_mutex_try_lock_failed, 0);
  return locked;
}

// Calls Unlock from inside the library, where the call does not reach the
// annotated one above.
void ReleasableMutexLock::Release() {
  this->mu_->Unlock();
  this->mu_ = nullptr;
}

// Condition waits: poll with annotated unlocks and locks.

void Mutex::Await(const Condition& cond) {
  while (!cond.Eval()) {
    Unlock();
    usleep(kPollMicros);
    Lock();
  }
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  while (!cond.Eval()) {
    if (absl::Now() >= deadline) return false;
    Unlock();
    usleep(kPollMicros);
    Lock();
  }
  return true;
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  return AwaitWithDeadline(cond, absl::Now() + timeout);
}

void Mutex::LockWhen(const Condition& cond) {
  Lock();
  Await(cond);
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  Lock();
  return AwaitWithDeadline(cond, deadline);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  return LockWhenWithDeadline(cond, absl::Now() + timeout);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  ReaderLock();
  while (!cond.Eval()) {
    ReaderUnlock();
    usleep(kPollMicros);
    ReaderLock();
  }
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond,
                                       absl::Time deadline) {
  ReaderLock();
  while (!cond.Eval()) {
    if (absl::Now() >= deadline) return false;
    ReaderUnlock();
    usleep(kPollMicros);
    ReaderLock();
  }
  return true;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond,
                                      absl::Duration timeout) {
  return ReaderLockWhenWithDeadline(cond, absl::Now() + timeout);
}

// CondVar waits release the mutex and take it again inside.

void CondVar::Wait(Mutex* mu) {
  static auto real = Real<void (*)(CondVar*, Mutex*)>(
      "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  AnnotateUnlocked(mu, 0);
  real(this, mu);
  AnnotateLocked(mu, 0);
}

// The real one calls WaitWithDeadline through the PLT, that is, the one
// below: annotating here too would release the mutex twice.
bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  return WaitWithDeadline(mu, absl::Now() + timeout);
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  static auto real = Real<bool (*)(CondVar*, Mutex*, absl::Time)>(
      "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  AnnotateUnlocked(mu, 0);
  const bool timed_out = real(this, mu, deadline);
  AnnotateLocked(mu, 0);
  return timed_out;
}

// Notification: Notify publishes everything before it to whoever sees the
// notification, through the Waits (keyed by the Notification's address) and
// through HasBeenNotified, an inline acquire load of the flag that follows
// the Mutex in the object: the flag is stored again here, where TSAN sees the
// release. (A reader that sees the real store first, in the instant before,
// is not covered.)
static_assert(sizeof(Notification) == 2 * sizeof(Mutex),
              "Notification is a Mutex and an atomic flag");

void Notification::Notify() {
  static auto real =
      Real<void (*)(Notification*)>("_ZN4absl7debian312Notification6NotifyEv");
  __tsan_release(this);
  real(this);
  reinterpret_cast<std::atomic<bool>*>(reinterpret_cast<char*>(this) +
                                       sizeof(Mutex))
      ->store(true, std::memory_order_release);
}

void Notification::WaitForNotification() const {
  static auto real = Real<void (*)(const Notification*)>(
      "_ZNK4absl7debian312Notification19WaitForNotificationEv");
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(
    absl::Duration timeout) const {
  static auto real = Real<bool (*)(const Notification*, absl::Duration)>(
      "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_"
      "8DurationE");
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  static auto real = Real<bool (*)(const Notification*, absl::Time)>(
      "_ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_"
      "4TimeE");
  const bool notified = real(this, deadline);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
