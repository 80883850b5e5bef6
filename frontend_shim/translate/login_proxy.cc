#include "frontend_shim/translate/login_proxy.h"

#include "absl/strings/str_cat.h"

namespace lilac::shim {
namespace {

v1::Proxy::Type LilacType(ProxyConfig::Type type) {
  switch (type) {
    case ProxyConfig::Type::kHttp:
      return v1::Proxy::TYPE_HTTP;
    case ProxyConfig::Type::kSocks4:
      return v1::Proxy::TYPE_SOCKS4;
    case ProxyConfig::Type::kSocks5:
      return v1::Proxy::TYPE_SOCKS5;
    case ProxyConfig::Type::kTor:
      return v1::Proxy::TYPE_TOR;
    case ProxyConfig::Type::kNone:
      break;
  }
  return v1::Proxy::TYPE_NONE;
}

}  // namespace

std::optional<v1::Proxy> LoginProxy(const std::optional<ProxyConfig>& proxy) {
  if (!proxy) return std::nullopt;
  v1::Proxy result;
  result.set_type(LilacType(proxy->type));
  if (proxy->type == ProxyConfig::Type::kNone) return result;
  result.set_host(proxy->host);
  result.set_port(proxy->port);
  result.set_username(proxy->username);
  result.set_password(proxy->password);
  return result;
}

std::string DescribeProxy(const std::optional<ProxyConfig>& proxy) {
  if (!proxy) return "accounts connect directly";
  if (proxy->type == ProxyConfig::Type::kNone) {
    return "accounts connect directly (proxy type none)";
  }
  return absl::StrCat(
      "accounts connect through the ",
      v1::Proxy::Type_Name(LilacType(proxy->type)).substr(5), " proxy ",
      proxy->host, ":", proxy->port,
      proxy->username.empty() ? "" : absl::StrCat(" as ", proxy->username),
      proxy->password.empty() ? "" : " (with a password)");
}

}  // namespace lilac::shim
