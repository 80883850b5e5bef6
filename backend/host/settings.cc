#include "backend/host/settings.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lilac {

bool ParseBool(const std::string& text, bool* value) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") {
    *value = true;
    return true;
  }
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") {
    *value = false;
    return true;
  }
  return false;
}

absl::StatusOr<ParsedSettings> ParseSettings(
    const google::protobuf::RepeatedPtrField<v1::AccountOption>& options,
    const google::protobuf::Map<std::string, std::string>& values,
    Undeclared undeclared) {
  std::map<std::string, const v1::AccountOption*> by_key;
  for (const v1::AccountOption& option : options)
    by_key[option.key()] = &option;

  // Sorted, so errors and results do not depend on map order.
  std::map<std::string, std::string> sorted(values.begin(), values.end());
  ParsedSettings parsed;
  for (const auto& [key, text] : sorted) {
    auto found = by_key.find(key);
    if (found == by_key.end()) {
      if (undeclared == Undeclared::kIgnore) {
        parsed.ignored.push_back(key);
        continue;
      }
      if (undeclared == Undeclared::kSetAsString) {
        TypedSetting setting;
        setting.key = key;
        setting.declared = false;
        if (text == "true" || text == "false") {
          // Plugins that are not protocols keep their switches as account
          // booleans, which libpurple will not read from a string (the XMPP
          // carbons plugin's carbons-enabled).
          setting.type = v1::AccountOption::TYPE_BOOL;
          setting.bool_value = text == "true";
        } else {
          setting.type = v1::AccountOption::TYPE_STRING;
          setting.string_value = text;
        }
        parsed.settings.push_back(std::move(setting));
        parsed.undeclared.push_back(key);
        continue;
      }
      std::vector<std::string> known;
      for (const auto& [known_key, option] : by_key) known.push_back(known_key);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown setting \"", key, "\"; this protocol accepts: ",
                       known.empty() ? "none" : absl::StrJoin(known, ", ")));
    }
    const v1::AccountOption& option = *found->second;
    TypedSetting setting;
    setting.key = key;
    setting.type = option.type();
    switch (option.type()) {
      case v1::AccountOption::TYPE_BOOL:
        if (!ParseBool(text, &setting.bool_value)) {
          return absl::InvalidArgumentError(
              absl::StrCat("setting \"", key,
                           "\" is a boolean: use 1/0, true/false, "
                           "yes/no or on/off, not \"",
                           text, "\""));
        }
        break;
      case v1::AccountOption::TYPE_INT:
        if (!absl::SimpleAtoi(text, &setting.int_value)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "setting \"", key, "\" is an integer, not \"", text, "\""));
        }
        break;
      case v1::AccountOption::TYPE_STRING_LIST: {
        std::vector<std::string> allowed;
        for (const v1::Choice& choice : option.choices()) {
          allowed.push_back(choice.value());
        }
        if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "setting \"", key, "\" must be one of ",
              absl::StrJoin(allowed, ", "), ", not \"", text, "\""));
        }
        setting.string_value = text;
        break;
      }
      case v1::AccountOption::TYPE_STRING:
        setting.string_value = text;
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("setting \"", key, "\" has a type lilac cannot set"));
    }
    parsed.settings.push_back(std::move(setting));
  }
  return parsed;
}

ParsedSettings ParseAccountStrings(
    const google::protobuf::RepeatedPtrField<v1::AccountOption>& options,
    const google::protobuf::Map<std::string, std::string>& strings,
    const google::protobuf::Map<std::string, std::string>& settings) {
  ParsedSettings parsed;
  std::map<std::string, std::string> sorted(strings.begin(), strings.end());
  for (const auto& [key, text] : sorted) {
    if (settings.count(key) != 0) continue;
    // One key at a time: an ill-typed one must not take the others along.
    google::protobuf::Map<std::string, std::string> one;
    one[key] = text;
    absl::StatusOr<ParsedSettings> typed =
        ParseSettings(options, one, Undeclared::kSetAsString);
    if (!typed.ok()) {
      parsed.ignored.push_back(key);
      continue;
    }
    parsed.settings.push_back(std::move(typed->settings[0]));
    if (!typed->undeclared.empty()) parsed.undeclared.push_back(key);
  }
  return parsed;
}

ParsedSettings ParseSavedSettings(
    const google::protobuf::RepeatedPtrField<v1::AccountOption>& options,
    const google::protobuf::RepeatedPtrField<v1::AccountSetting>& saved) {
  std::map<std::string, v1::AccountOption::Type> declared;
  for (const v1::AccountOption& option : options) {
    declared[option.key()] = option.type();
  }
  ParsedSettings parsed;
  for (const v1::AccountSetting& setting : saved) {
    TypedSetting typed;
    typed.key = setting.key();
    switch (setting.value_case()) {
      case v1::AccountSetting::kBoolValue:
        typed.type = v1::AccountOption::TYPE_BOOL;
        typed.bool_value = setting.bool_value();
        break;
      case v1::AccountSetting::kIntValue:
        typed.type = v1::AccountOption::TYPE_INT;
        typed.int_value = setting.int_value();
        break;
      default:
        typed.type = v1::AccountOption::TYPE_STRING;
        typed.string_value = setting.string_value();
        break;
    }
    auto option = declared.find(setting.key());
    if (option != declared.end()) {
      const bool is_string =
          option->second == v1::AccountOption::TYPE_STRING ||
          option->second == v1::AccountOption::TYPE_STRING_LIST;
      if (is_string ? typed.type != v1::AccountOption::TYPE_STRING
                    : typed.type != option->second) {
        parsed.ignored.push_back(setting.key());
        continue;
      }
      typed.type = option->second;
    } else {
      typed.declared = false;
      parsed.undeclared.push_back(setting.key());
    }
    parsed.settings.push_back(std::move(typed));
  }
  return parsed;
}

}  // namespace lilac
