#include "frontend_shim/translate/event_translator.h"

#include "absl/strings/str_cat.h"
#include "frontend_shim/translate/request_prompt.h"
#include "frontend_shim/translate/wire_text.h"

namespace lilac::shim {
namespace {

using pbnetwork::WrapperMessage;

absl::Time FromTimestamp(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) +
         absl::Nanoseconds(time.nanos());
}

int ParticipantFlags(const v1::ParticipantRole& role) {
  return role.moderator() || role.founder()
             ? pbnetwork::PARTICIPANT_FLAG_MODERATOR
             : pbnetwork::PARTICIPANT_FLAG_NONE;
}

pbnetwork::Participant MakeParticipant(const UserState& user,
                                       const std::string& room,
                                       const std::string& nickname, int flag,
                                       pbnetwork::StatusType status) {
  pbnetwork::Participant participant;
  participant.set_username(user.user);
  participant.set_room(room);
  participant.set_nickname(nickname);
  participant.set_flag(flag);
  participant.set_status(status);
  return participant;
}

pbnetwork::Buddy BuddyFrame(const UserState& user, const v1::Buddy& buddy) {
  pbnetwork::Buddy frame;
  frame.set_username(user.user);
  frame.set_buddyname(buddy.name());
  frame.set_alias(buddy.alias());
  for (const std::string& group : buddy.groups()) frame.add_group(group);
  frame.set_status(StatusFromPresence(buddy.presence()));
  frame.set_statusmessage(buddy.status_message());
  frame.set_iconhash(buddy.icon_sha1());
  frame.set_blocked(buddy.blocked());
  return frame;
}

// The body and attachments for a message that carries inline images.
void AddImages(
    const google::protobuf::RepeatedPtrField<v1::InlineImage>& images,
    WebStorage* web_storage, pbnetwork::ConversationMessage* message,
    std::vector<std::string>* log) {
  for (const v1::InlineImage& image : images) {
    std::string line;
    if (web_storage != nullptr && web_storage->enabled()) {
      absl::StatusOr<std::string> url =
          web_storage->StoreImage(image.data(), image.mime_type());
      if (url.ok()) {
        pbnetwork::Attachment* attachment = message->add_attachment();
        attachment->set_url(*url);
        attachment->set_mimetype(image.mime_type());
        attachment->set_description(image.filename());
        line = *url;
      } else {
        log->push_back(
            absl::StrCat("image not stored: ", url.status().message()));
        line = absl::StrCat("[image of ", image.data().size(),
                            " bytes not shown: ", url.status().message(), "]");
      }
    } else {
      line = absl::StrCat("[image", image.filename().empty() ? "" : " ",
                          image.filename(), " (", image.mime_type(), ", ",
                          image.data().size(),
                          " bytes) not shown: web storage is not configured]");
    }
    message->set_message(message->message().empty()
                             ? line
                             : absl::StrCat(message->message(), "\n", line));
  }
}

void SetBodyAndTime(
    const std::string& text, const std::string& html,
    const google::protobuf::RepeatedPtrField<v1::InlineImage>& images,
    const google::protobuf::Timestamp& time, bool delayed, absl::Time now,
    WebStorage* web_storage, pbnetwork::ConversationMessage* message,
    std::vector<std::string>* log) {
  message->set_message(text);
  if (images.empty()) {
    std::string xhtml = HtmlToXhtml(html, text);
    if (!xhtml.empty()) message->set_xhtml(xhtml);
  } else {
    AddImages(images, web_storage, message, log);
  }
  // Like upstream: a stamp only on old news, so live messages are not
  // shown as "delayed" by clients.
  const absl::Time sent = FromTimestamp(time);
  if (time.seconds() > 0 && (delayed || now - sent > absl::Seconds(10))) {
    message->set_timestamp(SpectrumTimestamp(sent));
  }
}

}  // namespace

WrapperMessage WrapFrame(WrapperMessage::Type type,
                         const google::protobuf::Message& payload) {
  WrapperMessage wrapper;
  wrapper.set_type(type);
  wrapper.set_payload(payload.SerializeAsString());
  return wrapper;
}

