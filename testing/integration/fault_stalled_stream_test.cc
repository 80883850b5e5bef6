// An event-stream client that stops reading: lilacd's memory stays bounded,
// other clients keep receiving, and the stalled client gets a Gap when it
// reads again.
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/process_stats.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

constexpr int kMessageBytes = 32 << 10;

class FaultStalledStreamTest : public FakeNetworkTest {
 protected:
  FaultStalledStreamTest() {
    lilacd_flags_ = {"--events_per_session=16"};
    // Under ASan, freed memory waits in a 256 MiB quarantine before reuse, so
    // VmRSS would measure the quarantine. lilacd inherits our environment.
    const char* options = std::getenv("ASAN_OPTIONS");
    setenv(
        "ASAN_OPTIONS",
        absl::StrCat(options ? options : "", ":quarantine_size_mb=4").c_str(),
        1);
  }

  void SetUp() override {
    FakeNetworkTest::SetUp();
    LoginConnected("alice", "alice");
  }

  // Injects `count` large messages and waits until the recording client saw
  // the last one.
  void InjectAndDrain(int first, int count) {
    for (int i = first; i < first + count; ++i) {
      fake::v1::InjectMessageRequest request;
      request.set_account("alice");
      request.mutable_message()->set_from("bob");
      request.mutable_message()->set_text(
          absl::StrCat(i, ":", std::string(kMessageBytes, 'x')));
      Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
    }
    const std::string last = absl::StrCat(first + count - 1, ":");
    ASSERT_TRUE(client_
                    ->WaitFor([&](const v1::Event& event) {
                      return event.message_received().text().rfind(last, 0) ==
                             0;
                    })
                    .ok());
  }
};

TEST_F(FaultStalledStreamTest, MemoryStaysBoundedAndTheClientGetsAGap) {
  // The stalled client reads one event, then nothing.
  auto stub = v1::LilacService::NewStub(lilacd_->NewChannel());
  grpc::ClientContext context;
  v1::StreamEventsRequest request;
  request.add_sessions()->set_session("alice");
  std::unique_ptr<grpc::ClientReader<v1::StreamEventsResponse>> stalled =
      stub->StreamEvents(&context, request);
  v1::Event event;
  ASSERT_TRUE(ReadEvent(*stalled, &event));

  // Warm up: lilacd's allocations reach their steady state.
  InjectAndDrain(0, 100);
  const int64_t warm_kib = bench::ResidentKib(lilacd_->pid());
  // 40 MiB more for a client that reads none of it (far more than gRPC's
  // flow-control windows and the socket buffers hold).
  InjectAndDrain(100, 1280);
  const int64_t after_kib = bench::ResidentKib(lilacd_->pid());
  ASSERT_GT(warm_kib, 0);
  // The log keeps 16 events (0.5 MiB); nothing grows with what the stalled
  // client missed. A buffer that kept it would grow by 40 MiB; the bound
  // leaves room for transit buffers and for ASan's quarantine and shadow.
  // ThreadSanitizer's shadow memory (several times what the program touches)
  // counts in VmRSS too; a log that kept everything would still grow far
  // beyond its larger bound.
  const char* sanitizer = std::getenv("LILAC_SANITIZER");
  const int64_t bound_kib =
      sanitizer != nullptr && std::string(sanitizer) == "thread" ? 64 << 10
                                                                 : 16 << 10;
  EXPECT_LT(after_kib - warm_kib, bound_kib)
      << "lilacd grew from " << warm_kib << " KiB to " << after_kib << " KiB";

  // Reading again: what was buffered in transit, then a gap, then the newest.
  bool gap = false;
  uint64_t last_sequence = event.sequence();
  for (int read = 0; read < 1000 && !gap; ++read) {
    ASSERT_TRUE(ReadEvent(*stalled, &event));
    if (event.has_gap()) {
      gap = true;
      EXPECT_EQ(event.gap().first_lost(), last_sequence + 1);
      EXPECT_GE(event.gap().last_lost(), event.gap().first_lost());
    } else {
      EXPECT_EQ(event.sequence(), last_sequence + 1);
      last_sequence = event.sequence();
    }
  }
  EXPECT_TRUE(gap);
  context.TryCancel();
}

}  // namespace
}  // namespace lilac::testing
