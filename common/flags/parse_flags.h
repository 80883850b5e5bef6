#ifndef LILAC_COMMON_FLAGS_PARSE_FLAGS_H_
#define LILAC_COMMON_FLAGS_PARSE_FLAGS_H_

#include <vector>

namespace lilac {

// absl::ParseCommandLine, except that --help (and its variants) print the
// usage to stdout and exit 0, and --version prints "<program> <kVersion>" and
// exits 0: what users and packaging tools expect. (Abseil's own handling exits
// 1 after --help and prints no version.) Bad flags still exit 1 with a message.
std::vector<char*> ParseFlagsOrExit(int argc, char* argv[]);

}  // namespace lilac

#endif  // LILAC_COMMON_FLAGS_PARSE_FLAGS_H_
