#include "testing/fake_prpl/prpl_plugin.h"

#include "testing/fake_prpl/prpl_callbacks.h"

namespace lilac::testing::fake {
namespace {

PurplePluginProtocolInfo protocol_info;
PurplePluginInfo plugin_info;

void FillProtocolInfo() {
  PurplePluginProtocolInfo& info = protocol_info;
  info.options = OPT_PROTO_CHAT_TOPIC;
  info.icon_spec = {const_cast<char*>("png,jpg,gif"),
                    0,
                    0,
                    96,
                    96,
                    0,
                    PURPLE_ICON_SCALE_SEND};
  info.list_icon = prpl::list_icon;
  info.status_types = prpl::status_types;
  info.chat_info = prpl::chat_info;
  info.chat_info_defaults = prpl::chat_info_defaults;
  info.login = prpl::login;
  info.close = prpl::close;
  info.send_im = prpl::send_im;
  info.send_typing = prpl::send_typing;
  info.get_info = prpl::get_info;
  info.set_status = prpl::set_status;
  info.add_buddy = prpl::add_buddy;
  info.remove_buddy = prpl::remove_buddy;
  info.add_deny = prpl::add_deny;
  info.rem_deny = prpl::rem_deny;
  info.join_chat = prpl::join_chat;
  info.reject_chat = prpl::reject_chat;
  info.get_chat_name = prpl::get_chat_name;
  info.chat_invite = prpl::chat_invite;
  info.chat_leave = prpl::chat_leave;
  info.chat_send = prpl::chat_send;
  info.alias_buddy = prpl::alias_buddy;
  info.group_buddy = prpl::group_buddy;
  info.set_buddy_icon = prpl::set_buddy_icon;
  info.set_public_alias = prpl::set_public_alias;
  info.set_chat_topic = prpl::set_chat_topic;
  info.roomlist_get_list = prpl::roomlist_get_list;
  info.send_attention = prpl::send_attention;
  info.get_attention_types = prpl::get_attention_types;
  info.new_xfer = prpl::new_xfer;
  info.send_file = prpl::send_file;
  info.struct_size = sizeof(PurplePluginProtocolInfo);
}

void AddOption(PurpleAccountOption* option) {
  protocol_info.protocol_options =
      g_list_append(protocol_info.protocol_options, option);
}

void AddAccountOptions(const PrplFlavor& flavor) {
  AddOption(purple_account_option_string_new("Server", "server", "127.0.0.1"));
  AddOption(purple_account_option_int_new("Port", "port", 5999));
  if (!flavor.facebook) return;
  // The Facebook plugin's options, with its defaults.
  AddOption(purple_account_option_int_new("Buddy list sync interval",
                                          "sync-interval", 5));
  AddOption(purple_account_option_bool_new("Mark messages as read on focus",
                                           "mark-read", TRUE));
  AddOption(purple_account_option_bool_new(
      "Mark messages as read only when available", "mark-read-available",
      FALSE));
  AddOption(
      purple_account_option_bool_new("Show self messages", "show-self", TRUE));
  AddOption(purple_account_option_bool_new("Show unread messages",
                                           "show-unread", TRUE));
  AddOption(purple_account_option_bool_new(
      "Open new group chats with incoming messages", "group-chat-open", TRUE));
}

void FillPluginInfo(const PrplFlavor& flavor) {
  PurplePluginInfo& info = plugin_info;
  info.magic = PURPLE_PLUGIN_MAGIC;
  info.major_version = PURPLE_MAJOR_VERSION;
  info.minor_version = PURPLE_MINOR_VERSION;
  info.type = PURPLE_PLUGIN_PROTOCOL;
  info.priority = PURPLE_PRIORITY_DEFAULT;
  info.id = const_cast<char*>(flavor.id);
  info.name = const_cast<char*>(flavor.name);
  info.version = const_cast<char*>("0.1");
  info.summary = const_cast<char*>("Protocol plugin for lilac's fake network");
  info.description = const_cast<char*>(
      "Talks to the fake network server of lilac's tests over loopback.");
  info.author = const_cast<char*>("lilac");
  info.homepage = const_cast<char*>("");
  info.extra_info = &protocol_info;
}

}  // namespace

gboolean RegisterFakePrpl(PurplePlugin* plugin, const PrplFlavor& flavor) {
  SetFlavor(flavor);
  FillProtocolInfo();
  AddAccountOptions(flavor);
  FillPluginInfo(flavor);
  plugin->info = &plugin_info;
  return purple_plugin_register(plugin);
}

}  // namespace lilac::testing::fake
