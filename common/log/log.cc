#include "common/log/log.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/base/const_init.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace lilac::log {
namespace {

Options& CurrentOptions() {
  static auto* options = new Options();
  return *options;
}

ABSL_CONST_INIT absl::Mutex sink_mutex(absl::kConstInit);
std::function<void(const std::string&)>* sink ABSL_GUARDED_BY(sink_mutex) =
    nullptr;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
  }
  return "?";
}

std::string JsonLine(const std::string& time, Level level,
                     absl::string_view component, absl::string_view text) {
  // protobuf's JSON printer escapes every string correctly (control
  // characters, quotes, invalid UTF-8 is refused by the API elsewhere).
  google::protobuf::Struct line;
  auto& fields = *line.mutable_fields();
  fields["time"].set_string_value(time);
  fields["program"].set_string_value(CurrentOptions().program);
  fields["pid"].set_number_value(getpid());
  fields["level"].set_string_value(LevelName(level));
  fields["component"].set_string_value(std::string(component));
  fields["message"].set_string_value(std::string(text));
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(line, &json).ok()) {
    // Only invalid UTF-8 fails: keep the line, with the text escaped.
    fields["message"].set_string_value(absl::CHexEscape(text));
    json.clear();
    (void)google::protobuf::util::MessageToJsonString(line, &json);
  }
  return json;
}

}  // namespace

void Configure(const Options& options) { CurrentOptions() = options; }

void Write(Level level, absl::string_view component, absl::string_view text) {
  const Options& options = CurrentOptions();
  if (level < options.min_level) return;
  const std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                            absl::UTCTimeZone());
  std::string line =
      options.format == Format::kJson
          ? JsonLine(time, level, component, text)
          : absl::StrCat(time, " ", options.program, "[", getpid(), "] ",
                         LevelName(level), " ", component, ": ", text);
  {
    absl::MutexLock lock(&sink_mutex);
    if (sink != nullptr) return (*sink)(line);
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

bool ParseFormat(absl::string_view name, Format* format) {
  if (name == "text") {
    *format = Format::kText;
  } else if (name == "json") {
    *format = Format::kJson;
  } else {
    return false;
  }
  return true;
}

void SetSinkForTesting(std::function<void(const std::string&)> new_sink) {
  absl::MutexLock lock(&sink_mutex);
  delete sink;
  sink = new_sink
             ? new std::function<void(const std::string&)>(std::move(new_sink))
             : nullptr;
}

void Fatal(absl::string_view component, absl::string_view text) {
  Write(Level::kError, component, text);
  std::abort();
}

}  // namespace lilac::log
