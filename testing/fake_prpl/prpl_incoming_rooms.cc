// Frames from the server about rooms: joins, participants, subjects,
// messages, invitations, kicks and the room list.
#include <ctime>

#include "absl/strings/str_cat.h"
#include "testing/fake_prpl/prpl_flavor.h"
#include "testing/fake_prpl/prpl_incoming.h"

namespace lilac::testing::fake {
namespace {

PurpleConvChatBuddyFlags FlagsOf(v1::ParticipantRole role) {
  switch (role) {
    case v1::PARTICIPANT_ROLE_VOICE:
      return PURPLE_CBFLAGS_VOICE;
    case v1::PARTICIPANT_ROLE_HALFOP:
      return PURPLE_CBFLAGS_HALFOP;
    case v1::PARTICIPANT_ROLE_MODERATOR:
      return PURPLE_CBFLAGS_OP;
    case v1::PARTICIPANT_ROLE_FOUNDER:
      return PURPLE_CBFLAGS_FOUNDER;
    default:
      return PURPLE_CBFLAGS_NONE;
  }
}

// The open (not left) chat of a room, or null.
PurpleConvChat* OpenChat(FakeConnection& connection, const std::string& room) {
  PurpleConversation* conv =
      purple_find_chat(connection.gc(), connection.ChatIdOf(room));
  if (conv == nullptr) return nullptr;
  PurpleConvChat* chat = PURPLE_CONV_CHAT(conv);
  return purple_conv_chat_has_left(chat) ? nullptr : chat;
}

PurpleConvChat* JoinedChat(FakeConnection& connection,
                           const std::string& room) {
  PurpleConvChat* chat = OpenChat(connection, room);
  if (chat != nullptr) return chat;
  return PURPLE_CONV_CHAT(serv_got_joined_chat(
      connection.gc(), connection.ChatIdOf(room), room.c_str()));
}

void HandleRoomJoined(FakeConnection& connection,
                      const v1::RoomJoined& joined) {
  PurpleConvChat* chat = JoinedChat(connection, joined.room());
  purple_conv_chat_set_nick(chat, joined.nick().c_str());
  GList* users = nullptr;
  GList* flags = nullptr;
  for (const v1::Participant& participant : joined.participants()) {
    if (purple_conv_chat_find_user(chat, participant.nick().c_str())) continue;
    users = g_list_append(users, const_cast<char*>(participant.nick().c_str()));
    flags = g_list_append(flags, GINT_TO_POINTER(FlagsOf(participant.role())));
  }
  purple_conv_chat_add_users(chat, users, nullptr, flags, FALSE);
  g_list_free(users);
  g_list_free(flags);
  if (!joined.subject().empty()) {
    purple_conv_chat_set_topic(chat,
                               joined.subject_setter().empty()
                                   ? nullptr
                                   : joined.subject_setter().c_str(),
                               joined.subject().c_str());
  }
}

void HandleRoomJoinFailed(FakeConnection& connection,
                          const v1::RoomJoinFailed& failed) {
  GHashTable* components =
      g_hash_table_new_full(g_str_hash, g_str_equal, nullptr, g_free);
  g_hash_table_insert(components, const_cast<char*>(RoomComponent()),
                      g_strdup(failed.room().c_str()));
  purple_serv_got_join_chat_failed(connection.gc(), components);
  g_hash_table_destroy(components);
  const std::string primary = absl::StrCat("Failed to join ", failed.room());
  purple_notify_error(connection.gc(), "Join a Chat", primary.c_str(),
                      failed.message().c_str());
}

void HandleRoomMessage(FakeConnection& connection,
                       const v1::RoomMessage& message) {
  PurpleConvChat* chat = OpenChat(connection, message.room());
  if (chat == nullptr) {
    // Facebook opens a chat for a message in an unopened thread when
    // group-chat-open is on; otherwise such messages are dropped.
    if (!Flavor().facebook ||
        !purple_account_get_bool(connection.account(), "group-chat-open",
                                 TRUE)) {
      return;
    }
    chat = JoinedChat(connection, message.room());
  }
  std::vector<int> image_ids;
  const std::string html = MessageHtml(message.text(), message.format(),
                                       message.images(), &image_ids);
  int flags = PURPLE_MESSAGE_RECV;
  if (!image_ids.empty()) flags |= PURPLE_MESSAGE_IMAGES;
  if (message.server_time() != 0) flags |= PURPLE_MESSAGE_DELAYED;
  serv_got_chat_in(
      connection.gc(), purple_conv_chat_get_id(chat), message.from().c_str(),
      static_cast<PurpleMessageFlags>(flags), html.c_str(),
      message.server_time() != 0 ? message.server_time() : time(nullptr));
  ReleaseImages(image_ids);
}

void HandleInvitation(FakeConnection& connection,
                      const v1::RoomInvitation& invitation) {
  GHashTable* components =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert(components, g_strdup(RoomComponent()),
                      g_strdup(invitation.room().c_str()));
  if (!invitation.password().empty()) {
    g_hash_table_insert(components, g_strdup("password"),
                        g_strdup(invitation.password().c_str()));
  }
  // libpurple owns `components` from here.
  serv_got_chat_invite(
      connection.gc(), invitation.room().c_str(), invitation.from().c_str(),
      invitation.message().empty() ? nullptr : invitation.message().c_str(),
      components);
}

void HandleKicked(FakeConnection& connection, const v1::RoomKicked& kicked) {
  PurpleConvChat* chat = OpenChat(connection, kicked.room());
  if (chat == nullptr) return;
  std::string text = absl::StrCat("You were kicked by ", kicked.by());
  if (!kicked.reason().empty()) absl::StrAppend(&text, ": ", kicked.reason());
  purple_conv_chat_write(chat, "", text.c_str(), PURPLE_MESSAGE_SYSTEM,
                         time(nullptr));
  serv_got_chat_left(connection.gc(), purple_conv_chat_get_id(chat));
}

void HandleRoomList(FakeConnection& connection, const v1::RoomList& rooms) {
  PurpleRoomlist* list = connection.roomlist;
  if (list == nullptr) return;
  connection.roomlist = nullptr;
  for (const v1::RoomListing& listing : rooms.rooms()) {
    PurpleRoomlistRoom* room = purple_roomlist_room_new(
        PURPLE_ROOMLIST_ROOMTYPE_ROOM, listing.name().c_str(), nullptr);
    purple_roomlist_room_add_field(list, room, listing.name().c_str());
    purple_roomlist_room_add_field(list, room, listing.subject().c_str());
    purple_roomlist_room_add_field(
        list, room, GINT_TO_POINTER(listing.participant_count()));
    purple_roomlist_room_add_field(
        list, room, GINT_TO_POINTER(listing.password_protected()));
    purple_roomlist_room_add(list, room);
  }
  purple_roomlist_set_in_progress(list, FALSE);
  purple_roomlist_unref(list);
}

}  // namespace

void HandleRoomFrame(FakeConnection& connection, const v1::ServerFrame& frame) {
  switch (frame.frame_case()) {
    case v1::ServerFrame::kRoomJoined:
      HandleRoomJoined(connection, frame.room_joined());
      break;
    case v1::ServerFrame::kRoomJoinFailed:
      HandleRoomJoinFailed(connection, frame.room_join_failed());
      break;
    case v1::ServerFrame::kParticipantJoined: {
      const auto& joined = frame.participant_joined();
      if (PurpleConvChat* chat = OpenChat(connection, joined.room())) {
        purple_conv_chat_add_user(chat, joined.participant().nick().c_str(),
                                  nullptr, FlagsOf(joined.participant().role()),
                                  TRUE);
      }
      break;
    }
    case v1::ServerFrame::kParticipantLeft: {
      const auto& left = frame.participant_left();
      if (PurpleConvChat* chat = OpenChat(connection, left.room())) {
        purple_conv_chat_remove_user(
            chat, left.nick().c_str(),
            left.reason().empty() ? nullptr : left.reason().c_str());
      }
      break;
    }
    case v1::ServerFrame::kParticipantRenamed: {
      const auto& renamed = frame.participant_renamed();
      if (PurpleConvChat* chat = OpenChat(connection, renamed.room())) {
        purple_conv_chat_rename_user(chat, renamed.old_nick().c_str(),
                                     renamed.new_nick().c_str());
      }
      break;
    }
    case v1::ServerFrame::kParticipantRoleChanged: {
      const auto& changed = frame.participant_role_changed();
      if (PurpleConvChat* chat = OpenChat(connection, changed.room())) {
        purple_conv_chat_user_set_flags(chat, changed.nick().c_str(),
                                        FlagsOf(changed.role()));
      }
      break;
    }
    case v1::ServerFrame::kRoomSubjectChanged: {
      const auto& changed = frame.room_subject_changed();
      if (PurpleConvChat* chat = OpenChat(connection, changed.room())) {
        purple_conv_chat_set_topic(
            chat, changed.setter().empty() ? nullptr : changed.setter().c_str(),
            changed.subject().c_str());
      }
      break;
    }
    case v1::ServerFrame::kRoomMessage:
      HandleRoomMessage(connection, frame.room_message());
      break;
    case v1::ServerFrame::kRoomPrivateMessage: {
      // Private messages from a room member come from "room/nick".
      const auto& message = frame.room_private_message();
      const std::string from =
          absl::StrCat(message.room(), "/", message.from());
      char* html = purple_markup_escape_text(message.text().c_str(), -1);
      serv_got_im(connection.gc(), from.c_str(), html, PURPLE_MESSAGE_RECV,
                  time(nullptr));
      g_free(html);
      break;
    }
    case v1::ServerFrame::kRoomInvitation:
      HandleInvitation(connection, frame.room_invitation());
      break;
    case v1::ServerFrame::kRoomKicked:
      HandleKicked(connection, frame.room_kicked());
      break;
    case v1::ServerFrame::kRoomList:
      HandleRoomList(connection, frame.room_list());
      break;
    default:
      purple_debug_warning(Flavor().id, "unexpected frame %d from server\n",
                           static_cast<int>(frame.frame_case()));
      break;
  }
}

}  // namespace lilac::testing::fake
