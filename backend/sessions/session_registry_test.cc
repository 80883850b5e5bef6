#include "backend/sessions/session_registry.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac {
namespace {

v1::Session Described(const std::string& key) {
  v1::Session session;
  session.set_session(key);
  session.set_protocol("prpl-fake");
  session.set_username(key + "@example");
  session.set_state(v1::CONNECTION_STATE_DISCONNECTED);
  return session;
}

v1::Event Connected(const std::string& name) {
  v1::Event event;
  event.mutable_connection_changed()->set_state(v1::CONNECTION_STATE_CONNECTED);
  event.mutable_connection_changed()->set_display_name(name);
  return event;
}

TEST(SessionRegistryTest, StateFollowsConnectionEvents) {
  SessionRegistry registry(16);
  ASSERT_TRUE(registry.OpenSession(Described("alice")).ok());
  registry.Emit("alice", Connected("Alice A."));
  auto session = registry.Get("alice");
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->state(), v1::CONNECTION_STATE_CONNECTED);
  EXPECT_EQ(session->display_name(), "Alice A.");
  EXPECT_EQ(session->last_sequence(), 1);
}

TEST(SessionRegistryTest, KeysAreUniqueAndListedInOrder) {
  SessionRegistry registry(16);
  ASSERT_TRUE(registry.OpenSession(Described("bob")).ok());
  ASSERT_TRUE(registry.OpenSession(Described("alice")).ok());
  EXPECT_EQ(registry.OpenSession(Described("bob")).code(),
            absl::StatusCode::kAlreadyExists);
  std::vector<std::string> keys;
  for (const auto& session : registry.List()) keys.push_back(session.session());
  EXPECT_THAT(keys, ::testing::ElementsAre("alice", "bob"));
}

TEST(SessionRegistryTest, ClosingEndsTheLogAndForgetsTheSession) {
  SessionRegistry registry(16);
  ASSERT_TRUE(registry.OpenSession(Described("alice")).ok());
  std::shared_ptr<EventLog> log = registry.FindLog("alice");
  registry.CloseSession("alice");
  EXPECT_EQ(registry.Get("alice").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(registry.List().empty());
  // Its log is still found, for followers that come back for the end.
  EXPECT_EQ(registry.FindLog("alice"), log);
  EXPECT_TRUE(registry.AllLogs().empty());
  // A reader holding the log still sees the end.
  EventLog::Next last = log->ReadAfter(0);
  ASSERT_NE(last.event, nullptr);
  EXPECT_TRUE(last.event->has_session_ended());
  // Events for a closed or unknown session go nowhere.
  registry.Emit("alice", Connected("x"));
  EXPECT_EQ(log->last_sequence(), 1);
}

TEST(SessionRegistryTest, AKeyOpenedAgainGoesOnNumbering) {
  SessionRegistry registry(16);
  ASSERT_TRUE(registry.OpenSession(Described("alice")).ok());
  registry.Emit("alice", Connected("a"));
  registry.Emit("alice", Connected("a"));
  registry.CloseSession("alice");  // SessionEnded is 3
  ASSERT_TRUE(registry.OpenSession(Described("alice")).ok());
  std::shared_ptr<EventLog> log = registry.FindLog("alice");
  EXPECT_EQ(log->last_sequence(), 3);
  registry.Emit("alice", Connected("a"));
  EXPECT_EQ(log->last_sequence(), 4);
  EXPECT_EQ(registry.Get("alice")->last_sequence(), 4);
  // Another key starts at 1.
  ASSERT_TRUE(registry.OpenSession(Described("bob")).ok());
  registry.Emit("bob", Connected("b"));
  EXPECT_EQ(registry.Get("bob")->last_sequence(), 1);
}

TEST(SessionRegistryTest, OnlyTheLatestEndedSessionsAreKept) {
  SessionRegistry registry(16);
  for (int i = 0; i < 70; ++i) {
    const std::string key = "user" + std::to_string(i);
    ASSERT_TRUE(registry.OpenSession(Described(key)).ok());
    registry.CloseSession(key);
  }
  EXPECT_EQ(registry.FindLog("user5"), nullptr);
  ASSERT_NE(registry.FindLog("user6"), nullptr);
  ASSERT_NE(registry.FindLog("user69"), nullptr);
  EXPECT_TRUE(
      registry.FindLog("user69")->ReadAfter(0).event->has_session_ended());
}

TEST(SessionRegistryTest, OpenedSessionsAreAnnounced) {
  SessionRegistry registry(16);
  std::vector<std::string> opened;
  const int id = registry.SubscribeToOpenedSessions(
      [&](std::shared_ptr<EventLog> log) { opened.push_back(log->session()); });
  ASSERT_TRUE(registry.OpenSession(Described("alice")).ok());
  registry.UnsubscribeFromOpenedSessions(id);
  ASSERT_TRUE(registry.OpenSession(Described("bob")).ok());
  EXPECT_THAT(opened, ::testing::ElementsAre("alice"));
}

}  // namespace
}  // namespace lilac
