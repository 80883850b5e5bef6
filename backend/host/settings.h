#ifndef LILAC_BACKEND_HOST_SETTINGS_H_
#define LILAC_BACKEND_HOST_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/map.h"
#include "google/protobuf/repeated_field.h"
#include "lilac/v1/protocols.pb.h"
#include "lilac/v1/sessions.pb.h"

namespace lilac {

// An account setting checked against the plugin's option and converted to its
// type.
struct TypedSetting {
  std::string key;
  v1::AccountOption::Type type = v1::AccountOption::TYPE_UNSPECIFIED;
  bool bool_value = false;
  int int_value = 0;
  std::string string_value;  // TYPE_STRING and TYPE_STRING_LIST
  // False for a key the plugin does not declare, set as a string.
  bool declared = true;
};

struct ParsedSettings {
  // In key order.
  std::vector<TypedSetting> settings;
  // Keys left out: unknown ones when they are ignored.
  std::vector<std::string> ignored;
  // Keys the plugin does not declare, in `settings` as strings.
  std::vector<std::string> undeclared;
};

// What to do with a key the plugin does not declare.
enum class Undeclared {
  kRefuse,
  kIgnore,
  // Plugins read settings they never declare (API keys...): pass them on.
  kSetAsString,
};

// Types textual settings by the protocol's options: a bool takes
// 1/0/true/false/yes/no/on/off (any case), an int must be a 32-bit integer, a
// string list must be one of its values. Errors are INVALID_ARGUMENT and name
// the key and what it accepts.
absl::StatusOr<ParsedSettings> ParseSettings(
    const google::protobuf::RepeatedPtrField<v1::AccountOption>& options,
    const google::protobuf::Map<std::string, std::string>& values,
    Undeclared undeclared);

// Account strings a client stores for plugins (Spectrum's per-user
// settings): undeclared and string keys are set as strings, other declared
// keys typed as ParseSettings does. Never fails: a key `settings` also has is
// skipped (it wins), an ill-typed declared one is ignored.
ParsedSettings ParseAccountStrings(
    const google::protobuf::RepeatedPtrField<v1::AccountOption>& options,
    const google::protobuf::Map<std::string, std::string>& strings,
    const google::protobuf::Map<std::string, std::string>& settings);

// Settings a client gives back from AccountSettingsChanged, typed as the
// plugin set them; never fails: a key the plugin declares with another type is
// ignored. Undeclared keys keep their own type.
ParsedSettings ParseSavedSettings(
    const google::protobuf::RepeatedPtrField<v1::AccountOption>& options,
    const google::protobuf::RepeatedPtrField<v1::AccountSetting>& saved);

// Parses a boolean the way ParseSettings does.
bool ParseBool(const std::string& text, bool* value);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_SETTINGS_H_
