#ifndef LILAC_BACKEND_HOST_PLUGIN_CATALOG_H_
#define LILAC_BACKEND_HOST_PLUGIN_CATALOG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backend/host/purple_host.h"
#include "lilac/v1/plugins.pb.h"

namespace lilac {

// Probes again every plugin file of the search path that libpurple dropped at
// start, now that the protocol plugins are loaded: plugins such as Debian's
// carbons.so link a protocol's library (libjabber.so.0) outside the linker's
// path and resolve only once that protocol is in the process. What still does
// not load is remembered with the reason, logged once, and listed.
void ProbePluginsAgain(const OnLoop& loop);

// Every plugin file found in the search path, loadable or not, sorted by file.
std::vector<v1::Plugin> ListInstalledPlugins(const OnLoop& loop);

// Loads the plugin named by id, full path or file name. NOT_FOUND when there is
// none; FAILED_PRECONDITION with libpurple's reason when it does not load.
absl::StatusOr<v1::LoadPluginResponse> LoadPlugin(const OnLoop& loop,
                                                  const std::string& plugin);

// Plugin files that do not load, with the reason, for errors that name what
// is missing ("unknown protocol ...").
std::vector<v1::Plugin> FailedPlugins(const OnLoop& loop);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PLUGIN_CATALOG_H_
