#ifndef LILAC_BACKEND_HOST_PARTIAL_UPLOAD_H_
#define LILAC_BACKEND_HOST_PARTIAL_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

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
  ~PartialUpload();

  PartialUpload(const PartialUpload&) = delete;
  PartialUpload& operator=(const PartialUpload&) = delete;

  absl::Status Append(absl::string_view data);
  // Closes the file; nothing more is appended.
  absl::Status Close();
  // Renames the file to `path` (same file system): it is no longer ours.
  absl::Status MoveTo(const std::string& path);

  uint64_t size() const { return size_; }

 private:
  PartialUpload(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_;
  std::string path_;  // empty once moved
  uint64_t size_ = 0;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PARTIAL_UPLOAD_H_
