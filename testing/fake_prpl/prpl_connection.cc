#include "testing/fake_prpl/prpl_connection.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "testing/fake_prpl/prpl_flavor.h"
#include "testing/fake_prpl/prpl_incoming.h"
#include "testing/fake_prpl/prpl_state.h"

namespace lilac::testing::fake {

constexpr char kDefaultServer[] = "127.0.0.1";
constexpr int kDefaultPort = 5999;

FakeConnection::FakeConnection(PurpleConnection* gc)
    : gc_(gc), files_(std::make_unique<FileTransfers>(this)) {}

FakeConnection::~FakeConnection() {
  // Transfers first: cancelling them may still send frames.
  files_.reset();
  // Requests first: their user data is owned here.
  purple_request_close_with_handle(gc_);
  if (!authorizations_.empty()) {
    purple_account_request_close_with_account(account());
  }
  if (roomlist != nullptr) {
    purple_roomlist_set_in_progress(roomlist, FALSE);
    purple_roomlist_unref(roomlist);
  }
  if (connect_data_ != nullptr) purple_proxy_connect_cancel(connect_data_);
  RemoveWatches();
  if (fd_ >= 0) close(fd_);
}

FakeConnection* FakeConnection::From(PurpleConnection* gc) {
  if (gc == nullptr) return nullptr;
  return static_cast<FakeConnection*>(purple_connection_get_protocol_data(gc));
}

void FakeConnection::Connect() {
  PurpleAccount* account = this->account();
  const char* server =
      purple_account_get_string(account, "server", kDefaultServer);
  const int port = purple_account_get_int(account, "port", kDefaultPort);
  purple_connection_update_progress(gc_, "Connecting", 0, 3);
  connect_data_ =
      purple_proxy_connect(gc_, account, server, port, OnConnected, this);
  if (connect_data_ == nullptr) {
    Fail(PURPLE_CONNECTION_ERROR_NETWORK_ERROR,
         absl::StrCat("Unable to connect to ", server, ":", port));
  }
}

void FakeConnection::OnConnected(gpointer data, gint fd, const gchar* error) {
  auto* self = static_cast<FakeConnection*>(data);
  self->connect_data_ = nullptr;
  if (fd < 0) {
    self->Fail(PURPLE_CONNECTION_ERROR_NETWORK_ERROR,
               absl::StrCat("Unable to connect: ", error ? error : "unknown"));
    return;
  }
  self->fd_ = fd;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  self->read_watch_ = purple_input_add(fd, PURPLE_INPUT_READ, OnReadable, self);
  purple_connection_update_progress(self->gc_, "Authenticating", 1, 3);

  PurpleAccount* account = self->account();
  v1::ClientFrame frame;
  v1::Login& login = *frame.mutable_login();
  login.set_username(purple_account_get_username(account));
  const char* password = purple_connection_get_password(self->gc_);
  login.set_password(password ? password : "");
  login.set_protocol_id(Flavor().id);
  login.set_replay_unread(
      Flavor().facebook &&
      purple_account_get_bool(account, "show-unread", TRUE));
  // Undeclared, as real plugins read some settings (see fake_network.proto).
  const char* report =
      purple_account_get_string(account, "report-strings", nullptr);
  for (absl::string_view key :
       absl::StrSplit(report ? report : "", ',', absl::SkipEmpty())) {
    const std::string name(key);
    const char* value =
        purple_account_get_string(account, name.c_str(), nullptr);
    if (value != nullptr) (*login.mutable_account_strings())[name] = value;
  }
  // State on disk and the token of the last login (see prpl_state.h).
  const DiskState state = LoadDiskStateForLogin(account);
  login.set_device_id(state.device_id);
  login.set_login_count(state.login_count);
  login.set_session_token(StoredSessionToken(account));
  self->Send(frame);
}

void FakeConnection::OnReadable(gpointer data, gint, PurpleInputCondition) {
  auto* self = static_cast<FakeConnection*>(data);
  bool closed = false;
  std::string error;
  char buffer[16384];
  // At most 64 KiB per wakeup, as real plugins read a bounded chunk: the
  // loop stays responsive under a flood, and what is left waits in the
  // kernel (the input fires again).
  for (int reads = 0; reads < 4; ++reads) {
    const ssize_t got = read(self->fd_, buffer, sizeof(buffer));
    if (got > 0) {
      self->reader_.Append(absl::string_view(buffer, got));
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) break;
    closed = true;
    if (got < 0) error = std::strerror(errno);
    break;
  }
  // Frames that arrived before the close count: a login refusal is followed
  // by the server closing the socket.
  while (!self->failed_) {
    absl::StatusOr<std::optional<std::string>> payload = self->reader_.Next();
    if (!payload.ok()) {
      self->Fail(PURPLE_CONNECTION_ERROR_NETWORK_ERROR,
                 std::string(payload.status().message()));
      return;
    }
    if (!payload->has_value()) break;
    v1::ServerFrame frame;
    if (!frame.ParseFromString(**payload)) {
      self->Fail(PURPLE_CONNECTION_ERROR_NETWORK_ERROR,
                 "Malformed frame from the server");
      return;
    }
    HandleServerFrame(*self, frame);
  }
  if (closed && !self->failed_) {
    self->Fail(PURPLE_CONNECTION_ERROR_NETWORK_ERROR,
               error.empty()
                   ? "Server closed the connection"
                   : absl::StrCat("Lost connection with server: ", error));
  }
}

void FakeConnection::OnWritable(gpointer data, gint, PurpleInputCondition) {
  static_cast<FakeConnection*>(data)->Flush();
}

void FakeConnection::Send(const v1::ClientFrame& frame) {
  if (fd_ < 0 || failed_) return;
  outbox_ += EncodeFrame(frame);
  Flush();
}

void FakeConnection::Flush() {
  while (!outbox_.empty()) {
    const ssize_t sent =
        send(fd_, outbox_.data(), outbox_.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      outbox_.erase(0, sent);
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EINTR)) break;
    Fail(PURPLE_CONNECTION_ERROR_NETWORK_ERROR,
         absl::StrCat("Lost connection with server: ", std::strerror(errno)));
    return;
  }
  if (outbox_.empty() && write_watch_ != 0) {
    purple_input_remove(write_watch_);
    write_watch_ = 0;
  } else if (!outbox_.empty() && write_watch_ == 0) {
    write_watch_ = purple_input_add(fd_, PURPLE_INPUT_WRITE, OnWritable, this);
  }
}

