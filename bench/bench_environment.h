#ifndef LILAC_BENCH_BENCH_ENVIRONMENT_H_
#define LILAC_BENCH_BENCH_ENVIRONMENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "lilac/v1/lilac.grpc.pb.h"
#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/fake_server.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::bench {

namespace fake = ::lilac::testing::fake;

// What every benchmark runs against: the fake network in this process and a
// real lilacd process with the fake plugins loaded.
struct BenchEnvironment {
  static absl::StatusOr<std::unique_ptr<BenchEnvironment>> Start(
      const std::vector<std::string>& lilacd_flags);

  // Creates an account on the fake network.
  absl::Status CreateAccount(const std::string& username);
  // A LoginRequest for `username` (password "secret") pointed at the network.
  v1::LoginRequest LoginRequestFor(const std::string& session,
                                   const std::string& username) const;

  std::unique_ptr<fake::FakeServer> network;
  std::unique_ptr<fake::v1::FakeNetworkControl::Stub> control;
  std::unique_ptr<testing::LilacdProcess> lilacd;
};

// Reads StreamEvents on its own thread and hands every event to `on_event`
// (called on that thread).
class EventReader {
 public:
  EventReader(std::shared_ptr<grpc::Channel> channel,
              const v1::StreamEventsRequest& request,
              std::function<void(const v1::Event&)> on_event);
  // Cancels the stream and joins the thread.
  ~EventReader();

 private:
  std::unique_ptr<v1::LilacService::Stub> stub_;
  grpc::ClientContext context_;
  std::thread thread_;
};

// A deadline for unary calls.
std::unique_ptr<grpc::ClientContext> CallContext(int seconds = 60);

}  // namespace lilac::bench

#endif  // LILAC_BENCH_BENCH_ENVIRONMENT_H_
