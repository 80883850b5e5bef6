#include "frontend_shim/config/shim_config.h"

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

  config.proxy_type = file.GetOr("proxy.type", "");
  config.proxy_host = file.GetOr("proxy.host", "");
  number = file.GetInt("proxy.port", 0);
  if (!number.ok()) return number.status();
  config.proxy_port = static_cast<int>(*number);
  config.proxy_username = file.GetOr("proxy.username", "");
  config.proxy_password_set = file.Get("proxy.password").has_value();
  if (!config.proxy_type.empty() || !config.proxy_host.empty()) {
    config.warnings.push_back(absl::StrCat(
        "[proxy] type=", config.proxy_type, " host=", config.proxy_host,
        " port=", config.proxy_port,
        " is NOT applied: the lilac API has no per-account proxy yet; "
        "accounts connect directly"));
  }

  config.lilacd = file.GetOr("lilac.lilacd", "");
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
  config.request_contact =
      file.GetOr("lilac.request_contact", config.request_contact);
  flag = file.GetBool("lilac.purple_debug", false);
  if (!flag.ok()) return flag.status();
  config.purple_debug = *flag;
  return config;
}

}  // namespace lilac::shim
