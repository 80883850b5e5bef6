#include "backend/host/settings.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

google::protobuf::RepeatedPtrField<v1::AccountOption> IrcLikeOptions() {
  google::protobuf::RepeatedPtrField<v1::AccountOption> options;
  v1::AccountOption* port = options.Add();
  port->set_key("port");
  port->set_type(v1::AccountOption::TYPE_INT);
  v1::AccountOption* ssl = options.Add();
  ssl->set_key("ssl");
  ssl->set_type(v1::AccountOption::TYPE_BOOL);
  v1::AccountOption* encoding = options.Add();
  encoding->set_key("encoding");
  encoding->set_type(v1::AccountOption::TYPE_STRING);
  v1::AccountOption* security = options.Add();
  security->set_key("connection_security");
  security->set_type(v1::AccountOption::TYPE_STRING_LIST);
  security->add_choices()->set_value("require_tls");
  security->add_choices()->set_value("old_ssl");
  return options;
}

absl::StatusOr<ParsedSettings> Parse(
    std::initializer_list<std::pair<const std::string, std::string>> values,
    Undeclared undeclared = Undeclared::kRefuse) {
  google::protobuf::Map<std::string, std::string> map(values.begin(),
                                                      values.end());
  return ParseSettings(IrcLikeOptions(), map, undeclared);
}

google::protobuf::Map<std::string, std::string> Map(
    std::initializer_list<std::pair<const std::string, std::string>> values) {
  return google::protobuf::Map<std::string, std::string>(values.begin(),
                                                         values.end());
}

TEST(SettingsTest, TypesEveryKindOfOption) {
  auto parsed = Parse({{"port", "6697"},
                       {"ssl", "yes"},
                       {"encoding", "UTF-8"},
                       {"connection_security", "old_ssl"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->settings.size(), 4);
  // Sorted by key.
  EXPECT_EQ(parsed->settings[0].key, "connection_security");
  EXPECT_EQ(parsed->settings[0].string_value, "old_ssl");
  EXPECT_EQ(parsed->settings[1].key, "encoding");
  EXPECT_EQ(parsed->settings[1].string_value, "UTF-8");
  EXPECT_EQ(parsed->settings[2].int_value, 6697);
  EXPECT_TRUE(parsed->settings[3].bool_value);
}

TEST(SettingsTest, BooleansTakeEveryCommonSpelling) {
  for (const char* yes : {"1", "true", "TRUE", "yes", "on", "On"}) {
    auto parsed = Parse({{"ssl", yes}});
    ASSERT_TRUE(parsed.ok()) << yes;
    EXPECT_TRUE(parsed->settings[0].bool_value) << yes;
  }
  for (const char* no : {"0", "false", "no", "off", "OFF"}) {
    auto parsed = Parse({{"ssl", no}});
    ASSERT_TRUE(parsed.ok()) << no;
    EXPECT_FALSE(parsed->settings[0].bool_value) << no;
  }
}

TEST(SettingsTest, IllTypedValuesNameTheKeyAndWhatItAccepts) {
  auto bad_bool = Parse({{"ssl", "maybe"}});
  ASSERT_EQ(bad_bool.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_bool.status().message()),
              HasSubstr("\"ssl\" is a boolean"));

  auto bad_int = Parse({{"port", "66x"}});
  ASSERT_EQ(bad_int.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_int.status().message()),
              HasSubstr("\"port\" is an integer"));
  EXPECT_FALSE(Parse({{"port", "99999999999"}}).ok());

  auto bad_choice = Parse({{"connection_security", "none"}});
  ASSERT_EQ(bad_choice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_choice.status().message()),
              HasSubstr("must be one of require_tls, old_ssl"));
}

TEST(SettingsTest, UnknownKeysFailOrAreListedWhenIgnored) {
  auto refused = Parse({{"colour", "blue"}});
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("unknown setting \"colour\""));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("port"));

  auto ignored =
      Parse({{"colour", "blue"}, {"port", "1"}}, Undeclared::kIgnore);
  ASSERT_TRUE(ignored.ok());
  EXPECT_THAT(ignored->ignored, ElementsAre("colour"));
  EXPECT_EQ(ignored->settings.size(), 1);
}

