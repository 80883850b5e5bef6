#include "frontend_shim/log.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lilac::shim {
namespace {

void Write(absl::string_view level, absl::string_view text) {
  const std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%d %H:%M:%E3S", absl::Now(), absl::UTCTimeZone()),
      " spectrum2_lilac_backend[", getpid(), "] ", level, ": ", text, "\n");
  // One fwrite per line, so lines of several threads do not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void LogInfo(absl::string_view text) { Write("INFO", text); }
void LogWarning(absl::string_view text) { Write("WARNING", text); }
void LogError(absl::string_view text) { Write("ERROR", text); }

}  // namespace lilac::shim
