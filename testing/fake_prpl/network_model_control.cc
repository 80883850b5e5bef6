// NetworkModel's control operations: what tests ask of the fake network.
#include <ctime>
#include <utility>

#include "absl/strings/str_cat.h"
#include "testing/fake_prpl/network_model.h"

namespace lilac::testing::fake {

absl::Status NetworkModel::CreateAccount(
    const v1::CreateAccountRequest& request) {
  if (request.username().empty()) {
    return absl::InvalidArgumentError("username is required");
  }
  absl::MutexLock lock(&mutex_);
  if (accounts_.count(request.username())) {
    return absl::AlreadyExistsError(
        absl::StrCat("account ", request.username(), " exists"));
  }
  Account& account = accounts_[request.username()];
  account.password = request.password();
  account.info.set_name(request.username());
  account.info.set_full_name(request.full_name());
  account.info.set_nickname(request.nickname());
  account.info.set_avatar(request.avatar());
  return absl::OkStatus();
}

absl::Status NetworkModel::AddBuddy(const std::string& account_name,
                                    const v1::Buddy& buddy) {
  if (buddy.name().empty()) {
    return absl::InvalidArgumentError("buddy name is required");
  }
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(account_name);
  if (!account.ok()) return account.status();
  (*account)->buddies[buddy.name()] = buddy;
  for (const std::string& group : buddy.groups()) {
    (*account)->groups.insert(group);
  }
  v1::ServerFrame frame;
  *frame.mutable_buddy_added()->mutable_buddy() = buddy;
  for (ConnectionId id : SessionsOf(account_name)) Send(id, frame);
  return absl::OkStatus();
}

absl::Status NetworkModel::RemoveBuddy(const std::string& account_name,
                                       const std::string& name) {
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(account_name);
  if (!account.ok()) return account.status();
  if (!(*account)->buddies.erase(name)) {
    return absl::NotFoundError(
        absl::StrCat(account_name, " has no buddy ", name));
  }
  v1::ServerFrame frame;
  frame.mutable_buddy_removed()->set_name(name);
  for (ConnectionId id : SessionsOf(account_name)) Send(id, frame);
  return absl::OkStatus();
}

absl::Status NetworkModel::CreateGroup(const std::string& account_name,
                                       const std::string& group) {
  if (group.empty()) return absl::InvalidArgumentError("group is required");
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(account_name);
  if (!account.ok()) return account.status();
  (*account)->groups.insert(group);
  return absl::OkStatus();
}

absl::Status NetworkModel::CreateRoom(const v1::CreateRoomRequest& request) {
  if (request.name().empty()) {
    return absl::InvalidArgumentError("room name is required");
  }
  absl::MutexLock lock(&mutex_);
  if (rooms_.count(request.name())) {
    return absl::AlreadyExistsError(
        absl::StrCat("room ", request.name(), " exists"));
  }
  rooms_[request.name()].spec = request;
  return absl::OkStatus();
}

absl::Status NetworkModel::SetUserInfo(const v1::UserInfo& info,
                                       bool never_answer) {
  if (info.name().empty())
    return absl::InvalidArgumentError("name is required");
  absl::MutexLock lock(&mutex_);
  user_info_[info.name()] = info;
  if (never_answer) {
    unanswered_info_.insert(info.name());
  } else {
    unanswered_info_.erase(info.name());
  }
  return absl::OkStatus();
}

absl::Status NetworkModel::SetLoginBehavior(
    const v1::SetLoginBehaviorRequest& request) {
  if (request.delay_ms() < 0) {
    return absl::InvalidArgumentError("delay_ms must not be negative");
  }
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(request.account());
  if (!account.ok()) return account.status();
  LoginBehavior& login = (*account)->login;
  login.delay = absl::Milliseconds(request.delay_ms());
  login.refusal = request.refusal();
  login.second_factor_code = request.second_factor_code();
  return absl::OkStatus();
}

absl::StatusOr<std::string> NetworkModel::InjectMessage(
    const std::string& account_name, v1::IncomingIm message) {
  absl::MutexLock lock(&mutex_);
  if (absl::Status connected = RequireConnected(account_name);
      !connected.ok()) {
    return connected;
  }
  if (message.message_id().empty()) {
    message.set_message_id(absl::StrCat("srv-", next_id_++));
  }
  if (message.sent_to().empty()) {
    // Unread until a client marks the conversation read; replayed at login
    // to clients that ask for it. Replays carry the original time.
    UnreadMessage unread{message.from(), message};
    if (unread.message.server_time() == 0) {
      unread.message.set_server_time(std::time(nullptr));
    }
    accounts_[account_name].unread.push_back(std::move(unread));
  }
  v1::ServerFrame frame;
  *frame.mutable_incoming_im() = message;
  for (ConnectionId id : SessionsOf(account_name)) Send(id, frame);
  return message.message_id();
}

absl::Status NetworkModel::SendToAccount(const std::string& account,
                                         const v1::ServerFrame& frame) {
  absl::MutexLock lock(&mutex_);
  if (absl::Status connected = RequireConnected(account); !connected.ok()) {
    return connected;
  }
  for (ConnectionId id : SessionsOf(account)) Send(id, frame);
  return absl::OkStatus();
}

absl::Status NetworkModel::InjectPresence(const std::string& account_name,
                                          const v1::Presence& presence) {
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(account_name);
  if (!account.ok()) return account.status();
  auto buddy = (*account)->buddies.find(presence.who());
  if (buddy != (*account)->buddies.end()) {
    buddy->second.set_status_id(presence.status_id());
    buddy->second.set_status_message(presence.message());
  }
  v1::ServerFrame frame;
  *frame.mutable_presence() = presence;
  for (ConnectionId id : SessionsOf(account_name)) Send(id, frame);
  return absl::OkStatus();
}

absl::StatusOr<int> NetworkModel::InjectRoomEvent(
    const v1::InjectRoomEventRequest& event) {
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Room*> found = FindRoom(event.room());
  if (!found.ok()) return found.status();
  Room& room = **found;
  auto* participants = room.spec.mutable_participants();
  auto find_participant = [&](const std::string& nick) {
    for (auto it = participants->begin(); it != participants->end(); ++it) {
      if (it->nick() == nick) return it;
    }
    return participants->end();
  };
  auto missing = [&](const std::string& nick) {
    return absl::NotFoundError(
        absl::StrCat("no participant ", nick, " in room ", event.room()));
  };
  v1::ServerFrame frame;
  switch (event.event_case()) {
    case v1::InjectRoomEventRequest::kParticipantJoined:
      if (NickTaken(room, event.participant_joined().nick())) {
        return absl::AlreadyExistsError(absl::StrCat(
            event.participant_joined().nick(), " is already in the room"));
      }
      *participants->Add() = event.participant_joined();
      frame.mutable_participant_joined()->set_room(event.room());
      *frame.mutable_participant_joined()->mutable_participant() =
          event.participant_joined();
      break;
    case v1::InjectRoomEventRequest::kParticipantLeft: {
      auto it = find_participant(event.participant_left().nick());
      if (it == participants->end()) {
        return missing(event.participant_left().nick());
      }
      participants->erase(it);
      *frame.mutable_participant_left() = event.participant_left();
      break;
    }
    case v1::InjectRoomEventRequest::kParticipantRenamed: {
      auto it = find_participant(event.participant_renamed().old_nick());
      if (it == participants->end()) {
        return missing(event.participant_renamed().old_nick());
      }
      it->set_nick(event.participant_renamed().new_nick());
      *frame.mutable_participant_renamed() = event.participant_renamed();
      break;
    }
    case v1::InjectRoomEventRequest::kParticipantRoleChanged: {
      auto it = find_participant(event.participant_role_changed().nick());
      if (it == participants->end()) {
        return missing(event.participant_role_changed().nick());
      }
      it->set_role(event.participant_role_changed().role());
      *frame.mutable_participant_role_changed() =
          event.participant_role_changed();
      break;
    }
    case v1::InjectRoomEventRequest::kSubjectChanged:
      room.spec.set_subject(event.subject_changed().subject());
      room.spec.set_subject_setter(event.subject_changed().setter());
      *frame.mutable_room_subject_changed() = event.subject_changed();
      break;
    case v1::InjectRoomEventRequest::kMessage:
      *frame.mutable_room_message() = event.message();
      if (frame.room_message().message_id().empty()) {
        frame.mutable_room_message()->set_message_id(
            absl::StrCat("srv-", next_id_++));
      }
      break;
    case v1::InjectRoomEventRequest::kPrivateMessage:
      *frame.mutable_room_private_message() = event.private_message();
      break;
    case v1::InjectRoomEventRequest::kInvitation:
      *frame.mutable_room_invitation() = event.invitation();
      break;
    case v1::InjectRoomEventRequest::kKicked:
      *frame.mutable_room_kicked() = event.kicked();
      break;
    default:
      return absl::InvalidArgumentError("no room event given");
  }
  // Every frame names its room; the request's room is the one that counts.
  switch (frame.frame_case()) {
    case v1::ServerFrame::kParticipantLeft:
      frame.mutable_participant_left()->set_room(event.room());
      break;
    case v1::ServerFrame::kParticipantRenamed:
      frame.mutable_participant_renamed()->set_room(event.room());
      break;
    case v1::ServerFrame::kParticipantRoleChanged:
      frame.mutable_participant_role_changed()->set_room(event.room());
      break;
    case v1::ServerFrame::kRoomSubjectChanged:
      frame.mutable_room_subject_changed()->set_room(event.room());
      break;
    case v1::ServerFrame::kRoomMessage:
      frame.mutable_room_message()->set_room(event.room());
      break;
    case v1::ServerFrame::kRoomPrivateMessage:
      frame.mutable_room_private_message()->set_room(event.room());
      break;
    case v1::ServerFrame::kRoomInvitation:
      frame.mutable_room_invitation()->set_room(event.room());
      break;
    case v1::ServerFrame::kRoomKicked:
      frame.mutable_room_kicked()->set_room(event.room());
      break;
    default:
      break;
  }

  const bool to_one_account = frame.has_room_private_message() ||
                              frame.has_room_invitation() ||
                              frame.has_room_kicked();
  if (!to_one_account) {
    Broadcast(room, frame);
    return static_cast<int>(room.members.size());
  }
  if (absl::Status connected = RequireConnected(event.account());
      !connected.ok()) {
    return connected;
  }
  const std::vector<ConnectionId> targets = SessionsOf(event.account());
  for (ConnectionId id : targets) {
    if (frame.has_room_kicked()) {
      if (!room.members.count(id)) continue;
      Send(id, frame);
      LeaveRoom(id, room, absl::StrCat("Kicked: ", event.kicked().reason()));
    } else {
      Send(id, frame);
    }
  }
  return static_cast<int>(targets.size());
}

absl::StatusOr<std::string> NetworkModel::AskQuestion(
    const std::string& account, v1::Question question) {
  if (question.kind_case() == v1::Question::KIND_NOT_SET) {
    return absl::InvalidArgumentError(
        "a question needs input, action or fields");
  }
  absl::MutexLock lock(&mutex_);
  if (absl::Status connected = RequireConnected(account); !connected.ok()) {
    return connected;
  }
  if (question.question_id().empty()) {
    question.set_question_id(absl::StrCat("q-", next_id_++));
  }
  v1::ServerFrame frame;
  *frame.mutable_question() = question;
  for (ConnectionId id : SessionsOf(account)) {
    sessions_[id].open_questions.insert(question.question_id());
    Send(id, frame);
  }
  return question.question_id();
}

absl::StatusOr<v1::WaitForClientFrameResponse> NetworkModel::WaitForClientFrame(
    const v1::WaitForClientFrameRequest& request) {
  const RecordedFrame* found = nullptr;
  auto matches = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    for (const RecordedFrame& recorded : recorded_) {
      if (recorded.sequence <= request.after_sequence()) continue;
      if (recorded.account != request.account()) continue;
      if (request.kind() != 0 &&
          recorded.frame.frame_case() != request.kind()) {
        continue;
      }
      found = &recorded;
      return true;
    }
    return false;
  };
  absl::MutexLock lock(&mutex_);
  if (!mutex_.AwaitWithTimeout(absl::Condition(&matches),
                               absl::Milliseconds(request.timeout_ms()))) {
    return absl::DeadlineExceededError(absl::StrCat(
        "no frame of kind ", request.kind(), " from ", request.account(),
        " after sequence ", request.after_sequence(), " within ",
        request.timeout_ms(), " ms"));
  }
  v1::WaitForClientFrameResponse response;
  response.set_sequence(found->sequence);
  *response.mutable_frame() = found->frame;
  return response;
}

