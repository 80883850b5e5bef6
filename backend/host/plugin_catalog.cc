#include "backend/host/plugin_catalog.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backend/host/c_string.h"
#include "common/log/log.h"
#include "purple.h"

namespace lilac {
namespace {

// Files of the search path that libpurple has no plugin for, by path, with
// the reason. Loop-only state.
std::map<std::string, std::string>& Failures() {
  static auto* failures = new std::map<std::string, std::string>();
  return *failures;
}

// Every "*.so" in libpurple's plugin search path, as libpurple names them.
std::vector<std::string> PluginFiles() {
  std::vector<std::string> files;
  for (GList* dir = purple_plugins_get_search_paths(); dir != nullptr;
       dir = dir->next) {
    const char* path = static_cast<const char*>(dir->data);
    GDir* listing = g_dir_open(path, 0, nullptr);
    if (listing == nullptr) continue;
    while (const char* name = g_dir_read_name(listing)) {
      if (!g_str_has_suffix(name, "." G_MODULE_SUFFIX)) continue;
      char* file = g_build_filename(path, name, nullptr);
      files.push_back(file);
      g_free(file);
    }
    g_dir_close(listing);
  }
  return files;
}

// Why `file` does not load as a plugin; empty when it is not a libpurple
// plugin at all (such as libjabber.so, a protocol's shared library).
std::string ReasonItFails(const std::string& file) {
  // As libpurple opens plugins (GModule is dlopen), lazily to get past
  // missing symbols to a plugin's entry point.
  void* module = dlopen(file.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (module == nullptr) {
    std::string reason = OrEmpty(dlerror());
    // The linker's message starts with the file's own name.
    if (absl::StartsWith(reason, file + ": ")) {
      reason = reason.substr(file.size() + 2);
    }
    return reason.empty() ? "cannot be opened" : reason;
  }
  const bool is_plugin = dlsym(module, "purple_init_plugin") != nullptr;
  dlclose(module);
  return is_plugin ? "refused by libpurple (run with --purple_debug to see why)"
                   : "";
}

v1::Plugin::Type TypeOf(const PurplePlugin* plugin) {
  if (plugin->info == nullptr) return v1::Plugin::TYPE_UNSPECIFIED;
  switch (plugin->info->type) {
    case PURPLE_PLUGIN_PROTOCOL:
      return v1::Plugin::TYPE_PROTOCOL;
    case PURPLE_PLUGIN_STANDARD:
      return v1::Plugin::TYPE_STANDARD;
    case PURPLE_PLUGIN_LOADER:
      return v1::Plugin::TYPE_LOADER;
    default:
      return v1::Plugin::TYPE_UNSPECIFIED;
  }
}

v1::Plugin Describe(const PurplePlugin* plugin) {
  v1::Plugin description;
  if (plugin->info != nullptr) {
    description.set_id(OrEmpty(plugin->info->id));
    description.set_name(OrEmpty(plugin->info->name));
    description.set_version(OrEmpty(plugin->info->version));
    description.set_summary(OrEmpty(plugin->info->summary));
  }
  description.set_type(TypeOf(plugin));
  description.set_loaded(purple_plugin_is_loaded(plugin));
  if (plugin->error != nullptr && !description.loaded()) {
    description.set_load_error(plugin->error);
  } else if (purple_plugin_is_unloadable(plugin)) {
    description.set_load_error("cannot be loaded");
  }
  description.set_file(OrEmpty(plugin->path));
  return description;
}

v1::Plugin DescribeFailure(const std::string& file, const std::string& why) {
  v1::Plugin description;
  description.set_file(file);
  description.set_load_error(why);
  return description;
}

PurplePlugin* FindPlugin(const std::string& name) {
  if (PurplePlugin* plugin = purple_plugins_find_with_id(name.c_str())) {
    return plugin;
  }
  if (PurplePlugin* plugin = purple_plugins_find_with_filename(name.c_str())) {
    return plugin;
  }
  // prefs.xml names plugins by file; libpurple's basename drops ".so".
  std::string basename = name.substr(name.rfind('/') + 1);
  if (absl::EndsWith(basename, "." G_MODULE_SUFFIX)) {
    basename.resize(basename.size() - std::strlen("." G_MODULE_SUFFIX));
  }
  return purple_plugins_find_with_basename(basename.c_str());
}

// The failed file that `name` designates (full path or file name), if any.
const std::string* FindFailedFile(const std::string& name) {
  for (const auto& [file, why] : Failures()) {
    if (file == name || file.substr(file.rfind('/') + 1) == name) return &file;
  }
  return nullptr;
}

}  // namespace

void ProbePluginsAgain(const OnLoop&) {
  Failures().clear();  // from an earlier host in this process
  for (const std::string& file : PluginFiles()) {
    if (purple_plugins_find_with_filename(file.c_str()) != nullptr) continue;
    // libpurple keeps no record of a file it could not open: probing again is
    // safe, and succeeds once what the file links is in the process.
    if (purple_plugin_probe(file.c_str()) != nullptr) continue;
    const std::string why = ReasonItFails(file);
    if (why.empty()) continue;
    Failures()[file] = why;
    log::Warning("plugins", absl::StrCat(file, " does not load: ", why));
  }
}

std::vector<v1::Plugin> ListInstalledPlugins(const OnLoop&) {
  std::vector<v1::Plugin> plugins;
  for (GList* item = purple_plugins_get_all(); item != nullptr;
       item = item->next) {
    plugins.push_back(Describe(static_cast<PurplePlugin*>(item->data)));
  }
  for (const auto& [file, why] : Failures()) {
    if (purple_plugins_find_with_filename(file.c_str()) == nullptr) {
      plugins.push_back(DescribeFailure(file, why));
    }
  }
  std::sort(plugins.begin(), plugins.end(),
            [](const v1::Plugin& a, const v1::Plugin& b) {
              return a.file() < b.file();
            });
  return plugins;
}

std::vector<v1::Plugin> FailedPlugins(const OnLoop& loop) {
  std::vector<v1::Plugin> failed;
  for (v1::Plugin& plugin : ListInstalledPlugins(loop)) {
    if (!plugin.load_error().empty()) failed.push_back(std::move(plugin));
  }
  return failed;
}

absl::StatusOr<v1::LoadPluginResponse> LoadPlugin(const OnLoop&,
                                                  const std::string& name) {
  PurplePlugin* plugin = FindPlugin(name);
  if (plugin == nullptr) {
    if (const std::string* file = FindFailedFile(name)) {
      // What it links may be loaded by now (a protocol loaded since).
      plugin = purple_plugin_probe(file->c_str());
      if (plugin == nullptr) {
        return absl::FailedPreconditionError(absl::StrCat(
            "plugin ", *file, " does not load: ", Failures()[*file]));
      }
      Failures().erase(*file);
    } else {
      return absl::NotFoundError(
          absl::StrCat("no plugin ", name,
                       " in the plugin search path (ListPlugins lists them)"));
    }
  }
  v1::LoadPluginResponse response;
  if (purple_plugin_is_loaded(plugin)) {
    response.set_outcome(v1::LoadPluginResponse::OUTCOME_ALREADY_LOADED);
  } else if (purple_plugin_is_unloadable(plugin) ||
             !purple_plugin_load(plugin)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "plugin ", OrEmpty(plugin->path), " does not load: ",
        plugin->error != nullptr ? plugin->error : "refused by the plugin"));
  } else {
    response.set_outcome(v1::LoadPluginResponse::OUTCOME_LOADED);
  }
  *response.mutable_plugin() = Describe(plugin);
  return response;
}

}  // namespace lilac
