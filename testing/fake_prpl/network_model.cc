#include "testing/fake_prpl/network_model.h"

#include <ctime>
#include <utility>

#include "absl/strings/str_cat.h"

namespace lilac::testing::fake {
namespace {

v1::ServerFrame LoginFailedFrame(v1::LoginError error,
                                 const std::string& message) {
  v1::ServerFrame frame;
  frame.mutable_login_failed()->set_error(error);
  frame.mutable_login_failed()->set_message(message);
  return frame;
}

std::string LoginErrorText(v1::LoginError error) {
  switch (error) {
    case v1::LOGIN_ERROR_WRONG_PASSWORD:
      return "Incorrect password";
    case v1::LOGIN_ERROR_UNKNOWN_USER:
      return "No such user";
    case v1::LOGIN_ERROR_RATE_LIMITED:
      return "Too many logins; try again later";
    case v1::LOGIN_ERROR_SERVER_ERROR:
      return "Internal server error";
    case v1::LOGIN_ERROR_WRONG_SECOND_FACTOR:
      return "Incorrect verification code";
    case v1::LOGIN_ERROR_SECOND_FACTOR_CANCELLED:
      return "Verification cancelled";
    default:
      return "Login refused";
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// Frames from clients.

void NetworkModel::OnFrame(ConnectionId id, v1::ClientFrame frame) {
  absl::MutexLock lock(&mutex_);
  Session& session = sessions_[id];
  if (frame.has_login()) {
    if (!session.account.empty()) {
      SendError(id, v1::PROTOCOL_ERROR_CODE_MALFORMED_FRAME,
                "already logged in on this connection", true);
      return;
    }
    HandleLogin(id, frame.login());
    v1::ClientFrame recorded = std::move(frame);
    recorded.mutable_login()->clear_password();  // never kept or logged
    const std::string username = recorded.login().username();
    Record(username, std::move(recorded));
    return;
  }
  if (!session.second_factor_question.empty() && frame.has_answer_question() &&
      frame.answer_question().question_id() == session.second_factor_question) {
    Record(session.account, frame);
    HandleAnswer(id, session, frame.answer_question());
    return;
  }
  if (!session.logged_in) {
    SendError(id, v1::PROTOCOL_ERROR_CODE_NOT_LOGGED_IN,
              "log in before anything else", true);
    return;
  }
  Record(session.account, frame);
  HandleLoggedIn(id, session, frame);
}

void NetworkModel::OnClosed(ConnectionId id) {
  absl::MutexLock lock(&mutex_);
  for (auto& [name, room] : rooms_) {
    if (room.members.count(id)) LeaveRoom(id, room, "Disconnected");
  }
  ForgetFilesOf(id);
  sessions_.erase(id);
}

void NetworkModel::HandleLogin(ConnectionId id, const v1::Login& login) {
  Session& session = sessions_[id];
  session.account = login.username();
  session.replay_unread = login.replay_unread();
  auto account = accounts_.find(login.username());
  if (account == accounts_.end()) {
    FailLogin(id, v1::LOGIN_ERROR_UNKNOWN_USER,
              absl::StrCat("No such user: ", login.username()));
    return;
  }
  v1::LoginRecord& record = account->second.logins.emplace_back();
  record.set_device_id(login.device_id());
  record.set_presented_token(login.session_token());
  record.set_token_valid(!login.session_token().empty() &&
                         login.session_token() == account->second.last_token);
  record.set_login_count(login.login_count());
  // Kept only until FinishLogin compares it, in a closure, never recorded.
  const bool password_ok = account->second.password == login.password();
  auto finish = [this, id, password_ok] {
    absl::MutexLock lock(&mutex_);
    auto session = sessions_.find(id);
    if (session == sessions_.end()) return;  // gone while we waited
    Account& account = accounts_[session->second.account];
    if (account.login.refusal != v1::LOGIN_ERROR_UNSPECIFIED) {
      FailLogin(id, account.login.refusal,
                LoginErrorText(account.login.refusal));
    } else if (!password_ok) {
      FailLogin(id, v1::LOGIN_ERROR_WRONG_PASSWORD,
                LoginErrorText(v1::LOGIN_ERROR_WRONG_PASSWORD));
    } else {
      FinishLogin(id);
    }
  };
  if (account->second.login.delay > absl::ZeroDuration()) {
    transport_->RunAfter(account->second.login.delay, std::move(finish));
  } else {
    // Runs on the loop thread after this frame, so the lock is free again.
    transport_->RunAfter(absl::ZeroDuration(), std::move(finish));
  }
}

void NetworkModel::FinishLogin(ConnectionId id) {
  Session& session = sessions_[id];
  const Account& account = accounts_[session.account];
  if (account.login.second_factor_code.empty()) {
    SucceedLogin(id, session);
    return;
  }
  session.second_factor_question = absl::StrCat("2fa-", next_id_++);
  v1::ServerFrame frame;
  v1::Question& question = *frame.mutable_question();
  question.set_question_id(session.second_factor_question);
  question.set_title("Two-factor authentication");
  question.set_primary("Enter the verification code");
  question.set_secondary(
      absl::StrCat("A code was sent to the phone of ", session.account, "."));
  question.mutable_input()->set_masked(false);
  Send(id, frame);
}

void NetworkModel::FailLogin(ConnectionId id, v1::LoginError error,
                             const std::string& message) {
  Send(id, LoginFailedFrame(error, message));
  transport_->CloseAfterFlush(id);
}

void NetworkModel::SucceedLogin(ConnectionId id, Session& session) {
  session.logged_in = true;
  session.second_factor_question.clear();
  Account& account = accounts_[session.account];
  v1::ServerFrame frame;
  v1::LoginSucceeded& ok = *frame.mutable_login_succeeded();
  // Rotating, like refresh tokens: only the newest one is valid.
  account.last_token = NewToken();
  ok.set_session_token(account.last_token);
  ok.set_display_name(account.info.full_name().empty()
                          ? session.account
                          : account.info.full_name());
  for (const auto& [name, buddy] : account.buddies) *ok.add_buddies() = buddy;
  for (const std::string& group : account.groups) ok.add_groups(group);
  Send(id, frame);
  if (!session.replay_unread) return;
  for (const UnreadMessage& unread : account.unread) {
    v1::ServerFrame replay;
    *replay.mutable_incoming_im() = unread.message;
    Send(id, replay);
  }
}

std::string NetworkModel::NewToken() {
  return absl::StrCat("tok-", absl::Hex(random_(), absl::kZeroPad16));
}

void NetworkModel::HandleAnswer(ConnectionId id, Session& session,
                                const v1::AnswerQuestion& answer) {
  const Account& account = accounts_[session.account];
  if (answer.cancelled()) {
    FailLogin(id, v1::LOGIN_ERROR_SECOND_FACTOR_CANCELLED,
              LoginErrorText(v1::LOGIN_ERROR_SECOND_FACTOR_CANCELLED));
  } else if (answer.text() != account.login.second_factor_code) {
    FailLogin(id, v1::LOGIN_ERROR_WRONG_SECOND_FACTOR,
              LoginErrorText(v1::LOGIN_ERROR_WRONG_SECOND_FACTOR));
  } else {
    SucceedLogin(id, session);
  }
}

void NetworkModel::HandleLoggedIn(ConnectionId id, Session& session,
                                  const v1::ClientFrame& frame) {
  Account& account = accounts_[session.account];
  v1::ServerFrame reply;
  switch (frame.frame_case()) {
    case v1::ClientFrame::kSendIm: {
      // Between two accounts of this server the message is delivered.
      v1::ServerFrame delivery;
      v1::IncomingIm& im = *delivery.mutable_incoming_im();
      im.set_message_id(frame.send_im().message_id());
      im.set_from(session.account);
      im.set_text(frame.send_im().text());
      im.set_format(v1::MESSAGE_FORMAT_HTML);
      for (ConnectionId peer : SessionsOf(frame.send_im().to())) {
        Send(peer, delivery);
      }
      break;
    }
    case v1::ClientFrame::kSetTyping: {
      v1::ServerFrame typing;
      typing.mutable_typing()->set_from(session.account);
      typing.mutable_typing()->set_state(frame.set_typing().state());
      for (ConnectionId peer : SessionsOf(frame.set_typing().to())) {
        Send(peer, typing);
      }
      break;
    }
    case v1::ClientFrame::kSendAttention: {
      v1::ServerFrame attention;
      attention.mutable_attention()->set_from(session.account);
      attention.mutable_attention()->set_type(frame.send_attention().type());
      for (ConnectionId peer : SessionsOf(frame.send_attention().to())) {
        Send(peer, attention);
      }
      break;
    }
    case v1::ClientFrame::kSetStatus: {
      // Everyone who lists us sees the change.
      v1::ServerFrame presence;
      presence.mutable_presence()->set_who(session.account);
      presence.mutable_presence()->set_status_id(
          frame.set_status().status_id());
      presence.mutable_presence()->set_message(frame.set_status().message());
      for (auto& [name, other] : accounts_) {
        auto buddy = other.buddies.find(session.account);
        if (buddy == other.buddies.end()) continue;
        buddy->second.set_status_id(frame.set_status().status_id());
        buddy->second.set_status_message(frame.set_status().message());
        for (ConnectionId peer : SessionsOf(name)) Send(peer, presence);
      }
      break;
    }
    case v1::ClientFrame::kAddBuddy: {
      v1::Buddy& buddy = account.buddies[frame.add_buddy().name()];
      buddy.set_name(frame.add_buddy().name());
      if (!frame.add_buddy().alias().empty()) {
        buddy.set_alias(frame.add_buddy().alias());
      }
      buddy.clear_groups();
      buddy.add_groups(frame.add_buddy().group());
      break;
    }
    case v1::ClientFrame::kRemoveBuddy:
      account.buddies.erase(frame.remove_buddy().name());
      break;
    case v1::ClientFrame::kAliasBuddy: {
      auto buddy = account.buddies.find(frame.alias_buddy().name());
      if (buddy != account.buddies.end()) {
        buddy->second.set_alias(frame.alias_buddy().alias());
      }
      break;
    }
    case v1::ClientFrame::kMoveBuddy: {
      auto buddy = account.buddies.find(frame.move_buddy().name());
      if (buddy != account.buddies.end()) {
        buddy->second.clear_groups();
        buddy->second.add_groups(frame.move_buddy().new_group());
      }
      break;
    }
    case v1::ClientFrame::kSetBlocked:
      if (frame.set_blocked().blocked()) {
        account.blocked.insert(frame.set_blocked().name());
      } else {
        account.blocked.erase(frame.set_blocked().name());
      }
      break;
    case v1::ClientFrame::kGetInfo: {
      const std::string& name = frame.get_info().name();
      if (unanswered_info_.count(name)) break;  // the lookup hangs
      v1::UserInfo& info = *reply.mutable_user_info();
      if (auto known = user_info_.find(name); known != user_info_.end()) {
        info = known->second;
      } else if (auto other = accounts_.find(name); other != accounts_.end()) {
        info = other->second.info;
      } else if (auto buddy = account.buddies.find(name);
                 buddy != account.buddies.end()) {
        info.set_nickname(buddy->second.alias());
        info.set_avatar(buddy->second.avatar());
      }
      info.set_name(name);
      Send(id, reply);
      break;
    }
    case v1::ClientFrame::kJoinRoom:
      HandleJoinRoom(id, session, frame.join_room());
      break;
    case v1::ClientFrame::kLeaveRoom: {
      auto room = rooms_.find(frame.leave_room().room());
      if (room != rooms_.end() && room->second.members.count(id)) {
        LeaveRoom(id, room->second, "");
      }
      break;
    }
    case v1::ClientFrame::kSendRoomMessage: {
      auto room = rooms_.find(frame.send_room_message().room());
      if (room == rooms_.end() || !room->second.members.count(id)) {
        SendError(
            id, v1::PROTOCOL_ERROR_CODE_UNKNOWN_ROOM,
            absl::StrCat("not in room ", frame.send_room_message().room()),
            false);
        break;
      }
      v1::ServerFrame message;
      v1::RoomMessage& out = *message.mutable_room_message();
      out.set_message_id(frame.send_room_message().message_id());
      out.set_room(room->first);
      out.set_from(room->second.members[id]);
      out.set_text(frame.send_room_message().text());
      out.set_format(v1::MESSAGE_FORMAT_HTML);
      // The sender's plugin echoes its own message.
      Broadcast(room->second, message, id);
      break;
    }
    case v1::ClientFrame::kInviteToRoom: {
      v1::ServerFrame invitation;
      v1::RoomInvitation& out = *invitation.mutable_room_invitation();
      out.set_room(frame.invite_to_room().room());
      out.set_from(session.account);
      out.set_message(frame.invite_to_room().message());
      for (ConnectionId peer : SessionsOf(frame.invite_to_room().who())) {
        Send(peer, invitation);
      }
      break;
    }
    case v1::ClientFrame::kSetRoomSubject: {
      auto room = rooms_.find(frame.set_room_subject().room());
      if (room == rooms_.end() || !room->second.members.count(id)) {
        SendError(id, v1::PROTOCOL_ERROR_CODE_UNKNOWN_ROOM,
                  absl::StrCat("not in room ", frame.set_room_subject().room()),
                  false);
        break;
      }
      room->second.spec.set_subject(frame.set_room_subject().subject());
      room->second.spec.set_subject_setter(room->second.members[id]);
      v1::ServerFrame changed;
      v1::RoomSubjectChanged& out = *changed.mutable_room_subject_changed();
      out.set_room(room->first);
      out.set_subject(room->second.spec.subject());
      out.set_setter(room->second.spec.subject_setter());
      Broadcast(room->second, changed);  // the setter sees it confirmed
      break;
    }
    case v1::ClientFrame::kListRooms:
      for (const auto& [name, room] : rooms_) {
        v1::RoomListing& listing = *reply.mutable_room_list()->add_rooms();
        listing.set_name(name);
        listing.set_subject(room.spec.subject());
        listing.set_participant_count(ParticipantsOf(room).size());
        listing.set_password_protected(!room.spec.password().empty());
      }
      if (!reply.has_room_list()) reply.mutable_room_list();
      Send(id, reply);
      break;
    case v1::ClientFrame::kSetAvatar:
      account.info.set_avatar(frame.set_avatar().image());
      break;
    case v1::ClientFrame::kSetNickname:
      account.info.set_nickname(frame.set_nickname().nickname());
      break;
    case v1::ClientFrame::kAnswerQuestion:
      if (auto held =
              session.held_joins.find(frame.answer_question().question_id());
          held != session.held_joins.end()) {
        const v1::JoinRoom join = held->second;
        session.held_joins.erase(held);
        if (!frame.answer_question().cancelled()) {
          HandleJoinRoom(id, session, join, /*answered=*/true);
          break;
        }
        v1::RoomJoinFailed& failed = *reply.mutable_room_join_failed();
        failed.set_room(join.room());
        failed.set_message("The join was cancelled");
        Send(id, reply);
        break;
      }
      if (!session.open_questions.erase(
              frame.answer_question().question_id())) {
        SendError(id, v1::PROTOCOL_ERROR_CODE_UNKNOWN_QUESTION,
                  absl::StrCat("no open question ",
                               frame.answer_question().question_id()),
                  false);
      }
      break;
    case v1::ClientFrame::kMarkRead: {
      auto& unread = account.unread;
      const std::string& conversation = frame.mark_read().conversation();
      for (auto it = unread.begin(); it != unread.end();) {
        it = it->conversation == conversation ? unread.erase(it) : it + 1;
      }
      break;
    }
    case v1::ClientFrame::kFetchContact: {
      const std::string& name = frame.fetch_contact().name();
      reply.mutable_contact_info()->set_name(name);
      if (auto buddy = account.buddies.find(name);
          buddy != account.buddies.end()) {
        reply.mutable_contact_info()->set_alias(buddy->second.alias());
      } else if (auto known = user_info_.find(name);
                 known != user_info_.end()) {
        reply.mutable_contact_info()->set_alias(known->second.full_name());
      }
      Send(id, reply);
      break;
    }
    case v1::ClientFrame::kOfferFile:
    case v1::ClientFrame::kAcceptFile:
    case v1::ClientFrame::kFileData:
    case v1::ClientFrame::kFileEnd:
    case v1::ClientFrame::kCancelFile:
      HandleFileFrame(id, session, frame);
      break;
    default:  // recorded for the test; nothing else to do
      break;
  }
}

void NetworkModel::HandleJoinRoom(ConnectionId id, Session& session,
                                  const v1::JoinRoom& join, bool answered) {
  v1::ServerFrame reply;
  auto fail = [&](v1::RoomJoinError error, const std::string& message) {
    v1::RoomJoinFailed& failed = *reply.mutable_room_join_failed();
    failed.set_room(join.room());
    failed.set_error(error);
    failed.set_message(message);
    Send(id, reply);
  };
  auto found = rooms_.find(join.room());
  if (found == rooms_.end()) {
    fail(v1::ROOM_JOIN_ERROR_NO_SUCH_ROOM,
         absl::StrCat("No such room: ", join.room()));
    return;
  }
  Room& room = found->second;
  if (!room.spec.password().empty() &&
      room.spec.password() != join.password()) {
    fail(v1::ROOM_JOIN_ERROR_WRONG_PASSWORD, "Incorrect room password");
    return;
  }
  if (room.spec.has_join_question() && !answered &&
      room.members.count(id) == 0) {
    v1::ServerFrame asked;
    v1::Question& question = *asked.mutable_question();
    question = room.spec.join_question();
    question.set_question_id(absl::StrCat("join-", next_id_++));
    question.set_room(join.room());
    session.held_joins[question.question_id()] = join;
    Send(id, asked);
    return;
  }
  const std::string nick = join.nick().empty() ? session.account : join.nick();
  auto already = room.members.find(id);
  if (already == room.members.end()) {
    if (NickTaken(room, nick)) {
      fail(v1::ROOM_JOIN_ERROR_NICK_IN_USE,
           absl::StrCat("Nickname already in use: ", nick));
      return;
    }
    v1::ServerFrame joined;
    joined.mutable_participant_joined()->set_room(join.room());
    joined.mutable_participant_joined()->mutable_participant()->set_nick(nick);
    Broadcast(room, joined);
    room.members[id] = nick;
  }
  v1::RoomJoined& ok = *reply.mutable_room_joined();
  ok.set_room(join.room());
  ok.set_nick(room.members[id]);
  for (v1::Participant& participant : ParticipantsOf(room)) {
    *ok.add_participants() = std::move(participant);
  }
  ok.set_subject(room.spec.subject());
  ok.set_subject_setter(room.spec.subject_setter());
  Send(id, reply);
}

void NetworkModel::LeaveRoom(ConnectionId id, Room& room,
                             const std::string& reason) {
  const std::string nick = room.members[id];
  room.members.erase(id);
  v1::ServerFrame left;
  left.mutable_participant_left()->set_room(room.spec.name());
  left.mutable_participant_left()->set_nick(nick);
  left.mutable_participant_left()->set_reason(reason);
  Broadcast(room, left);
}

void NetworkModel::SendError(ConnectionId id, v1::ProtocolErrorCode code,
                             const std::string& message, bool fatal) {
  v1::ServerFrame frame;
  frame.mutable_protocol_error()->set_code(code);
  frame.mutable_protocol_error()->set_message(message);
  frame.mutable_protocol_error()->set_fatal(fatal);
  Send(id, frame);
  if (fatal) transport_->CloseAfterFlush(id);
}

void NetworkModel::Record(const std::string& account, v1::ClientFrame frame) {
  recorded_.push_back({next_sequence_++, account, std::move(frame)});
}

// ---------------------------------------------------------------------------
// Helpers.

std::vector<ConnectionId> NetworkModel::SessionsOf(
    const std::string& account) const {
  std::vector<ConnectionId> ids;
  for (const auto& [id, session] : sessions_) {
    if (session.logged_in && session.account == account) ids.push_back(id);
  }
  return ids;
}

void NetworkModel::Broadcast(const Room& room, const v1::ServerFrame& frame,
                             ConnectionId except) {
  for (const auto& [id, nick] : room.members) {
    if (id != except) Send(id, frame);
  }
}

absl::StatusOr<NetworkModel::Account*> NetworkModel::FindAccount(
    const std::string& name) {
  auto it = accounts_.find(name);
  if (it == accounts_.end()) {
    return absl::NotFoundError(absl::StrCat("no account ", name));
  }
  return &it->second;
}

absl::StatusOr<NetworkModel::Room*> NetworkModel::FindRoom(
    const std::string& name) {
  auto it = rooms_.find(name);
  if (it == rooms_.end()) {
    return absl::NotFoundError(absl::StrCat("no room ", name));
  }
  return &it->second;
}

absl::Status NetworkModel::RequireConnected(const std::string& account) const {
  if (!accounts_.count(account)) {
    return absl::NotFoundError(absl::StrCat("no account ", account));
  }
  if (SessionsOf(account).empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("account ", account, " is not connected"));
  }
  return absl::OkStatus();
}

std::vector<v1::Participant> NetworkModel::ParticipantsOf(
    const Room& room) const {
  std::vector<v1::Participant> participants(room.spec.participants().begin(),
                                            room.spec.participants().end());
  for (const auto& [id, nick] : room.members) {
    v1::Participant member;
    member.set_nick(nick);
    participants.push_back(member);
  }
  return participants;
}

bool NetworkModel::NickTaken(const Room& room, const std::string& nick) const {
  for (const v1::Participant& participant : ParticipantsOf(room)) {
    if (participant.nick() == nick) return true;
  }
  return false;
}

}  // namespace lilac::testing::fake
