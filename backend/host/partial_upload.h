#ifndef LILAC_BACKEND_HOST_PARTIAL_UPLOAD_H_
#define LILAC_BACKEND_HOST_PARTIAL_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lilac {

// The bytes of a file a client is sending (SendFile), written to a temporary
// file as they arrive so a large file never sits in memory. The file is
// removed when this is destroyed, unless it was moved into the spool. Used by
// one thread at a time (the gRPC call's, then the loop's).
class PartialUpload {
 public:
  // A new empty file in `dir` (created 0700 with its parents if missing),
  // readable only by us.
  static absl::StatusOr<std::unique_ptr<PartialUpload>> Create(
      const std::string& dir);
  // A file another process staged (a worker's) and shares by descriptor:
  // this object writes into `fd` (taken over) but never removes the file.
  // `abandoned` runs at destruction unless HandOver was called.
  static std::unique_ptr<PartialUpload> Shared(
      int fd, uint64_t id, absl::AnyInvocable<void()> abandoned);
  ~PartialUpload();

  // Shared: the id given, and the owner takes the file back: `abandoned`
  // no longer runs.
  uint64_t shared_id() const { return shared_id_; }
  void HandOver() { abandoned_ = nullptr; }

  PartialUpload(const PartialUpload&) = delete;
  PartialUpload& operator=(const PartialUpload&) = delete;

  absl::Status Append(absl::string_view data);
  // Closes the file; nothing more is appended. size() then counts what was
  // written through any descriptor of the file (a shared one too).
  absl::Status Close();
  // Renames the file to `path` (same file system): it is no longer ours.
  absl::Status MoveTo(const std::string& path);

  uint64_t size() const { return size_; }
  // Open for writing until Close (-1 after): for a process that writes the
  // bytes itself, through a duplicate.
  int fd() const { return fd_; }

 private:
  PartialUpload(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_;
  std::string path_;  // empty once moved
  uint64_t size_ = 0;
  uint64_t shared_id_ = 0;
  absl::AnyInvocable<void()> abandoned_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PARTIAL_UPLOAD_H_
