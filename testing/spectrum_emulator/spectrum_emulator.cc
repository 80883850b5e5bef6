#include "testing/spectrum_emulator/spectrum_emulator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "testing/spectrum_emulator/frame_codec.h"

namespace lilac::spectrum {
namespace {

using pbnetwork::WrapperMessage;

absl::Status ErrnoStatus(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

int PollTimeoutMs(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return -1;
  const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
  return static_cast<int>(std::clamp<int64_t>(ms + 1, 0, 1 << 30));
}

}  // namespace

SpectrumEmulator::SpectrumEmulator(Options options)
    : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<SpectrumEmulator>> SpectrumEmulator::Listen(
    Options options) {
  std::unique_ptr<SpectrumEmulator> emulator(
      new SpectrumEmulator(std::move(options)));
  absl::Status listening = emulator->StartListening();
  if (!listening.ok()) return listening;
  return emulator;
}

absl::StatusOr<std::unique_ptr<SpectrumEmulator>> SpectrumEmulator::Start(
    Options options) {
  if (options.backend_command.empty()) {
    return absl::InvalidArgumentError("no backend_command to launch");
  }
  const absl::Duration timeout = options.connect_timeout;
  absl::StatusOr<std::unique_ptr<SpectrumEmulator>> emulator =
      Listen(std::move(options));
  if (!emulator.ok()) return emulator.status();
  absl::Status launched = (*emulator)->LaunchBackend();
  if (!launched.ok()) return launched;
  absl::Status accepted = (*emulator)->AcceptBackend(timeout);
  if (!accepted.ok()) return accepted;
  return emulator;
}

absl::Status SpectrumEmulator::StartListening() {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return ErrnoStatus("eventfd");
  // CLOEXEC: the backend must not inherit Spectrum's sockets (Spectrum
  // closes every fd above 2 in the child).
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return ErrnoStatus("socket");
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address),
           sizeof(address)) != 0 ||
      listen(listen_fd_, 4) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    return ErrnoStatus("listen on 127.0.0.1:0");
  }
  port_ = ntohs(address.sin_port);
  return absl::OkStatus();
}

absl::Status SpectrumEmulator::LaunchBackend() {
  // §2.1: <backend> --host H --port P --service.backend_id=N <spectrum
  // args...> <config>. Spectrum builds one string and splits it again; with
  // argv kept as words the result is the same for arguments without quotes.
  for (const std::string& word : options_.backend_command) {
    argv_.push_back(absl::StrReplaceAll(
        word, {{"BACKEND_ID", absl::StrCat(options_.backend_counter)}}));
  }
  argv_.insert(argv_.end(),
               {"--host", "127.0.0.1", "--port", absl::StrCat(port_),
                absl::StrCat("--service.backend_id=", options_.backend_id)});
  argv_.insert(argv_.end(), options_.spectrum_args.begin(),
               options_.spectrum_args.end());
  if (!options_.config_path.empty()) argv_.push_back(options_.config_path);

  testing::ChildProcess::Options process_options;
  process_options.working_dir = options_.working_dir;
  process_options.new_session = true;  // Spectrum's child calls setsid().
  process_options.on_exit = [this](int) { Wake(); };
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> backend =
      testing::ChildProcess::Start(argv_, std::move(process_options));
  if (!backend.ok()) return backend.status();
  backend_ = *std::move(backend);
  return absl::OkStatus();
}

