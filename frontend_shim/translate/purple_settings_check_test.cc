#include "frontend_shim/translate/purple_settings_check.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Protocol FakeLike() {
  v1::Protocol protocol;
  protocol.set_id("prpl-fake");
  v1::AccountOption* server = protocol.add_options();
  server->set_key("server");
  server->set_type(v1::AccountOption::TYPE_STRING);
  v1::AccountOption* port = protocol.add_options();
  port->set_key("port");
  port->set_type(v1::AccountOption::TYPE_INT);
  v1::AccountOption* unread = protocol.add_options();
  unread->set_key("show-unread");
  unread->set_type(v1::AccountOption::TYPE_BOOL);
  return protocol;
}

TEST(PurpleSettingsCheckTest, SaysHowEachKeyIsTypedWithoutStringValues) {
  absl::StatusOr<std::vector<std::string>> lines =
      DescribePurpleSettings(FakeLike(), {{"server", "secret-host"},
                                          {"port", "5222"},
                                          {"show-unread", "no"},
                                          {"api-key", "K3Y"}});
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines,
              ElementsAre("[purple] settings for prpl-fake: port = 5222 "
                          "(integer), server (text), show-unread = false "
                          "(boolean)",
                          "[purple] api-key: not declared by the plugin, set "
                          "as text"));
}

TEST(PurpleSettingsCheckTest, AnIllTypedDeclaredKeyIsNamed) {
  absl::StatusOr<std::vector<std::string>> lines =
      DescribePurpleSettings(FakeLike(), {{"port", "fast"}});
  ASSERT_EQ(lines.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(lines.status().message()),
              HasSubstr("invalid [purple] setting for prpl-fake: setting "
                        "\"port\" is an integer, not \"fast\""));
}

TEST(PurpleSettingsCheckTest, RemembersTheResultPerProtocol) {
  PurpleSettingsCheck check(
      std::map<std::string, std::string>{{"port", "fast"}});
  EXPECT_FALSE(check.Result("prpl-fake").has_value());
  EXPECT_FALSE(check.Check(FakeLike()).ok());
  ASSERT_TRUE(check.Result("prpl-fake").has_value());
  EXPECT_FALSE(check.Result("prpl-fake")->ok());
  v1::Protocol other;
  other.set_id("prpl-other");
  EXPECT_TRUE(check.Check(other).ok());  // "port" undeclared there: text
}

}  // namespace
}  // namespace lilac::shim
