#ifndef LILAC_BACKEND_HOST_CONTACT_NAMES_H_
#define LILAC_BACKEND_HOST_CONTACT_NAMES_H_

#include <string>

#include "purple.h"

namespace lilac {

// A name as a protocol plugin normalizes it (purple_normalize: XMPP drops the
// resource of a contact's JID and lowercases, IRC lowercases).
std::string NormalizedName(PurpleAccount* account, const std::string& name);

// A sender as the client should see it: the contact as the buddy list names
// it, and the resource (XMPP's device part) apart.
struct ContactAndResource {
  std::string contact;
  std::string resource;  // empty where there is none
};

// Splits `name` at the first "/" whose left part normalizes, through the
// plugin, to what the whole name normalizes to: the plugin itself says the
// rest is a resource. Names the plugin keeps whole (an XMPP room occupant,
// "room@server/nick") are not split.
ContactAndResource SplitResource(PurpleAccount* account,
                                 const std::string& name);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_CONTACT_NAMES_H_
