#include "frontend_shim/config/ini_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace lilac::shim {

absl::StatusOr<IniFile> IniFile::Parse(absl::string_view text,
                                       absl::string_view origin) {
  IniFile file;
  std::string section;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    // boost's parser cuts at the first '#', so values cannot contain one.
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        return absl::InvalidArgumentError(absl::StrCat(
            origin, ":", line_number, ": unterminated section header"));
      }
      section = std::string(
          absl::StripAsciiWhitespace(line.substr(1, line.size() - 2)));
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ":", line_number,
                       ": expected 'key = value', got '", line, "'"));
    }
    const absl::string_view key =
        absl::StripAsciiWhitespace(line.substr(0, equals));
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ":", line_number, ": empty key"));
    }
    const absl::string_view value =
        absl::StripAsciiWhitespace(line.substr(equals + 1));
    const std::string full_key =
        section.empty() ? std::string(key) : absl::StrCat(section, ".", key);
    file.values_[full_key].emplace_back(value);
  }
  return file;
}

absl::StatusOr<IniFile> IniFile::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read config file '", path, "'"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const std::vector<std::string>& IniFile::Values(const std::string& key) const {
  static const std::vector<std::string>* const kNone =
      new std::vector<std::string>();
  auto it = values_.find(key);
  return it == values_.end() ? *kNone : it->second;
}

std::optional<std::string> IniFile::Get(const std::string& key) const {
  const std::vector<std::string>& values = Values(key);
  if (values.empty()) return std::nullopt;
  return values.back();
}

std::string IniFile::GetOr(const std::string& key,
                           const std::string& fallback) const {
  return Get(key).value_or(fallback);
}

absl::StatusOr<bool> IniFile::GetBool(const std::string& key,
                                      bool fallback) const {
  std::optional<std::string> value = Get(key);
  if (!value) return fallback;
  const std::string word = absl::AsciiStrToLower(*value);
  if (word == "1" || word == "true" || word == "yes" || word == "on") {
    return true;
  }
  if (word == "0" || word == "false" || word == "no" || word == "off") {
    return false;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(key, " = '", *value, "' is not a boolean"));
}

absl::StatusOr<long long> IniFile::GetInt(const std::string& key,
                                          long long fallback) const {
  std::optional<std::string> value = Get(key);
  if (!value) return fallback;
  long long number = 0;
  if (!absl::SimpleAtoi(*value, &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat(key, " = '", *value, "' is not an integer"));
  }
  return number;
}

std::map<std::string, std::vector<std::string>> IniFile::Section(
    const std::string& section) const {
  std::map<std::string, std::vector<std::string>> result;
  const std::string prefix = section + ".";
  for (const auto& [key, values] : values_) {
    if (absl::StartsWith(key, prefix)) {
      result[key.substr(prefix.size())] = values;
    }
  }
  return result;
}

void IniFile::Override(const std::string& key, const std::string& value) {
  values_[key] = {value};
}

}  // namespace lilac::shim
