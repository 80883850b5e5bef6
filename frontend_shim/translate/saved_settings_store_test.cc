#include "frontend_shim/translate/saved_settings_store.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

std::string TempDir() {
  std::string pattern =
      std::string(getenv("TEST_TMPDIR")) + "/saved_settingsXXXXXX";
  return mkdtemp(pattern.data());
}

v1::AccountSetting StringSetting(const std::string& key,
                                 const std::string& value) {
  v1::AccountSetting setting;
  setting.set_key(key);
  setting.set_string_value(value);
  setting.set_secret(true);
  return setting;
}

v1::AccountSetting IntSetting(const std::string& key, int value) {
  v1::AccountSetting setting;
  setting.set_key(key);
  setting.set_int_value(value);
  setting.set_secret(true);
  return setting;
}

v1::AccountSetting BoolSetting(const std::string& key, bool value) {
  v1::AccountSetting setting;
  setting.set_key(key);
  setting.set_bool_value(value);
  setting.set_secret(true);
  return setting;
}

std::string Text(const std::vector<v1::AccountSetting>& settings) {
  std::string text;
  for (const v1::AccountSetting& setting : settings) {
    std::string one;
    google::protobuf::TextFormat::PrintToString(setting, &one);
    text += "{" + one + "}";
  }
  return text;
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return names;
  while (dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.insert(name);
  }
  closedir(handle);
  return names;
}

mode_t ModeOf(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 07777;
}

bool Exists(const std::string& path) {
  struct stat info;
  return lstat(path.c_str(), &info) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST(SavedSettingsStoreTest, MissingFileLoadsAsEmpty) {
  SavedSettingsStore store(TempDir() + "/.lilac/settings");
  EXPECT_TRUE(store.Load("alice@example.org").empty());
  EXPECT_TRUE(store.Forget("alice@example.org").ok());
}

TEST(SavedSettingsStoreTest, RoundTripSortedByKey) {
  const std::string dir = TempDir() + "/.lilac/settings";
  v1::AccountSettingsChanged changed;
  *changed.add_settings() = StringSetting("refresh-token", "t0k\"en\n\xc3\xa9");
  *changed.add_settings() = IntSetting("device-id", -42);
  *changed.add_settings() = BoolSetting("active", false);
  {
    SavedSettingsStore store(dir);
    ASSERT_TRUE(store.Apply("alice@example.org", changed).ok());
  }
  // A new store (a restarted shim) finds them again.
  SavedSettingsStore store(dir);
  const std::vector<v1::AccountSetting> loaded =
      store.Load("alice@example.org");
  EXPECT_EQ(Text(loaded),
            Text({BoolSetting("active", false), IntSetting("device-id", -42),
                  StringSetting("refresh-token", "t0k\"en\n\xc3\xa9")}));
  ASSERT_EQ(loaded.size(), 3u);
  EXPECT_EQ(loaded[0].value_case(), v1::AccountSetting::kBoolValue);
  EXPECT_TRUE(loaded[0].secret());
  // The file is a text-format AccountSettingsChanged.
  v1::AccountSettingsChanged file;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      ReadAll(dir + "/alice@example.org"), &file));
  EXPECT_EQ(file.settings_size(), 3);
  EXPECT_EQ(file.removed_keys_size(), 0);
  // Other users are kept apart.
  EXPECT_TRUE(store.Load("bob@example.org").empty());
}

TEST(SavedSettingsStoreTest, MergesAndRemoves) {
  SavedSettingsStore store(TempDir());
  v1::AccountSettingsChanged first;
  *first.add_settings() = StringSetting("a", "1");
  *first.add_settings() = StringSetting("b", "2");
  *first.add_settings() = StringSetting("c", "3");
  ASSERT_TRUE(store.Apply("alice@example.org", first).ok());

  v1::AccountSettingsChanged second;
  *second.add_settings() = IntSetting("b", 20);  // replaced, new type
  *second.add_settings() = StringSetting("d", "4");
  second.add_removed_keys("a");
  second.add_removed_keys("never-there");
  ASSERT_TRUE(store.Apply("alice@example.org", second).ok());
  EXPECT_EQ(Text(store.Load("alice@example.org")),
            Text({IntSetting("b", 20), StringSetting("c", "3"),
                  StringSetting("d", "4")}));
}

TEST(SavedSettingsStoreTest, EmptyResultRemovesTheFile) {
  const std::string dir = TempDir();
  SavedSettingsStore store(dir);
  v1::AccountSettingsChanged set;
  *set.add_settings() = StringSetting("token", "x");
  ASSERT_TRUE(store.Apply("alice@example.org", set).ok());
  ASSERT_TRUE(Exists(dir + "/alice@example.org"));

  v1::AccountSettingsChanged removed;
  removed.add_removed_keys("token");
  ASSERT_TRUE(store.Apply("alice@example.org", removed).ok());
  EXPECT_FALSE(Exists(dir + "/alice@example.org"));
  EXPECT_TRUE(store.Load("alice@example.org").empty());
  EXPECT_TRUE(Entries(dir).empty());
  // Removing again is fine.
  ASSERT_TRUE(store.Apply("alice@example.org", removed).ok());
}

