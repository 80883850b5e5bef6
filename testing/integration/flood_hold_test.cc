// A client that asked lilacd to hold the network while it is behind
// (hold_network_when_behind) loses nothing to a flood it cannot keep up with:
// the flood waits in the network, not in a buffer that overflows. A client
// that did not ask gets a Gap, as before.
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

constexpr int kMessages = 400;
constexpr int kMessageBytes = 32 << 10;  // 12.5 MiB in all

class FloodHoldTest : public FakeNetworkTest {
 protected:
  FloodHoldTest() { lilacd_flags_ = {"--events_per_session=64"}; }

  void SetUp() override {
    FakeNetworkTest::SetUp();
    LoginConnected("alice", "alice");
  }

  void Flood() {
    for (int i = 0; i < kMessages; ++i) {
      fake::v1::InjectMessageRequest request;
      request.set_account("alice");
      request.mutable_message()->set_from("bob");
      request.mutable_message()->set_text(
          absl::StrCat(i, ":", std::string(kMessageBytes, 'x')));
      Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
    }
  }

  // Opens a stream of alice's events that has read the newest one so far,
  // then stops reading.
  std::unique_ptr<grpc::ClientReader<v1::StreamEventsResponse>> StalledStream(
      grpc::ClientContext* context, bool hold) {
    if (stub_ == nullptr)
      stub_ = v1::LilacService::NewStub(lilacd_->NewChannel());
    v1::StreamEventsRequest request;
    request.add_sessions()->set_session("alice");
    request.set_hold_network_when_behind(hold);
    auto stream = stub_->StreamEvents(context, request);
    v1::Event event;
    EXPECT_TRUE(ReadEvent(*stream, &event));
    return stream;
  }

  std::unique_ptr<v1::LilacService::Stub> stub_;
};

// The message number at the start of a flood message, or -1.
int MessageNumber(const v1::Event& event) {
  const std::string& text = event.message_received().text();
  int number = -1;
  const size_t colon = text.find(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(text.substr(0, colon), &number)) {
    return -1;
  }
  return number;
}

TEST_F(FloodHoldTest, AHoldingClientGetsEveryMessageInOrder) {
  grpc::ClientContext context;
  auto stream = StalledStream(&context, /*hold=*/true);
  Flood();  // far more than gRPC's windows, the sockets and the 64-event log

  int expected = 0;
  v1::Event event;
  while (expected < kMessages && ReadEvent(*stream, &event)) {
    ASSERT_FALSE(event.has_gap()) << event.ShortDebugString();
    if (!event.has_message_received()) continue;
    ASSERT_EQ(MessageNumber(event), expected);
    ++expected;
  }
  EXPECT_EQ(expected, kMessages);
  context.TryCancel();
}

TEST_F(FloodHoldTest, AClientThatDoesNotHoldGetsAGap) {
  grpc::ClientContext context;
  auto stream = StalledStream(&context, /*hold=*/false);
  Flood();
  // The recording client keeps up; once it has the last message, the stalled
  // one is far behind.
  const std::string last = absl::StrCat(kMessages - 1, ":");
  ASSERT_TRUE(client_
                  ->WaitFor([&](const v1::Event& e) {
                    return e.message_received().text().rfind(last, 0) == 0;
                  })
                  .ok());
  bool gap = false;
  v1::Event event;
  while (!gap && ReadEvent(*stream, &event)) gap = event.has_gap();
  EXPECT_TRUE(gap);
  context.TryCancel();
}

}  // namespace
}  // namespace lilac::testing
