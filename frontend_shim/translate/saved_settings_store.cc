#include "frontend_shim/translate/saved_settings_store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "frontend_shim/log.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace lilac::shim {
namespace {

constexpr char kTmpSuffix[] = ".tmp";

std::string ErrnoText(int error) { return strerror(error); }

absl::Status ErrnoStatus(int error, absl::string_view what,
                         absl::string_view path) {
  return absl::UnavailableError(
      absl::StrCat(what, " ", path, ": ", ErrnoText(error)));
}

bool SafeByte(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '@' || c == '.' || c == '_' ||
         c == '+' || c == '-';
}

// Counts the parser's errors and keeps where the first one is, never the
// message: it can quote the file's content (a secret value).
class QuietErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& /*message*/) override {
    if (errors_++ == 0) {
      line_ = line;
      column_ = column;
    }
  }
  void AddWarning(int /*line*/, google::protobuf::io::ColumnNumber /*column*/,
                  const std::string& /*message*/) override {}

  int errors() const { return errors_; }
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int errors_ = 0;
  int line_ = 0;
  int column_ = 0;
};

// The directory part of `path` ("" when it has none).
std::string Parent(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Creates `dir` and its missing parents with mode 0700.
absl::Status MakeDirectories(const std::string& dir) {
  if (dir.empty() || dir == "/") return absl::OkStatus();
  struct stat info;
  if (stat(dir.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(dir, " exists and is not a directory"));
    }
    return absl::OkStatus();
  }
  if (errno != ENOENT) return ErrnoStatus(errno, "cannot stat", dir);
  if (absl::Status parent = MakeDirectories(Parent(dir)); !parent.ok()) {
    return parent;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, "cannot create", dir);
  }
  return absl::OkStatus();
}

bool Usable(const v1::AccountSetting& setting) {
  return !setting.key().empty() &&
         setting.value_case() != v1::AccountSetting::VALUE_NOT_SET;
}

}  // namespace

SavedSettingsStore::SavedSettingsStore(std::string directory)
    : directory_([&directory] {
        while (directory.size() > 1 && directory.back() == '/') {
          directory.pop_back();
        }
        return std::move(directory);
      }()) {}

std::string SavedSettingsStore::EscapeFileName(const std::string& user) {
  std::string name;
  name.reserve(user.size());
  for (size_t i = 0; i < user.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(user[i]);
    const bool trailing_tmp_dot = c == '.' &&
                                  i + sizeof(kTmpSuffix) - 1 == user.size() &&
                                  absl::EndsWith(user, kTmpSuffix);
    if (SafeByte(c) && !(c == '.' && i == 0) && !trailing_tmp_dot) {
      name.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&name, "%%%02X", c);
    }
  }
  return name;
}

std::string SavedSettingsStore::PathOf(const std::string& user) const {
  return absl::StrCat(directory_, "/", EscapeFileName(user));
}

std::vector<v1::AccountSetting> SavedSettingsStore::Load(
    const std::string& user) {
  if (user.empty()) return {};
  absl::MutexLock lock(&mutex_);
  return LoadLocked(PathOf(user));
}

std::vector<v1::AccountSetting> SavedSettingsStore::LoadLocked(
    const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno != ENOENT) {
      LogWarning(absl::StrCat("saved settings in ", path,
                              " not used: cannot open: ", ErrnoText(errno)));
    }
    return {};
  }
  std::string text;
  char buffer[16384];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      close(fd);
      LogWarning(absl::StrCat("saved settings in ", path,
                              " not used: cannot read: ", ErrnoText(error)));
      return {};
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fd);

  v1::AccountSettingsChanged content;
  QuietErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &content)) {
    if (errors.errors() > 0) {
      LogWarning(absl::StrCat("saved settings in ", path,
                              " not used: not a valid text-format "
                              "AccountSettingsChanged (error at line ",
                              errors.line() + 1, ", column ",
                              errors.column() + 1, ")"));
    } else {
      LogWarning(absl::StrCat(
          "saved settings in ", path,
          " not used: not a valid text-format AccountSettingsChanged"));
    }
    return {};
  }
  // Sorted by key, one setting per key (the last wins), as written.
  std::map<std::string, v1::AccountSetting> by_key;
  int unusable = 0;
  for (v1::AccountSetting& setting : *content.mutable_settings()) {
    if (!Usable(setting)) {
      ++unusable;
      continue;
    }
    std::string key = setting.key();
    by_key[std::move(key)] = std::move(setting);
  }
  if (unusable > 0) {
    LogWarning(absl::StrCat(unusable, " saved setting(s) in ", path,
                            " without key or value left out"));
  }
  std::vector<v1::AccountSetting> settings;
  settings.reserve(by_key.size());
  for (auto& [key, setting] : by_key) settings.push_back(std::move(setting));
  return settings;
}

absl::Status SavedSettingsStore::Apply(
    const std::string& user, const v1::AccountSettingsChanged& changed) {
  if (user.empty()) {
    return absl::InvalidArgumentError("saved settings need a user");
  }
  absl::MutexLock lock(&mutex_);
  const std::string path = PathOf(user);
  std::map<std::string, v1::AccountSetting> by_key;
  for (v1::AccountSetting& setting : LoadLocked(path)) {
    std::string key = setting.key();
    by_key[std::move(key)] = std::move(setting);
  }
  for (const v1::AccountSetting& setting : changed.settings()) {
    if (Usable(setting)) by_key[setting.key()] = setting;
  }
  for (const std::string& key : changed.removed_keys()) by_key.erase(key);
  if (by_key.empty()) return RemoveLocked(path);
  v1::AccountSettingsChanged content;
  for (const auto& [key, setting] : by_key) *content.add_settings() = setting;
  return WriteLocked(path, content);
}

absl::Status SavedSettingsStore::Forget(const std::string& user) {
  if (user.empty()) return absl::OkStatus();
  absl::MutexLock lock(&mutex_);
  return RemoveLocked(PathOf(user));
}

absl::Status SavedSettingsStore::EnsureDirectory() {
  return MakeDirectories(directory_);
}

absl::Status SavedSettingsStore::WriteLocked(
    const std::string& path, const v1::AccountSettingsChanged& content) {
  if (absl::Status made = EnsureDirectory(); !made.ok()) return made;
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(content, &text)) {
    return absl::InternalError(
        absl::StrCat("cannot format the saved settings for ", path));
  }
  const std::string tmp = absl::StrCat(path, kTmpSuffix);
  const int fd = open(
      tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", tmp);
  auto fail = [&](absl::string_view what) {
    const int error = errno;
    close(fd);
    unlink(tmp.c_str());
    return ErrnoStatus(error, what, tmp);
  };
  // An older temporary file keeps its mode through O_CREAT.
  if (fchmod(fd, 0600) != 0) return fail("cannot chmod");
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("cannot fsync");
  if (close(fd) != 0) {
    const int error = errno;
    unlink(tmp.c_str());
    return ErrnoStatus(error, "cannot close", tmp);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    unlink(tmp.c_str());
    return ErrnoStatus(error, "cannot rename to", path);
  }
  // The rename itself survives a crash once the directory is synced.
  if (const int dir =
          open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return absl::OkStatus();
}

absl::Status SavedSettingsStore::RemoveLocked(const std::string& path) {
  unlink(absl::StrCat(path, kTmpSuffix).c_str());
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "cannot remove", path);
  }
  return absl::OkStatus();
}

}  // namespace lilac::shim
