#ifndef LILAC_BACKEND_HOST_PLUGIN_STATE_DIR_H_
#define LILAC_BACKEND_HOST_PLUGIN_STATE_DIR_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lilac {

// What plugins keep in libpurple's user directory (telegram-purple's auth keys
// under telegram-purple/<phone>, purple-lurch's <jid>_db.sqlite), kept across
// restarts in a persistent root while the user directory itself stays private.
//
// libpurple has one user directory per process and plugins choose their own
// names in it, so the user directory is a private 0700 directory inside the
// root (.lilac/run/<id>, locked by this process) whose plugin entries are links
// into the root: what is in the root is linked in at start, and what a plugin
// creates is moved into the root (a rename on the same file system, so files
// the plugin holds open stay valid) and linked back by Sync. libpurple's own
// files (accounts.xml, which is never written, blist.xml, prefs.xml, icons...)
// and lilac's spool never leave the private directory, which is removed at
// exit. The private directory of a process that died is found by its free
// lock: its plugin files are moved into the root and the rest removed. Several
// processes can share one root. No libpurple here: only the file system.
class PluginStateDir {
 public:
  // Opens `root`, creating it with mode 0700 when missing, and creates the
  // private user directory in it. Fails when the root is not a writable
  // directory.
  static absl::StatusOr<std::unique_ptr<PluginStateDir>> Open(
      const std::string& root);

  // Moves what plugins left in the user directory into the root, then removes
  // the user directory.
  ~PluginStateDir();

  PluginStateDir(const PluginStateDir&) = delete;
  PluginStateDir& operator=(const PluginStateDir&) = delete;

  // The absolute root.
  const std::string& root() const { return root_; }
  // The private directory to give libpurple as its user directory.
  const std::string& user_dir() const { return user_dir_; }

  // Moves entries plugins created in the user directory into the root and
  // links them back; links entries other processes added to the root; takes
  // over the private directories of processes that died. Cheap when nothing
  // changed (one directory listing each).
  void Sync();

  // Only the first step of Sync, for moments that must not wait for the next
  // one (a sign-on): moves what plugins created into the root.
  void CollectNew();

  // Removes from the root (and the user directory) the entries of an account
  // whose names are `names` (the username in its spellings): names at the top
  // or one directory down that equal one of them or start with one followed by
  // "_". Returns their paths relative to the root, sorted.
  std::vector<std::string> RemoveFilesOf(const std::vector<std::string>& names);

  // libpurple's and lilac's own names in the user directory, never shared.
  static bool IsPrivateName(absl::string_view name);

 private:
  PluginStateDir(std::string root, std::string run_dir, std::string id,
                 int lock_fd);
  // Moves plugin entries of `dir` (a user directory, ours or a dead
  // process's) into the root; with `link_back`, leaves links in their place.
  // False if one could not be moved (it stays where it is).
  bool Collect(const std::string& dir, bool link_back);
  // Entries we linked that the plugin deleted are deleted in the root too;
  // links whose target another process removed go.
  void ForgetDeletedEntries();
  void LinkRootEntries();
  void RecoverDeadProcesses();

  const std::string root_;
  const std::string run_dir_;  // <root>/.lilac/run
  const std::string id_;
  const std::string user_dir_;    // <run_dir>/<id>
  int lock_fd_;                   // <run_dir>/<id>.lock, flock'ed while we live
  std::set<std::string> linked_;  // names in user_dir_ that link to the root
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PLUGIN_STATE_DIR_H_
