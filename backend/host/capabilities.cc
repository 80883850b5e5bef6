#include "backend/host/capabilities.h"

#include <vector>

#include "backend/host/c_string.h"
#include "backend/host/chat_rooms.h"

namespace lilac {

PurplePluginProtocolInfo* ProtocolInfoOf(PurpleAccount* account) {
  PurplePlugin* plugin =
      purple_find_prpl(purple_account_get_protocol_id(account));
  return plugin ? PURPLE_PLUGIN_PROTOCOL_INFO(plugin) : nullptr;
}

bool HasChats(const PurplePluginProtocolInfo* info) {
  return info != nullptr && info->join_chat != nullptr;
}

bool HasChatList(const PurplePluginProtocolInfo* info) {
  return info != nullptr && info->roomlist_get_list != nullptr;
}

bool CanSetChatSubject(const PurplePluginProtocolInfo* info) {
  return info != nullptr && info->set_chat_topic != nullptr;
}

bool HasAttention(const PurplePluginProtocolInfo* info) {
  return info != nullptr && info->send_attention != nullptr;
}

bool CanSendFiles(const PurplePluginProtocolInfo* info) {
  return info != nullptr && info->send_file != nullptr;
}

bool CanFetchUserInfo(const PurplePluginProtocolInfo* info) {
  return info != nullptr && info->get_info != nullptr;
}

PurpleStatusType* SettableStatusType(PurpleAccount* account,
                                     v1::Presence presence) {
  // Preferred primitive first, then what stands in for it on protocols that
  // lack it.
  std::vector<PurpleStatusPrimitive> candidates;
  switch (presence) {
    case v1::PRESENCE_AVAILABLE:
      candidates = {PURPLE_STATUS_AVAILABLE};
      break;
    case v1::PRESENCE_AWAY:
      candidates = {PURPLE_STATUS_AWAY, PURPLE_STATUS_EXTENDED_AWAY};
      break;
    case v1::PRESENCE_EXTENDED_AWAY:
      candidates = {PURPLE_STATUS_EXTENDED_AWAY, PURPLE_STATUS_AWAY};
      break;
    case v1::PRESENCE_DO_NOT_DISTURB:
      candidates = {PURPLE_STATUS_UNAVAILABLE, PURPLE_STATUS_AWAY};
      break;
    case v1::PRESENCE_INVISIBLE:
      candidates = {PURPLE_STATUS_INVISIBLE};
      break;
    default:
      return nullptr;
  }
  for (PurpleStatusPrimitive primitive : candidates) {
    PurpleStatusType* type =
        purple_account_get_status_type_with_primitive(account, primitive);
    if (type != nullptr && purple_status_type_is_user_settable(type)) {
      return type;
    }
  }
  return nullptr;
}

v1::Capabilities DescribeCapabilities(PurpleAccount* account, bool connected,
                                      const TransferLimits& limits) {
  v1::Capabilities out;
  out.set_protocol_id(OrEmpty(purple_account_get_protocol_id(account)));
  out.set_connected(connected);
  for (v1::Presence presence :
       {v1::PRESENCE_AVAILABLE, v1::PRESENCE_AWAY, v1::PRESENCE_EXTENDED_AWAY,
        v1::PRESENCE_DO_NOT_DISTURB, v1::PRESENCE_INVISIBLE}) {
    if (SettableStatusType(account, presence) != nullptr) {
      out.add_presences(presence);
    }
  }
  out.set_max_send_file_size(limits.max_send_file_size);
  out.set_max_receive_file_size(limits.max_receive_file_size);
  out.set_max_message_size(limits.max_message_size);
  PurplePluginProtocolInfo* info = ProtocolInfoOf(account);
  if (info == nullptr) return out;
  out.set_typing(info->send_typing != nullptr);
  out.set_attention(HasAttention(info));
  if (info->get_attention_types != nullptr) {
    for (GList* item = info->get_attention_types(account); item;
         item = item->next) {
      out.add_attention_types(OrEmpty(purple_attention_type_get_name(
          static_cast<PurpleAttentionType*>(item->data))));
    }
  }
  out.set_send_files(CanSendFiles(info));
  out.set_chat_files(PURPLE_PROTOCOL_PLUGIN_HAS_FUNC(info, chat_send_file));
  out.set_chats(HasChats(info));
  out.set_chat_list(HasChatList(info));
  out.set_chat_subject(CanSetChatSubject(info));
  out.set_chat_invitations(info->chat_invite != nullptr);
  out.set_user_info(CanFetchUserInfo(info));
  out.set_avatars(info->set_buddy_icon != nullptr &&
                  info->icon_spec.format != nullptr);
  out.set_blocking(info->add_deny != nullptr);
  out.set_registration(info->register_user != nullptr);
  out.set_password_change(info->change_passwd != nullptr);
  out.set_inline_images((info->options & OPT_PROTO_IM_IMAGE) != 0);
  PurpleConnection* gc =
      connected ? purple_account_get_connection(account) : nullptr;
  if (gc != nullptr) {
    const PurpleConnectionFlags flags = gc->flags;
    out.set_moods((flags & PURPLE_CONNECTION_SUPPORT_MOODS) != 0);
    out.set_html((flags & PURPLE_CONNECTION_HTML) != 0);
  }
  return out;
}

v1::ChatCapabilities DescribeChatCapabilities(PurpleConversation* conv,
                                              const std::string& chat) {
  v1::ChatCapabilities out;
  out.set_chat(chat);
  PurpleConvChat* chat_data = PURPLE_CONV_CHAT(conv);
  const char* nick = purple_conv_chat_get_nick(chat_data);
  out.set_nickname(OrEmpty(nick));
  // libpurple gives no flags for a nickname not among the participants.
  *out.mutable_role() =
      ToRole(nick ? purple_conv_chat_user_get_flags(chat_data, nick)
                  : PURPLE_CBFLAGS_NONE);
  PurplePluginProtocolInfo* info =
      ProtocolInfoOf(purple_conversation_get_account(conv));
  out.set_subject(CanSetChatSubject(info));
  PurpleConnection* gc = purple_conversation_get_gc(conv);
  if (info != nullptr && gc != nullptr &&
      PURPLE_PROTOCOL_PLUGIN_HAS_FUNC(info, chat_send_file)) {
    const int id = purple_conv_chat_get_id(chat_data);
    out.set_files(
        !PURPLE_PROTOCOL_PLUGIN_HAS_FUNC(info, chat_can_receive_file) ||
        info->chat_can_receive_file(gc, id));
  }
  return out;
}

}  // namespace lilac
