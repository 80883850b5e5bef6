#include "backend/worker/frame_channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace lilac::worker {
namespace {

constexpr uint32_t kHasFd = 0x80000000u;
constexpr size_t kHeaderBytes = 4;
constexpr size_t kReadChunk = 64 << 10;

absl::Status Gone(const char* what) {
  return absl::UnavailableError(
      absl::StrCat("channel ", what, ": ", std::strerror(errno)));
}

}  // namespace

FrameChannel::~FrameChannel() {
  for (int fd : fds_) close(fd);
  close(fd_);
}

absl::Status FrameChannel::Write(const google::protobuf::MessageLite& message,
                                 int pass_fd) {
  const size_t size = message.ByteSizeLong();
  if (size > kMaxFrameBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "frame of ", size, " bytes is over the limit of ", kMaxFrameBytes));
  }
  std::string frame(kHeaderBytes + size, '\0');
  const uint32_t header =
      static_cast<uint32_t>(size) | (pass_fd >= 0 ? kHasFd : 0);
  for (size_t i = 0; i < kHeaderBytes; ++i) {
    frame[i] = static_cast<char>((header >> (8 * i)) & 0xff);
  }
  message.SerializeWithCachedSizesToArray(
      reinterpret_cast<uint8_t*>(frame.data() + kHeaderBytes));

  absl::MutexLock lock(&write_mutex_);
  size_t sent = 0;
  while (sent < frame.size()) {
    iovec data{frame.data() + sent, frame.size() - sent};
    msghdr header_msg{};
    header_msg.msg_iov = &data;
    header_msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (sent == 0 && pass_fd >= 0) {
      // The descriptor rides on the frame's first byte.
      header_msg.msg_control = control;
      header_msg.msg_controllen = sizeof(control);
      cmsghdr* cmsg = CMSG_FIRSTHDR(&header_msg);
      cmsg->cmsg_level = SOL_SOCKET;
      cmsg->cmsg_type = SCM_RIGHTS;
      cmsg->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(cmsg), &pass_fd, sizeof(int));
    }
    const ssize_t n = sendmsg(fd_, &header_msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Gone("write");
    sent += n;
  }
  return absl::OkStatus();
}

absl::Status FrameChannel::Fill() {
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ > kReadChunk) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunk);
  iovec data{buffer_.data() + old_size, kReadChunk};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = recvmsg(fd_, &message, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  buffer_.resize(old_size + (n > 0 ? n : 0));
  // A failed recvmsg leaves the control fields as they were: nothing came.
  if (n < 0) message.msg_controllen = 0;
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&message); cmsg != nullptr;
       cmsg = CMSG_NXTHDR(&message, cmsg)) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
        cmsg->cmsg_len < CMSG_LEN(0)) {
      continue;
    }
    const size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
      fds_.push_back(fd);
    }
  }
  if (message.msg_flags & MSG_CTRUNC) {
    return absl::DataLossError("channel: descriptors were cut off");
  }
  if (n == 0) return absl::UnavailableError("channel closed");
  if (n < 0) return Gone("read");
  return absl::OkStatus();
}

absl::StatusOr<FrameChannel::Frame> FrameChannel::Read() {
  while (buffer_.size() - consumed_ < kHeaderBytes) {
    if (absl::Status filled = Fill(); !filled.ok()) return filled;
  }
  uint32_t header = 0;
  for (size_t i = 0; i < kHeaderBytes; ++i) {
    header |= static_cast<uint32_t>(
                  static_cast<unsigned char>(buffer_[consumed_ + i]))
              << (8 * i);
  }
  const size_t size = header & ~kHasFd;
  if (size > kMaxFrameBytes) {
    return absl::DataLossError(
        absl::StrCat("channel: a frame of ", size, " bytes is over the limit"));
  }
  while (buffer_.size() - consumed_ < kHeaderBytes + size) {
    if (absl::Status filled = Fill(); !filled.ok()) return filled;
  }
  Frame frame;
  frame.bytes = buffer_.substr(consumed_ + kHeaderBytes, size);
  consumed_ += kHeaderBytes + size;
  if (header & kHasFd) {
    // Sent with the frame's first byte, so it has arrived by now.
    if (fds_.empty()) {
      return absl::DataLossError("channel: a frame's descriptor is missing");
    }
    frame.fd = fds_.front();
    fds_.pop_front();
  }
  return frame;
}

void FrameChannel::Shutdown() { shutdown(fd_, SHUT_RDWR); }

void FrameChannel::ShutdownWrite() { shutdown(fd_, SHUT_WR); }

}  // namespace lilac::worker