TEST(SettingsTest, UndeclaredKeysCanBeSetAsStringsDeclaredOnesStayTyped) {
  auto parsed =
      Parse({{"api-key", "K3Y"}, {"port", "6697"}}, Undeclared::kSetAsString);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->undeclared, ElementsAre("api-key"));
  ASSERT_EQ(parsed->settings.size(), 2);
  EXPECT_EQ(parsed->settings[0].key, "api-key");
  EXPECT_EQ(parsed->settings[0].type, v1::AccountOption::TYPE_STRING);
  EXPECT_EQ(parsed->settings[0].string_value, "K3Y");
  EXPECT_FALSE(parsed->settings[0].declared);
  EXPECT_EQ(parsed->settings[1].type, v1::AccountOption::TYPE_INT);
  EXPECT_EQ(parsed->settings[1].int_value, 6697);
  EXPECT_TRUE(parsed->settings[1].declared);

  // A plugin's undeclared switch: the literals true and false are booleans.
  auto switched = Parse({{"carbons-enabled", "true"}, {"token", "True"}},
                        Undeclared::kSetAsString);
  ASSERT_TRUE(switched.ok()) << switched.status();
  ASSERT_EQ(switched->settings.size(), 2);
  EXPECT_EQ(switched->settings[0].key, "carbons-enabled");
  EXPECT_EQ(switched->settings[0].type, v1::AccountOption::TYPE_BOOL);
  EXPECT_TRUE(switched->settings[0].bool_value);
  EXPECT_EQ(switched->settings[1].type, v1::AccountOption::TYPE_STRING);
  EXPECT_EQ(switched->settings[1].string_value, "True");

  // An ill-typed declared key is still an error naming it.
  auto bad =
      Parse({{"api-key", "K3Y"}, {"ssl", "maybe"}}, Undeclared::kSetAsString);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("\"ssl\" is a boolean"));
}

TEST(SettingsTest, AccountStringsNeverFailAndYieldToSettings) {
  ParsedSettings parsed =
      ParseAccountStrings(IrcLikeOptions(),
                          Map({{"token", "abc"},
                               {"ssl", "maybe"},
                               {"port", "1"},
                               {"encoding", "latin1"},
                               {"connection_security", "old_ssl"}}),
                          Map({{"encoding", "UTF-8"}}));
  // "encoding" is left to the settings; the ill-typed "ssl" is ignored.
  EXPECT_THAT(parsed.ignored, ElementsAre("ssl"));
  EXPECT_THAT(parsed.undeclared, ElementsAre("token"));
  ASSERT_EQ(parsed.settings.size(), 3);
  EXPECT_EQ(parsed.settings[0].key, "connection_security");
  EXPECT_EQ(parsed.settings[0].type, v1::AccountOption::TYPE_STRING_LIST);
  EXPECT_EQ(parsed.settings[1].key, "port");
  EXPECT_EQ(parsed.settings[1].type, v1::AccountOption::TYPE_INT);
  EXPECT_EQ(parsed.settings[2].key, "token");
  EXPECT_EQ(parsed.settings[2].string_value, "abc");
  EXPECT_FALSE(parsed.settings[2].declared);
}

TEST(SettingsTest, SavedSettingsKeepTheirTypeUnlessDeclaredOtherwise) {
  google::protobuf::RepeatedPtrField<v1::AccountSetting> saved;
  auto add = [&](const std::string& key) {
    v1::AccountSetting* setting = saved.Add();
    setting->set_key(key);
    return setting;
  };
  add("refresh-token")->set_string_value("tok");
  add("token-generation")->set_int_value(4);
  add("carbons-enabled")->set_bool_value(true);
  add("port")->set_int_value(6697);
  add("ssl")->set_string_value("yes");  // declared bool: left out
  add("connection_security")->set_string_value("old_ssl");
  const ParsedSettings parsed = ParseSavedSettings(IrcLikeOptions(), saved);
  ASSERT_EQ(parsed.settings.size(), 5u);
  EXPECT_EQ(parsed.settings[0].type, v1::AccountOption::TYPE_STRING);
  EXPECT_EQ(parsed.settings[0].string_value, "tok");
  EXPECT_FALSE(parsed.settings[0].declared);
  EXPECT_EQ(parsed.settings[1].type, v1::AccountOption::TYPE_INT);
  EXPECT_EQ(parsed.settings[1].int_value, 4);
  EXPECT_EQ(parsed.settings[2].type, v1::AccountOption::TYPE_BOOL);
  EXPECT_TRUE(parsed.settings[2].bool_value);
  EXPECT_TRUE(parsed.settings[3].declared);
  EXPECT_EQ(parsed.settings[4].type, v1::AccountOption::TYPE_STRING_LIST);
  EXPECT_THAT(parsed.ignored, ElementsAre("ssl"));
  EXPECT_THAT(
      parsed.undeclared,
      ElementsAre("refresh-token", "token-generation", "carbons-enabled"));
}

}  // namespace
}  // namespace lilac
