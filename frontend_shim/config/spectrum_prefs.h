#ifndef LILAC_FRONTEND_SHIM_CONFIG_SPECTRUM_PREFS_H_
#define LILAC_FRONTEND_SHIM_CONFIG_SPECTRUM_PREFS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace lilac::shim {

// The plugins a transport's libpurple prefs.xml lists as loaded: what the
// upstream backend loads at start (purple_plugins_load_saved) from the
// `/spectrum/plugins/loaded` pathlist, or Pidgin's `/purple/plugins/loaded`.
// Entries are plugin files ("/usr/lib/purple-2/carbons.so"). A missing file is
// an empty list; a file that is not well-formed XML is an error naming it.
absl::StatusOr<std::vector<std::string>> ReadLoadedPlugins(
    const std::string& prefs_xml_path);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_CONFIG_SPECTRUM_PREFS_H_
