#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_SAVED_SETTINGS_STORE_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_SAVED_SETTINGS_STORE_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "lilac/v1/events.pb.h"
#include "lilac/v1/sessions.pb.h"

namespace lilac::shim {

// Keeps, per Spectrum user (the user's JID), the account settings that the
// plugin changed at run time (AccountSettingsChanged: refresh tokens, device
// ids), so the next login gives them back (LoginRequest.saved_settings).
//
// One file per user in `directory` (created with mode 0700 when missing),
// named by EscapeFileName(user), holding a text-format
// lilac.v1.AccountSettingsChanged whose `settings` are sorted by key. Files
// are mode 0600 and replaced atomically. The values are secrets: nothing here
// ever logs them.
//
// Thread-safe.
class SavedSettingsStore {
 public:
  explicit SavedSettingsStore(std::string directory);

  SavedSettingsStore(const SavedSettingsStore&) = delete;
  SavedSettingsStore& operator=(const SavedSettingsStore&) = delete;

  // The user's saved settings, sorted by key. Empty when there are none, and
  // when the file cannot be read or parsed (with a warning naming the file).
  std::vector<v1::AccountSetting> Load(const std::string& user);

  // Merges `changed` into the user's settings (`settings` set or replace
  // keys, `removed_keys` erase them) and writes the result; an empty result
  // removes the file.
  absl::Status Apply(const std::string& user,
                     const v1::AccountSettingsChanged& changed);

  // Removes the user's settings.
  absl::Status Forget(const std::string& user);

  // The file name of `user`'s settings: every byte outside
  // [A-Za-z0-9@._+-] is percent-encoded (%XX), and so are a leading '.' and
  // the '.' of a trailing ".tmp" (the suffix of files being written), so
  // that any JID gives one safe name, distinct from every other JID's.
  static std::string EscapeFileName(const std::string& user);

  const std::string& directory() const { return directory_; }

 private:
  std::string PathOf(const std::string& user) const;
  std::vector<v1::AccountSetting> LoadLocked(const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::Status EnsureDirectory() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::Status WriteLocked(const std::string& path,
                           const v1::AccountSettingsChanged& content)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::Status RemoveLocked(const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const std::string directory_;
  absl::Mutex mutex_;
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_SAVED_SETTINGS_STORE_H_
