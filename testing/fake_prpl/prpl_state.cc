#include "testing/fake_prpl/prpl_state.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "testing/fake_prpl/prpl_flavor.h"

namespace lilac::testing::fake {
namespace {

constexpr char kSessionToken[] = "session-token";
constexpr char kTokenGeneration[] = "token-generation";

// A username usable as one path component (real plugins use the username
// as is; "/" or ".." would leave the user dir, so those get no state).
bool UsableInPath(const std::string& username) {
  return !username.empty() && username != "." && username != ".." &&
         username.find('/') == std::string::npos;
}

// Sets `contents` to the file's, trimmed; false if it cannot be read (a
// missing file is not worth a warning).
bool ReadTrimmed(const std::string& path, std::string* contents) {
  gchar* data = nullptr;
  gsize length = 0;
  GError* error = nullptr;
  if (!g_file_get_contents(path.c_str(), &data, &length, &error)) {
    if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      purple_debug_warning(Flavor().id, "cannot read %s: %s\n", path.c_str(),
                           error->message);
    }
    g_error_free(error);
    return false;
  }
  *contents = std::string(absl::StripAsciiWhitespace(
      absl::string_view(data, static_cast<size_t>(length))));
  g_free(data);
  return true;
}

// Replaces the file atomically, mode 0600.
bool WritePrivate(const std::string& path, const std::string& contents) {
  GError* error = nullptr;
  if (!g_file_set_contents_full(path.c_str(), contents.data(),
                                static_cast<gssize>(contents.size()),
                                G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error)) {
    purple_debug_warning(Flavor().id, "cannot write %s: %s\n", path.c_str(),
                         error->message);
    g_error_free(error);
    return false;
  }
  if (chmod(path.c_str(), 0600) != 0) {
    purple_debug_warning(Flavor().id, "cannot chmod %s: %s\n", path.c_str(),
                         std::strerror(errno));
  }
  return true;
}

std::string DeviceId(const std::string& user_dir, const std::string& username) {
  const std::string dir = absl::StrCat(user_dir, "/fake-devices/", username);
  const std::string path = absl::StrCat(dir, "/device");
  std::string id;
  if (ReadTrimmed(path, &id) && !id.empty()) return id;
  if (g_mkdir_with_parents(dir.c_str(), 0700) != 0) {
    purple_debug_warning(Flavor().id, "cannot create %s: %s\n", dir.c_str(),
                         std::strerror(errno));
    return "";
  }
  id = absl::StrFormat("dev-%08x%08x", g_random_int(), g_random_int());
  if (!WritePrivate(path, absl::StrCat(id, "\n"))) return "";
  return id;
}

uint32_t NextLoginCount(const std::string& user_dir,
                        const std::string& username) {
  const std::string path = absl::StrCat(user_dir, "/", username, "_logins.txt");
  std::string text;
  uint32_t count = 0;
  if (ReadTrimmed(path, &text) && !absl::SimpleAtoi(text, &count)) {
    purple_debug_warning(Flavor().id, "%s does not hold a count; restarting\n",
                         path.c_str());
    count = 0;
  }
  ++count;
  if (!WritePrivate(path, absl::StrCat(count, "\n"))) return 0;
  return count;
}

}  // namespace

DiskState LoadDiskStateForLogin(PurpleAccount* account) {
  DiskState state;
  const char* user_dir = purple_user_dir();
  const char* name = purple_account_get_username(account);
  const std::string username = name ? name : "";
  if (user_dir == nullptr || !UsableInPath(username)) {
    purple_debug_warning(Flavor().id, "no state on disk for account '%s'\n",
                         username.c_str());
    return state;
  }
  state.device_id = DeviceId(user_dir, username);
  state.login_count = NextLoginCount(user_dir, username);
  return state;
}

void StoreSessionToken(PurpleAccount* account, const std::string& token) {
  purple_account_set_string(account, kSessionToken, token.c_str());
  purple_account_set_int(
      account, kTokenGeneration,
      purple_account_get_int(account, kTokenGeneration, 0) + 1);
}

std::string StoredSessionToken(PurpleAccount* account) {
  const char* token = purple_account_get_string(account, kSessionToken, "");
  return token ? token : "";
}

}  // namespace lilac::testing::fake
