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

class HostCommands;
class InProcessHost;
namespace worker {
class WorkerPool;
}

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

    // Where libpurple runs: in worker processes (crash isolation, every
    // core), or in this process when not set.
    struct Workers {
      // Sessions of one plugin spread over this many workers first.
      int spread = 2;
      // At most this many workers; 0: as many as the sessions need.
      int max_workers = 0;
      int sessions_per_worker = 2000;
      // The most heap one worker may use, in bytes; 0: no limit.
      uint64_t memory_limit = 0;
      // The lilacd binary workers run as, and more flags for them.
      std::string program = "/proc/self/exe";
      std::vector<std::string> args;
    };
    std::optional<Workers> workers;
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
  // One of them runs libpurple; host_ is it.
  std::unique_ptr<InProcessHost> in_process_;
  std::unique_ptr<worker::WorkerPool> pool_;
  HostCommands* host_ = nullptr;
  std::unique_ptr<LilacService> service_;
  std::unique_ptr<ReflectionV1Service> reflection_v1_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_SERVER_LILAC_SERVER_H_
