#ifndef LILAC_FRONTEND_SHIM_CONFIG_SHIM_CONFIG_H_
#define LILAC_FRONTEND_SHIM_CONFIG_SHIM_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "frontend_shim/config/command_line.h"
#include "frontend_shim/config/ini_file.h"

namespace lilac::shim {

// Spectrum's [proxy] keys, as upstream's libpurple backend reads them.
struct ProxyConfig {
  enum class Type { kNone, kHttp, kSocks4, kSocks5, kTor };
  Type type = Type::kNone;
  std::string host;
  int port = 0;
  std::string username;
  // Never logged.
  std::string password;
};

// Everything the shim reads from Spectrum's config file and command line,
// typed. docs/spectrum.md lists every key.
struct ShimConfig {
  // Where Spectrum listens for backends.
  std::string spectrum_host;
  int spectrum_port = 0;
  std::string backend_id;

  // [service]
  std::string jid;
  // A prpl id, or "any": legacy names are then "<prpl-id>.<username>".
  std::string protocol;
  bool server_mode = false;
  std::string working_dir;
  bool enable_remove_buddy = false;
  std::string web_directory;
  std::string web_url;
  uint64_t web_maximgsize = 1000000;

  // [backend]
  std::string default_avatar;
  std::string avatars_directory;
  bool no_vcard_fetch = false;

  // [purple]: account settings passed to every login as text (lilacd types
  // them by the plugin's options). Keys the shim reads itself are not here.
  std::map<std::string, std::string> purple_settings;
  // [purple] plugins_dir: extra plugin directories (comma separated).
  std::vector<std::string> plugin_dirs;

  // [proxy]: every account's connections go through it. Absent when
  // proxy.type is not set: accounts connect directly.
  std::optional<ProxyConfig> proxy;

  // [lilac]
  // Empty: run lilacd inside this process. Otherwise "unix:/path" or
  // "host:port" of a remote lilacd.
  std::string lilacd;
  size_t max_frame_size = 16 << 20;
  // Exit when Spectrum has not pinged for this long; zero: never.
  absl::Duration ping_timeout = absl::Seconds(60);
  // Deadline of each call to lilacd.
  absl::Duration rpc_timeout = absl::Seconds(20);
  // lilac.connect_timeout: how long a login (or reconnect) may stay
  // connecting; zero: lilacd's default.
  absl::Duration connect_timeout = absl::ZeroDuration();
  // The contact that brings interactive requests (2FA codes, captchas...) to
  // the user and takes the answers.
  std::string request_contact = "lilac-requests";
  bool purple_debug = false;
  // lilac.log_format: "text" or "json".
  std::string log_format = "text";
  // lilac.load_plugins: plugins that are not protocols to load, by id or
  // file, comma separated; those of prefs.xml in working_dir are added.
  std::vector<std::string> load_plugins;

  // Problems worth one log line each (unknown purple repeats, proxy...).
  std::vector<std::string> warnings;
};

// Loads the config file named by `command_line`, applies its overrides and
// types every value; an error names the offending key.
absl::StatusOr<ShimConfig> LoadShimConfig(const CommandLine& command_line);
// The same from an already parsed file.
absl::StatusOr<ShimConfig> MakeShimConfig(const CommandLine& command_line,
                                          IniFile file);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_CONFIG_SHIM_CONFIG_H_
