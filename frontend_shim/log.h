#ifndef LILAC_FRONTEND_SHIM_LOG_H_
#define LILAC_FRONTEND_SHIM_LOG_H_

#include "absl/strings/string_view.h"

namespace lilac::shim {

// One line on stderr, where Spectrum's backend logging collects it, in the
// log format lilacd writes too (common/log: text, or JSON with
// lilac.log_format = json), component "shim". Never pass passwords.
void LogInfo(absl::string_view text);
void LogWarning(absl::string_view text);
void LogError(absl::string_view text);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_LOG_H_
