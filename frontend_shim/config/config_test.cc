#include "absl/strings/str_cat.h"
#include "frontend_shim/config/command_line.h"
#include "frontend_shim/config/ini_file.h"
#include "frontend_shim/config/shim_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(IniFileTest, SpectrumDialect) {
  absl::StatusOr<IniFile> file = IniFile::Parse(R"(
# a comment
[service]
jid = icq.example.org   # trailing comment
protocol=prpl-fake
admin_jid = a@example.org
admin_jid = b@example.org
[database]
type=sqlite3 # or mysql
  [ purple ]
  port =  5999
)");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->GetOr("service.jid", ""), "icq.example.org");
  EXPECT_EQ(file->GetOr("service.protocol", ""), "prpl-fake");
  EXPECT_THAT(file->Values("service.admin_jid"),
              ElementsAre("a@example.org", "b@example.org"));
  EXPECT_EQ(file->GetOr("database.type", ""), "sqlite3");
  EXPECT_EQ(file->GetOr("purple.port", ""), "5999");
  EXPECT_FALSE(file->Get("service.missing").has_value());
}

TEST(IniFileTest, HashCutsValues) {
  absl::StatusOr<IniFile> file = IniFile::Parse("[a]\nk = v#not part\n");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->GetOr("a.k", ""), "v");
}

TEST(IniFileTest, BadLinesNameTheLine) {
  absl::StatusOr<IniFile> file = IniFile::Parse("[a]\njunk\n", "x.cfg");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(), HasSubstr("x.cfg:2"));
  EXPECT_FALSE(IniFile::Parse("[a\n").ok());
}

TEST(IniFileTest, BooleansLikeBoost) {
  absl::StatusOr<IniFile> file =
      IniFile::Parse("[s]\na=yes\nb=0\nc=On\nd=maybe\n");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(*file->GetBool("s.a", false));
  EXPECT_FALSE(*file->GetBool("s.b", true));
  EXPECT_TRUE(*file->GetBool("s.c", false));
  EXPECT_FALSE(file->GetBool("s.d", false).ok());
  EXPECT_TRUE(*file->GetBool("s.none", true));
}

TEST(CommandLineTest, SpectrumsExactCommandLine) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(
      {"--host", "127.0.0.1", "--port", "31640", "--service.backend_id=3", "-n",
       "-j", "vhost.example.org", "--unknown-flag",
       "/etc/spectrum2/transports/x.cfg"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->host, "127.0.0.1");
  EXPECT_EQ(line->port, 31640);
  EXPECT_EQ(line->overrides.at("service.backend_id"), "3");
  EXPECT_EQ(line->config_path, "/etc/spectrum2/transports/x.cfg");
  EXPECT_THAT(line->ignored, ElementsAre("--unknown-flag"));
}

TEST(CommandLineTest, NeedsAConfigAndAValidPort) {
  EXPECT_FALSE(ParseCommandLine({"--host", "h", "--port", "1"}).ok());
  EXPECT_FALSE(ParseCommandLine({"--port", "x", "c.cfg"}).ok());
  EXPECT_FALSE(ParseCommandLine({"--port"}).ok());
}

TEST(ShimConfigTest, TypesEveryKey) {
  absl::StatusOr<IniFile> file = IniFile::Parse(R"(
[service]
protocol = prpl-fake
server_mode = 1
working_dir = /var/lib/x
enable_remove_buddy = yes
web_directory = media
web_url = https://example.org/media
web_maximgsize = 5000
[backend]
default_avatar = /a.png
no_vcard_fetch = true
[purple]
plugins_dir = /p1,/p2
port = 0
server = 1
show-unread = yes
[proxy]
type = socks5
host = proxy.example.org
port = 1080
username = me
password = hunter2
[lilac]
lilacd = unix:/run/lilacd.sock
ping_timeout = 0
connect_timeout = 45
)");
  ASSERT_TRUE(file.ok());
  CommandLine line;
  line.host = "127.0.0.1";
  line.port = 1234;
  line.config_path = "x.cfg";
  line.overrides["service.backend_id"] = "2";
  absl::StatusOr<ShimConfig> config = MakeShimConfig(line, *file);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->protocol, "prpl-fake");
  EXPECT_EQ(config->backend_id, "2");
  EXPECT_TRUE(config->server_mode);
  EXPECT_TRUE(config->enable_remove_buddy);
  EXPECT_EQ(config->web_directory, "/var/lib/x/media");
  EXPECT_EQ(config->web_maximgsize, 5000u);
  EXPECT_TRUE(config->no_vcard_fetch);
  EXPECT_THAT(config->plugin_dirs, ElementsAre("/p1", "/p2"));
  // Text as written: lilacd types it by the plugin's option.
  EXPECT_EQ(config->purple_settings.at("port"), "0");
  EXPECT_EQ(config->purple_settings.at("server"), "1");
  EXPECT_EQ(config->purple_settings.at("show-unread"), "yes");
  EXPECT_EQ(config->purple_settings.count("plugins_dir"), 0u);
  EXPECT_EQ(config->lilacd, "unix:/run/lilacd.sock");
  EXPECT_EQ(config->ping_timeout, absl::ZeroDuration());
  EXPECT_EQ(config->connect_timeout, absl::Seconds(45));
  ASSERT_TRUE(config->proxy.has_value());
  EXPECT_EQ(config->proxy->type, ProxyConfig::Type::kSocks5);
  EXPECT_EQ(config->proxy->host, "proxy.example.org");
  EXPECT_EQ(config->proxy->port, 1080);
  EXPECT_EQ(config->proxy->username, "me");
  EXPECT_EQ(config->proxy->password, "hunter2");
  EXPECT_TRUE(config->warnings.empty());
}

