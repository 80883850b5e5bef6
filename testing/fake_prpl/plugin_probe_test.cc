// The plugin .so files load in a plain libpurple host and describe
// themselves: ids, account options and their defaults.
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/prpl_test_support.h"

namespace lilac::testing::fake {
namespace {

// Option setting -> default, as text.
std::map<std::string, std::string> OptionsOf(const char* protocol_id) {
  return Host().Run([&](const OnLoop&) {
    std::map<std::string, std::string> options;
    PurplePlugin* plugin = purple_find_prpl(protocol_id);
    if (plugin == nullptr) return options;
    for (GList* it = PURPLE_PLUGIN_PROTOCOL_INFO(plugin)->protocol_options;
         it != nullptr; it = it->next) {
      auto* option = static_cast<PurpleAccountOption*>(it->data);
      std::string value;
      switch (purple_account_option_get_type(option)) {
        case PURPLE_PREF_BOOLEAN:
          value =
              purple_account_option_get_default_bool(option) ? "true" : "false";
          break;
        case PURPLE_PREF_INT:
          value = std::to_string(purple_account_option_get_default_int(option));
          break;
        default:
          value = purple_account_option_get_default_string(option);
          break;
      }
      options[purple_account_option_get_setting(option)] = value;
    }
    return options;
  });
}

TEST(PluginProbeTest, BothPluginsProbeAndLoad) {
  for (const char* file : {"libfake.so", "libfakefacebook.so"}) {
    const std::string path = PluginDir() + "/" + file;
    const std::string id = Host().Run([&](const OnLoop&) -> std::string {
      PurplePlugin* plugin = purple_plugin_probe(path.c_str());
      if (plugin == nullptr || !purple_plugin_is_loaded(plugin)) return "";
      return purple_plugin_get_id(plugin);
    });
    EXPECT_EQ(id, file == std::string("libfake.so") ? "prpl-fake"
                                                    : "prpl-fake-facebook")
        << path;
  }
  Host().Run([](const OnLoop&) { purple_plugins_probe(G_MODULE_SUFFIX); });
  EXPECT_TRUE(Host().Run([](const OnLoop&) {
    return purple_find_prpl("prpl-fake") != nullptr &&
           purple_find_prpl("prpl-fake-facebook") != nullptr;
  }));
}

TEST(PluginProbeTest, FakeOptions) {
  EXPECT_THAT(OptionsOf("prpl-fake"),
              ::testing::ElementsAre(::testing::Pair("port", "5999"),
                                     ::testing::Pair("server", "127.0.0.1")));
}

TEST(PluginProbeTest, FacebookOptionsAndDefaults) {
  EXPECT_THAT(
      OptionsOf("prpl-fake-facebook"),
      ::testing::ElementsAre(::testing::Pair("group-chat-open", "true"),
                             ::testing::Pair("mark-read", "true"),
                             ::testing::Pair("mark-read-available", "false"),
                             ::testing::Pair("port", "5999"),
                             ::testing::Pair("server", "127.0.0.1"),
                             ::testing::Pair("show-self", "true"),
                             ::testing::Pair("show-unread", "true"),
                             ::testing::Pair("sync-interval", "5")));
}

TEST(PluginProbeTest, FacebookJoinsByOneNameComponent) {
  const std::vector<std::string> components = Host().Run([](const OnLoop&) {
    std::vector<std::string> ids;
    PurplePlugin* plugin = purple_find_prpl("prpl-fake-facebook");
    GList* entries = PURPLE_PLUGIN_PROTOCOL_INFO(plugin)->chat_info(nullptr);
    for (GList* it = entries; it != nullptr; it = it->next) {
      ids.push_back(static_cast<proto_chat_entry*>(it->data)->identifier);
    }
    g_list_free_full(entries, g_free);
    return ids;
  });
  EXPECT_THAT(components, ::testing::ElementsAre("name"));
}

}  // namespace
}  // namespace lilac::testing::fake
