#include "testing/fake_prpl/socket_loop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace lilac::testing::fake {
namespace {

absl::Status ErrnoStatus(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

absl::StatusOr<int> ListenTcp(const std::string& host, int* port) {
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1 ||
      (ntohl(address.sin_addr.s_addr) >> 24) != 127) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the fake network listens on IPv4 loopback only, not ", host));
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("socket");
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 64) != 0) {
    absl::Status status = ErrnoStatus(absl::StrCat("listen on ", host));
    close(fd);
    return status;
  }
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

absl::StatusOr<int> ListenUnix(const std::string& path) {
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Unix socket path too long: ", path));
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("socket");
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 64) != 0) {
    absl::Status status = ErrnoStatus(absl::StrCat("listen on ", path));
    close(fd);
    return status;
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SocketLoop>> SocketLoop::Start(
    const Options& options, ConnectionHandler* handler) {
  std::unique_ptr<SocketLoop> loop(new SocketLoop(handler));
  absl::StatusOr<int> tcp = ListenTcp(options.host, &loop->port_);
  if (!tcp.ok()) return tcp.status();
  loop->listen_fds_.push_back(*tcp);
  if (!options.unix_socket_path.empty()) {
    absl::StatusOr<int> local = ListenUnix(options.unix_socket_path);
    if (!local.ok()) return local.status();  // the destructor closes the rest
    loop->listen_fds_.push_back(*local);
    loop->unix_socket_path_ = options.unix_socket_path;
  }
  int wake[2];
  if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) return ErrnoStatus("pipe");
  loop->wake_read_ = wake[0];
  loop->wake_write_ = wake[1];
  loop->thread_ = std::thread(&SocketLoop::Loop, loop.get());
  return loop;
}

SocketLoop::~SocketLoop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  Wake();
  if (thread_.joinable()) thread_.join();
  for (auto& [id, connection] : connections_) close(connection.fd);
  for (int fd : listen_fds_) close(fd);
  if (!unix_socket_path_.empty()) unlink(unix_socket_path_.c_str());
  if (wake_read_ >= 0) close(wake_read_);
  if (wake_write_ >= 0) close(wake_write_);
}

void SocketLoop::Wake() {
  if (wake_write_ < 0) return;
  const char byte = 0;
  // A full pipe already guarantees a wake-up.
  (void)!write(wake_write_, &byte, 1);
}

void SocketLoop::Send(ConnectionId id, const v1::ServerFrame& frame) {
  {
    absl::MutexLock lock(&mutex_);
    auto it = connections_.find(id);
    if (it == connections_.end() || it->second.close_after_flush) return;
    it->second.outbox += EncodeFrame(frame);
  }
  Wake();
}

void SocketLoop::CloseAfterFlush(ConnectionId id) {
  {
    absl::MutexLock lock(&mutex_);
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second.close_after_flush = true;
  }
  Wake();
}

void SocketLoop::Cut(ConnectionId id) {
  {
    absl::MutexLock lock(&mutex_);
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second.cut = true;
  }
  Wake();
}

int SocketLoop::CutAll() {
  int count = 0;
  {
    absl::MutexLock lock(&mutex_);
    for (auto& [id, connection] : connections_) {
      connection.cut = true;
      ++count;
    }
  }
  Wake();
  return count;
}

void SocketLoop::RunAfter(absl::Duration delay,
                          absl::AnyInvocable<void()> work) {
  {
    absl::MutexLock lock(&mutex_);
    timers_.push_back({absl::Now() + delay, std::move(work)});
  }
  Wake();
}