absl::Status SpectrumEmulator::AcceptBackend(absl::Duration timeout) {
  if (connection_fd_ >= 0) {
    return absl::FailedPreconditionError("a backend is already connected");
  }
  const absl::Time deadline = absl::Now() + timeout;
  int fd = -1;
  while (fd < 0) {
    if (backend_ != nullptr && backend_->HasExited()) {
      absl::StatusOr<int> code = backend_->WaitForExit(absl::ZeroDuration());
      return absl::UnavailableError(
          absl::StrCat("backend exited with code ", code.ok() ? *code : -1,
                       " before connecting to port ", port_));
    }
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int ready = poll(fds, 2, PollTimeoutMs(deadline));
    if (ready < 0 && errno != EINTR) return ErrnoStatus("poll");
    if (ready == 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("no backend connected to port ", port_, " within ",
                       absl::FormatDuration(timeout)));
    }
    if (fds[1].revents & POLLIN) {
      uint64_t ignored;
      (void)!read(wake_fd_, &ignored, sizeof(ignored));
    }
    if (fds[0].revents & POLLIN) {
      fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0 && errno != EINTR && errno != EAGAIN) {
        return ErrnoStatus("accept");
      }
    }
  }
  // One backend per emulator: stop listening.
  close(listen_fd_);
  listen_fd_ = -1;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  // A backend that stops reading must not block a test forever.
  timeval send_timeout = {30, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
  connection_fd_ = fd;

  // §2.6: Spectrum PINGs at once on accept.
  absl::Status pinged = SendPing();
  io_thread_ = std::thread([this] { RunIo(); });
  return pinged;
}

