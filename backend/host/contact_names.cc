#include "backend/host/contact_names.h"

#include "backend/host/c_string.h"

namespace lilac {

std::string NormalizedName(PurpleAccount* account, const std::string& name) {
  // purple_normalize returns a static buffer: copied at once.
  return OrEmpty(purple_normalize(account, name.c_str()));
}

ContactAndResource SplitResource(PurpleAccount* account,
                                 const std::string& name) {
  ContactAndResource split{name, ""};
  const std::string whole = NormalizedName(account, name);
  const size_t slash = name.find('/');
  if (slash == std::string::npos || slash == 0) return split;
  const std::string contact = name.substr(0, slash);
  if (NormalizedName(account, contact) != whole) return split;
  split.resource = name.substr(slash + 1);
  // The buddy list's spelling of the contact, when it is on the list.
  PurpleBuddy* buddy = purple_find_buddy(account, contact.c_str());
  split.contact =
      buddy != nullptr ? OrEmpty(purple_buddy_get_name(buddy)) : contact;
  return split;
}

}  // namespace lilac
