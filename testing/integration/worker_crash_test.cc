// A plugin that crashes, aborts, hangs or exhausts memory in one of three
// worker processes: only that worker's sessions notice. Each gets
// DISCONNECTED (WORKER_EXITED, retryable, naming the plugin), is logged in
// again on another worker by lilacd itself and rejoins its chats; the
// sessions on the other workers see no event at all. A session whose workers
// keep ending is ended instead.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kSessions = 24;
constexpr char kRoom[] = "#lobby";

std::string SessionName(int i) { return absl::StrCat("s", i); }

bool IsWorkerExit(const v1::Event& event) {
  return event.has_connection_changed() &&
         event.connection_changed().state() ==
             v1::CONNECTION_STATE_DISCONNECTED &&
         event.connection_changed().reason() ==
             v1::DISCONNECT_REASON_WORKER_EXITED;
}

class WorkerCrashTest : public FakeNetworkTest {
 protected:
  WorkerCrashTest() {
    // Three workers, whatever the machine's cores; a plugin allocating
    // without bound meets the heap limit rather than the machine's memory.
    lilacd_flags_ = {"--workers=3", "--worker_memory_limit_mb=1024"};
  }

  void SetUp() override {
    FakeNetworkTest::SetUp();
    for (int i = 0; i < kSessions; ++i) {
      LoginConnected(SessionName(i), SessionName(i));
    }
    fake::v1::CreateRoomRequest room;
    room.set_name(kRoom);
    room.set_subject("Welcome");
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
    v1::JoinChatRequest join;
    join.set_session("s0");
    join.set_chat(kRoom);
    join.set_nickname("zero");
    v1::JoinChatResponse joined;
    ASSERT_TRUE(Call(&v1::LilacService::Stub::JoinChat, join, &joined).ok());
    ASSERT_TRUE(client_->WaitFor(EventOf("s0", v1::Event::kChatJoined)).ok());
  }

  void Misbehave(const std::string& account, fake::v1::Misbehave::Kind kind) {
    fake::v1::MisbehaveRequest request;
    request.set_account(account);
    request.set_kind(kind);
    Control(&fake::v1::FakeNetworkControl::Stub::Misbehave, request);
  }

  // Waits until each of `expected` matched an event since event `since`, in
  // any order.
  void AwaitAll(size_t since,
                std::vector<std::function<bool(const v1::Event&)>> expected) {
    while (true) {
      const std::vector<v1::Event> events = client_->Events();
      for (size_t i = since; i < events.size(); ++i) {
        for (auto it = expected.begin(); it != expected.end(); ++it) {
          if ((*it)(events[i])) {
            expected.erase(it);
            break;
          }
        }
      }
      since = events.size();
      if (expected.empty()) return;
      // Until another event that may be one of them.
      absl::StatusOr<v1::Event> next =
          client_->WaitFor([&](const v1::Event& e) {
            for (const auto& predicate : expected) {
              if (predicate(e)) return true;
            }
            return false;
          });
      ASSERT_TRUE(next.ok()) << next.status() << "; " << expected.size()
                             << " events still expected";
    }
  }

  // Makes s0's worker misbehave; returns the sessions that worker hosted,
  // once all of them are connected again (s0 back in its room), after
  // checking what they were told.
  std::set<std::string> CrashAndRecover(fake::v1::Misbehave::Kind kind,
                                        const std::string& how) {
    const size_t before = client_->Events().size();
    Misbehave("s0", kind);
    absl::StatusOr<v1::Event> down = client_->WaitFor(
        [](const v1::Event& e) {
          return e.session() == "s0" && IsWorkerExit(e);
        },
        absl::Seconds(30));
    EXPECT_TRUE(down.ok()) << down.status();
    if (!down.ok()) return {};
    EXPECT_TRUE(down->connection_changed().retryable());
    EXPECT_THAT(down->connection_changed().message(), HasSubstr("prpl-fake"));
    EXPECT_THAT(down->connection_changed().message(), HasSubstr(how));
    EXPECT_TRUE(
        client_->WaitFor(ConnectionIs("s0", v1::CONNECTION_STATE_CONNECTED))
            .ok());
    // Every session of the worker heard of it before any logged in again.
    std::set<std::string> moved;
    const std::vector<v1::Event> events = client_->Events();
    for (size_t i = before; i < events.size(); ++i) {
      if (IsWorkerExit(events[i])) moved.insert(events[i].session());
    }
    EXPECT_GE(moved.size(), 1u);
    EXPECT_LT(moved.size(), static_cast<size_t>(kSessions));
    // s0's CONNECTED came already; its rejoin, and the others' logins.
    std::vector<std::function<bool(const v1::Event&)>> expected = {
        EventOf("s0", v1::Event::kChatJoined)};
    for (const std::string& session : moved) {
      if (session != "s0") {
        expected.push_back(
            ConnectionIs(session, v1::CONNECTION_STATE_CONNECTED));
      }
    }
    AwaitAll(before, std::move(expected));
    return moved;
  }

