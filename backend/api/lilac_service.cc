#include "backend/api/lilac_service.h"

#include <utility>

#include "backend/host/protocol_catalog.h"

namespace lilac {

grpc::ServerUnaryReactor* LilacService::ListProtocols(
    grpc::CallbackServerContext* context,
    const lilac::v1::ListProtocolsRequest*,
    lilac::v1::ListProtocolsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  host_->Post([reactor, response](const OnLoop& loop) {
    for (lilac::v1::Protocol& protocol : ListInstalledProtocols(loop)) {
      *response->add_protocols() = std::move(protocol);
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

}  // namespace lilac
