#include "frontend_shim/config/shim_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace lilac::shim {
namespace {

// [purple] keys the backend reads itself (upstream too), not account options.
bool IsBackendPurpleKey(const std::string& key) {
  return key == "plugins_dir" || key == "cacerts_dir" ||
         key == "libpurple_dll_path";
}

std::string Resolve(const std::string& working_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || working_dir.empty()) return path;
  return absl::StrCat(working_dir, "/", path);
}

// [proxy] type/host/port/username/password (upstream's keys; upstream
// accepts http, socks4 and socks5). An unknown type or a proxy without a
// host or port is an error rather than a silent direct connection.
absl::StatusOr<std::optional<ProxyConfig>> ReadProxy(const IniFile& file) {
  const std::string type = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(file.GetOr("proxy.type", "")));
  if (type.empty()) return std::nullopt;
  ProxyConfig proxy;
  if (type == "none") {
    proxy.type = ProxyConfig::Type::kNone;
    return proxy;
  } else if (type == "http") {
    proxy.type = ProxyConfig::Type::kHttp;
  } else if (type == "socks4") {
    proxy.type = ProxyConfig::Type::kSocks4;
  } else if (type == "socks5") {
    proxy.type = ProxyConfig::Type::kSocks5;
  } else if (type == "tor") {
    proxy.type = ProxyConfig::Type::kTor;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("proxy.type '", type,
                     "' is not one of none, http, socks4, socks5, tor"));
  }
  proxy.host = file.GetOr("proxy.host", "");
  if (proxy.host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("proxy.type is ", type, " but proxy.host is not set"));
  }
  absl::StatusOr<long long> port = file.GetInt("proxy.port", 0);
  if (!port.ok()) return port.status();
  if (*port < 1 || *port > 65535) {
    return absl::InvalidArgumentError(
        "proxy.port must be set, from 1 to 65535");
  }
  proxy.port = static_cast<int>(*port);
  proxy.username = file.GetOr("proxy.username", "");
  proxy.password = file.GetOr("proxy.password", "");
  return proxy;
}

}  // namespace

absl::StatusOr<ShimConfig> LoadShimConfig(const CommandLine& command_line) {
  absl::StatusOr<IniFile> file = IniFile::Load(command_line.config_path);
  if (!file.ok()) return file.status();
  return MakeShimConfig(command_line, *std::move(file));
}

absl::StatusOr<ShimConfig> MakeShimConfig(const CommandLine& command_line,
                                          IniFile file) {
  for (const auto& [key, value] : command_line.overrides) {
    file.Override(key, value);
  }
  ShimConfig config;
  config.spectrum_host = command_line.host;
  config.spectrum_port = command_line.port;
  config.backend_id = file.GetOr("service.backend_id", "");

  config.jid = file.GetOr("service.jid", "");
  config.protocol = file.GetOr("service.protocol", "");
  if (config.protocol.empty()) {
    return absl::InvalidArgumentError(
        "[service] protocol is not set (a prpl id such as prpl-jabber, or "
        "any)");
  }
  absl::StatusOr<bool> flag = file.GetBool("service.server_mode", false);
  if (!flag.ok()) return flag.status();
  config.server_mode = *flag;
  config.working_dir = file.GetOr("service.working_dir", "");
  flag = file.GetBool("service.enable_remove_buddy", false);
  if (!flag.ok()) return flag.status();
  config.enable_remove_buddy = *flag;
  config.web_directory =
      Resolve(config.working_dir, file.GetOr("service.web_directory", ""));
  config.web_url = file.GetOr("service.web_url", "");
  absl::StatusOr<long long> number =
      file.GetInt("service.web_maximgsize", 1000000);
  if (!number.ok()) return number.status();
  if (*number < 0) {
    return absl::InvalidArgumentError("service.web_maximgsize is negative");
  }
  config.web_maximgsize = static_cast<uint64_t>(*number);

  config.default_avatar =
      Resolve(config.working_dir, file.GetOr("backend.default_avatar", ""));
  config.avatars_directory =
      Resolve(config.working_dir, file.GetOr("backend.avatars_directory", ""));
  flag = file.GetBool("backend.no_vcard_fetch", false);
  if (!flag.ok()) return flag.status();
  config.no_vcard_fetch = *flag;

  for (const auto& [key, values] : file.Section("purple")) {
    if (key == "plugins_dir") {
      for (absl::string_view dir :
           absl::StrSplit(values.back(), ',', absl::SkipWhitespace())) {
        config.plugin_dirs.push_back(
            Resolve(config.working_dir, std::string(dir)));
      }
      continue;
    }
    if (IsBackendPurpleKey(key)) {
      config.warnings.push_back(absl::StrCat(
          "[purple] ", key, " is not used by spectrum2_lilac_backend"));
      continue;
    }
    if (values.size() > 1) {
      config.warnings.push_back(absl::StrCat(
          "[purple] ", key, " is repeated; the last value is used"));
    }
    config.purple_settings[key] = values.back();
  }

  absl::StatusOr<std::optional<ProxyConfig>> proxy = ReadProxy(file);
  if (!proxy.ok()) return proxy.status();
  config.proxy = *std::move(proxy);
  if (!config.proxy && (file.Get("proxy.host") || file.Get("proxy.port"))) {
    config.warnings.push_back(
        "[proxy] host/port are set but type is not: accounts connect "
        "directly");
  }

  config.lilacd = file.GetOr("lilac.lilacd", "");
  config.log_format = file.GetOr("lilac.log_format", "text");
  if (config.log_format != "text" && config.log_format != "json") {
    return absl::InvalidArgumentError(
        absl::StrCat("lilac.log_format must be text or json, not \"",
                     config.log_format, "\""));
  }
  for (absl::string_view plugin : absl::StrSplit(
           file.GetOr("lilac.load_plugins", ""), ',', absl::SkipWhitespace())) {
    config.load_plugins.emplace_back(absl::StripAsciiWhitespace(plugin));
  }
  number = file.GetInt("lilac.max_frame_size",
                       static_cast<long long>(config.max_frame_size));
  if (!number.ok()) return number.status();
  if (*number < 1024) {
    return absl::InvalidArgumentError("lilac.max_frame_size is below 1024");
  }
  config.max_frame_size = static_cast<size_t>(*number);
  number = file.GetInt("lilac.ping_timeout", 60);
  if (!number.ok()) return number.status();
  config.ping_timeout = absl::Seconds(*number);
  number = file.GetInt("lilac.rpc_timeout", 20);
  if (!number.ok()) return number.status();
  if (*number <= 0) {
    return absl::InvalidArgumentError("lilac.rpc_timeout must be positive");
  }
  config.rpc_timeout = absl::Seconds(*number);
  number = file.GetInt("lilac.connect_timeout", 0);
  if (!number.ok()) return number.status();
  // lilacd's bounds (LoginRequest.connect_timeout), checked at start
  // rather than at every login.
  if (*number < 0 || *number > 3600) {
    return absl::InvalidArgumentError(
        "lilac.connect_timeout must be from 0 (lilacd's default) to 3600 "
        "seconds");
  }
  config.connect_timeout = absl::Seconds(*number);
  config.request_contact =
      file.GetOr("lilac.request_contact", config.request_contact);
  flag = file.GetBool("lilac.purple_debug", false);
  if (!flag.ok()) return flag.status();
  config.purple_debug = *flag;
  return config;
}

}  // namespace lilac::shim