TEST(ShimConfigTest, ConnectTimeoutIsBoundedAndDefaultsToLilacds) {
  CommandLine line;
  line.config_path = "x.cfg";
  auto config_with = [&line](const std::string& lilac) {
    absl::StatusOr<IniFile> file =
        IniFile::Parse("[service]\nprotocol = prpl-fake\n[lilac]\n" + lilac);
    EXPECT_TRUE(file.ok());
    return MakeShimConfig(line, *file);
  };
  absl::StatusOr<ShimConfig> unset = config_with("");
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_EQ(unset->connect_timeout, absl::ZeroDuration());
  for (const char* bad : {"connect_timeout = 3601", "connect_timeout = -1",
                          "connect_timeout = soon"}) {
    absl::StatusOr<ShimConfig> refused = config_with(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_THAT(std::string(refused.status().message()),
                ::testing::HasSubstr("lilac.connect_timeout"))
        << bad;
  }
}

absl::StatusOr<ShimConfig> ConfigWithProxy(const std::string& proxy) {
  CommandLine line;
  line.config_path = "x.cfg";
  absl::StatusOr<IniFile> file =
      IniFile::Parse("[service]\nprotocol = prpl-fake\n[proxy]\n" + proxy);
  if (!file.ok()) return file.status();
  return MakeShimConfig(line, *file);
}

absl::StatusOr<ShimConfig> ConfigWithLilac(const std::string& lilac) {
  CommandLine line;
  line.config_path = "x.cfg";
  absl::StatusOr<IniFile> file =
      IniFile::Parse("[service]\nprotocol = prpl-fake\n[lilac]\n" + lilac);
  if (!file.ok()) return file.status();
  return MakeShimConfig(line, *file);
}

TEST(ShimConfigTest, PluginsToLoadAndTheLogFormat) {
  absl::StatusOr<ShimConfig> config = ConfigWithLilac(
      "load_plugins = carbons.so, core-psychic\nlog_format = json\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->load_plugins,
              ::testing::ElementsAre("carbons.so", "core-psychic"));
  EXPECT_EQ(config->log_format, "json");
  absl::StatusOr<ShimConfig> bad = ConfigWithLilac("log_format = xml\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              ::testing::HasSubstr("lilac.log_format must be text or json"));
}

TEST(ShimConfigTest, ProxyTypesAsUpstreamNamesThem) {
  const std::pair<const char*, ProxyConfig::Type> types[] = {
      {"http", ProxyConfig::Type::kHttp},
      {"socks4", ProxyConfig::Type::kSocks4},
      {"SOCKS5", ProxyConfig::Type::kSocks5},
      {"tor", ProxyConfig::Type::kTor},
  };
  for (const auto& [name, type] : types) {
    absl::StatusOr<ShimConfig> config = ConfigWithProxy(
        absl::StrCat("type = ", name, "\nhost = 10.0.0.1\nport = 3128\n"));
    ASSERT_TRUE(config.ok()) << name << ": " << config.status();
    ASSERT_TRUE(config->proxy.has_value()) << name;
    EXPECT_EQ(config->proxy->type, type) << name;
    EXPECT_EQ(config->proxy->port, 3128);
    EXPECT_EQ(config->proxy->username, "");
  }
  absl::StatusOr<ShimConfig> none = ConfigWithProxy("type = none\n");
  ASSERT_TRUE(none.ok()) << none.status();
  ASSERT_TRUE(none->proxy.has_value());
  EXPECT_EQ(none->proxy->type, ProxyConfig::Type::kNone);
}

TEST(ShimConfigTest, NoProxyTypeMeansDirect) {
  absl::StatusOr<ShimConfig> config = ConfigWithProxy("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->proxy.has_value());
  config = ConfigWithProxy("host = p.example.org\nport = 8080\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->proxy.has_value());
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_THAT(config->warnings[0], HasSubstr("[proxy]"));
}

TEST(ShimConfigTest, BadProxiesAreErrorsWithoutThePassword) {
  for (const char* proxy : {
           "type = gopher\nhost = p\nport = 1\npassword = hunter2\n",
           "type = http\nport = 8080\npassword = hunter2\n",
           "type = http\nhost = p\npassword = hunter2\n",
           "type = http\nhost = p\nport = 70000\npassword = hunter2\n",
           "type = http\nhost = p\nport = x\npassword = hunter2\n",
       }) {
    absl::StatusOr<ShimConfig> config = ConfigWithProxy(proxy);
    ASSERT_FALSE(config.ok()) << proxy;
    EXPECT_THAT(config.status().message(), HasSubstr("proxy")) << proxy;
    EXPECT_THAT(config.status().message(),
                ::testing::Not(HasSubstr("hunter2")));
  }
}

TEST(ShimConfigTest, ProtocolIsRequiredAndValuesAreChecked) {
  CommandLine line;
  line.config_path = "x.cfg";
  EXPECT_FALSE(MakeShimConfig(line, *IniFile::Parse("[service]\n")).ok());
  absl::StatusOr<ShimConfig> bad = MakeShimConfig(
      line, *IniFile::Parse("[service]\nprotocol=x\nweb_maximgsize=big\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("web_maximgsize"));
}

}  // namespace
}  // namespace lilac::shim
