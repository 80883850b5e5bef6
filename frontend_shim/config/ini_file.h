#ifndef LILAC_FRONTEND_SHIM_CONFIG_INI_FILE_H_
#define LILAC_FRONTEND_SHIM_CONFIG_INI_FILE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lilac::shim {

// A config file in Spectrum's dialect (boost::program_options config files,
// spectrum-backend-protocol.md §10.1): `[section]` headers, `key = value`
// lines, `#` starts a comment anywhere on a line, a repeated key makes a list.
// Keys are addressed as "section.key"; keys before any section have no
// prefix.
class IniFile {
 public:
  // Parses `text`; `origin` names it in errors.
  static absl::StatusOr<IniFile> Parse(absl::string_view text,
                                       absl::string_view origin = "config");
  static absl::StatusOr<IniFile> Load(const std::string& path);

  // Every value of `key`, in file order.
  const std::vector<std::string>& Values(const std::string& key) const;
  // The last value of `key`.
  std::optional<std::string> Get(const std::string& key) const;
  std::string GetOr(const std::string& key, const std::string& fallback) const;
  // 1/0, true/false, yes/no, on/off (boost's words); `fallback` when absent,
  // an error when present but not a bool.
  absl::StatusOr<bool> GetBool(const std::string& key, bool fallback) const;
  absl::StatusOr<long long> GetInt(const std::string& key,
                                   long long fallback) const;

  // Every key of `section` (without the prefix) with its values.
  std::map<std::string, std::vector<std::string>> Section(
      const std::string& section) const;

  // Sets or overrides a value (command-line `--section.key=value`).
  void Override(const std::string& key, const std::string& value);

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_CONFIG_INI_FILE_H_
