#ifndef LILAC_COMMON_LOG_LOG_H_
#define LILAC_COMMON_LOG_LOG_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"

namespace lilac::log {

enum class Level { kDebug, kInfo, kWarning, kError };

enum class Format {
  // "<UTC time> <program>[<pid>] <LEVEL> <component>: <text>"
  kText,
  // One JSON object per line: time, program, pid, level, component, message.
  kJson,
};

struct Options {
  std::string program = "lilac";
  Format format = Format::kText;
  // Lines below this level are not written.
  Level min_level = Level::kInfo;
};

// Sets how every later line is written; call once at start, before threads.
void Configure(const Options& options);

// Writes one line on stderr (one write per line, so threads do not
// interleave). `component` names the part of the program ("plugins",
// "glib"...). Never pass passwords or tokens.
void Write(Level level, absl::string_view component, absl::string_view text);

inline void Info(absl::string_view component, absl::string_view text) {
  Write(Level::kInfo, component, text);
}
inline void Warning(absl::string_view component, absl::string_view text) {
  Write(Level::kWarning, component, text);
}
inline void Error(absl::string_view component, absl::string_view text) {
  Write(Level::kError, component, text);
}

// Writes an error line and aborts: for a broken rule of the program (a bug),
// which must not turn into a hang or a silent wrong answer.
[[noreturn]] void Fatal(absl::string_view component, absl::string_view text);

// "json" or "text", as flags and config files spell it.
bool ParseFormat(absl::string_view name, Format* format);

// Tests: lines go to `sink` (without the newline) instead of stderr; nullptr
// restores stderr.
void SetSinkForTesting(std::function<void(const std::string&)> sink);

}  // namespace lilac::log

#endif  // LILAC_COMMON_LOG_LOG_H_
