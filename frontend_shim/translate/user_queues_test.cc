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

}  // namespace
}  // namespace lilac::shim
