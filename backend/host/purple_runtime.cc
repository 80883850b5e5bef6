#include "backend/host/purple_runtime.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "backend/host/eventloop_ops.h"
#include "common/log/log.h"
#include "glib.h"
#include "purple.h"

namespace lilac {
namespace {

constexpr char kUiId[] = "lilac";

bool purple_debug_on = false;

// Shown only with --purple_debug (DebugEnabled), so below warning it is
// still written at the info level.
void PrintDebug(PurpleDebugLevel level, const char* category,
                const char* message) {
  const log::Level as = level >= PURPLE_DEBUG_ERROR     ? log::Level::kError
                        : level == PURPLE_DEBUG_WARNING ? log::Level::kWarning
                                                        : log::Level::kInfo;
  absl::string_view text = message != nullptr ? message : "";
  // libpurple's lines end with a newline of their own.
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  log::Write(as, absl::StrCat("purple/", category ? category : "-"), text);
}

gboolean DebugEnabled(PurpleDebugLevel, const char*) { return purple_debug_on; }

// libpurple prints debug output to stdout when its own flag is on; ours keeps
// that flag off and sends the log to stderr only when asked.
PurpleDebugUiOps kDebugOps = {PrintDebug, DebugEnabled, nullptr,
                              nullptr,    nullptr,      nullptr};

GHashTable* UiInfo() {
  static GHashTable* info = [] {
    GHashTable* table = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(table, const_cast<char*>("name"),
                        const_cast<char*>("lilac"));
    g_hash_table_insert(table, const_cast<char*>("version"),
                        const_cast<char*>("0.1"));
    g_hash_table_insert(table, const_cast<char*>("client_type"),
                        const_cast<char*>("bot"));
    return table;
  }();
  return info;
}

PurpleCoreUiOps kCoreOps = {nullptr, nullptr, nullptr, nullptr,
                            UiInfo,  nullptr, nullptr, nullptr};

}  // namespace

absl::StatusOr<std::unique_ptr<PurpleRuntime>> PurpleRuntime::Init(
    const OnLoop&, const std::vector<std::string>& plugin_dirs,
    bool purple_debug, const std::string& plugin_state_root) {
  for (const std::string& dir : plugin_dirs) {
    struct stat info;
    if (stat(dir.c_str(), &info) != 0) {
      return absl::NotFoundError(
          absl::StrCat("plugin directory ", dir, ": ", std::strerror(errno)));
    }
    if (!S_ISDIR(info.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("plugin directory ", dir, " is not a directory"));
    }
  }

  std::unique_ptr<PurpleRuntime> runtime;
  if (!plugin_state_root.empty()) {
    absl::StatusOr<std::unique_ptr<PluginStateDir>> state =
        PluginStateDir::Open(plugin_state_root);
    if (!state.ok()) return state.status();
    const std::string user_dir = (*state)->user_dir();
    runtime.reset(new PurpleRuntime(user_dir, *std::move(state)));
  } else {
    GError* error = nullptr;
    char* user_dir = g_dir_make_tmp("lilacd-XXXXXX", &error);  // mode 0700
    if (user_dir == nullptr) {
      absl::Status status = absl::InternalError(absl::StrCat(
          "cannot create libpurple user directory: ", error->message));
      g_error_free(error);
      return status;
    }
    runtime.reset(new PurpleRuntime(user_dir, nullptr));
    g_free(user_dir);
  }

  // libpurple saves accounts (with settings such as plugins' tokens, and proxy
  // passwords) to accounts.xml by writing accounts.xml.save and renaming it.
  // Directories in their place make both steps fail, so nothing of an account
  // ever reaches the disk.
  for (const char* name : {"accounts.xml", "accounts.xml.save"}) {
    const std::string path = runtime->user_dir_ + "/" + name;
    if (mkdir(path.c_str(), 0700) != 0) {
      return absl::InternalError(
          absl::StrCat("cannot protect ", path, ": ", std::strerror(errno)));
    }
  }

  purple_debug_on = purple_debug;
  purple_debug_set_enabled(FALSE);
  purple_debug_set_ui_ops(&kDebugOps);
  purple_util_set_user_dir(runtime->user_dir_.c_str());
  purple_core_set_ui_ops(&kCoreOps);
  purple_eventloop_set_ui_ops(GlibEventLoopOps());
  for (const std::string& dir : plugin_dirs) {
    purple_plugins_add_search_path(dir.c_str());
  }
  if (!purple_core_init(kUiId)) {
    return absl::InternalError("libpurple failed to initialise");
  }
  runtime->core_running_ = true;
  // No conversation logs: they would put message text on disk, and libpurple's
  // HTML logger leaks on messages with images.
  purple_prefs_set_bool("/purple/logging/log_ims", FALSE);
  purple_prefs_set_bool("/purple/logging/log_chats", FALSE);
  purple_prefs_set_bool("/purple/logging/log_system", FALSE);
  // A blist must exist before any account signs on; it is never loaded from or
  // saved to disk beyond the private user directory.
  purple_set_blist(purple_blist_new());
  return runtime;
}

PurpleRuntime::PurpleRuntime(std::string user_dir,
                             std::unique_ptr<PluginStateDir> plugin_state)
    : user_dir_(std::move(user_dir)), plugin_state_(std::move(plugin_state)) {}

void PurpleRuntime::Shutdown(const OnLoop&) {
  if (core_running_) {
    purple_core_quit();
    core_running_ = false;
  }
  RemoveUserDir();
}

PurpleRuntime::~PurpleRuntime() { RemoveUserDir(); }

void PurpleRuntime::RemoveUserDir() {
  if (user_dir_.empty()) return;
  if (plugin_state_ != nullptr) {
    // Keeps what the plugins wrote last, removes the rest.
    plugin_state_.reset();
  } else {
    std::error_code ignored;
    std::filesystem::remove_all(user_dir_, ignored);
  }
  user_dir_.clear();
}

}  // namespace lilac