pbnetwork::StatusType StatusFromPresence(v1::Presence presence) {
  switch (presence) {
    case v1::PRESENCE_AVAILABLE:
      return pbnetwork::STATUS_ONLINE;
    case v1::PRESENCE_AWAY:
      return pbnetwork::STATUS_AWAY;
    case v1::PRESENCE_EXTENDED_AWAY:
      return pbnetwork::STATUS_XA;
    case v1::PRESENCE_DO_NOT_DISTURB:
      return pbnetwork::STATUS_DND;
    default:
      // Offline, unknown, and invisible (which Spectrum cannot take, §8.2).
      return pbnetwork::STATUS_NONE;
  }
}

v1::Presence PresenceFromStatus(pbnetwork::StatusType status) {
  switch (status) {
    case pbnetwork::STATUS_AWAY:
      return v1::PRESENCE_AWAY;
    case pbnetwork::STATUS_XA:
      return v1::PRESENCE_EXTENDED_AWAY;
    case pbnetwork::STATUS_DND:
      return v1::PRESENCE_DO_NOT_DISTURB;
    case pbnetwork::STATUS_INVISIBLE:
      return v1::PRESENCE_INVISIBLE;
    case pbnetwork::STATUS_NONE:
      return v1::PRESENCE_OFFLINE;
    default:  // online, free for chat
      return v1::PRESENCE_AVAILABLE;
  }
}

int ConnectionErrorFromReason(v1::DisconnectReason reason) {
  switch (reason) {
    case v1::DISCONNECT_REASON_NETWORK_ERROR:
    case v1::DISCONNECT_REASON_WORKER_EXITED:  // retryable, as Spectrum sees it
      return pbnetwork::CONNECTION_ERROR_NETWORK_ERROR;
    case v1::DISCONNECT_REASON_INVALID_USERNAME:
      return pbnetwork::CONNECTION_ERROR_INVALID_USERNAME;
    case v1::DISCONNECT_REASON_AUTHENTICATION_FAILED:
      return pbnetwork::CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case v1::DISCONNECT_REASON_AUTHENTICATION_IMPOSSIBLE:
      return pbnetwork::CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    case v1::DISCONNECT_REASON_NO_SSL_SUPPORT:
      return pbnetwork::CONNECTION_ERROR_NO_SSL_SUPPORT;
    case v1::DISCONNECT_REASON_ENCRYPTION_ERROR:
      return pbnetwork::CONNECTION_ERROR_ENCRYPTION_ERROR;
    case v1::DISCONNECT_REASON_NAME_IN_USE:
      return pbnetwork::CONNECTION_ERROR_NAME_IN_USE;
    case v1::DISCONNECT_REASON_INVALID_SETTINGS:
      return pbnetwork::CONNECTION_ERROR_INVALID_SETTINGS;
    case v1::DISCONNECT_REASON_CERT_NOT_PROVIDED:
      return pbnetwork::CONNECTION_ERROR_CERT_NOT_PROVIDED;
    case v1::DISCONNECT_REASON_CERT_UNTRUSTED:
      return pbnetwork::CONNECTION_ERROR_CERT_UNTRUSTED;
    case v1::DISCONNECT_REASON_CERT_EXPIRED:
      return pbnetwork::CONNECTION_ERROR_CERT_EXPIRED;
    case v1::DISCONNECT_REASON_CERT_NOT_ACTIVATED:
      return pbnetwork::CONNECTION_ERROR_CERT_NOT_ACTIVATED;
    case v1::DISCONNECT_REASON_CERT_HOSTNAME_MISMATCH:
      return pbnetwork::CONNECTION_ERROR_CERT_HOSTNAME_MISMATCH;
    case v1::DISCONNECT_REASON_CERT_FINGERPRINT_MISMATCH:
      return pbnetwork::CONNECTION_ERROR_CERT_FINGERPRINT_MISMATCH;
    case v1::DISCONNECT_REASON_CERT_SELF_SIGNED:
      return pbnetwork::CONNECTION_ERROR_CERT_SELF_SIGNED;
    case v1::DISCONNECT_REASON_CERT_OTHER_ERROR:
      return pbnetwork::CONNECTION_ERROR_CERT_OTHER_ERROR;
    default:
      return pbnetwork::CONNECTION_ERROR_OTHER_ERROR;
  }
}

