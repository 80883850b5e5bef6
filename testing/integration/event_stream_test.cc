// The event stream: StreamOpened first, ordered per session, resumable by
// sequence within one run of lilacd, gap events for clients that fell behind
// the buffer, heartbeats when idle, several clients at once.
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

class EventStreamTest : public FakeNetworkTest {
 protected:
  EventStreamTest() { lilacd_flags_ = {"--events_per_session=8"}; }

  void InjectMessages(int count) {
    for (int i = 0; i < count; ++i) {
      fake::v1::InjectMessageRequest request;
      request.set_account("alice");
      request.mutable_message()->set_from("bob");
      request.mutable_message()->set_text("m" + std::to_string(i));
      Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
    }
  }

  // Reads `count` events of one stream request, then cancels it.
  std::vector<v1::Event> Read(const v1::StreamEventsRequest& request,
                              int count) {
    auto context = LilacClient::Context();
    auto reader = client_->stub().StreamEvents(context.get(), request);
    std::vector<v1::Event> events;
    v1::Event event;
    while (static_cast<int>(events.size()) < count &&
           ReadEvent(*reader, &event)) {
      events.push_back(event);
    }
    context->TryCancel();
    reader->Finish().IgnoreError();
    return events;
  }

  // Opens a stream and returns its first message, which must be StreamOpened.
  v1::StreamOpened Open(const v1::StreamEventsRequest& request) {
    auto context = LilacClient::Context();
    auto reader = client_->stub().StreamEvents(context.get(), request);
    v1::StreamEventsResponse first;
    EXPECT_TRUE(reader->Read(&first));
    EXPECT_TRUE(first.has_opened()) << first.ShortDebugString();
    context->TryCancel();
    reader->Finish().IgnoreError();
    return first.opened();
  }
};

TEST_F(EventStreamTest, EveryStreamOpensWithThisRunsInstanceId) {
  LoginConnected("alice", "alice");
  v1::StreamEventsRequest request;
  request.add_sessions()->set_session("alice");
  const v1::StreamOpened first = Open(request);
  EXPECT_EQ(first.instance_id().size(), 32u);
  EXPECT_EQ(first.instance_id().find_first_not_of("0123456789abcdef"),
            std::string::npos);
  EXPECT_TRUE(first.reset_sessions().empty());
  EXPECT_EQ(Open(request).instance_id(), first.instance_id());
}

TEST_F(EventStreamTest, CursorsOfAnotherRunOrFromTheFutureAreResetExplicitly) {
  LoginConnected("alice", "alice");
  LoginConnected("bob-session", "bob");
  InjectMessages(1);
  ASSERT_TRUE(
      client_
          ->WaitFor([](const v1::Event& e) { return e.has_message_received(); })
          .ok());
  v1::StreamEventsRequest probe;
  probe.add_sessions()->set_session("alice");
  const std::string instance = Open(probe).instance_id();

  // alice's cursor names another run; bob's is ahead of his log.
  v1::StreamEventsRequest stale;
  v1::SessionCursor* alice = stale.add_sessions();
  alice->set_session("alice");
  alice->set_after_sequence(3);
  alice->set_instance_id("0123456789abcdef0123456789abcdef");
  v1::SessionCursor* bob = stale.add_sessions();
  bob->set_session("bob-session");
  bob->set_after_sequence(1000000);
  bob->set_instance_id(instance);
  const v1::StreamOpened opened = Open(stale);
  EXPECT_THAT(opened.reset_sessions(),
              ::testing::ElementsAre("alice", "bob-session"));
  // Both start again from their first event: every event of theirs comes.
  int logged = 0;
  for (const v1::Event& event : client_->Events()) {
    logged += event.session() == "alice" || event.session() == "bob-session";
  }
  std::map<std::string, uint64_t> next = {{"alice", 1}, {"bob-session", 1}};
  for (const v1::Event& event : Read(stale, logged)) {
    EXPECT_EQ(event.sequence(), next[event.session()]++)
        << event.ShortDebugString();
  }
  EXPECT_GT(next["alice"], 1u);
  EXPECT_GT(next["bob-session"], 1u);

  // The same cursor with this run's id is honoured as it is.
  alice->set_instance_id(instance);
  alice->set_after_sequence(1);
  bob->set_after_sequence(1);
  EXPECT_TRUE(Open(stale).reset_sessions().empty());
  stale.mutable_sessions()->RemoveLast();
  std::vector<v1::Event> resumed = Read(stale, 1);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].sequence(), 2u);
}

