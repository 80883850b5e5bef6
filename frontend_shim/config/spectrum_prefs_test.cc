#include "frontend_shim/config/spectrum_prefs.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(SpectrumPrefsTest, ReadsSpectrumsAndPidginsLoadedPlugins) {
  const std::string path = Write("prefs.xml", R"(<?xml version='1.0'?>
<pref version='1' name='/'>
  <pref name='spectrum'>
    <pref name='plugins'>
      <pref name='loaded' type='pathlist'>
        <item value='/usr/lib/purple-2/carbons.so'/>
      </pref>
      <pref name='other' type='pathlist'><item value='ignored.so'/></pref>
    </pref>
  </pref>
  <pref name='purple'>
    <pref name='plugins'>
      <pref name='loaded' type='pathlist'>
        <item value='http_upload.so'/>
        <item value='/usr/lib/purple-2/carbons.so'/>
      </pref>
    </pref>
  </pref>
</pref>)");
  absl::StatusOr<std::vector<std::string>> plugins = ReadLoadedPlugins(path);
  ASSERT_TRUE(plugins.ok()) << plugins.status();
  EXPECT_THAT(*plugins,
              ElementsAre("/usr/lib/purple-2/carbons.so", "http_upload.so"));
}

TEST(SpectrumPrefsTest, AMissingFileListsNothing) {
  absl::StatusOr<std::vector<std::string>> plugins =
      ReadLoadedPlugins(::testing::TempDir() + "/no-such-prefs.xml");
  ASSERT_TRUE(plugins.ok()) << plugins.status();
  EXPECT_THAT(*plugins, IsEmpty());
}

TEST(SpectrumPrefsTest, MalformedXmlIsAnErrorNamingTheFile) {
  const std::string path = Write("broken.xml", "<pref name='/'><pref>");
  absl::StatusOr<std::vector<std::string>> plugins = ReadLoadedPlugins(path);
  ASSERT_FALSE(plugins.ok());
  EXPECT_THAT(plugins.status().message(), HasSubstr("broken.xml"));
}

}  // namespace
}  // namespace lilac::shim
