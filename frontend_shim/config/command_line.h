#ifndef LILAC_FRONTEND_SHIM_CONFIG_COMMAND_LINE_H_
#define LILAC_FRONTEND_SHIM_CONFIG_COMMAND_LINE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace lilac::shim {

// What the shim takes from the command line Spectrum builds
// (spectrum-backend-protocol.md §2.1, §2.3):
//   backend --host H --port P --service.backend_id=N "-n" "/etc/x.cfg"
// Spectrum's own options come through too and are ignored, unknown options
// are ignored, and the last positional argument is the config file.
struct CommandLine {
  std::string host;
  int port = 10000;
  // `--section.key=value` tokens (backend_id included), which override the
  // config file as in Spectrum.
  std::map<std::string, std::string> overrides;
  std::string config_path;
  // Options that were not understood, for one log line.
  std::vector<std::string> ignored;
};

absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& args);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_CONFIG_COMMAND_LINE_H_
