#include "common/flags/parse_flags.h"

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/flags/internal/parse.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "common/version/version.h"

namespace lilac {

std::vector<char*> ParseFlagsOrExit(int argc, char* argv[]) {
  std::string program = argc > 0 ? argv[0] : "lilac";
  program = program.substr(program.find_last_of('/') + 1);
  absl::FlagsUsageConfig config;
  config.version_string = [program] {
    return absl::StrCat(program, " ", kVersion, "\n");
  };
  absl::SetFlagsUsageConfig(config);
  std::vector<char*> positional = absl::flags_internal::ParseCommandLineImpl(
      argc, argv, absl::flags_internal::ArgvListAction::kRemoveParsedArgs,
      absl::flags_internal::UsageFlagsAction::kIgnoreUsage,
      absl::flags_internal::OnUndefinedFlag::kAbortIfUndefined);
  const int handled = absl::flags_internal::HandleUsageFlags(
      std::cout, absl::ProgramUsageMessage());
  if (handled != -1) {
    std::cout.flush();
    // Asked-for help is a success; HandleUsageFlags says 1 for it.
    std::exit(0);
  }
  return positional;
}

}  // namespace lilac
