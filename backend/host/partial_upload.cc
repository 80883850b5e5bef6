#include "backend/host/partial_upload.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace lilac {

absl::StatusOr<std::unique_ptr<PartialUpload>> PartialUpload::Create(
    const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create upload directory: ", error.message()));
  }
  chmod(dir.c_str(), 0700);
  std::string path = absl::StrCat(dir, "/upload-XXXXXX");
  const int fd = mkostemp(path.data(), O_CLOEXEC);  // created 0600
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot stage the file to send: ", std::strerror(errno)));
  }
  return std::unique_ptr<PartialUpload>(new PartialUpload(fd, std::move(path)));
}

std::unique_ptr<PartialUpload> PartialUpload::Shared(
    int fd, uint64_t id, absl::AnyInvocable<void()> abandoned) {
  std::unique_ptr<PartialUpload> upload(new PartialUpload(fd, ""));
  upload->shared_id_ = id;
  upload->abandoned_ = std::move(abandoned);
  return upload;
}

PartialUpload::~PartialUpload() {
  if (fd_ >= 0) close(fd_);
  if (!path_.empty()) unlink(path_.c_str());
  if (abandoned_) abandoned_();
}

absl::Status PartialUpload::Append(absl::string_view data) {
  if (fd_ < 0) return absl::FailedPreconditionError("upload already closed");
  while (!data.empty()) {
    const ssize_t written = write(fd_, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      return absl::InternalError(absl::StrCat("cannot stage the file to send: ",
                                              std::strerror(errno)));
    }
    data.remove_prefix(written);
    size_ += written;
  }
  return absl::OkStatus();
}

absl::Status PartialUpload::Close() {
  if (fd_ < 0) return absl::OkStatus();
  struct stat written;
  if (fstat(fd_, &written) == 0) size_ = written.st_size;
  const int result = close(fd_);
  fd_ = -1;
  if (result != 0) {
    return absl::InternalError(
        absl::StrCat("cannot stage the file to send: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status PartialUpload::MoveTo(const std::string& path) {
  if (path_.empty()) return absl::FailedPreconditionError("upload moved");
  if (std::rename(path_.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot stage the file to send: ", std::strerror(errno)));
  }
  path_.clear();
  return absl::OkStatus();
}

}  // namespace lilac
