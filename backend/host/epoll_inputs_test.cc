// EpollInputs: libpurple's input watches on one epoll source, driven here by
// iterating the default main context on the test's thread.
#include "backend/host/epoll_inputs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace lilac {
namespace {

struct Calls {
  std::vector<int> conditions;
  guint remove_on_call = 0;  // a handle to remove from inside the callback
};

void Record(gpointer data, gint, PurpleInputCondition condition) {
  auto* calls = static_cast<Calls*>(data);
  calls->conditions.push_back(condition);
  if (calls->remove_on_call != 0) {
    EpollInputs::Get().Remove(calls->remove_on_call);
    calls->remove_on_call = 0;
  }
}

// Iterates the main context until nothing more is ready.
void RunReady() {
  for (int i = 0; i < 10 && g_main_context_iteration(nullptr, FALSE); ++i) {
  }
}

class EpollInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0);
  }
  void TearDown() override {
    for (guint handle : handles_) EpollInputs::Get().Remove(handle);
    close(fds_[0]);
    close(fds_[1]);
  }
  guint Add(int fd, PurpleInputCondition condition, Calls* calls) {
    handles_.push_back(EpollInputs::Get().Add(fd, condition, Record, calls));
    return handles_.back();
  }

  int fds_[2];
  std::vector<guint> handles_;
};

TEST_F(EpollInputsTest, ReadWatchFiresOnlyWhenDataArrives) {
  Calls calls;
  Add(fds_[0], PURPLE_INPUT_READ, &calls);
  RunReady();
  EXPECT_TRUE(calls.conditions.empty());
  ASSERT_EQ(write(fds_[1], "x", 1), 1);
  RunReady();
  ASSERT_FALSE(calls.conditions.empty());
  EXPECT_EQ(calls.conditions.front(), PURPLE_INPUT_READ);
}

TEST_F(EpollInputsTest, ReadAndWriteWatchesOnOneFdAreToldApart) {
  Calls reads;
  Calls writes;
  Add(fds_[0], PURPLE_INPUT_READ, &reads);
  Add(fds_[0], PURPLE_INPUT_WRITE, &writes);
  RunReady();
  EXPECT_TRUE(reads.conditions.empty());
  ASSERT_FALSE(writes.conditions.empty());
  EXPECT_EQ(writes.conditions.front(), PURPLE_INPUT_WRITE);
}

TEST_F(EpollInputsTest, RemovedWatchIsNotCalledAgain) {
  Calls calls;
  guint handle = Add(fds_[0], PURPLE_INPUT_READ, &calls);
  calls.remove_on_call = handle;
  ASSERT_EQ(write(fds_[1], "x", 1), 1);
  RunReady();
  EXPECT_EQ(calls.conditions.size(), 1u);
  EXPECT_FALSE(EpollInputs::Get().Remove(handle));  // already gone
}

TEST_F(EpollInputsTest, CallbackMayRemoveAnotherWatchOfTheSameFd) {
  Calls first;
  Calls second;
  Add(fds_[0], PURPLE_INPUT_READ, &first);
  first.remove_on_call = Add(fds_[0], PURPLE_INPUT_READ, &second);
  ASSERT_EQ(write(fds_[1], "x", 1), 1);
  RunReady();
  EXPECT_FALSE(first.conditions.empty());
  EXPECT_TRUE(second.conditions.empty());
}

TEST_F(EpollInputsTest, HangUpWakesAReader) {
  Calls calls;
  Add(fds_[0], PURPLE_INPUT_READ, &calls);
  shutdown(fds_[1], SHUT_WR);
  RunReady();
  ASSERT_FALSE(calls.conditions.empty());
  EXPECT_EQ(calls.conditions.front(), PURPLE_INPUT_READ);
}

TEST_F(EpollInputsTest, FdClosedAndReopenedUnderTheSameNumberWorks) {
  Calls old_calls;
  guint old_handle = Add(fds_[0], PURPLE_INPUT_READ, &old_calls);
  // Closed before its watch is removed; a new socket takes the number.
  const int number = fds_[0];
  close(fds_[0]);
  EpollInputs::Get().Remove(old_handle);
  int fresh[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fresh), 0);
  if (fresh[0] != number) {
    ASSERT_EQ(dup2(fresh[0], number), number);
    close(fresh[0]);
  }
  fds_[0] = number;
  Calls calls;
  Add(number, PURPLE_INPUT_READ, &calls);
  ASSERT_EQ(write(fresh[1], "x", 1), 1);
  RunReady();
  EXPECT_TRUE(old_calls.conditions.empty());
  ASSERT_FALSE(calls.conditions.empty());
  close(fresh[1]);
}

TEST(EpollInputsFallbackTest, RegularFileIsWatchedThroughGlib) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string pattern = std::string(tmp ? tmp : "/tmp") + "/inputXXXXXX";
  int fd = mkstemp(pattern.data());
  ASSERT_GE(fd, 0) << pattern;
  Calls calls;
  guint handle = EpollInputs::Get().Add(fd, PURPLE_INPUT_READ, Record, &calls);
  RunReady();
  // A regular file is always readable, as poll() says.
  EXPECT_FALSE(calls.conditions.empty());
  EXPECT_TRUE(EpollInputs::Get().Remove(handle));
  calls.conditions.clear();
  RunReady();
  EXPECT_TRUE(calls.conditions.empty());
  close(fd);
  unlink(pattern.c_str());
}

}  // namespace
}  // namespace lilac