TEST(SavedSettingsStoreTest, ForgetRemovesTheFile) {
  const std::string dir = TempDir();
  SavedSettingsStore store(dir);
  v1::AccountSettingsChanged set;
  *set.add_settings() = StringSetting("token", "x");
  ASSERT_TRUE(store.Apply("alice@example.org", set).ok());
  ASSERT_TRUE(store.Forget("alice@example.org").ok());
  EXPECT_TRUE(store.Load("alice@example.org").empty());
  EXPECT_TRUE(Entries(dir).empty());
}

TEST(SavedSettingsStoreTest, CreatesPrivateDirectoriesAndFiles) {
  const std::string root = TempDir();
  SavedSettingsStore store(root + "/.lilac/settings/");
  EXPECT_FALSE(Exists(root + "/.lilac"));  // nothing written yet
  v1::AccountSettingsChanged set;
  *set.add_settings() = StringSetting("token", "x");
  ASSERT_TRUE(store.Apply("alice@example.org", set).ok());
  EXPECT_EQ(ModeOf(root + "/.lilac"), 0700u);
  EXPECT_EQ(ModeOf(root + "/.lilac/settings"), 0700u);
  EXPECT_EQ(ModeOf(root + "/.lilac/settings/alice@example.org"), 0600u);
  // No temporary file is left behind.
  EXPECT_EQ(Entries(root + "/.lilac/settings"),
            std::set<std::string>{"alice@example.org"});

  // A rewrite keeps the mode, even over a stale temporary file.
  std::ofstream(root + "/.lilac/settings/alice@example.org.tmp") << "stale";
  chmod((root + "/.lilac/settings/alice@example.org.tmp").c_str(), 0644);
  *set.add_settings() = StringSetting("other", "y");
  ASSERT_TRUE(store.Apply("alice@example.org", set).ok());
  EXPECT_EQ(ModeOf(root + "/.lilac/settings/alice@example.org"), 0600u);
  EXPECT_EQ(Entries(root + "/.lilac/settings"),
            std::set<std::string>{"alice@example.org"});
}

TEST(SavedSettingsStoreTest, AnyJidStaysInsideTheDirectory) {
  const std::string root = TempDir();
  const std::string dir = root + "/settings";
  SavedSettingsStore store(dir);
  const std::vector<std::string> users = {
      "../../escape", "..",        ".",   "a/b/../c",
      "with space@x", "/abs/path", "%2F", "caf\xc3\xa9@x",
      ".hidden@x",    "a.tmp",     "a",   "x\n\x01y",
  };
  for (size_t i = 0; i < users.size(); ++i) {
    v1::AccountSettingsChanged set;
    *set.add_settings() = IntSetting("n", static_cast<int>(i));
    ASSERT_TRUE(store.Apply(users[i], set).ok()) << i;
  }
  // One file per user, each directly in the directory, nothing beside it.
  const std::set<std::string> names = Entries(dir);
  EXPECT_EQ(names.size(), users.size());
  for (const std::string& name : names) {
    EXPECT_EQ(name.find('/'), std::string::npos) << name;
    EXPECT_NE(name[0], '.') << name;
    EXPECT_FALSE(name.size() > 4 && name.substr(name.size() - 4) == ".tmp")
        << name;
  }
  EXPECT_EQ(Entries(root), std::set<std::string>{"settings"});
  for (size_t i = 0; i < users.size(); ++i) {
    EXPECT_EQ(Text(store.Load(users[i])),
              Text({IntSetting("n", static_cast<int>(i))}))
        << i;
  }
  EXPECT_EQ(SavedSettingsStore::EscapeFileName("../x y/z"), "%2E.%2Fx%20y%2Fz");
  EXPECT_EQ(SavedSettingsStore::EscapeFileName("alice+1@example.org"),
            "alice+1@example.org");
  EXPECT_EQ(SavedSettingsStore::EscapeFileName("a.tmp"), "a%2Etmp");
}

TEST(SavedSettingsStoreTest, GarbageFileLoadsAsEmpty) {
  const std::string dir = TempDir();
  SavedSettingsStore store(dir);
  std::ofstream(dir + "/alice@example.org") << "settings { key: \"a\" oops";
  EXPECT_TRUE(store.Load("alice@example.org").empty());
  std::ofstream(dir + "/bob@example.org") << std::string("\0\xff\x01", 3);
  EXPECT_TRUE(store.Load("bob@example.org").empty());

  // Apply replaces a garbage file.
  v1::AccountSettingsChanged set;
  *set.add_settings() = StringSetting("token", "x");
  ASSERT_TRUE(store.Apply("alice@example.org", set).ok());
  EXPECT_EQ(Text(store.Load("alice@example.org")),
            Text({StringSetting("token", "x")}));
}

TEST(SavedSettingsStoreTest, UnusableSettingsAreLeftOut) {
  SavedSettingsStore store(TempDir());
  v1::AccountSettingsChanged set;
  *set.add_settings() = StringSetting("", "no key");
  v1::AccountSetting no_value;
  no_value.set_key("no-value");
  *set.add_settings() = no_value;
  *set.add_settings() = StringSetting("ok", "v");
  ASSERT_TRUE(store.Apply("alice@example.org", set).ok());
  EXPECT_EQ(Text(store.Load("alice@example.org")),
            Text({StringSetting("ok", "v")}));
  EXPECT_FALSE(store.Apply("", set).ok());
}

}  // namespace
}  // namespace lilac::shim
