#include "backend/host/buddy_description.h"

#include "backend/host/c_string.h"
#include "backend/host/message_conversion.h"

namespace lilac {

v1::Presence ToPresence(PurplePresence* presence) {
  if (presence == nullptr || !purple_presence_is_online(presence)) {
    return v1::PRESENCE_OFFLINE;
  }
  PurpleStatus* status = purple_presence_get_active_status(presence);
  switch (purple_status_type_get_primitive(purple_status_get_type(status))) {
    case PURPLE_STATUS_AWAY:
      return v1::PRESENCE_AWAY;
    case PURPLE_STATUS_EXTENDED_AWAY:
      return v1::PRESENCE_EXTENDED_AWAY;
    case PURPLE_STATUS_UNAVAILABLE:
      return v1::PRESENCE_DO_NOT_DISTURB;
    case PURPLE_STATUS_INVISIBLE:
      return v1::PRESENCE_INVISIBLE;
    default:
      return v1::PRESENCE_AVAILABLE;
  }
}

std::string BuddyIconBytes(PurpleBuddy* buddy) {
  PurpleBuddyIcon* icon = purple_buddy_get_icon(buddy);
  if (icon == nullptr) return "";
  size_t size = 0;
  const void* data = purple_buddy_icon_get_data(icon, &size);
  return data ? std::string(static_cast<const char*>(data), size) : "";
}

bool DescribeBuddy(PurpleAccount* account, const std::string& name,
                   v1::Buddy* buddy) {
  GSList* nodes = purple_find_buddies(account, name.c_str());
  if (nodes == nullptr) return false;
  auto* first = static_cast<PurpleBuddy*>(nodes->data);
  buddy->set_name(OrEmpty(purple_buddy_get_name(first)));
  buddy->set_alias(OrEmpty(purple_buddy_get_alias_only(first)));
  for (GSList* node = nodes; node; node = node->next) {
    PurpleGroup* group =
        purple_buddy_get_group(static_cast<PurpleBuddy*>(node->data));
    if (group != nullptr)
      buddy->add_groups(OrEmpty(purple_group_get_name(group)));
  }
  g_slist_free(nodes);
  PurplePresence* presence = purple_buddy_get_presence(first);
  buddy->set_presence(ToPresence(presence));
  if (presence != nullptr) {
    PurpleStatus* status = purple_presence_get_active_status(presence);
    buddy->set_status_message(
        OrEmpty(purple_status_get_attr_string(status, "message")));
  }
  const std::string icon = BuddyIconBytes(first);
  if (!icon.empty()) buddy->set_icon_sha1(Sha1Hex(icon));
  buddy->set_blocked(!purple_privacy_check(account, name.c_str()));
  return true;
}

}  // namespace lilac