std::unique_ptr<google::protobuf::Message> NewTextPayload(
    WrapperMessage::Type type) {
  switch (type) {
    case WrapperMessage::TYPE_CONV_MESSAGE:
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED:
    case WrapperMessage::TYPE_ATTENTION:
      return std::make_unique<pbnetwork::ConversationMessage>();
    case WrapperMessage::TYPE_BUDDY_CHANGED:
    case WrapperMessage::TYPE_BUDDY_REMOVED:
    case WrapperMessage::TYPE_AUTH_REQUEST:
    case WrapperMessage::TYPE_BUDDY_TYPING:
    case WrapperMessage::TYPE_BUDDY_TYPED:
    case WrapperMessage::TYPE_BUDDY_STOPPED_TYPING:
      return std::make_unique<pbnetwork::Buddy>();
    case WrapperMessage::TYPE_PARTICIPANT_CHANGED:
    case WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED:
      return std::make_unique<pbnetwork::Participant>();
    case WrapperMessage::TYPE_CONNECTED:
      return std::make_unique<pbnetwork::Connected>();
    case WrapperMessage::TYPE_DISCONNECTED:
      return std::make_unique<pbnetwork::Disconnected>();
    case WrapperMessage::TYPE_VCARD:
      return std::make_unique<pbnetwork::VCard>();
    case WrapperMessage::TYPE_ROOM_LIST:
      return std::make_unique<pbnetwork::RoomList>();
    default:
      return nullptr;
  }
}

std::optional<WrapperMessage> ChatListFrame(const std::string& user,
                                            const v1::ListChatsResponse& list) {
  if (list.chats().empty()) return std::nullopt;
  pbnetwork::RoomList rooms;
  for (const v1::ChatListEntry& entry : list.chats()) {
    rooms.add_room(entry.chat());
    rooms.add_name(entry.name().empty() ? entry.chat() : entry.name());
  }
  rooms.set_user(user);
  std::vector<WrapperMessage> frames = {
      WrapFrame(WrapperMessage::TYPE_ROOM_LIST, rooms)};
  MakeFramesXmlSafe(&frames);
  return frames.front();
}

void MakeFramesXmlSafe(std::vector<WrapperMessage>* frames, size_t from) {
  for (size_t i = from; i < frames->size(); ++i) {
    WrapperMessage& frame = (*frames)[i];
    std::unique_ptr<google::protobuf::Message> payload =
        NewTextPayload(frame.type());
    if (payload == nullptr ||
        !payload->ParsePartialFromString(frame.payload())) {
      continue;
    }
    if (MakeXmlSafe(payload.get())) {
      frame.set_payload(payload->SerializePartialAsString());
    }
  }
}

void EventTranslator::AddHelperMessage(
    UserState& user, const std::string& text,
    std::vector<WrapperMessage>* frames) const {
  const size_t first_new = frames->size();
  if (!user.request_contact_announced) {
    pbnetwork::Buddy contact;
    contact.set_username(user.user);
    contact.set_buddyname(options_.request_contact);
    contact.set_alias("Requests");
    contact.set_status(pbnetwork::STATUS_ONLINE);
    frames->push_back(WrapFrame(WrapperMessage::TYPE_BUDDY_CHANGED, contact));
    user.request_contact_announced = true;
  }
  pbnetwork::ConversationMessage message;
  message.set_username(user.user);
  message.set_buddyname(options_.request_contact);
  message.set_message(text);
  frames->push_back(WrapFrame(WrapperMessage::TYPE_CONV_MESSAGE, message));
  MakeFramesXmlSafe(frames, first_new);
}

EventTranslator::Output EventTranslator::Translate(const v1::Event& event,
                                                   UserState& user,
                                                   DeliveredMessages& delivered,
                                                   absl::Time now) const {
  Output out = TranslateEvent(event, user, delivered, now);
  MakeFramesXmlSafe(&out.frames);
  return out;
}

