#include "frontend_shim/translate/user_queues.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using ::testing::ElementsAre;

TEST(UserQueuesTest, ABlockedKeyDoesNotHoldBackOthers) {
  UserQueues queues;
  absl::Notification release_a;
  absl::Notification b_done;
  queues.Post("a", [&] { release_a.WaitForNotification(); });
  queues.Post("b", [&] { b_done.Notify(); });
  // Would never return if "b" waited behind "a".
  b_done.WaitForNotification();
  release_a.Notify();
  queues.Stop();
}

TEST(UserQueuesTest, TasksOfOneKeyRunInOrderOneAtATime) {
  UserQueues queues;
  absl::Mutex mutex;
  std::vector<int> order;
  int running = 0;
  int most_running = 0;
  absl::Notification done;
  for (int i = 0; i < 50; ++i) {
    queues.Post("a", [&, i] {
      {
        absl::MutexLock lock(&mutex);
        most_running = std::max(most_running, ++running);
        order.push_back(i);
      }
      absl::MutexLock lock(&mutex);
      --running;
      if (i == 49) done.Notify();
    });
  }
  done.WaitForNotification();
  queues.Stop();
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(most_running, 1);
}

TEST(UserQueuesTest, StopWaitsForRunningTasksAndIgnoresLaterPosts) {
  UserQueues queues;
  absl::Notification started;
  absl::Notification release;
  std::vector<std::string> ran;
  queues.Post("a", [&] {
    started.Notify();
    release.WaitForNotification();
    ran.push_back("first");
  });
  started.WaitForNotification();
  std::thread stopper([&] { queues.Stop(); });
  release.Notify();
  stopper.join();
  queues.Post("a", [&] { ran.push_back("third"); });
  EXPECT_THAT(ran, ElementsAre("first"));
}

TEST(UserQueuesTest, AsyncTasksHoldTheirKeyUntilDone) {
  UserQueues queues;
  absl::Mutex mutex;
  std::vector<std::string> order;
  auto note = [&](const std::string& what) {
    absl::MutexLock lock(&mutex);
    order.push_back(what);
  };
  UserQueues::Done finish_first;
  absl::Notification first_started;
  absl::Notification all_done;
  queues.PostAsync("a", [&](UserQueues::Done done) {
    note("first started");
    finish_first = std::move(done);
    first_started.Notify();
  });
  queues.Post("a", [&] { note("blocking"); });
  queues.PostAsync("a", [&](UserQueues::Done done) {
    note("last");
    done();
    all_done.Notify();
  });
  first_started.WaitForNotification();
  note("first finishing");
  std::thread completer([&] { finish_first(); });
  all_done.WaitForNotification();
  completer.join();
  queues.Stop();
  EXPECT_THAT(order, ElementsAre("first started", "first finishing", "blocking",
                                 "last"));
}

TEST(UserQueuesTest, AsyncTasksDoneInlineRunInOrderWithoutRecursion) {
  UserQueues queues;
  std::vector<int> order;
  constexpr int kTasks = 100000;  // deep enough to overflow a recursive chain
  UserQueues::Done hold;
  queues.PostAsync("a", [&](UserQueues::Done done) { hold = std::move(done); });
  for (int i = 0; i < kTasks; ++i) {
    queues.PostAsync("a", [&, i](UserQueues::Done done) {
      order.push_back(i);
      done();
    });
  }
  hold();  // runs the whole chain on this thread
  ASSERT_EQ(order.size(), static_cast<size_t>(kTasks));
  for (int i = 0; i < kTasks; ++i) ASSERT_EQ(order[i], i);
  EXPECT_EQ(queues.threads(), 0);  // no pool thread was needed
  queues.Stop();
}

TEST(UserQueuesTest, StopWaitsForAsyncTasksToFinish) {
  UserQueues queues;
  UserQueues::Done done_later;
  queues.PostAsync(
      "a", [&](UserQueues::Done done) { done_later = std::move(done); });
  absl::Notification stopped;
  std::thread stopper([&] {
    queues.Stop();
    stopped.Notify();
  });
  EXPECT_FALSE(stopped.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  done_later();
  stopper.join();
  EXPECT_TRUE(stopped.HasBeenNotified());
}

}  // namespace
}  // namespace lilac::shim
