#include "frontend_shim/config/spectrum_prefs.h"

#include <glib.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lilac::shim {
namespace {

// Walks the nested <pref name='...'> elements, keeping the path, and collects
// the <item value='...'/> of the two loaded-plugins pathlists.
struct Walk {
  std::vector<std::string> path;  // names of the open <pref> elements
  std::vector<std::string> plugins;
};

bool IsLoadedPluginsList(const std::vector<std::string>& path) {
  // The root <pref name='/'> is the first element.
  const std::string joined = absl::StrJoin(
      path.begin() + std::min<size_t>(1, path.size()), path.end(), "/");
  return joined == "spectrum/plugins/loaded" ||
         joined == "purple/plugins/loaded";
}

const char* Attribute(const char** names, const char** values,
                      const char* wanted) {
  for (int i = 0; names[i] != nullptr; ++i) {
    if (std::strcmp(names[i], wanted) == 0) return values[i];
  }
  return nullptr;
}

void Start(GMarkupParseContext*, const char* element, const char** names,
           const char** values, gpointer data, GError**) {
  auto* walk = static_cast<Walk*>(data);
  if (std::strcmp(element, "pref") == 0) {
    const char* name = Attribute(names, values, "name");
    walk->path.push_back(name != nullptr ? name : "");
  } else if (std::strcmp(element, "item") == 0 &&
             IsLoadedPluginsList(walk->path)) {
    const char* value = Attribute(names, values, "value");
    if (value != nullptr && *value != '\0' &&
        std::find(walk->plugins.begin(), walk->plugins.end(), value) ==
            walk->plugins.end()) {
      walk->plugins.push_back(value);
    }
  }
}

void End(GMarkupParseContext*, const char* element, gpointer data, GError**) {
  auto* walk = static_cast<Walk*>(data);
  if (std::strcmp(element, "pref") == 0 && !walk->path.empty()) {
    walk->path.pop_back();
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReadLoadedPlugins(
    const std::string& prefs_xml_path) {
  gchar* contents = nullptr;
  gsize length = 0;
  GError* error = nullptr;
  if (!g_file_get_contents(prefs_xml_path.c_str(), &contents, &length,
                           &error)) {
    const bool missing =
        g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    std::string message = error->message;
    g_error_free(error);
    if (missing) return std::vector<std::string>();
    return absl::FailedPreconditionError(message);
  }
  Walk walk;
  GMarkupParser parser = {Start, End, nullptr, nullptr, nullptr};
  GMarkupParseContext* context = g_markup_parse_context_new(
      &parser, G_MARKUP_PREFIX_ERROR_POSITION, &walk, nullptr);
  const bool parsed =
      g_markup_parse_context_parse(context, contents, length, &error) &&
      g_markup_parse_context_end_parse(context, &error);
  g_markup_parse_context_free(context);
  g_free(contents);
  if (!parsed) {
    absl::Status status = absl::InvalidArgumentError(
        absl::StrCat(prefs_xml_path, " is not valid XML: ", error->message));
    g_error_free(error);
    return status;
  }
  return walk.plugins;
}

}  // namespace lilac::shim