void FakeConnection::Fail(PurpleConnectionError reason,
                          const std::string& message) {
  if (failed_) return;
  failed_ = true;
  RemoveWatches();
  // libpurple disconnects the account from a timeout; close() frees us then.
  purple_connection_error_reason(gc_, reason, message.c_str());
}

void FakeConnection::RemoveWatches() {
  if (read_watch_ != 0) purple_input_remove(read_watch_);
  if (write_watch_ != 0) purple_input_remove(write_watch_);
  read_watch_ = write_watch_ = 0;
}

std::string FakeConnection::NextMessageId() {
  return absl::StrCat("c-", next_message_id_++);
}

int FakeConnection::ChatIdOf(const std::string& room) {
  auto it = ids_by_room_.find(room);
  if (it != ids_by_room_.end()) return it->second;
  const int id = static_cast<int>(ids_by_room_.size()) + 1;
  ids_by_room_[room] = id;
  rooms_by_id_[id] = room;
  return id;
}

std::string FakeConnection::RoomOf(int id) const {
  auto it = rooms_by_id_.find(id);
  return it == rooms_by_id_.end() ? "" : it->second;
}

PendingQuestion* FakeConnection::AddQuestion(const v1::Question& question) {
  auto pending = std::make_unique<PendingQuestion>();
  pending->connection = this;
  pending->question = question;
  PendingQuestion* raw = pending.get();
  questions_[question.question_id()] = std::move(pending);
  return raw;
}

PendingQuestion* FakeConnection::FindQuestion(const std::string& id) {
  auto it = questions_.find(id);
  return it == questions_.end() ? nullptr : it->second.get();
}

void FakeConnection::RemoveQuestion(const std::string& id) {
  questions_.erase(id);
}

PendingAuthorization* FakeConnection::AddAuthorization(
    const std::string& from) {
  authorizations_.push_back(
      std::make_unique<PendingAuthorization>(PendingAuthorization{this, from}));
  return authorizations_.back().get();
}

void FakeConnection::RemoveAuthorization(PendingAuthorization* authorization) {
  for (auto it = authorizations_.begin(); it != authorizations_.end(); ++it) {
    if (it->get() == authorization) {
      authorizations_.erase(it);
      return;
    }
  }
}

}  // namespace lilac::testing::fake
