#include "frontend_shim/log.h"

#include "common/log/log.h"

namespace lilac::shim {

void LogInfo(absl::string_view text) { log::Info("shim", text); }
void LogWarning(absl::string_view text) { log::Warning("shim", text); }
void LogError(absl::string_view text) { log::Error("shim", text); }

}  // namespace lilac::shim
