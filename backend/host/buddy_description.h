#ifndef LILAC_BACKEND_HOST_BUDDY_DESCRIPTION_H_
#define LILAC_BACKEND_HOST_BUDDY_DESCRIPTION_H_

#include <string>

#include "lilac/v1/buddies.pb.h"
#include "purple.h"

namespace lilac {

// A buddy as the API sees it: one entry per name, with every group its
// libpurple buddy nodes are in. Returns false if the account has no buddy of
// that name.
bool DescribeBuddy(PurpleAccount* account, const std::string& name,
                   v1::Buddy* buddy);

v1::Presence ToPresence(PurplePresence* presence);

// The raw icon bytes of a buddy, or empty.
std::string BuddyIconBytes(PurpleBuddy* buddy);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_BUDDY_DESCRIPTION_H_
