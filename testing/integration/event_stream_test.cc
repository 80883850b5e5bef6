// The event stream: ordered per session, resumable by sequence, gap events for
// clients that fell behind the buffer, several clients at once.
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
    while (static_cast<int>(events.size()) < count && reader->Read(&event)) {
      events.push_back(event);
    }
    context->TryCancel();
    reader->Finish().IgnoreError();
    return events;
  }
};

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
  // The buffer keeps the newest 8 events.
  EXPECT_EQ(events[0].gap().last_lost(), last->sequence() - 8);
  for (int i = 1; i < 9; ++i) {
    EXPECT_EQ(events[i].sequence(), last->sequence() - 8 + i);
  }
  EXPECT_EQ(events[8].message_received().text(), "m19");
}

TEST_F(EventStreamTest, UnknownSessionsAndEmptyRequestsAreRefused) {
  v1::StreamEventsRequest unknown;
  unknown.add_sessions()->set_session("nobody");
  auto context = LilacClient::Context();
  auto reader = client_->stub().StreamEvents(context.get(), unknown);
  v1::Event event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);

  auto empty_context = LilacClient::Context();
  auto empty = client_->stub().StreamEvents(empty_context.get(),
                                            v1::StreamEventsRequest());
  EXPECT_FALSE(empty->Read(&event));
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
  ASSERT_TRUE(Call(&v1::Lilac::Stub::SendMessage, send, &sent).ok());
  InjectMessages(1);
  absl::StatusOr<v1::Event> received = client_->WaitFor(
      [](const v1::Event& e) { return e.has_message_received(); });
  ASSERT_TRUE(received.ok()) << received.status();

  v1::StreamEventsRequest request;
  request.add_sessions()->set_session("alice");
  request.add_omit("message_send_result");
  request.add_omit("connection_changed");
  // Whatever else precedes it, the stream reaches the received message with
  // neither omitted kind on the way.
  auto context = LilacClient::Context();
  auto reader = client_->stub().StreamEvents(context.get(), request);
  v1::Event event;
  bool reached = false;
  while (!reached && reader->Read(&event)) {
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
  for (const char* kind : {"no_such_event", "gap", "session_ended", "time"}) {
    v1::StreamEventsRequest request;
    request.add_sessions()->set_session("alice");
    request.add_omit(kind);
    auto context = LilacClient::Context();
    auto reader = client_->stub().StreamEvents(context.get(), request);
    v1::Event event;
    EXPECT_FALSE(reader->Read(&event));
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << kind;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr(kind));
    EXPECT_THAT(status.error_message(),
                ::testing::HasSubstr("message_send_result"));
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
