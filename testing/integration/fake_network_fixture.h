#ifndef LILAC_TESTING_INTEGRATION_FAKE_NETWORK_FIXTURE_H_
#define LILAC_TESTING_INTEGRATION_FAKE_NETWORK_FIXTURE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/fake_server.h"
#include "testing/lilacd/lilac_client.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::testing {

namespace fake = ::lilac::testing::fake;

// A real lilacd process with the fake protocol plugins loaded, the fake network
// they connect to, a gRPC client of lilacd that records events, and the fake
// network's control stub.
class FakeNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Extra lilacd flags for a test; set before SetUp runs (in the constructor).
  std::vector<std::string> lilacd_flags_;

  // Creates an account on the fake network.
  void CreateAccount(const std::string& username,
                     const std::string& password = "secret");

  // A LoginRequest of prpl-fake pointed at the fake network (settings server
  // and port), password "secret", for tests to add to.
  v1::LoginRequest FakeLoginRequest(const std::string& session,
                                    const std::string& username) const;

  // Logs `username` in as session `session` with the settings that point the
  // plugin at the fake network, plus `settings`. Returns the call's status and
  // response.
  absl::StatusOr<v1::LoginResponse> Login(
      const std::string& session, const std::string& username,
      const std::string& password = "secret",
      const std::string& protocol = "prpl-fake",
      std::map<std::string, std::string> settings = {}, bool reconnect = false);

  // Creates the account, logs it in and waits until it is connected.
  void LoginConnected(const std::string& session, const std::string& username,
                      const std::string& protocol = "prpl-fake",
                      std::map<std::string, std::string> settings = {});

  // Waits for the fake network to receive a frame of `kind` from `account`.
  absl::StatusOr<fake::v1::ClientFrame> WaitForClientFrame(
      const std::string& account, fake::v1::ClientFrame::FrameCase kind);

  // Calls the fake network's control service with a deadline; fails the test on
  // error.
  template <typename Request, typename Response>
  Response Control(grpc::Status (fake::v1::FakeNetworkControl::Stub::*method)(
                       grpc::ClientContext*, const Request&, Response*),
                   const Request& request) {
    Response response;
    auto context = LilacClient::Context();
    grpc::Status status =
        ((*control_).*method)(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Calls lilacd with a deadline; returns the status and fills `response`.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::LilacService::Stub::*method)(
                        grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    auto context = LilacClient::Context();
    return ((client_->stub()).*method)(context.get(), request, response);
  }

  // Per account, the sequence of the last frame a wait returned: waits move
  // forward.
  std::map<std::string, int64_t> frame_sequence_;
  std::unique_ptr<fake::FakeServer> network_;
  std::unique_ptr<fake::v1::FakeNetworkControl::Stub> control_;
  std::unique_ptr<LilacdProcess> lilacd_;
  std::unique_ptr<LilacClient> client_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_INTEGRATION_FAKE_NETWORK_FIXTURE_H_