absl::StatusOr<std::string> NetworkModel::RefreshToken(
    const std::string& account_name) {
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(account_name);
  if (!account.ok()) return account.status();
  (*account)->last_token = NewToken();
  v1::ServerFrame frame;
  frame.mutable_token_refreshed()->set_session_token((*account)->last_token);
  for (const auto& [id, session] : sessions_) {
    if (session.account == account_name && session.logged_in) Send(id, frame);
  }
  return (*account)->last_token;
}

absl::StatusOr<int> NetworkModel::Misbehave(const std::string& account_name,
                                            v1::Misbehave::Kind kind) {
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(account_name);
  if (!account.ok()) return account.status();
  v1::ServerFrame frame;
  frame.mutable_misbehave()->set_kind(kind);
  int told = 0;
  for (const auto& [id, session] : sessions_) {
    if (session.account != account_name || !session.logged_in) continue;
    Send(id, frame);
    ++told;
  }
  return told;
}

int NetworkModel::Disconnect(const std::string& account) {
  if (account.empty()) return transport_->CutAll();
  absl::MutexLock lock(&mutex_);
  int closed = 0;
  for (const auto& [id, session] : sessions_) {
    if (session.account != account) continue;
    transport_->Cut(id);
    ++closed;
  }
  return closed;
}

absl::StatusOr<v1::GetAccountStateResponse> NetworkModel::GetAccountState(
    const std::string& account_name) {
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<Account*> account = FindAccount(account_name);
  if (!account.ok()) return account.status();
  v1::GetAccountStateResponse state;
  state.set_connected(!SessionsOf(account_name).empty());
  state.set_unread_messages((*account)->unread.size());
  for (const v1::LoginRecord& login : (*account)->logins) {
    *state.add_logins() = login;
  }
  return state;
}

}  // namespace lilac::testing::fake
