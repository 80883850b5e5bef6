#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_LATE_SETTINGS_CHECK_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_LATE_SETTINGS_CHECK_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "frontend_shim/translate/purple_settings_check.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace lilac::shim {

// For a remote lilacd that was not up at start: waits on its own thread
// until lilacd first answers, then checks the [purple] settings against
// `protocol` and calls `on_invalid` with the error if they do not fit.
class LateSettingsCheck {
 public:
  LateSettingsCheck(std::shared_ptr<grpc::Channel> channel,
                    std::string protocol, PurpleSettingsCheck* check,
                    absl::AnyInvocable<void(absl::Status)> on_invalid);
  // Stops waiting.
  ~LateSettingsCheck();

 private:
  void Run();

  const std::shared_ptr<grpc::Channel> channel_;
  const std::string protocol_;
  PurpleSettingsCheck* const check_;
  absl::AnyInvocable<void(absl::Status)> on_invalid_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::thread thread_;
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_LATE_SETTINGS_CHECK_H_
