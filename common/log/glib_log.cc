#include "common/log/glib_log.h"

#include <glib.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/log/rate_limiter.h"

namespace lilac::log {
namespace {

constexpr int kLinesPerSite = 5;
constexpr absl::Duration kWindow = absl::Minutes(1);

RateLimiter& Limiter() {
  static auto* limiter = new RateLimiter(kLinesPerSite, kWindow);
  return *limiter;
}

Level ToLevel(GLogLevelFlags flags) {
  if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) return Level::kError;
  if (flags & G_LOG_LEVEL_WARNING) return Level::kWarning;
  if (flags & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO)) return Level::kInfo;
  return Level::kDebug;
}

void Handle(const gchar* domain, GLogLevelFlags flags, const gchar* message,
            gpointer) {
  const Level level = ToLevel(flags);
  const std::string component = domain != nullptr ? domain : "glib";
  const std::string text = message != nullptr ? message : "";
  // A site is the message itself: g_return_if_fail's carry the function and
  // the failed expression, which is what repeats.
  uint64_t suppressed = 0;
  if (!Limiter().Allow(absl::StrCat(component, "\n", text), absl::Now(),
                       &suppressed)) {
    return;
  }
  Write(level, component,
        suppressed == 0
            ? text
            : absl::StrCat(text, " (", suppressed, " more like it not shown)"));
}

}  // namespace

void RouteGlibLog() { g_log_set_default_handler(Handle, nullptr); }

}  // namespace lilac::log
