#ifndef LILAC_BACKEND_HOST_HOST_OPTIONS_H_
#define LILAC_BACKEND_HOST_HOST_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lilac {

// How a libpurple host is set up: its plugins and its directories.
struct HostOptions {
  // Extra directories searched for protocol plugins (.so), before the system
  // one.
  std::vector<std::string> plugin_dirs;
  // Plugins that are not protocols to load at start, by id or file (see
  // LoadPlugin); starting fails when one does not load.
  std::vector<std::string> load_plugins;
  // Print libpurple's debug log on stderr.
  bool purple_debug = false;
  // Where plugins' own files (keys, databases) persist across restarts; see
  // PluginStateDir. Empty: libpurple's directory is temporary.
  std::string plugin_state_dir;
  // Directory where incoming files are kept until fetched (one subdirectory
  // per session); libpurple's private directory when empty.
  std::string spool_dir;
  // Largest incoming file accepted, in bytes.
  uint64_t max_file_size = 50 << 20;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_HOST_OPTIONS_H_
