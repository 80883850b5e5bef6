#include "backend/host/account_option_mapping.h"

#include <string>

#include "backend/host/c_string.h"

namespace lilac {
lilac::v1::AccountOption ToApiAccountOption(PurpleAccountOption* option) {
  lilac::v1::AccountOption result;
  result.set_key(OrEmpty(purple_account_option_get_setting(option)));
  result.set_label(OrEmpty(purple_account_option_get_text(option)));
  switch (purple_account_option_get_type(option)) {
    case PURPLE_PREF_BOOLEAN:
      result.set_type(lilac::v1::AccountOption::TYPE_BOOL);
      result.set_bool_default(purple_account_option_get_default_bool(option));
      break;
    case PURPLE_PREF_INT:
      result.set_type(lilac::v1::AccountOption::TYPE_INT);
      result.set_int_default(purple_account_option_get_default_int(option));
      break;
    case PURPLE_PREF_STRING:
      result.set_type(lilac::v1::AccountOption::TYPE_STRING);
      result.set_string_default(
          OrEmpty(purple_account_option_get_default_string(option)));
      result.set_masked(purple_account_option_get_masked(option));
      break;
    case PURPLE_PREF_STRING_LIST: {
      result.set_type(lilac::v1::AccountOption::TYPE_STRING_LIST);
      // The list holds (label, value) pairs; the default is a value.
      for (GList* item = purple_account_option_get_list(option);
           item != nullptr; item = item->next) {
        auto* pair = static_cast<PurpleKeyValuePair*>(item->data);
        lilac::v1::Choice* choice = result.add_choices();
        choice->set_label(OrEmpty(pair->key));
        choice->set_value(OrEmpty(static_cast<const char*>(pair->value)));
      }
      result.set_string_default(
          OrEmpty(purple_account_option_get_default_list_value(option)));
      break;
    }
    default:
      result.set_type(lilac::v1::AccountOption::TYPE_UNSPECIFIED);
      break;
  }
  return result;
}

lilac::v1::UsernamePart ToApiUsernamePart(PurpleAccountUserSplit* split) {
  lilac::v1::UsernamePart result;
  result.set_label(OrEmpty(purple_account_user_split_get_text(split)));
  result.set_default_value(
      OrEmpty(purple_account_user_split_get_default_value(split)));
  const char separator = purple_account_user_split_get_separator(split);
  if (separator != '\0') result.set_separator(std::string(1, separator));
  return result;
}

}  // namespace lilac
