#ifndef LILAC_BACKEND_HOST_SETTINGS_H_
#define LILAC_BACKEND_HOST_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/map.h"
#include "google/protobuf/repeated_field.h"
#include "protos/lilac/v1/protocols.pb.h"

namespace lilac {

// An account setting checked against the plugin's option and converted to its
// type.
struct TypedSetting {
  std::string key;
  v1::AccountOption::Type type = v1::AccountOption::TYPE_UNSPECIFIED;
  bool bool_value = false;
  int int_value = 0;
  std::string string_value;  // TYPE_STRING and TYPE_STRING_LIST
};

struct ParsedSettings {
  std::vector<TypedSetting> settings;
  // Keys the protocol does not know, when unknown keys are ignored.
  std::vector<std::string> ignored;
};

// Types textual settings by the protocol's options: a bool takes
// 1/0/true/false/yes/no/on/off (any case), an int must be a 32-bit integer, a
// string list must be one of its values. An unknown key fails unless
// `ignore_unknown`. Errors are INVALID_ARGUMENT and name the key and what it
// accepts.
absl::StatusOr<ParsedSettings> ParseSettings(
    const google::protobuf::RepeatedPtrField<v1::AccountOption>& options,
    const google::protobuf::Map<std::string, std::string>& values,
    bool ignore_unknown);

// Parses a boolean the way ParseSettings does.
bool ParseBool(const std::string& text, bool* value);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_SETTINGS_H_
