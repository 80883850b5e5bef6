#ifndef LILAC_BACKEND_HOST_PURPLE_RUNTIME_H_
#define LILAC_BACKEND_HOST_PURPLE_RUNTIME_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backend/host/plugin_state_dir.h"
#include "backend/host/purple_host.h"

namespace lilac {

// libpurple's process-wide state: the private user directory, the UI ops and
// the core. Lives on the loop thread; PurpleHost creates and destroys it there.
class PurpleRuntime {
 public:
  // Creates a private user directory (mode 0700), installs the UI ops, adds
  // `plugin_dirs` to the plugin search path and starts the libpurple core,
  // which loads every protocol plugin found.
  // With `plugin_state_root`, the user directory is a PluginStateDir there, so
  // plugins' own files persist.
  static absl::StatusOr<std::unique_ptr<PurpleRuntime>> Init(
      const OnLoop& loop, const std::vector<std::string>& plugin_dirs,
      bool purple_debug, const std::string& plugin_state_root);

  // Stops the core and removes the user directory.
  void Shutdown(const OnLoop& loop);

  ~PurpleRuntime();

  const std::string& user_dir() const { return user_dir_; }
  // Null without a plugin state root.
  PluginStateDir* plugin_state() const { return plugin_state_.get(); }

 private:
  PurpleRuntime(std::string user_dir,
                std::unique_ptr<PluginStateDir> plugin_state);
  void RemoveUserDir();

  std::string user_dir_;
  std::unique_ptr<PluginStateDir> plugin_state_;
  bool core_running_ = false;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PURPLE_RUNTIME_H_
