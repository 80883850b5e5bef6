#include "backend/host/account_option_mapping.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac {
namespace {

using ::lilac::v1::AccountOption;

// Owns a libpurple account option for one test.
struct OptionDeleter {
  void operator()(PurpleAccountOption* option) {
    purple_account_option_destroy(option);
  }
};
using OptionPtr = std::unique_ptr<PurpleAccountOption, OptionDeleter>;

TEST(AccountOptionMappingTest, BoolKeepsKeyLabelAndDefault) {
  OptionPtr option(
      purple_account_option_bool_new("Use SSL", "ssl", /*default=*/TRUE));
  AccountOption api = ToApiAccountOption(option.get());
  EXPECT_EQ(api.key(), "ssl");
  EXPECT_EQ(api.label(), "Use SSL");
  EXPECT_EQ(api.type(), AccountOption::TYPE_BOOL);
  ASSERT_EQ(api.default_value_case(), AccountOption::kBoolDefault);
  EXPECT_TRUE(api.bool_default());
}

TEST(AccountOptionMappingTest, IntKeepsNegativeAndLargeDefaults) {
  OptionPtr option(purple_account_option_int_new("Port", "port", 6697));
  AccountOption api = ToApiAccountOption(option.get());
  EXPECT_EQ(api.type(), AccountOption::TYPE_INT);
  ASSERT_EQ(api.default_value_case(), AccountOption::kIntDefault);
  EXPECT_EQ(api.int_default(), 6697);

  OptionPtr negative(purple_account_option_int_new("Offset", "offset", -5));
  EXPECT_EQ(ToApiAccountOption(negative.get()).int_default(), -5);
}

TEST(AccountOptionMappingTest, StringKeepsDefaultAndMask) {
  OptionPtr option(
      purple_account_option_string_new("Server", "server", "irc.example.org"));
  AccountOption api = ToApiAccountOption(option.get());
  EXPECT_EQ(api.type(), AccountOption::TYPE_STRING);
  EXPECT_EQ(api.string_default(), "irc.example.org");
  EXPECT_FALSE(api.masked());

  OptionPtr secret(purple_account_option_string_new("Token", "token", nullptr));
  purple_account_option_set_masked(secret.get(), TRUE);
  AccountOption masked = ToApiAccountOption(secret.get());
  EXPECT_TRUE(masked.masked());
  ASSERT_EQ(masked.default_value_case(), AccountOption::kStringDefault);
  EXPECT_EQ(masked.string_default(), "");
}

TEST(AccountOptionMappingTest, StringListKeepsChoicesInOrderAndDefault) {
  GList* choices = nullptr;
  for (auto [label, value] :
       {std::pair{"Require encryption", "require_tls"},
        std::pair{"Use encryption if available", "opportunistic_tls"}}) {
    auto* pair = g_new0(PurpleKeyValuePair, 1);
    pair->key = g_strdup(label);
    pair->value = g_strdup(value);
    choices = g_list_append(choices, pair);
  }
  // The option takes the list and its pairs.
  OptionPtr option(purple_account_option_list_new(
      "Connection security", "connection_security", choices));
  AccountOption api = ToApiAccountOption(option.get());
  EXPECT_EQ(api.key(), "connection_security");
  EXPECT_EQ(api.type(), AccountOption::TYPE_STRING_LIST);
  ASSERT_EQ(api.choices_size(), 2);
  EXPECT_EQ(api.choices(0).value(), "require_tls");
  EXPECT_EQ(api.choices(0).label(), "Require encryption");
  EXPECT_EQ(api.choices(1).value(), "opportunistic_tls");
  // libpurple's default for a list is its first entry.
  EXPECT_EQ(api.string_default(), "require_tls");
}

TEST(AccountOptionMappingTest, UsernamePartKeepsSeparatorAndDefault) {
  PurpleAccountUserSplit* split =
      purple_account_user_split_new("Domain", "example.org", '@');
  v1::UsernamePart part = ToApiUsernamePart(split);
  EXPECT_EQ(part.label(), "Domain");
  EXPECT_EQ(part.default_value(), "example.org");
  EXPECT_EQ(part.separator(), "@");
  purple_account_user_split_destroy(split);
}

}  // namespace
}  // namespace lilac
