#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_PURPLE_SETTINGS_CHECK_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_PURPLE_SETTINGS_CHECK_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac::shim {

// The [purple] keys typed by `protocol`'s options exactly as lilacd types
// them at each login (undeclared keys as strings): log lines saying what is
// applied and how, or INVALID_ARGUMENT naming the ill-typed key. String
// values are not shown (they may be API keys or tokens).
absl::StatusOr<std::vector<std::string>> DescribePurpleSettings(
    const v1::Protocol& protocol,
    const std::map<std::string, std::string>& settings);

// Checks the [purple] settings once per protocol, before users log in, so an
// ill-typed key is the operator's error at start and not every user's failed
// login. Thread-safe.
class PurpleSettingsCheck {
 public:
  explicit PurpleSettingsCheck(std::map<std::string, std::string> settings)
      : settings_(std::move(settings)) {}

  // The first call for a protocol logs what is applied (or the error); later
  // calls return the same result silently.
  absl::Status Check(const v1::Protocol& protocol);
  // The result for `protocol_id`, if it was checked.
  std::optional<absl::Status> Result(const std::string& protocol_id);
  // Check, asking lilacd for `protocol_id` if it was not checked yet. OK
  // when lilacd cannot be asked or lacks the protocol: the login says why.
  absl::Status CheckWith(v1::LilacService::StubInterface& stub,
                         grpc::ClientContext* context,
                         const std::string& protocol_id);

 private:
  const std::map<std::string, std::string> settings_;
  absl::Mutex mutex_;
  std::map<std::string, absl::Status> results_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_PURPLE_SETTINGS_CHECK_H_