TEST_F(EventStreamTest, AnIdleStreamGetsHeartbeatsAtTheAskedInterval) {
  LoginConnected("alice", "alice");
  v1::StreamEventsRequest request;
  v1::SessionCursor* cursor = request.add_sessions();
  cursor->set_session("alice");
  cursor->set_after_sequence(1000000);  // reset: replays, then idles
  request.mutable_heartbeat_interval()->set_seconds(1);
  auto context = LilacClient::Context(absl::Seconds(30));
  auto reader = client_->stub().StreamEvents(context.get(), request);
  int heartbeats = 0;
  uint64_t last_sequence = 0;
  int64_t last_heartbeat = 0;
  v1::StreamEventsResponse message;
  while (heartbeats < 2 && reader->Read(&message)) {
    if (message.has_event()) last_sequence = message.event().sequence();
    if (message.has_heartbeat()) {
      ++heartbeats;
      EXPECT_GE(message.heartbeat().time().seconds(), last_heartbeat);
      last_heartbeat = message.heartbeat().time().seconds();
    }
  }
  EXPECT_EQ(heartbeats, 2);
  EXPECT_GT(last_sequence, 0u);  // the events came before the heartbeats
  context->TryCancel();
  reader->Finish().IgnoreError();
}

TEST_F(EventStreamTest, HeartbeatIntervalsOutOfBoundsAreRefused) {
  LoginConnected("alice", "alice");
  for (const int64_t millis : {1, 999, 3600 * 1000 + 1}) {
    v1::StreamEventsRequest request;
    request.add_sessions()->set_session("alice");
    request.mutable_heartbeat_interval()->set_seconds(millis / 1000);
    request.mutable_heartbeat_interval()->set_nanos((millis % 1000) * 1000000);
    auto context = LilacClient::Context();
    auto reader = client_->stub().StreamEvents(context.get(), request);
    v1::StreamEventsResponse message;
    EXPECT_FALSE(reader->Read(&message)) << millis;
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                ::testing::HasSubstr("heartbeat_interval"));
  }
}

TEST_F(EventStreamTest, SequencesAreContiguousAndResumable) {
  LoginConnected("alice", "alice");
  InjectMessages(3);
  absl::StatusOr<v1::Event> last = client_->WaitFor([](const v1::Event& e) {
    return e.has_message_received() && e.message_received().text() == "m2";
  });
  ASSERT_TRUE(last.ok()) << last.status();

  // The recording client saw 1, 2, 3... without holes.
  uint64_t expected = 1;
  for (const v1::Event& event : client_->Events()) {
    if (event.session() != "alice") continue;
    EXPECT_EQ(event.sequence(), expected++);
  }

  // A client that saw up to the message before last resumes right after it.
  v1::StreamEventsRequest resume;
  v1::SessionCursor* cursor = resume.add_sessions();
  cursor->set_session("alice");
  cursor->set_after_sequence(last->sequence() - 1);
  std::vector<v1::Event> resumed = Read(resume, 1);
  ASSERT_EQ(resumed.size(), 1);
  EXPECT_EQ(resumed[0].sequence(), last->sequence());
  EXPECT_EQ(resumed[0].message_received().text(), "m2");
}

