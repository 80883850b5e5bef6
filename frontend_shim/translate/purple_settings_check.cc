#include "frontend_shim/translate/purple_settings_check.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "backend/host/settings.h"
#include "frontend_shim/log.h"
#include "frontend_shim/translate/backend_config.h"

namespace lilac::shim {
namespace {

std::string Describe(const TypedSetting& setting) {
  switch (setting.type) {
    case v1::AccountOption::TYPE_BOOL:
      return absl::StrCat(setting.key, " = ",
                          setting.bool_value ? "true" : "false", " (boolean)");
    case v1::AccountOption::TYPE_INT:
      return absl::StrCat(setting.key, " = ", setting.int_value, " (integer)");
    case v1::AccountOption::TYPE_STRING_LIST:
      return absl::StrCat(setting.key, " = ", setting.string_value,
                          " (choice)");
    default:
      return absl::StrCat(setting.key, " (text)");
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> DescribePurpleSettings(
    const v1::Protocol& protocol,
    const std::map<std::string, std::string>& settings) {
  google::protobuf::Map<std::string, std::string> values(settings.begin(),
                                                         settings.end());
  absl::StatusOr<ParsedSettings> parsed =
      ParseSettings(protocol.options(), values, Undeclared::kSetAsString);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid [purple] setting for ", protocol.id(), ": ",
                     parsed.status().message()));
  }
  std::vector<std::string> declared;
  for (const TypedSetting& setting : parsed->settings) {
    if (setting.declared) declared.push_back(Describe(setting));
  }
  std::vector<std::string> lines = {
      absl::StrCat("[purple] settings for ", protocol.id(), ": ",
                   declared.empty() ? "none declared by the plugin"
                                    : absl::StrJoin(declared, ", "))};
  for (const TypedSetting& setting : parsed->settings) {
    if (setting.declared) continue;
    lines.push_back(absl::StrCat(
        "[purple] ", setting.key, ": not declared by the plugin, set as ",
        setting.type == v1::AccountOption::TYPE_BOOL ? "a boolean" : "text"));
  }
  return lines;
}

absl::Status PurpleSettingsCheck::Check(const v1::Protocol& protocol) {
  absl::MutexLock lock(&mutex_);
  auto known = results_.find(protocol.id());
  if (known != results_.end()) return known->second;
  absl::StatusOr<std::vector<std::string>> lines =
      DescribePurpleSettings(protocol, settings_);
  if (!lines.ok()) {
    LogError(lines.status().message());
  } else {
    // The first line says what is typed; the others warn of undeclared keys
    // (a typo shows up there).
    for (size_t i = 0; i < lines->size(); ++i) {
      if (i == 0) {
        LogInfo((*lines)[i]);
      } else {
        LogWarning((*lines)[i]);
      }
    }
  }
  const absl::Status status = lines.status();
  results_[protocol.id()] = status;
  return status;
}

std::optional<absl::Status> PurpleSettingsCheck::Result(
    const std::string& protocol_id) {
  absl::MutexLock lock(&mutex_);
  auto known = results_.find(protocol_id);
  if (known == results_.end()) return std::nullopt;
  return known->second;
}

absl::Status PurpleSettingsCheck::CheckWith(
    v1::LilacService::StubInterface& stub, grpc::ClientContext* context,
    const std::string& protocol_id) {
  if (std::optional<absl::Status> known = Result(protocol_id)) return *known;
  absl::StatusOr<v1::Protocol> protocol =
      FetchProtocol(stub, context, protocol_id);
  if (!protocol.ok()) return absl::OkStatus();
  return Check(*protocol);
}

}  // namespace lilac::shim
