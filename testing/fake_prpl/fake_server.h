#ifndef LILAC_TESTING_FAKE_PRPL_FAKE_SERVER_H_
#define LILAC_TESTING_FAKE_PRPL_FAKE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/fake_control_service.h"
#include "testing/fake_prpl/network_model.h"
#include "testing/fake_prpl/socket_loop.h"

namespace lilac::testing::fake {

// The fake network: plugins connect to network_port(), tests drive it through
// the FakeNetworkControl gRPC service at control_address(). No libpurple in it.
// Destroying the handle stops both.
class FakeServer {
 public:
  struct Options {
    // IPv4 loopback address for the plugins' connections (port chosen).
    std::string network_host = "127.0.0.1";
    // Also accept plugin connections on this Unix socket when non-empty.
    std::string unix_socket_path;
    // gRPC listening address of the control service; port 0 picks one.
    std::string control_address = "127.0.0.1:0";
  };

  static absl::StatusOr<std::unique_ptr<FakeServer>> Start(
      const Options& options);
  ~FakeServer();

  const std::string& network_host() const { return network_host_; }
  int network_port() const { return sockets_->port(); }
  // "127.0.0.1:PORT" with the chosen port.
  const std::string& control_address() const { return control_address_; }
  std::unique_ptr<v1::FakeNetworkControl::Stub> NewControlStub() const;

 private:
  FakeServer() = default;

  std::string network_host_;
  std::string control_address_;
  std::unique_ptr<NetworkModel> network_;
  std::unique_ptr<SocketLoop> sockets_;
  std::unique_ptr<FakeControlService> service_;
  std::unique_ptr<grpc::Server> grpc_server_;
};

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_FAKE_SERVER_H_
