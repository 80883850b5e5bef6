#ifndef LILAC_BACKEND_SERVER_LILAC_SERVER_H_
#define LILAC_BACKEND_SERVER_LILAC_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backend/api/lilac_service.h"
#include "backend/host/host_options.h"
#include "backend/server/listen_address.h"
#include "backend/server/reflection_v1.h"
#include "backend/sessions/session_registry.h"
#include "grpcpp/server.h"

namespace lilac {

class InProcessHost;

// A running lilacd: the libpurple host plus the gRPC server in front of it
// (lilac.v1.LilacService, health checking and reflection). Destroying it stops
// serving, then shuts libpurple down.
class LilacServer {
 public:
  struct Options {
    // Where to listen; none when only in-process clients (InProcessChannel) use
    // it.
    std::optional<ListenAddress> listen;
    HostOptions host;
    // Events kept per session for clients that resume.
    size_t events_per_session = 4096;
  };

  static absl::StatusOr<std::unique_ptr<LilacServer>> Start(
      const Options& options);

  ~LilacServer();

  // The address clients connect to; for TCP port 0, the port that was picked.
  // Empty when not listening.
  const std::string& address() const { return address_; }

  // A channel to this server inside the process, with no socket: how a program
  // embeds lilacd.
  std::shared_ptr<grpc::Channel> InProcessChannel();

 private:
  LilacServer() = default;

  std::string address_;
  std::unique_ptr<SessionRegistry> registry_;
  std::unique_ptr<InProcessHost> host_;
  std::unique_ptr<LilacService> service_;
  std::unique_ptr<ReflectionV1Service> reflection_v1_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_SERVER_LILAC_SERVER_H_
