// Many messages through many sessions: every message arrives exactly once and
// in order per conversation. 100 sessions, 100,000 messages (injected 100 per
// control call); LILAC_LOAD_MESSAGES overrides the count, e.g.
// --test_env=LILAC_LOAD_MESSAGES=1000000.
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

constexpr int kSessions = 100;
constexpr int kInjectThreads = 4;
constexpr int kMessagesPerCall = 100;

int MessageCount() {
  const char* text = std::getenv("LILAC_LOAD_MESSAGES");
  int count = 0;
  return text != nullptr && absl::SimpleAtoi(text, &count) && count > 0
             ? count
             : 100000;
}

class LoadTest : public FakeNetworkTest {};

TEST_F(LoadTest, EveryMessageArrivesOnceAndInOrder) {
  const int messages = MessageCount();
  for (int s = 0; s < kSessions; ++s) {
    CreateAccount(absl::StrCat("user", s));
    ASSERT_TRUE(Login(absl::StrCat("user", s), absl::StrCat("user", s)).ok());
  }
  int connected = 0;
  ASSERT_TRUE(client_
                  ->WaitFor([&](const v1::Event& event) {
                    if (event.connection_changed().state() ==
                        v1::CONNECTION_STATE_CONNECTED) {
                      ++connected;
                    }
                    return connected == kSessions;
                  })
                  .ok());

  // Conversation c: session user(c % 100) hears from peer(c / 100 % 2); each
  // injecting thread owns whole sessions, so each conversation is injected
  // in order.
  std::vector<std::thread> threads;
  for (int t = 0; t < kInjectThreads; ++t) {
    threads.emplace_back([&, t] {
      fake::v1::InjectMessagesRequest batch;
      for (int i = 0; i < messages; ++i) {
        const int session = i % kSessions;
        if (session % kInjectThreads != t) continue;
        fake::v1::InjectMessageRequest& request = *batch.add_messages();
        request.set_account(absl::StrCat("user", session));
        request.mutable_message()->set_from(
            absl::StrCat("peer", i / kSessions % 2));
        request.mutable_message()->set_text(absl::StrCat(i));
        if (batch.messages_size() == kMessagesPerCall) {
          Control(&fake::v1::FakeNetworkControl::Stub::InjectMessages, batch);
          batch.Clear();
        }
      }
      if (batch.messages_size() > 0) {
        Control(&fake::v1::FakeNetworkControl::Stub::InjectMessages, batch);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  int received = 0;
  ASSERT_TRUE(client_
                  ->WaitFor(
                      [&](const v1::Event& event) {
                        if (event.has_message_received()) ++received;
                        return received == messages;
                      },
                      absl::Minutes(5))
                  .ok())
      << received << " of " << messages << " arrived";

  // Per conversation (session, peer): the numbers in injection order, once.
  std::map<std::pair<std::string, std::string>, std::vector<int>> got;
  for (const v1::Event& event : client_->Events()) {
    EXPECT_FALSE(event.has_gap()) << event.ShortDebugString();
    if (!event.has_message_received()) continue;
    int number = -1;
    ASSERT_TRUE(absl::SimpleAtoi(event.message_received().text(), &number));
    got[{event.session(), event.message_received().peer()}].push_back(number);
  }
  std::map<std::pair<std::string, std::string>, std::vector<int>> expected;
  for (int i = 0; i < messages; ++i) {
    expected[{absl::StrCat("user", i % kSessions),
              absl::StrCat("peer", i / kSessions % 2)}]
        .push_back(i);
  }
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace lilac::testing