TEST_F(EventStreamTest, AClientBehindTheBufferGetsAGapThenTheRest) {
  LoginConnected("alice", "alice");
  InjectMessages(20);
  absl::StatusOr<v1::Event> last = client_->WaitFor([](const v1::Event& e) {
    return e.has_message_received() && e.message_received().text() == "m19";
  });
  ASSERT_TRUE(last.ok()) << last.status();

  v1::StreamEventsRequest from_start;
  from_start.add_sessions()->set_session("alice");
  std::vector<v1::Event> events = Read(from_start, 9);
  ASSERT_EQ(events.size(), 9);
  ASSERT_TRUE(events[0].has_gap()) << events[0].ShortDebugString();
  EXPECT_EQ(events[0].gap().first_lost(), 1);
  // A client that keeps the last sequence it saw resumes after the loss.
  EXPECT_EQ(events[0].sequence(), events[0].gap().last_lost());
  // The buffer keeps the newest 8 events.
  EXPECT_EQ(events[0].gap().last_lost(), last->sequence() - 8);
  for (int i = 1; i < 9; ++i) {
    EXPECT_EQ(events[i].sequence(), last->sequence() - 8 + i);
  }
  EXPECT_EQ(events[8].message_received().text(), "m19");
}

TEST_F(EventStreamTest, ALoginAgainGoesOnNumberingAfterTheEndedSession) {
  LoginConnected("alice", "alice");
  InjectMessages(2);
  absl::StatusOr<v1::Event> m0 = client_->WaitFor([](const v1::Event& e) {
    return e.has_message_received() && e.message_received().text() == "m0";
  });
  ASSERT_TRUE(m0.ok()) << m0.status();
  const uint64_t seen = m0->sequence();  // where a follower went away

  v1::LogoutRequest logout;
  logout.set_session("alice");
  v1::LogoutResponse logged_out;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::Logout, logout, &logged_out).ok());
  absl::StatusOr<v1::Event> ended = client_->WaitFor(
      [](const v1::Event& e) { return e.has_session_ended(); });
  ASSERT_TRUE(ended.ok()) << ended.status();

  // The follower comes back after the logout: it still reads the end.
  v1::StreamEventsRequest resume;
  v1::SessionCursor* cursor = resume.add_sessions();
  cursor->set_session("alice");
  cursor->set_after_sequence(seen);
  const uint64_t missed = ended->sequence() - seen;
  std::vector<v1::Event> tail = Read(resume, static_cast<int>(missed));
  ASSERT_EQ(tail.size(), missed);
  EXPECT_EQ(tail.front().sequence(), seen + 1);
  EXPECT_TRUE(tail.back().has_session_ended());

  // Logged in again, alice numbers on: event 1 of the new session would
  // have fallen inside the old cursor's range.
  ASSERT_TRUE(Login("alice", "alice").ok());
  absl::StatusOr<v1::Event> connected =
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED));
  ASSERT_TRUE(connected.ok()) << connected.status();
  EXPECT_GT(connected->sequence(), ended->sequence());
  // The all-sessions recorder saw the new session from its first event.
  uint64_t first_new = 0;
  for (const v1::Event& event : client_->Events()) {
    if (event.session() == "alice" && event.sequence() > ended->sequence()) {
      first_new = event.sequence();
      break;
    }
  }
  EXPECT_EQ(first_new, ended->sequence() + 1);

  // The old cursor now learns what it missed of the ended session.
  std::vector<v1::Event> after = Read(resume, 2);
  ASSERT_EQ(after.size(), 2);
  ASSERT_TRUE(after[0].has_gap()) << after[0].ShortDebugString();
  EXPECT_EQ(after[0].gap().first_lost(), seen + 1);
  EXPECT_EQ(after[0].gap().last_lost(), ended->sequence());
  EXPECT_EQ(after[1].sequence(), ended->sequence() + 1);
}