  // Each session gets a message from the network: those lilacd logged in
  // again are really connected, and the others were reachable throughout.
  void ExpectEverySessionReceives(const std::string& text) {
    const size_t before = client_->Events().size();
    std::vector<std::function<bool(const v1::Event&)>> all;
    for (int i = 0; i < kSessions; ++i) {
      fake::v1::InjectMessageRequest request;
      request.set_account(SessionName(i));
      request.mutable_message()->set_from("friend");
      request.mutable_message()->set_text(text);
      Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
      all.push_back([session = SessionName(i), text](const v1::Event& e) {
        return e.session() == session && e.message_received().text() == text;
      });
    }
    AwaitAll(before, std::move(all));
  }

  // The sessions not in `moved` got nothing since event `since` but the
  // message `text`.
  void ExpectOthersSawOnly(const std::set<std::string>& moved, size_t since,
                           const std::string& text) {
    const std::vector<v1::Event> events = client_->Events();
    for (size_t i = since; i < events.size(); ++i) {
      if (moved.count(events[i].session()) > 0) continue;
      EXPECT_EQ(events[i].message_received().text(), text)
          << events[i].session() << " saw " << events[i].ShortDebugString();
    }
  }

  void ExpectContainedAfter(fake::v1::Misbehave::Kind kind,
                            const std::string& how) {
    const size_t before = client_->Events().size();
    const std::set<std::string> moved = CrashAndRecover(kind, how);
    ASSERT_FALSE(moved.empty());
    ExpectEverySessionReceives("after the crash");
    ExpectOthersSawOnly(moved, before, "after the crash");
  }
};

TEST_F(WorkerCrashTest, SegfaultMovesOnlyThatWorkersSessions) {
  // ASan catches the signal itself and exits.
#ifdef __SANITIZE_ADDRESS__
  ExpectContainedAfter(fake::v1::Misbehave::KIND_SEGFAULT, "exited");
#else
  ExpectContainedAfter(fake::v1::Misbehave::KIND_SEGFAULT,
                       "Segmentation fault");
#endif
}

TEST_F(WorkerCrashTest, AbortMovesOnlyThatWorkersSessions) {
  ExpectContainedAfter(fake::v1::Misbehave::KIND_ABORT, "Aborted");
}

TEST_F(WorkerCrashTest, HungWorkerIsKilledAndItsSessionsMove) {
  ExpectContainedAfter(fake::v1::Misbehave::KIND_HANG, "heartbeat");
}

TEST_F(WorkerCrashTest, WorkerOutOfMemoryMovesOnlyItsSessions) {
  // malloc fails at the heap limit and the plugin aborts, as g_malloc does
  // (AddressSanitizer's allocator reports it and exits).
#ifdef __SANITIZE_ADDRESS__
  ExpectContainedAfter(fake::v1::Misbehave::KIND_ALLOCATE, "exited");
#else
  ExpectContainedAfter(fake::v1::Misbehave::KIND_ALLOCATE, "Aborted");
#endif
}

TEST_F(WorkerCrashTest, SendsToADeadWorkerFailClearlyAndLaterOnesWork) {
  Misbehave("s0", fake::v1::Misbehave::KIND_HANG);
  // The loop is stuck: this send waits in the worker until it is killed.
  v1::SendMessageRequest send;
  send.set_session("s0");
  send.set_to("friend");
  send.set_text("lost?");
  v1::SendMessageResponse sent;
  grpc::Status status = Call(&v1::LilacService::Stub::SendMessage, send, &sent);
  if (!status.ok()) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(status.error_message(), HasSubstr("worker"));
  } else {
    // The plugin took it before it read the order to hang: it was sent.
    EXPECT_TRUE(WaitForClientFrame("s0", fake::v1::ClientFrame::kSendIm).ok());
  }
  ASSERT_TRUE(client_
                  ->WaitFor(
                      [](const v1::Event& e) {
                        return e.session() == "s0" && IsWorkerExit(e);
                      },
                      absl::Seconds(30))
                  .ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("s0", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  send.set_text("after");
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SendMessage, send, &sent).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("s0", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(frame.ok()) << frame.status();
}

TEST_F(WorkerCrashTest, SessionWhoseWorkersKeepEndingEnds) {
  CrashAndRecover(fake::v1::Misbehave::KIND_ABORT, "Aborted");
  CrashAndRecover(fake::v1::Misbehave::KIND_ABORT, "Aborted");
  Misbehave("s0", fake::v1::Misbehave::KIND_ABORT);
  absl::StatusOr<v1::Event> down = client_->WaitFor(
      [](const v1::Event& e) { return e.session() == "s0" && IsWorkerExit(e); },
      absl::Seconds(30));
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_FALSE(down->connection_changed().retryable());
  EXPECT_THAT(down->connection_changed().message(),
              HasSubstr("not logged in again"));
  EXPECT_TRUE(client_->WaitFor(EventOf("s0", v1::Event::kSessionEnded)).ok());
  v1::GetSessionRequest get;
  get.set_session("s0");
  v1::GetSessionResponse session;
  EXPECT_EQ(
      Call(&v1::LilacService::Stub::GetSession, get, &session).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lilac::testing
