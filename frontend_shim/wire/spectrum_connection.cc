#include "frontend_shim/wire/spectrum_connection.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "frontend_shim/log.h"

namespace lilac::shim {

MemoryUsage ReadMemoryUsage() {
  MemoryUsage usage;
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0, shared = 0;
  if (statm >> size >> resident >> shared) {
    const long page_kib = sysconf(_SC_PAGESIZE) / 1024;
    usage.resident_kib = resident * page_kib;
    usage.shared_kib = shared * page_kib;
  }
  return usage;
}

absl::StatusOr<std::unique_ptr<SpectrumConnection>> SpectrumConnection::Connect(
    const Options& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // IPv4 and IPv6
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  const std::string port = absl::StrCat(options.port);
  if (int error =
          getaddrinfo(options.host.c_str(), port.c_str(), &hints, &addresses);
      error != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", options.host,
                                               ": ", gai_strerror(error)));
  }
  int fd = -1;
  std::string last_error = "no address";
  for (addrinfo* address = addresses; address; address = address->ai_next) {
    fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC,
                address->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, address->ai_addr, address->ai_addrlen) == 0) break;
    last_error = std::strerror(errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(addresses);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot connect to Spectrum at ",
                                               options.host, ":", options.port,
                                               ": ", last_error));
  }
  auto connection =
      std::unique_ptr<SpectrumConnection>(new SpectrumConnection(fd, options));
  connection->initial_resident_kib_ = ReadMemoryUsage().resident_kib;
  return connection;
}

SpectrumConnection::~SpectrumConnection() { close(fd_); }

absl::Status SpectrumConnection::Send(
    const pbnetwork::WrapperMessage& wrapper) {
  const std::string frame = EncodeFrame(wrapper);
  absl::MutexLock lock(&write_mutex_);
  if (broken_) return absl::UnavailableError("connection to Spectrum is gone");
  size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t n =
        send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken_ = true;
      // Wake the reader too.
      shutdown(fd_, SHUT_RDWR);
      return absl::UnavailableError(
          absl::StrCat("writing to Spectrum failed: ", std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

void SpectrumConnection::AnswerPing() {
  pbnetwork::WrapperMessage pong;
  pong.set_type(pbnetwork::WrapperMessage::TYPE_PONG);
  if (!Send(pong).ok()) return;
  const MemoryUsage usage = ReadMemoryUsage();
  pbnetwork::Stats stats;
  stats.set_res(static_cast<int32_t>(usage.resident_kib));
  stats.set_init_res(static_cast<int32_t>(initial_resident_kib_));
  stats.set_shared(static_cast<int32_t>(usage.shared_kib));
  stats.set_id(absl::StrCat(getpid()));
  pbnetwork::WrapperMessage wrapper;
  wrapper.set_type(pbnetwork::WrapperMessage::TYPE_STATS);
  wrapper.set_payload(stats.SerializeAsString());
  Send(wrapper).IgnoreError();
}

void SpectrumConnection::Stop(const std::string& why) {
  absl::MutexLock lock(&stop_mutex_);
  if (!stop_reason_.empty()) return;
  stop_reason_ = why;
  // Wakes the reader with an end of file; the writing side stays open.
  shutdown(fd_, SHUT_RD);
}

std::string SpectrumConnection::Run(
    const std::function<void(pbnetwork::WrapperMessage)>& on_frame) {
  FrameDecoder decoder(options_.max_frame_size);
  absl::Time last_ping = absl::Now();
  char buffer[65536];
  while (true) {
    int timeout_ms = -1;
    if (options_.ping_timeout > absl::ZeroDuration()) {
      const absl::Duration left =
          last_ping + options_.ping_timeout - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return absl::StrCat("no PING from Spectrum for ",
                            absl::FormatDuration(options_.ping_timeout));
      }
      timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
    }
    pollfd readable{fd_, POLLIN, 0};
    const int ready = poll(&readable, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return absl::StrCat("poll failed: ", std::strerror(errno));
    if (ready == 0) continue;  // the timeout check above decides
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return absl::StrCat("reading failed: ", std::strerror(errno));
    if (n == 0) {
      absl::MutexLock lock(&stop_mutex_);
      if (!stop_reason_.empty()) return stop_reason_;
      return "Spectrum closed the connection";
    }
    FrameDecoder::Output output =
        decoder.Feed(absl::string_view(buffer, static_cast<size_t>(n)));
    for (const std::string& error : output.errors) LogError(error);
    for (const std::string& body : output.frames) {
      pbnetwork::WrapperMessage wrapper;
      if (!wrapper.ParseFromString(body)) {
        LogError(absl::StrCat("malformed frame of ", body.size(),
                              " bytes (not a WrapperMessage, or of a type this "
                              "backend does not know); dropped"));
        continue;
      }
      if (wrapper.type() == pbnetwork::WrapperMessage::TYPE_PING) {
        last_ping = absl::Now();
        AnswerPing();
      } else if (wrapper.type() == pbnetwork::WrapperMessage::TYPE_EXIT) {
        return "EXIT from Spectrum";
      } else {
        on_frame(std::move(wrapper));
      }
    }
  }
}

}  // namespace lilac::shim