void SocketLoop::Loop() {
  while (true) {
    std::vector<pollfd> polled;
    std::vector<ConnectionId> polled_ids;  // parallel to polled after listens
    int timeout_ms = -1;
    Dispatch dispatch;
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
      // Cut connections close now; flushed ones close once their outbox is
      // empty.
      for (auto it = connections_.begin(); it != connections_.end();) {
        Connection& connection = it->second;
        if (connection.cut ||
            (connection.close_after_flush && connection.outbox.empty())) {
          shutdown(connection.fd, SHUT_RDWR);
          close(connection.fd);
          dispatch.closed.push_back(it->first);
          it = connections_.erase(it);
        } else {
          ++it;
        }
      }
      const absl::Time now = absl::Now();
      for (auto it = timers_.begin(); it != timers_.end();) {
        if (it->due <= now) {
          dispatch.timers.push_back(std::move(it->work));
          it = timers_.erase(it);
        } else {
          const int64_t wait = absl::ToInt64Milliseconds(it->due - now) + 1;
          if (timeout_ms < 0 || wait < timeout_ms) timeout_ms = wait;
          ++it;
        }
      }
      polled.push_back({wake_read_, POLLIN, 0});
      for (int fd : listen_fds_) polled.push_back({fd, POLLIN, 0});
      for (auto& [id, connection] : connections_) {
        short events = connection.close_after_flush ? 0 : POLLIN;
        if (!connection.outbox.empty()) events |= POLLOUT;
        polled.push_back({connection.fd, events, 0});
        polled_ids.push_back(id);
      }
    }
    // Handlers run without the lock: they call Send and RunAfter.
    for (ConnectionId id : dispatch.closed) handler_->OnClosed(id);
    for (auto& work : dispatch.timers) work();
    if (!dispatch.closed.empty() || !dispatch.timers.empty()) continue;

    if (poll(polled.data(), polled.size(), timeout_ms) < 0 && errno != EINTR) {
      return;
    }
    {
      absl::MutexLock lock(&mutex_);
      if (polled[0].revents & POLLIN) {
        char drain[64];
        while (read(wake_read_, drain, sizeof(drain)) > 0) {
        }
      }
      const size_t first_connection = 1 + listen_fds_.size();
      for (size_t i = 1; i < first_connection; ++i) {
        if (polled[i].revents & POLLIN) AcceptLocked(polled[i].fd);
      }
      for (size_t i = first_connection; i < polled.size(); ++i) {
        const ConnectionId id = polled_ids[i - first_connection];
        auto it = connections_.find(id);
        if (it == connections_.end()) continue;
        if (polled[i].revents & POLLOUT) WriteLocked(it->second);
        if (polled[i].revents & (POLLIN | POLLHUP | POLLERR)) {
          ReadLocked(id, it->second, dispatch);
        }
      }
    }
    for (auto& [id, frame] : dispatch.frames) {
      handler_->OnFrame(id, std::move(frame));
    }
  }
}

void SocketLoop::AcceptLocked(int listen_fd) {
  while (true) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    Connection connection;
    connection.fd = fd;
    connections_.emplace(next_id_++, std::move(connection));
  }
}

void SocketLoop::ReadLocked(ConnectionId id, Connection& connection,
                            Dispatch& dispatch) {
  if (connection.close_after_flush || connection.cut) return;
  char buffer[16384];
  while (true) {
    const ssize_t got = read(connection.fd, buffer, sizeof(buffer));
    if (got > 0) {
      connection.reader.Append(absl::string_view(buffer, got));
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) break;
    connection.cut = true;  // peer closed or failed
    break;
  }
  while (!connection.close_after_flush) {
    absl::StatusOr<std::optional<std::string>> payload =
        connection.reader.Next();
    if (!payload.ok()) {
      FailLocked(connection, v1::PROTOCOL_ERROR_CODE_FRAME_TOO_LARGE,
                 std::string(payload.status().message()));
      break;
    }
    if (!payload->has_value()) break;
    v1::ClientFrame frame;
    if (!frame.ParseFromString(**payload) ||
        frame.frame_case() == v1::ClientFrame::FRAME_NOT_SET) {
      FailLocked(connection, v1::PROTOCOL_ERROR_CODE_MALFORMED_FRAME,
                 "the frame is not a ClientFrame");
      break;
    }
    dispatch.frames.emplace_back(id, std::move(frame));
  }
}

void SocketLoop::FailLocked(Connection& connection, v1::ProtocolErrorCode code,
                            const std::string& message) {
  v1::ServerFrame error;
  error.mutable_protocol_error()->set_code(code);
  error.mutable_protocol_error()->set_message(message);
  error.mutable_protocol_error()->set_fatal(true);
  connection.outbox += EncodeFrame(error);
  connection.close_after_flush = true;
  connection.cut = false;  // the error still goes out
}

void SocketLoop::WriteLocked(Connection& connection) {
  while (!connection.outbox.empty()) {
    const ssize_t sent = send(connection.fd, connection.outbox.data(),
                              connection.outbox.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      connection.outbox.erase(0, sent);
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EINTR)) return;
    connection.cut = true;
    return;
  }
}

}  // namespace lilac::testing::fake
