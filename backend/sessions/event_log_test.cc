#include "backend/sessions/event_log.h"

#include <atomic>

#include "gtest/gtest.h"

namespace lilac {
namespace {

v1::Event Typing(const std::string& from) {
  v1::Event event;
  event.mutable_typing_changed()->set_peer(from);
  return event;
}

TEST(EventLogTest, NumbersEventsInOrderAndStampsThem) {
  EventLog log("alice", 10);
  EXPECT_EQ(log.Append(Typing("a")), 1);
  EXPECT_EQ(log.Append(Typing("b")), 2);
  EXPECT_EQ(log.last_sequence(), 2);

  EventLog::Next first = log.ReadAfter(0);
  ASSERT_NE(first.event, nullptr);
  EXPECT_FALSE(first.gap.has_value());
  EXPECT_EQ(first.event->sequence(), 1);
  EXPECT_EQ(first.event->session(), "alice");
  EXPECT_GT(first.event->time().seconds(), 0);
  EXPECT_EQ(first.event->typing_changed().peer(), "a");
  EXPECT_EQ(log.ReadAfter(1).event->sequence(), 2);
  EXPECT_EQ(log.ReadAfter(2).event, nullptr);
}

TEST(EventLogTest, AReaderBehindTheBufferGetsAnExactGap) {
  EventLog log("alice", 3);
  for (int i = 0; i < 10; ++i) log.Append(Typing("x"));
  // Sequences 8, 9, 10 are kept.
  EventLog::Next next = log.ReadAfter(2);
  ASSERT_TRUE(next.gap.has_value());
  EXPECT_EQ(next.gap->first_lost(), 3);
  EXPECT_EQ(next.gap->last_lost(), 7);
  EXPECT_EQ(next.event, nullptr);
  EXPECT_EQ(log.ReadAfter(7).event->sequence(), 8);
  EXPECT_FALSE(log.ReadAfter(7).gap.has_value());
}

TEST(EventLogTest, ALaterSessionOfAKeyGoesOnNumbering) {
  EventLog log("alice", 4, 61);
  EXPECT_EQ(log.last_sequence(), 60);
  EXPECT_EQ(log.ReadAfter(57).event, nullptr);  // nothing yet
  EXPECT_EQ(log.Append(Typing("a")), 61);
  // From the start: no gap for the earlier session's numbers.
  EventLog::Next first = log.ReadAfter(0);
  EXPECT_FALSE(first.gap.has_value());
  ASSERT_NE(first.event, nullptr);
  EXPECT_EQ(first.event->sequence(), 61);
  // A cursor of the earlier session is told what of it was missed.
  EventLog::Next old = log.ReadAfter(57);
  ASSERT_TRUE(old.gap.has_value());
  EXPECT_EQ(old.gap->first_lost(), 58);
  EXPECT_EQ(old.gap->last_lost(), 60);
}

TEST(EventLogTest, SubscribersAreWokenUntilTheyUnsubscribe) {
  EventLog log("alice", 4);
  std::atomic<int> wakes{0};
  const int id = log.Subscribe([&] { ++wakes; });
  log.Append(Typing("a"));
  log.Append(Typing("b"));
  EXPECT_EQ(wakes.load(), 2);
  log.Unsubscribe(id);
  log.Append(Typing("c"));
  EXPECT_EQ(wakes.load(), 2);
}

}  // namespace
}  // namespace lilac
