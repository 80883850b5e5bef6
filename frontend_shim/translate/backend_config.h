#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_BACKEND_CONFIG_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_BACKEND_CONFIG_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "frontend_shim/config/shim_config.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac::shim {

// lilacd's description of protocol `id`: NOT_FOUND (naming the installed
// ones) when lilacd does not have it, UNAVAILABLE when it could not be asked.
absl::StatusOr<v1::Protocol> FetchProtocol(
    v1::LilacService::StubInterface& stub, grpc::ClientContext* context,
    const std::string& id);

// The configured protocol as lilacd describes it at start (within 5 s):
// FAILED_PRECONDITION for "any", otherwise as FetchProtocol (and a log
// line).
absl::StatusOr<v1::Protocol> DescribeProtocol(
    const std::shared_ptr<grpc::Channel>& channel, const ShimConfig& config);

// The BACKEND_CONFIG text (§4.2): needPassword from the protocol,
// needRegistration off in server mode and for IRC, muc=1, receipts=1.
std::string BuildBackendConfig(const ShimConfig& config,
                               const std::optional<v1::Protocol>& protocol);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_BACKEND_CONFIG_H_
