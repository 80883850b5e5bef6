#ifndef LILAC_BACKEND_HOST_ACCOUNT_OPTION_MAPPING_H_
#define LILAC_BACKEND_HOST_ACCOUNT_OPTION_MAPPING_H_

#include "lilac/v1/protocols.pb.h"
#include "purple.h"

namespace lilac {

// Describes a plugin's account option as an API AccountOption: key, label,
// type, default and, for string lists, the allowed values. Reads only the
// option, so it is safe on any thread that owns `option`.
lilac::v1::AccountOption ToApiAccountOption(PurpleAccountOption* option);

// Describes one of a plugin's username splits (for example XMPP's domain).
lilac::v1::UsernamePart ToApiUsernamePart(PurpleAccountUserSplit* split);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_ACCOUNT_OPTION_MAPPING_H_
