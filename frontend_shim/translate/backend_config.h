#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_BACKEND_CONFIG_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_BACKEND_CONFIG_H_

#include <memory>
#include <optional>
#include <string>

#include "frontend_shim/config/shim_config.h"
#include "grpcpp/channel.h"
#include "protos/lilac/v1/lilac.pb.h"

namespace lilac::shim {

// The configured protocol as lilacd describes it; nullopt (and a log line)
// when lilacd does not know it or cannot be asked, and for "any".
std::optional<v1::Protocol> DescribeProtocol(
    const std::shared_ptr<grpc::Channel>& channel, const ShimConfig& config);

// The BACKEND_CONFIG text (§4.2): needPassword from the protocol,
// needRegistration off in server mode and for IRC, muc=1, receipts=1.
std::string BuildBackendConfig(const ShimConfig& config,
                               const std::optional<v1::Protocol>& protocol);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_BACKEND_CONFIG_H_