TEST_F(EventStreamTest, UnknownSessionsAndEmptyRequestsAreRefused) {
  v1::StreamEventsRequest unknown;
  unknown.add_sessions()->set_session("nobody");
  auto context = LilacClient::Context();
  auto reader = client_->stub().StreamEvents(context.get(), unknown);
  v1::Event event;
  EXPECT_FALSE(ReadEvent(*reader, &event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);

  auto empty_context = LilacClient::Context();
  auto empty = client_->stub().StreamEvents(empty_context.get(),
                                            v1::StreamEventsRequest());
  EXPECT_FALSE(ReadEvent(*empty, &event));
  EXPECT_EQ(empty->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EventStreamTest, OmittedKindsAreSkippedAndOthersStillCome) {
  LoginConnected("alice", "alice");
  fake::v1::AddBuddyRequest buddy;
  buddy.set_account("alice");
  buddy.mutable_buddy()->set_name("bob");
  Control(&fake::v1::FakeNetworkControl::Stub::AddBuddy, buddy);
  v1::SendMessageRequest send;
  send.set_session("alice");
  send.set_to("bob");
  send.set_text("hi bob");
  send.set_client_message_id("c1");
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SendMessage, send, &sent).ok());
  InjectMessages(1);
  absl::StatusOr<v1::Event> received = client_->WaitFor(
      [](const v1::Event& e) { return e.has_message_received(); });
  ASSERT_TRUE(received.ok()) << received.status();

  v1::StreamEventsRequest request;
  request.add_sessions()->set_session("alice");
  request.add_omit(v1::EVENT_KIND_MESSAGE_SEND_RESULT);
  request.add_omit(v1::EVENT_KIND_CONNECTION_CHANGED);
  // Whatever else precedes it, the stream reaches the received message with
  // neither omitted kind on the way.
  auto context = LilacClient::Context();
  auto reader = client_->stub().StreamEvents(context.get(), request);
  v1::Event event;
  bool reached = false;
  while (!reached && ReadEvent(*reader, &event)) {
    EXPECT_FALSE(event.has_message_send_result()) << event.ShortDebugString();
    EXPECT_FALSE(event.has_connection_changed()) << event.ShortDebugString();
    reached = event.has_message_received();
  }
  EXPECT_TRUE(reached);
  EXPECT_EQ(event.sequence(), received->sequence());
  context->TryCancel();
  reader->Finish().IgnoreError();
}

TEST_F(EventStreamTest, UnknownOrEssentialKindsCannotBeOmitted) {
  LoginConnected("alice", "alice");
  const std::pair<int, const char*> kinds[] = {
      {v1::EVENT_KIND_GAP, "EVENT_KIND_GAP"},
      {v1::EVENT_KIND_SESSION_ENDED, "EVENT_KIND_SESSION_ENDED"},
      {v1::EVENT_KIND_UNSPECIFIED, "EVENT_KIND_UNSPECIFIED"},
      {999, "999"}};
  for (const auto& [number, kind] : kinds) {
    v1::StreamEventsRequest request;
    request.add_sessions()->set_session("alice");
    request.add_omit(static_cast<v1::EventKind>(number));
    auto context = LilacClient::Context();
    auto reader = client_->stub().StreamEvents(context.get(), request);
    v1::Event event;
    EXPECT_FALSE(ReadEvent(*reader, &event));
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << kind;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr(kind));
    EXPECT_THAT(status.error_message(),
                ::testing::HasSubstr("EVENT_KIND_MESSAGE_SEND_RESULT"));
  }
}

TEST_F(EventStreamTest, EventsOfOtherSessionsStayApart) {
  LoginConnected("alice", "alice");
  LoginConnected("bob-session", "bob");
  InjectMessages(2);
  ASSERT_TRUE(client_
                  ->WaitFor([](const v1::Event& e) {
                    return e.has_message_received() &&
                           e.message_received().text() == "m1";
                  })
                  .ok());
  v1::StreamEventsRequest only_bob;
  only_bob.add_sessions()->set_session("bob-session");
  // Bob's log: connecting, (progress...), connected. None of alice's messages.
  for (const v1::Event& event : Read(only_bob, 2)) {
    EXPECT_EQ(event.session(), "bob-session");
    EXPECT_FALSE(event.has_message_received());
  }
}

}  // namespace
}  // namespace lilac::testing
