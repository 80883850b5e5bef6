#ifndef LILAC_BACKEND_API_LILAC_SERVICE_H_
#define LILAC_BACKEND_API_LILAC_SERVICE_H_

#include "backend/host/purple_host.h"
#include "protos/lilac/v1/lilac.grpc.pb.h"

namespace lilac {

// The lilac.v1.Lilac gRPC service. Handlers run on gRPC threads and never touch
// libpurple: they post work to the host's loop thread, which finishes the call.
class LilacService final : public lilac::v1::Lilac::CallbackService {
 public:
  explicit LilacService(PurpleHost* host) : host_(host) {}

  grpc::ServerUnaryReactor* ListProtocols(
      grpc::CallbackServerContext* context,
      const lilac::v1::ListProtocolsRequest* request,
      lilac::v1::ListProtocolsResponse* response) override;

 private:
  PurpleHost* host_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_API_LILAC_SERVICE_H_
