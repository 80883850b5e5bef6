#include "frontend_shim/translate/login_proxy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(LoginProxyTest, NoProxyTypeSetsNoProxyField) {
  EXPECT_FALSE(LoginProxy(std::nullopt).has_value());
  EXPECT_THAT(DescribeProxy(std::nullopt), HasSubstr("directly"));
}

TEST(LoginProxyTest, NoneIsAnExplicitDirectConnection) {
  ProxyConfig none;
  none.type = ProxyConfig::Type::kNone;
  none.host = "ignored";
  std::optional<v1::Proxy> proxy = LoginProxy(none);
  ASSERT_TRUE(proxy.has_value());
  EXPECT_EQ(proxy->type(), v1::Proxy::TYPE_NONE);
  EXPECT_EQ(proxy->host(), "");
}

TEST(LoginProxyTest, EveryTypeWithHostPortAndCredentials) {
  const std::pair<ProxyConfig::Type, v1::Proxy::Type> types[] = {
      {ProxyConfig::Type::kHttp, v1::Proxy::TYPE_HTTP},
      {ProxyConfig::Type::kSocks4, v1::Proxy::TYPE_SOCKS4},
      {ProxyConfig::Type::kSocks5, v1::Proxy::TYPE_SOCKS5},
      {ProxyConfig::Type::kTor, v1::Proxy::TYPE_TOR},
  };
  for (const auto& [from, to] : types) {
    ProxyConfig config;
    config.type = from;
    config.host = "proxy.example.org";
    config.port = 1080;
    config.username = "me";
    config.password = "hunter2";
    std::optional<v1::Proxy> proxy = LoginProxy(config);
    ASSERT_TRUE(proxy.has_value());
    EXPECT_EQ(proxy->type(), to);
    EXPECT_EQ(proxy->host(), "proxy.example.org");
    EXPECT_EQ(proxy->port(), 1080);
    EXPECT_EQ(proxy->username(), "me");
    EXPECT_EQ(proxy->password(), "hunter2");
    const std::string line = DescribeProxy(config);
    EXPECT_THAT(line, HasSubstr("proxy.example.org:1080"));
    EXPECT_THAT(line, Not(HasSubstr("hunter2")));
  }
}

}  // namespace
}  // namespace lilac::shim
