#include "backend/host/plugin_state_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace lilac {
namespace {

namespace fs = std::filesystem;

constexpr char kLilacDir[] = ".lilac";
constexpr char kLockSuffix[] = ".lock";
// How long a private directory without a lock (a process could not move
// everything out at exit) waits before another process takes it over: never
// one still being set up.
constexpr time_t kOrphanGraceSeconds = 60;

std::string ErrnoText() { return std::strerror(errno); }

// Entry names of `dir`, without "." and ".." (and symbolic links, if asked).
// Empty when it cannot be read.
std::vector<std::string> Names(const std::string& dir,
                               bool without_links = false) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code ignored;
    if (without_links && it->is_symlink(ignored)) continue;
    names.push_back(it->path().filename().string());
  }
  return names;
}

bool IsDirectory(const struct stat& info) { return S_ISDIR(info.st_mode); }

// Moves `from` to `to`; directories present at both are merged, entry by
// entry, and for anything else `from` (the newer) wins.
bool MoveInto(const std::string& from, const std::string& to) {
  struct stat source, target;
  if (lstat(from.c_str(), &source) != 0) return false;
  if (lstat(to.c_str(), &target) != 0) {
    return rename(from.c_str(), to.c_str()) == 0;
  }
  if (IsDirectory(source) && IsDirectory(target)) {
    bool all = true;
    for (const std::string& name : Names(from)) {
      all &= MoveInto(from + "/" + name, to + "/" + name);
    }
    return all && rmdir(from.c_str()) == 0;
  }
  // A file where the root has a directory (or the other way round): the
  // root's may be other accounts' (a shared telegram-purple/), so it stays.
  if (IsDirectory(target) != IsDirectory(source)) {
    errno = EEXIST;
    return false;
  }
  return rename(from.c_str(), to.c_str()) == 0;
}

// Whether the path `path` still names the file open as `fd`: a lock file
// another process recovered (and unlinked) in between does not.
bool StillNames(const std::string& path, int fd) {
  struct stat by_path, by_fd;
  return stat(path.c_str(), &by_path) == 0 && fstat(fd, &by_fd) == 0 &&
         by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino &&
         by_fd.st_nlink > 0;
}

// Only the service's user may read what plugins keep (keys, tokens).
void MakePrivate(const std::string& path) {
  struct stat info;
  if (lstat(path.c_str(), &info) != 0 || S_ISLNK(info.st_mode)) return;
  chmod(path.c_str(), info.st_mode & 0700);
}

bool NameOf(absl::string_view entry, absl::string_view name) {
  if (name.empty() || !absl::StartsWith(entry, name)) return false;
  // Not ".": usernames have dots, and alice@example.com's files must not
  // take alice@example.com.au's along.
  return entry.size() == name.size() || entry[name.size()] == '_';
}

bool NamesAny(absl::string_view entry, const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
    return NameOf(entry, name);
  });
}

}  // namespace

bool PluginStateDir::IsPrivateName(absl::string_view name) {
  // libpurple's files (each also with the ".save" it writes first), its
  // caches, and lilac's spool and own directory.
  static constexpr absl::string_view kPrivate[] = {
      "accounts.xml", "blist.xml",     "prefs.xml",   "status.xml",
      "pounces.xml",  "xmpp-caps.xml", "smileys.xml", "icons",
      "logs",         "certificates",  "smileys",     "custom_smiley",
      "themes",       "spool",         kLilacDir};
  for (absl::string_view own : kPrivate) {
    if (name == own || name == absl::StrCat(own, ".save")) return true;
  }
  return false;
}

absl::StatusOr<std::unique_ptr<PluginStateDir>> PluginStateDir::Open(
    const std::string& root) {
  if (root.empty()) {
    return absl::InvalidArgumentError("plugin state directory not given");
  }
  if (mkdir(root.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create plugin state directory ", root, ": ", ErrnoText()));
  }
  char* resolved = realpath(root.c_str(), nullptr);
  if (resolved == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("plugin state directory ", root, ": ", ErrnoText()));
  }
  const std::string absolute = resolved;
  free(resolved);
  struct stat info;
  if (stat(absolute.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("plugin state directory ", root, " is not a directory"));
  }
  const std::string lilac_dir = absl::StrCat(absolute, "/", kLilacDir);
  const std::string run_dir = lilac_dir + "/run";
  for (const std::string& dir : {lilac_dir, run_dir}) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", dir, ": ", ErrnoText()));
    }
  }
  // The lock first, then the directory it guards: a directory without a lock
  // is never one being created.
  std::string lock_path = absl::StrCat(run_dir, "/XXXXXX", kLockSuffix);
  const int lock_fd = mkstemps(lock_path.data(), strlen(kLockSuffix));
  if (lock_fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot write in plugin state directory ", root, ": ", ErrnoText()));
  }
  fcntl(lock_fd, F_SETFD, FD_CLOEXEC);
  flock(lock_fd, LOCK_EX);
  const std::string id = fs::path(lock_path).filename().string().substr(0, 6);
  std::unique_ptr<PluginStateDir> dir(
      new PluginStateDir(absolute, run_dir, id, lock_fd));
  if (mkdir(dir->user_dir_.c_str(), 0700) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir->user_dir_, ": ", ErrnoText()));
  }
  dir->RecoverDeadProcesses();
  dir->LinkRootEntries();
  return dir;
}

PluginStateDir::PluginStateDir(std::string root, std::string run_dir,
                               std::string id, int lock_fd)
    : root_(std::move(root)),
      run_dir_(std::move(run_dir)),
      id_(std::move(id)),
      user_dir_(absl::StrCat(run_dir_, "/", id_)),
      lock_fd_(lock_fd) {}