EventTranslator::Output EventTranslator::TranslateEvent(
    const v1::Event& event, UserState& user, DeliveredMessages& delivered,
    absl::Time now) const {
  Output out;
  std::vector<WrapperMessage>& frames = out.frames;
  // Nothing goes to Spectrum after a DISCONNECTED for this login.
  if (user.disconnected) return out;
  switch (event.kind_case()) {
    case v1::Event::kConnectionChanged: {
      const v1::ConnectionChanged& change = event.connection_changed();
      if (change.state() == v1::CONNECTION_STATE_CONNECTED && !user.connected) {
        user.connected = true;
        pbnetwork::Connected connected;
        connected.set_user(user.user);
        frames.push_back(WrapFrame(WrapperMessage::TYPE_CONNECTED, connected));
        out.connected = true;
      } else if (change.state() == v1::CONNECTION_STATE_DISCONNECTED &&
                 change.reason() != v1::DISCONNECT_REASON_UNSPECIFIED) {
        user.connected = false;
        user.disconnected = true;
        pbnetwork::Disconnected disconnected;
        disconnected.set_user(user.user);
        disconnected.set_error(ConnectionErrorFromReason(change.reason()));
        disconnected.set_message(change.message());
        frames.push_back(
            WrapFrame(WrapperMessage::TYPE_DISCONNECTED, disconnected));
      }
      break;
    }
    case v1::Event::kGap:
      out.warnings.push_back(absl::StrCat(
          "events ", event.gap().first_lost(), "..", event.gap().last_lost(),
          " of ", user.user,
          " were lost: the shim fell behind lilacd's event buffer"));
      break;
    case v1::Event::kNotice: {
      const v1::Notice& notice = event.notice();
      std::string text =
          notice.level() == v1::Notice::LEVEL_ERROR
              ? "[Error]"
              : (notice.level() == v1::Notice::LEVEL_WARNING ? "[Warning]"
                                                             : "[Notice]");
      for (const std::string* part :
           {&notice.title(), &notice.primary(), &notice.secondary()}) {
        if (!part->empty()) absl::StrAppend(&text, "\n", *part);
      }
      AddHelperMessage(user, text, &frames);
      break;
    }
    case v1::Event::kBuddyUpdated: {
      v1::Buddy& cached = user.buddies[event.buddy_updated().buddy().name()];
      cached = event.buddy_updated().buddy();
      frames.push_back(WrapFrame(WrapperMessage::TYPE_BUDDY_CHANGED,
                                 BuddyFrame(user, cached)));
      break;
    }
    case v1::Event::kBuddyPresenceChanged: {
      const v1::BuddyPresenceChanged& change = event.buddy_presence_changed();
      v1::Buddy& cached = user.buddies[change.name()];
      cached.set_name(change.name());
      cached.set_presence(change.presence());
      cached.set_status_message(change.status_message());
      frames.push_back(WrapFrame(WrapperMessage::TYPE_BUDDY_CHANGED,
                                 BuddyFrame(user, cached)));
      break;
    }
    case v1::Event::kBuddyRemoved: {
      user.buddies.erase(event.buddy_removed().name());
      pbnetwork::Buddy buddy;
      buddy.set_username(user.user);
      buddy.set_buddyname(event.buddy_removed().name());
      buddy.set_status(pbnetwork::STATUS_NONE);
      frames.push_back(WrapFrame(WrapperMessage::TYPE_BUDDY_REMOVED, buddy));
      break;
    }
    case v1::Event::kAuthorizationRequested: {
      const v1::AuthorizationRequested& request =
          event.authorization_requested();
      user.authorizations[request.sender()] = request.authorization_id();
      pbnetwork::Buddy buddy;
      buddy.set_username(user.user);
      buddy.set_buddyname(request.sender());
      buddy.set_alias(request.alias());
      buddy.set_status(pbnetwork::STATUS_NONE);
      buddy.set_statusmessage(request.message());
      frames.push_back(WrapFrame(WrapperMessage::TYPE_AUTH_REQUEST, buddy));
      break;
    }
    case v1::Event::kMessageReceived: {
      const v1::MessageReceived& received = event.message_received();
      // Unread at the plugin even when the shim drops it as a replay.
      if (!received.flags().sent_by_us_elsewhere()) {
        user.NoteUnread(received.peer(), false);
      }
      if (!delivered.Deliver(received.peer(), received.text(),
                             received.time().seconds(),
                             received.flags().delayed())) {
        out.log.push_back(absl::StrCat("replayed message from ",
                                       received.peer(), " to ", user.user,
                                       " already delivered; dropped"));
        break;
      }
      pbnetwork::ConversationMessage message;
      message.set_username(user.user);
      message.set_buddyname(received.peer());
      // The contact's device, as the upstream backend gives it: Spectrum
      // sends the message from that resource of the contact's JID.
      if (!received.flags().sent_by_us_elsewhere()) {
        message.set_nickname(received.resource());
      }
      SetBodyAndTime(received.text(), received.html(), received.images(),
                     received.time(), received.flags().delayed(), now,
                     options_.web_storage, &message, &out.log);
      if (received.flags().sent_by_us_elsewhere()) message.set_carbon(true);
      frames.push_back(WrapFrame(WrapperMessage::TYPE_CONV_MESSAGE, message));
      break;
    }
    case v1::Event::kMessageSendResult:
      // ACKs are sent from SendMessage's own response.
      break;
    case v1::Event::kTypingChanged: {
      const v1::TypingChanged& typing = event.typing_changed();
      WrapperMessage::Type type = WrapperMessage::TYPE_BUDDY_STOPPED_TYPING;
      if (typing.state() == v1::TYPING_STATE_TYPING) {
        type = WrapperMessage::TYPE_BUDDY_TYPING;
      } else if (typing.state() == v1::TYPING_STATE_PAUSED) {
        type = WrapperMessage::TYPE_BUDDY_TYPED;
      }
      pbnetwork::Buddy buddy;
      buddy.set_username(user.user);
      buddy.set_buddyname(typing.peer());
      auto cached = user.buddies.find(typing.peer());
      buddy.set_status(cached == user.buddies.end()
                           ? pbnetwork::STATUS_ONLINE
                           : StatusFromPresence(cached->second.presence()));
      frames.push_back(WrapFrame(type, buddy));
      break;
    }
    case v1::Event::kAttentionReceived: {
      pbnetwork::ConversationMessage message;
      message.set_username(user.user);
      message.set_buddyname(event.attention_received().sender());
      message.set_message("");
      frames.push_back(WrapFrame(WrapperMessage::TYPE_ATTENTION, message));
      break;
    }
    case v1::Event::kChatJoined: {
      const v1::ChatJoined& joined = event.chat_joined();
      auto it = user.rooms.find(joined.chat());
      if (it == user.rooms.end()) {
        out.log.push_back(absl::StrCat("joined ", joined.chat(), " for ",
                                       user.user,
                                       " without a JOIN_ROOM; not shown"));
        break;
      }
      RoomState& room = it->second;
      room.joined = true;
      if (!joined.nickname().empty() && joined.nickname() != room.nickname) {
        // Before the self presence, or Spectrum would not recognise it.
        pbnetwork::Room renamed;
        renamed.set_username(user.user);
        renamed.set_room(room.room);
        renamed.set_nickname(joined.nickname());
        renamed.set_password(room.password);
        frames.push_back(
            WrapFrame(WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED, renamed));
        room.nickname = joined.nickname();
      }
      int self_flag = pbnetwork::PARTICIPANT_FLAG_NONE;
      for (const v1::Participant& participant : joined.participants()) {
        if (participant.is_self()) {
          self_flag = ParticipantFlags(participant.role());
          continue;
        }
        room.participants[participant.nickname()] = participant;
        pbnetwork::Participant frame = MakeParticipant(
            user, room.room, participant.nickname(),
            ParticipantFlags(participant.role()), pbnetwork::STATUS_ONLINE);
        if (!participant.alias().empty()) frame.set_alias(participant.alias());
        frames.push_back(
            WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED, frame));
      }
      room.self_flag = self_flag;
      // The user last, as Spectrum's docs ask.
      frames.push_back(
          WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED,
                    MakeParticipant(user, room.room, room.nickname, self_flag,
                                    pbnetwork::STATUS_ONLINE)));
      if (!joined.subject().empty()) {
        pbnetwork::ConversationMessage subject;
        subject.set_username(user.user);
        subject.set_buddyname(room.room);
        subject.set_message(joined.subject());
        frames.push_back(
            WrapFrame(WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED, subject));
      }
      break;
    }
    case v1::Event::kChatJoinFailed: {
      const v1::ChatJoinFailed& failed = event.chat_join_failed();
      auto it = user.rooms.find(failed.chat());
      if (it == user.rooms.end()) break;
      int flag = pbnetwork::PARTICIPANT_FLAG_ROOM_NOT_FOUND;
      if (failed.error() == v1::CHAT_JOIN_ERROR_NOT_AUTHORIZED) {
        flag = pbnetwork::PARTICIPANT_FLAG_NOT_AUTHORIZED;
      } else if (failed.error() == v1::CHAT_JOIN_ERROR_NICKNAME_CONFLICT) {
        flag = pbnetwork::PARTICIPANT_FLAG_CONFLICT;
      }
      pbnetwork::Participant self =
          MakeParticipant(user, it->second.room, it->second.nickname, flag,
                          pbnetwork::STATUS_NONE);
      self.set_statusmessage(failed.message());
      frames.push_back(
          WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED, self));
      user.rooms.erase(it);
      break;
    }
    case v1::Event::kChatLeft: {
      const v1::ChatLeft& left = event.chat_left();
      auto it = user.rooms.find(left.chat());
      if (it == user.rooms.end()) break;
      pbnetwork::Participant self =
          MakeParticipant(user, it->second.room, it->second.nickname,
                          left.kicked() ? pbnetwork::PARTICIPANT_FLAG_KICKED
                                        : pbnetwork::PARTICIPANT_FLAG_NONE,
                          pbnetwork::STATUS_NONE);
      self.set_statusmessage(left.reason());
      frames.push_back(
          WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED, self));
      user.rooms.erase(it);
      break;
    }
    case v1::Event::kParticipantsJoined: {
      auto it = user.rooms.find(event.participants_joined().chat());
      if (it == user.rooms.end()) break;
      for (const v1::Participant& participant :
           event.participants_joined().participants()) {
        if (participant.is_self()) continue;
        it->second.participants[participant.nickname()] = participant;
        pbnetwork::Participant frame = MakeParticipant(
            user, it->second.room, participant.nickname(),
            ParticipantFlags(participant.role()), pbnetwork::STATUS_ONLINE);
        if (!participant.alias().empty()) frame.set_alias(participant.alias());
        frames.push_back(
            WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED, frame));
      }
      break;
    }
    case v1::Event::kParticipantLeft: {
      const v1::ParticipantLeft& left = event.participant_left();
      auto it = user.rooms.find(left.chat());
      if (it == user.rooms.end()) break;
      it->second.participants.erase(left.nickname());
      pbnetwork::Participant frame = MakeParticipant(
          user, it->second.room, left.nickname(),
          pbnetwork::PARTICIPANT_FLAG_NONE, pbnetwork::STATUS_NONE);
      frame.set_statusmessage(left.reason());
      frames.push_back(
          WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED, frame));
      break;
    }
    case v1::Event::kParticipantRenamed: {
      const v1::ParticipantRenamed& renamed = event.participant_renamed();
      auto it = user.rooms.find(renamed.chat());
      if (it == user.rooms.end()) break;
      RoomState& room = it->second;
      int flag = pbnetwork::PARTICIPANT_FLAG_NONE;
      std::string old_nickname = renamed.old_nickname();
      if (renamed.is_self()) {
        old_nickname = room.nickname;
        flag = room.self_flag;
        room.nickname = renamed.new_nickname();
      } else {
        auto known = room.participants.find(renamed.old_nickname());
        if (known != room.participants.end()) {
          v1::Participant participant = known->second;
          flag = ParticipantFlags(participant.role());
          room.participants.erase(known);
          participant.set_nickname(renamed.new_nickname());
          room.participants[renamed.new_nickname()] = participant;
        }
      }
      pbnetwork::Participant frame = MakeParticipant(
          user, room.room, old_nickname, flag, pbnetwork::STATUS_ONLINE);
      frame.set_newname(renamed.new_nickname());
      frames.push_back(
          WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED, frame));
      if (renamed.is_self()) {
        // The network renamed us: Spectrum shows the 303 on the old nick as
        // ours (it still knows that one), then learns the new nick and gets
        // our presence again under it, marked as ours.
        pbnetwork::Room nick;
        nick.set_username(user.user);
        nick.set_room(room.room);
        nick.set_nickname(room.nickname);
        nick.set_password(room.password);
        frames.push_back(
            WrapFrame(WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED, nick));
        frames.push_back(WrapFrame(
            WrapperMessage::TYPE_PARTICIPANT_CHANGED,
            MakeParticipant(user, room.room, room.nickname, room.self_flag,
                            pbnetwork::STATUS_ONLINE)));
      }
      break;
    }
    case v1::Event::kParticipantRoleChanged: {
      const v1::ParticipantRoleChanged& changed =
          event.participant_role_changed();
      auto it = user.rooms.find(changed.chat());
      if (it == user.rooms.end()) break;
      RoomState& room = it->second;
      if (changed.nickname() == room.nickname) {
        room.self_flag = ParticipantFlags(changed.role());
      }
      room.participants[changed.nickname()].set_nickname(changed.nickname());
      *room.participants[changed.nickname()].mutable_role() = changed.role();
      frames.push_back(
          WrapFrame(WrapperMessage::TYPE_PARTICIPANT_CHANGED,
                    MakeParticipant(user, room.room, changed.nickname(),
                                    ParticipantFlags(changed.role()),
                                    pbnetwork::STATUS_ONLINE)));
      break;
    }
    case v1::Event::kChatSubjectChanged: {
      const v1::ChatSubjectChanged& changed = event.chat_subject_changed();
      auto it = user.rooms.find(changed.chat());
      if (it == user.rooms.end()) break;
      pbnetwork::ConversationMessage subject;
      subject.set_username(user.user);
      subject.set_buddyname(it->second.room);
      subject.set_message(changed.subject());
      subject.set_nickname(changed.set_by());
      frames.push_back(
          WrapFrame(WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED, subject));
      break;
    }
    case v1::Event::kChatMessageReceived: {
      const v1::ChatMessageReceived& received = event.chat_message_received();
      auto it = user.rooms.find(received.chat());
      if (it == user.rooms.end()) break;
      // Our own message as the room shows it is nothing to mark read.
      if (!received.flags().sent_by_us())
        user.NoteUnread(received.chat(), true);
      if (!delivered.Deliver(
              absl::StrCat(received.chat(), "/", received.sender_nickname()),
              received.text(), received.time().seconds(),
              received.flags().delayed())) {
        out.log.push_back(absl::StrCat("replayed message in ", received.chat(),
                                       " already delivered; dropped"));
        break;
      }
      pbnetwork::ConversationMessage message;
      message.set_username(user.user);
      message.set_buddyname(it->second.room);
      message.set_nickname(received.sender_nickname());
      if (received.is_private()) message.set_pm(true);
      SetBodyAndTime(received.text(), received.html(), received.images(),
                     received.time(), received.flags().delayed(), now,
                     options_.web_storage, &message, &out.log);
      frames.push_back(WrapFrame(WrapperMessage::TYPE_CONV_MESSAGE, message));
      break;
    }
    case v1::Event::kChatInvitation: {
      const v1::ChatInvitation& invitation = event.chat_invitation();
      AddHelperMessage(
          user,
          absl::StrCat(
              invitation.sender(), " invites you to the room ",
              invitation.chat(), invitation.message().empty() ? "" : ": ",
              invitation.message(), "\nJoin it as a group chat to accept."),
          &frames);
      break;
    }
    case v1::Event::kRequestOpened: {
      const v1::RequestOpened& request = event.request_opened();
      user.requests[request.request_id()] = request;
      AddHelperMessage(user, FormatRequest(request), &frames);
      break;
    }
    case v1::Event::kRequestClosed: {
      const v1::RequestClosed& closed = event.request_closed();
      if (user.requests.erase(closed.request_id()) > 0 &&
          closed.reason() != v1::RequestClosed::REASON_ANSWERED &&
          closed.reason() != v1::RequestClosed::REASON_CANCELLED) {
        AddHelperMessage(user,
                         absl::StrCat("[Request #", closed.request_id(),
                                      "] closed; no answer is needed now."),
                         &frames);
      }
      break;
    }
    case v1::Event::kFileReceived:
      out.files.push_back(event.file_received());
      break;
    case v1::Event::kFileTransferFailed: {
      const v1::FileTransferFailed& failed = event.file_transfer_failed();
      AddHelperMessage(
          user,
          absl::StrCat("File transfer of '", failed.filename(), "' with ",
                       failed.peer(), " failed: ", failed.failure().message()),
          &frames);
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace lilac::shim
