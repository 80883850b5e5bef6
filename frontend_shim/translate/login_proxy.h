#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_LOGIN_PROXY_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_LOGIN_PROXY_H_

#include <optional>
#include <string>

#include "frontend_shim/config/shim_config.h"
#include "lilac/v1/lilac.pb.h"

namespace lilac::shim {

// The LoginRequest.proxy for Spectrum's [proxy] keys; nullopt (no proxy
// field: direct) when proxy.type is not set.
std::optional<v1::Proxy> LoginProxy(const std::optional<ProxyConfig>& proxy);

// One line for the log: type, host and port, never the password.
std::string DescribeProxy(const std::optional<ProxyConfig>& proxy);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_LOGIN_PROXY_H_
