#include "testing/servers/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace lilac::testing {
namespace {

absl::Status ErrnoStatus(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

sockaddr_in LoopbackAddress(int port) {
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A connected socket, or the connect error.
absl::StatusOr<int> ConnectOnce(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("socket");
  const sockaddr_in address = LoopbackAddress(port);
  int result;
  do {
    result = connect(fd, reinterpret_cast<const sockaddr*>(&address),
                     sizeof(address));
  } while (result < 0 && errno == EINTR);
  if (result < 0) {
    absl::Status status =
        ErrnoStatus(absl::StrCat("connect to 127.0.0.1:", port));
    close(fd);
    return status;
  }
  return fd;
}

}  // namespace

absl::StatusOr<int> PickFreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("socket");
  sockaddr_in address = LoopbackAddress(0);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    absl::Status status = ErrnoStatus("bind 127.0.0.1:0");
    close(fd);
    return status;
  }
  close(fd);
  return ntohs(address.sin_port);
}

absl::Status WaitUntilAccepting(int port, absl::Duration timeout,
                                ChildProcess* server) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration backoff = absl::Milliseconds(5);
  while (true) {
    absl::StatusOr<int> fd = ConnectOnce(port);
    if (fd.ok()) {
      close(*fd);
      return absl::OkStatus();
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat(
          "nothing accepted on 127.0.0.1:", port, " within ",
          absl::FormatDuration(timeout), " (", fd.status().message(), ")"));
    }
    // Between attempts, wake early if the server dies.
    const absl::Duration pause = std::min(backoff, left);
    if (server != nullptr) {
      absl::StatusOr<int> exit_code = server->WaitForExit(pause);
      if (exit_code.ok()) {
        return absl::UnavailableError(
            absl::StrCat("server exited with code ", *exit_code,
                         " before accepting on port ", port));
      }
    } else {
      absl::SleepFor(pause);
    }
    backoff = std::min(backoff * 2, absl::Milliseconds(100));
  }
}

absl::StatusOr<std::unique_ptr<TcpClient>> TcpClient::Connect(int port) {
  absl::StatusOr<int> fd = ConnectOnce(port);
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<TcpClient>(new TcpClient(*fd));
}

TcpClient::~TcpClient() { close(fd_); }

absl::Status TcpClient::Write(absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("send");
    data.remove_prefix(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TcpClient::ReadUntil(absl::string_view needle,
                                                 absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const size_t found = absl::string_view(buffered_).find(needle);
    if (found != std::string::npos) {
      const size_t end = found + needle.size();
      std::string result = buffered_.substr(0, end);
      buffered_.erase(0, end);
      return result;
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("no \"", needle, "\" within ",
                       absl::FormatDuration(timeout), "; got: ", buffered_));
    }
    pollfd poll_fd = {fd_, POLLIN, 0};
    const int ready = poll(
        &poll_fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left) + 1));
    if (ready < 0 && errno != EINTR) return ErrnoStatus("poll");
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("recv");
    if (n == 0) {
      return absl::UnavailableError(absl::StrCat(
          "connection closed before \"", needle, "\"; got: ", buffered_));
    }
    buffered_.append(buffer, n);
  }
}

}  // namespace lilac::testing
