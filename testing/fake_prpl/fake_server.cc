#include "testing/fake_prpl/fake_server.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace lilac::testing::fake {
namespace {

bool IsLoopbackAddress(const std::string& address) {
  return absl::StartsWith(address, "127.") ||
         absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "[::1]:") ||
         absl::StartsWith(address, "unix:");
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeServer>> FakeServer::Start(
    const Options& options) {
  if (!IsLoopbackAddress(options.control_address)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the control service listens on loopback only, not ",
                     options.control_address));
  }
  std::unique_ptr<FakeServer> server(new FakeServer());
  server->network_host_ = options.network_host;
  server->network_ = std::make_unique<NetworkModel>();
  absl::StatusOr<std::unique_ptr<SocketLoop>> sockets = SocketLoop::Start(
      {options.network_host, options.unix_socket_path}, server->network_.get());
  if (!sockets.ok()) return sockets.status();
  server->sockets_ = *std::move(sockets);
  server->network_->AttachTransport(server->sockets_.get());

  server->service_ =
      std::make_unique<FakeControlService>(server->network_.get());
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.control_address,
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(server->service_.get());
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve the control API on ", options.control_address));
  }
  const std::string& address = options.control_address;
  server->control_address_ =
      absl::StartsWith(address, "unix:")
          ? address
          : absl::StrCat(address.substr(0, address.rfind(':')), ":", port);
  return server;
}

FakeServer::~FakeServer() {
  // Waiting callers (WaitForClientFrame) end at their own deadline.
  if (grpc_server_ != nullptr) grpc_server_->Shutdown();
  // The sockets go before the model they call into.
  sockets_.reset();
}

std::unique_ptr<v1::FakeNetworkControl::Stub> FakeServer::NewControlStub()
    const {
  return v1::FakeNetworkControl::NewStub(grpc::CreateChannel(
      control_address_, grpc::InsecureChannelCredentials()));
}

}  // namespace lilac::testing::fake