SpectrumEmulator::~SpectrumEmulator() {
  log_.AllowDisconnect();
  const bool connected = connection_fd_ >= 0;
  if (connected) {
    // As Spectrum on shutdown: EXIT, then close.
    SendExit().IgnoreError();
    shutdown(connection_fd_, SHUT_RDWR);
  }
  stopping_ = true;
  Wake();
  if (io_thread_.joinable()) io_thread_.join();
  if (connected) close(connection_fd_);
  if (backend_ != nullptr) {
    // A backend that never connected has no reason to exit by itself.
    if (!connected || !backend_->WaitForExit(options_.exit_timeout).ok()) {
      backend_->Stop(absl::Seconds(5));
    }
    backend_.reset();
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

int SpectrumEmulator::backend_pid() const {
  return backend_ != nullptr ? backend_->pid() : -1;
}

void SpectrumEmulator::Wake() {
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

void SpectrumEmulator::RunIo() {
  FrameSplitter splitter(options_.max_frame_size);
  const bool pinging = options_.ping_interval > absl::ZeroDuration();
  absl::Time next_ping =
      pinging ? absl::Now() + options_.ping_interval : absl::InfiniteFuture();
  while (!stopping_) {
    pollfd fds[2] = {{connection_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int ready = poll(fds, 2, PollTimeoutMs(next_ping));
    if (ready < 0 && errno != EINTR) {
      log_.SetDisconnected(absl::StrCat("poll: ", std::strerror(errno)));
      return;
    }
    if (fds[1].revents & POLLIN) {
      uint64_t ignored;
      (void)!read(wake_fd_, &ignored, sizeof(ignored));
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buffer[64 * 1024];
      const ssize_t n = recv(connection_fd_, buffer, sizeof(buffer), 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        log_.SetDisconnected(
            n == 0 ? "EOF" : absl::StrCat("recv: ", std::strerror(errno)));
        return;
      }
      splitter.Append(absl::string_view(buffer, n));
      while (true) {
        absl::StatusOr<std::optional<std::string>> body = splitter.Next();
        if (!body.ok()) {
          log_.AddViolation(std::string(body.status().message()));
          log_.SetDisconnected("dropped after an oversized frame");
          shutdown(connection_fd_, SHUT_RDWR);
          return;
        }
        if (!body->has_value()) break;
        HandleFrame(**body);
      }
    }
    if (absl::Now() >= next_ping) {
      PingTick();
      next_ping = absl::Now() + options_.ping_interval;
    }
  }
}

void SpectrumEmulator::HandleFrame(const std::string& body) {
  WrapperMessage wrapper;
  if (!wrapper.ParseFromString(body)) {
    log_.AddViolation(absl::StrCat("unparsable frame of ", body.size(),
                                   " bytes (Spectrum: PARSING ERROR)"));
    return;
  }
  absl::Status valid = CheckBackendFrame(wrapper);
  if (!valid.ok()) log_.AddViolation(std::string(valid.message()));
  if (wrapper.type() == WrapperMessage::TYPE_PONG) {
    absl::MutexLock lock(&write_mutex_);
    awaiting_pong_ = false;
    ++pongs_received_;
  }
  log_.Add(wrapper);
  if (options_.on_frame) options_.on_frame(wrapper);
}

void SpectrumEmulator::PingTick() {
  bool missed;
  {
    absl::MutexLock lock(&write_mutex_);
    missed = awaiting_pong_;
  }
  if (missed) {
    // Spectrum would SIGABRT the backend here (§2.6); record it instead.
    log_.AddViolation(absl::StrCat("no PONG within ",
                                   absl::FormatDuration(options_.ping_interval),
                                   " of a PING"));
  }
  SendPing().IgnoreError();  // A dead connection shows up as EOF.
}

absl::Status SpectrumEmulator::SendRawBytes(absl::string_view bytes) {
  absl::MutexLock lock(&write_mutex_);
  const int fd = connection_fd_;
  if (fd < 0) return absl::FailedPreconditionError("no backend connected");
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("send to backend");
    bytes.remove_prefix(n);
  }
  return absl::OkStatus();
}

absl::Status SpectrumEmulator::Send(const pbnetwork::WrapperMessage& wrapper) {
  return SendRawBytes(EncodeFrame(wrapper));
}

absl::Status SpectrumEmulator::Send(Type type,
                                    const google::protobuf::Message& payload) {
  return Send(Wrap(type, payload));
}

absl::Status SpectrumEmulator::SendPing() {
  {
    absl::MutexLock lock(&write_mutex_);
    awaiting_pong_ = true;
  }
  ++pings_sent_;
  return Send(Wrap(WrapperMessage::TYPE_PING));
}

absl::Status SpectrumEmulator::SendExit() {
  AllowBackendDisconnect();
  return Send(Wrap(WrapperMessage::TYPE_EXIT));
}

void SpectrumEmulator::Disconnect() {
  AllowBackendDisconnect();
  absl::MutexLock lock(&write_mutex_);
  // shutdown, not close: the I/O thread still polls this fd, and sees EOF.
  if (connection_fd_ >= 0) shutdown(connection_fd_, SHUT_RDWR);
}

absl::Status SpectrumEmulator::Login(
    const std::string& user, const std::string& legacy_name,
    const std::string& password,
    const std::map<std::string, std::string>& settings) {
  pbnetwork::Login login;
  login.set_user(user);
  login.set_legacyname(legacy_name);
  login.set_password(password);
  // Spectrum always sends these two ad-hoc settings (§6.3).
  auto& values = *login.mutable_settings()->mutable_value();
  values["send_headlines"] = "0";
  values["stay_connected"] = "0";
  for (const auto& [key, value] : settings) values[key] = value;
  return Send(WrapperMessage::TYPE_LOGIN, login);
}

absl::Status SpectrumEmulator::Logout(const std::string& user,
                                      const std::string& legacy_name) {
  pbnetwork::Logout logout;
  logout.set_user(user);
  logout.set_legacyname(legacy_name);
  return Send(WrapperMessage::TYPE_LOGOUT, logout);
}

absl::Status SpectrumEmulator::SetStatus(const std::string& user,
                                         pbnetwork::StatusType status,
                                         const std::string& status_message) {
  pbnetwork::Status payload;
  payload.set_username(user);
  payload.set_status(status);
  if (!status_message.empty()) payload.set_statusmessage(status_message);
  return Send(WrapperMessage::TYPE_STATUS_CHANGED, payload);
}

absl::Status SpectrumEmulator::SendMessage(
    const pbnetwork::ConversationMessage& message) {
  return Send(WrapperMessage::TYPE_CONV_MESSAGE, message);
}

absl::Status SpectrumEmulator::SendChatMessage(const std::string& user,
                                               const std::string& buddy,
                                               const std::string& body) {
  pbnetwork::ConversationMessage message;
  message.set_username(user);
  message.set_buddyname(buddy);
  message.set_message(body);
  return SendMessage(message);
}

absl::Status SpectrumEmulator::JoinRoom(const std::string& user,
                                        const std::string& room,
                                        const std::string& nickname,
                                        const std::string& password) {
  pbnetwork::Room payload;
  payload.set_username(user);
  payload.set_nickname(nickname);
  payload.set_room(room);
  payload.set_password(password);
  return Send(WrapperMessage::TYPE_JOIN_ROOM, payload);
}

absl::Status SpectrumEmulator::LeaveRoom(const std::string& user,
                                         const std::string& room) {
  // §7.4: Spectrum sends an empty nickname and password on LEAVE.
  pbnetwork::Room payload;
  payload.set_username(user);
  payload.set_nickname("");
  payload.set_room(room);
  payload.set_password("");
  return Send(WrapperMessage::TYPE_LEAVE_ROOM, payload);
}

absl::Status SpectrumEmulator::SetRoomSubject(const std::string& user,
                                              const std::string& room,
                                              const std::string& subject) {
  pbnetwork::ConversationMessage message;
  message.set_username(user);
  message.set_buddyname(room);
  message.set_message(subject);
  return Send(WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED, message);
}

absl::Status SpectrumEmulator::ChangeBuddy(const pbnetwork::Buddy& buddy) {
  return Send(WrapperMessage::TYPE_BUDDY_CHANGED, buddy);
}

absl::Status SpectrumEmulator::RemoveBuddy(const pbnetwork::Buddy& buddy) {
  return Send(WrapperMessage::TYPE_BUDDY_REMOVED, buddy);
}

absl::Status SpectrumEmulator::SendBuddies(const pbnetwork::Buddies& buddies) {
  return Send(WrapperMessage::TYPE_BUDDIES, buddies);
}

absl::Status SpectrumEmulator::RequestVCard(const std::string& user,
                                            const std::string& buddy, int id) {
  // No photo: a request, not an update (§3.3).
  pbnetwork::VCard vcard;
  vcard.set_username(user);
  vcard.set_buddyname(buddy);
  vcard.set_id(id);
  return Send(WrapperMessage::TYPE_VCARD, vcard);
}

absl::Status SpectrumEmulator::UpdateOwnVCard(const std::string& user,
                                              const std::string& nickname,
                                              const std::string& photo) {
  pbnetwork::VCard vcard;
  vcard.set_username(user);
  vcard.set_buddyname("");
  vcard.set_id(0);
  vcard.set_nickname(nickname);
  vcard.set_photo(photo);
  return Send(WrapperMessage::TYPE_VCARD, vcard);
}

absl::Status SpectrumEmulator::SendTyping(Type type, const std::string& user,
                                          const std::string& buddy) {
  if (type != WrapperMessage::TYPE_BUDDY_TYPING &&
      type != WrapperMessage::TYPE_BUDDY_TYPED &&
      type != WrapperMessage::TYPE_BUDDY_STOPPED_TYPING) {
    return absl::InvalidArgumentError(
        absl::StrCat(TypeName(type), " is not a typing notification"));
  }
  pbnetwork::Buddy payload;
  payload.set_username(user);
  payload.set_buddyname(buddy);
  return Send(type, payload);
}

absl::Status SpectrumEmulator::SendAttention(const std::string& user,
                                             const std::string& buddy,
                                             const std::string& message) {
  pbnetwork::ConversationMessage payload;
  payload.set_username(user);
  payload.set_buddyname(buddy);
  payload.set_message(message);
  return Send(WrapperMessage::TYPE_ATTENTION, payload);
}

absl::Status SpectrumEmulator::SendRawXml(const std::string& xml) {
  WrapperMessage wrapper;
  wrapper.set_type(WrapperMessage::TYPE_RAW_XML);
  wrapper.set_payload(xml);
  return Send(wrapper);
}

absl::StatusOr<pbnetwork::WrapperMessage> SpectrumEmulator::WaitForFrame(
    Type type, const FrameLog::Predicate& predicate, absl::Duration timeout) {
  return log_.WaitFor(type, predicate, timeout);
}

absl::StatusOr<pbnetwork::ConversationMessage> SpectrumEmulator::WaitForMessage(
    std::function<bool(const pbnetwork::ConversationMessage&)> predicate,
    absl::Duration timeout) {
  return WaitForPayload<pbnetwork::ConversationMessage>(
      WrapperMessage::TYPE_CONV_MESSAGE, std::move(predicate), timeout);
}

absl::Status SpectrumEmulator::WaitForConnected(const std::string& user,
                                                absl::Duration timeout) {
  return WaitForPayload<pbnetwork::Connected>(
             WrapperMessage::TYPE_CONNECTED,
             [&user](const pbnetwork::Connected& c) {
               return c.user() == user;
             },
             timeout)
      .status();
}

absl::StatusOr<pbnetwork::Disconnected> SpectrumEmulator::WaitForDisconnected(
    const std::string& user, absl::Duration timeout) {
  return WaitForPayload<pbnetwork::Disconnected>(
      WrapperMessage::TYPE_DISCONNECTED,
      [&user](const pbnetwork::Disconnected& d) { return d.user() == user; },
      timeout);
}

absl::StatusOr<pbnetwork::BackendConfig> SpectrumEmulator::WaitForBackendConfig(
    absl::Duration timeout) {
  return WaitForPayload<pbnetwork::BackendConfig>(
      WrapperMessage::TYPE_BACKEND_CONFIG, nullptr, timeout);
}

absl::Status SpectrumEmulator::WaitForPong(absl::Duration timeout) {
  return WaitForFrame(WrapperMessage::TYPE_PONG, nullptr, timeout).status();
}

absl::StatusOr<pbnetwork::Stats> SpectrumEmulator::WaitForStats(
    absl::Duration timeout) {
  return WaitForPayload<pbnetwork::Stats>(WrapperMessage::TYPE_STATS, nullptr,
                                          timeout);
}

absl::StatusOr<pbnetwork::Buddy> SpectrumEmulator::WaitForBuddy(
    Type type, std::function<bool(const pbnetwork::Buddy&)> predicate,
    absl::Duration timeout) {
  return WaitForPayload<pbnetwork::Buddy>(type, std::move(predicate), timeout);
}

absl::StatusOr<pbnetwork::Participant> SpectrumEmulator::WaitForParticipant(
    std::function<bool(const pbnetwork::Participant&)> predicate,
    absl::Duration timeout) {
  return WaitForPayload<pbnetwork::Participant>(
      WrapperMessage::TYPE_PARTICIPANT_CHANGED, std::move(predicate), timeout);
}

absl::StatusOr<pbnetwork::VCard> SpectrumEmulator::WaitForVCard(
    int id, absl::Duration timeout) {
  return WaitForPayload<pbnetwork::VCard>(
      WrapperMessage::TYPE_VCARD,
      [id](const pbnetwork::VCard& vcard) { return vcard.id() == id; },
      timeout);
}

void SpectrumEmulator::AllowBackendDisconnect() { log_.AllowDisconnect(); }

absl::Status SpectrumEmulator::WaitForBackendDisconnect(
    absl::Duration timeout) {
  return log_.WaitForDisconnect(timeout);
}

absl::StatusOr<int> SpectrumEmulator::WaitForBackendExit(
    absl::Duration timeout) {
  AllowBackendDisconnect();
  if (backend_ == nullptr) {
    return absl::FailedPreconditionError(
        "the backend was not launched by the emulator");
  }
  return backend_->WaitForExit(timeout);
}

}  // namespace lilac::spectrum