PluginStateDir::~PluginStateDir() {
  // What could not be moved stays, with no lock: the next process to sync
  // takes it over (see RecoverDeadProcesses) instead of it being lost.
  if (Collect(user_dir_, /*link_back=*/false)) {
    std::error_code ignored;
    fs::remove_all(user_dir_, ignored);
  }
  unlink(absl::StrCat(user_dir_, kLockSuffix).c_str());
  close(lock_fd_);
}

void PluginStateDir::Sync() {
  ForgetDeletedEntries();
  Collect(user_dir_, /*link_back=*/true);
  RecoverDeadProcesses();
  LinkRootEntries();
}

void PluginStateDir::CollectNew() { Collect(user_dir_, /*link_back=*/true); }

void PluginStateDir::ForgetDeletedEntries() {
  for (auto it = linked_.begin(); it != linked_.end();) {
    const std::string link = absl::StrCat(user_dir_, "/", *it);
    const std::string target = absl::StrCat(root_, "/", *it);
    struct stat info;
    if (lstat(link.c_str(), &info) == 0) {
      // Still ours unless the link dangles (another process removed the
      // entry): then it goes, so the plugin can create the name again.
      if (S_ISLNK(info.st_mode) && stat(target.c_str(), &info) != 0) {
        unlink(link.c_str());
        it = linked_.erase(it);
      } else {
        ++it;
      }
      continue;
    }
    // The plugin deleted its file or directory (to start afresh): so does
    // the root, or the entry would come back.
    std::error_code ignored;
    fs::remove_all(target, ignored);
    log::Info("plugin-state",
              absl::StrCat("removed ", target, ", which a plugin deleted"));
    it = linked_.erase(it);
  }
}

bool PluginStateDir::Collect(const std::string& dir, bool link_back) {
  bool all = true;
  // Links (all but what plugins created since the last time) are skipped by
  // the type the directory listing gives, with no call per entry.
  for (const std::string& name : Names(dir, /*without_links=*/true)) {
    if (IsPrivateName(name)) continue;
    const std::string from = absl::StrCat(dir, "/", name);
    const std::string to = absl::StrCat(root_, "/", name);
    if (!MoveInto(from, to)) {
      log::Warning("plugin-state",
                   absl::StrCat("cannot move ", from, " to ", to, ": ",
                                ErrnoText(), "; kept where it is"));
      all = false;
      continue;
    }
    MakePrivate(to);
    if (!link_back) continue;
    if (symlink(to.c_str(), from.c_str()) != 0) {
      log::Warning("plugin-state", absl::StrCat("cannot link ", from, " to ",
                                                to, ": ", ErrnoText()));
      continue;
    }
    linked_.insert(name);
  }
  return all;
}

void PluginStateDir::LinkRootEntries() {
  for (const std::string& name : Names(root_)) {
    if (IsPrivateName(name)) continue;
    const std::string link = absl::StrCat(user_dir_, "/", name);
    struct stat info;
    if (lstat(link.c_str(), &info) == 0) continue;
    const std::string target = absl::StrCat(root_, "/", name);
    if (symlink(target.c_str(), link.c_str()) != 0) {
      log::Warning("plugin-state", absl::StrCat("cannot link ", link, " to ",
                                                target, ": ", ErrnoText()));
      continue;
    }
    linked_.insert(name);
  }
}

void PluginStateDir::RecoverDeadProcesses() {
  for (const std::string& name : Names(run_dir_)) {
    std::string id = name;
    const bool is_lock = absl::EndsWith(name, kLockSuffix);
    if (is_lock) id.resize(name.size() - strlen(kLockSuffix));
    if (id == id_) continue;
    const std::string dir = absl::StrCat(run_dir_, "/", id);
    const std::string lock = dir + kLockSuffix;
    struct stat info;
    int fd = -1;
    if (is_lock) {
      fd = open(lock.c_str(), O_RDWR | O_CLOEXEC);
      // Held: its process lives. No longer named so: its process ended
      // cleanly or another one recovered it meanwhile.
      if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 ||
          !StillNames(lock, fd)) {
        if (fd >= 0) close(fd);
        continue;
      }
    } else if (access(lock.c_str(), F_OK) == 0 ||
               lstat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
               time(nullptr) - info.st_mtime < kOrphanGraceSeconds) {
      // A directory is handled with its lock; one without (what a process
      // could not move out at exit) once it has stayed so for a while.
      continue;
    }
    bool recovered = true;
    if (lstat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
      recovered = Collect(dir, /*link_back=*/false);
      if (recovered) {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
      }
      log::Info("plugin-state",
                absl::StrCat(recovered ? "took over" : "took part of",
                             " the plugin files of ", dir,
                             ", left by a process that ended"));
    }
    if (fd >= 0) {
      unlink(lock.c_str());
      close(fd);
    }
  }
}

std::vector<std::string> PluginStateDir::RemoveFilesOf(
    const std::vector<std::string>& names) {
  Collect(user_dir_, /*link_back=*/true);
  std::vector<std::string> removed;
  std::error_code ignored;
  for (const std::string& top : Names(root_)) {
    if (IsPrivateName(top)) continue;
    const std::string path = absl::StrCat(root_, "/", top);
    if (NamesAny(top, names)) {
      fs::remove_all(path, ignored);
      unlink(absl::StrCat(user_dir_, "/", top).c_str());
      linked_.erase(top);
      removed.push_back(top);
      continue;
    }
    struct stat info;
    if (lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) continue;
    for (const std::string& inner : Names(path)) {
      if (!NamesAny(inner, names)) continue;
      fs::remove_all(absl::StrCat(path, "/", inner), ignored);
      removed.push_back(absl::StrCat(top, "/", inner));
    }
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

}  // namespace lilac
