#include "backend/host/protocol_catalog.h"

#include <algorithm>

#include "backend/host/account_option_mapping.h"
#include "backend/host/c_string.h"
#include "purple.h"

namespace lilac {
namespace {

lilac::v1::Protocol DescribeProtocol(PurplePlugin* plugin) {
  lilac::v1::Protocol protocol;
  protocol.set_id(OrEmpty(plugin->info->id));
  protocol.set_name(OrEmpty(plugin->info->name));
  protocol.set_version(OrEmpty(plugin->info->version));
  protocol.set_summary(OrEmpty(plugin->info->summary));
  PurplePluginProtocolInfo* info = PURPLE_PLUGIN_PROTOCOL_INFO(plugin);
  if (info == nullptr) return protocol;
  const bool no_password = info->options & OPT_PROTO_NO_PASSWORD;
  const bool optional = info->options & OPT_PROTO_PASSWORD_OPTIONAL;
  protocol.set_password_required(!no_password && !optional);
  protocol.set_password_optional(!no_password && optional);
  protocol.set_supports_group_chats(info->join_chat != nullptr &&
                                    info->chat_info != nullptr);
  for (GList* item = info->protocol_options; item != nullptr;
       item = item->next) {
    *protocol.add_options() =
        ToApiAccountOption(static_cast<PurpleAccountOption*>(item->data));
  }
  for (GList* item = info->user_splits; item != nullptr; item = item->next) {
    *protocol.add_username_parts() =
        ToApiUsernamePart(static_cast<PurpleAccountUserSplit*>(item->data));
  }
  return protocol;
}

}  // namespace

std::vector<lilac::v1::Protocol> ListInstalledProtocols(const OnLoop&) {
  std::vector<lilac::v1::Protocol> protocols;
  for (GList* item = purple_plugins_get_protocols(); item != nullptr;
       item = item->next) {
    auto* plugin = static_cast<PurplePlugin*>(item->data);
    if (plugin->info == nullptr || plugin->info->id == nullptr) continue;
    protocols.push_back(DescribeProtocol(plugin));
  }
  std::sort(protocols.begin(), protocols.end(),
            [](const auto& a, const auto& b) { return a.id() < b.id(); });
  return protocols;
}

}  // namespace lilac
