#include "frontend_shim/translate/late_settings_check.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "frontend_shim/log.h"
#include "frontend_shim/translate/backend_config.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac::shim {

LateSettingsCheck::LateSettingsCheck(
    std::shared_ptr<grpc::Channel> channel, std::string protocol,
    PurpleSettingsCheck* check,
    absl::AnyInvocable<void(absl::Status)> on_invalid)
    : channel_(std::move(channel)),
      protocol_(std::move(protocol)),
      check_(check),
      on_invalid_(std::move(on_invalid)) {
  thread_ = std::thread([this] { Run(); });
}

LateSettingsCheck::~LateSettingsCheck() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  thread_.join();
}

void LateSettingsCheck::Run() {
  std::unique_ptr<v1::LilacService::Stub> stub =
      v1::LilacService::NewStub(channel_);
  while (true) {
    grpc::ClientContext context;
    // Waits for lilacd to come up; the deadline only bounds one wait.
    context.set_wait_for_ready(true);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
      context_ = &context;
    }
    absl::StatusOr<v1::Protocol> protocol =
        FetchProtocol(*stub, &context, protocol_);
    {
      absl::MutexLock lock(&mutex_);
      context_ = nullptr;
      if (stopping_) return;
    }
    if (absl::IsUnavailable(protocol.status())) {
      // Not up yet. A call that failed at once (not for the deadline) is
      // not retried in a tight loop.
      absl::MutexLock lock(&mutex_);
      mutex_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      continue;
    }
    if (!protocol.ok()) {
      LogError(protocol.status().message());  // logins will say so too
      return;
    }
    LogInfo("lilacd answers: checking the [purple] settings");
    if (absl::Status checked = check_->Check(*protocol); !checked.ok()) {
      on_invalid_(checked);
    }
    return;
  }
}

}  // namespace lilac::shim
