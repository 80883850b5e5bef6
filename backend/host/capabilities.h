#ifndef LILAC_BACKEND_HOST_CAPABILITIES_H_
#define LILAC_BACKEND_HOST_CAPABILITIES_H_

#include <cstdint>
#include <string>

#include "lilac/v1/buddies.pb.h"
#include "lilac/v1/capabilities.pb.h"
#include "purple.h"

namespace lilac {

// What a plugin can do, from its protocol info. GetCapabilities reports these
// and the calls they describe check the same predicates, so a call is never
// refused for a capability that was reported.

// The protocol info of the account's plugin, or null if it is not loaded.
PurplePluginProtocolInfo* ProtocolInfoOf(PurpleAccount* account);

bool HasChats(const PurplePluginProtocolInfo* info);
bool HasChatList(const PurplePluginProtocolInfo* info);
bool CanSetChatSubject(const PurplePluginProtocolInfo* info);
bool HasAttention(const PurplePluginProtocolInfo* info);
bool CanSendFiles(const PurplePluginProtocolInfo* info);
bool CanFetchUserInfo(const PurplePluginProtocolInfo* info);

// The account's user-settable status type that SetStatus uses for
// `presence` (with its documented fallbacks), or null if there is none.
PurpleStatusType* SettableStatusType(PurpleAccount* account,
                                     v1::Presence presence);

// Limits lilacd itself sets on what the plugins are given.
struct TransferLimits {
  uint64_t max_send_file_size = 0;
  uint64_t max_receive_file_size = 0;
  uint64_t max_message_size = 0;
};

// `account`'s capabilities; `connected` says whether the connection's flags
// are known.
v1::Capabilities DescribeCapabilities(PurpleAccount* account, bool connected,
                                      const TransferLimits& limits);

// What we can do in the chat conversation `conv`, named `chat` by the client.
v1::ChatCapabilities DescribeChatCapabilities(PurpleConversation* conv,
                                              const std::string& chat);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_CAPABILITIES_H_
