// Fuzzes the config file reader and the typing of its values: any text either
// parses into a ShimConfig or is refused with a message; neither crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "frontend_shim/config/command_line.h"
#include "frontend_shim/config/ini_file.h"
#include "frontend_shim/config/shim_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<lilac::shim::IniFile> file =
      lilac::shim::IniFile::Parse(text, "fuzz.cfg");
  if (!file.ok()) {
    if (file.status().message().empty()) std::abort();
    return 0;
  }
  lilac::shim::CommandLine command_line;
  command_line.host = "127.0.0.1";
  command_line.port = 10000;
  command_line.config_path = "fuzz.cfg";
  command_line.overrides["service.backend_id"] = "1";
  absl::StatusOr<lilac::shim::ShimConfig> config =
      lilac::shim::MakeShimConfig(command_line, *file);
  if (!config.ok() && config.status().message().empty()) std::abort();
  return 0;
}
