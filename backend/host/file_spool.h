#ifndef LILAC_BACKEND_HOST_FILE_SPOOL_H_
#define LILAC_BACKEND_HOST_FILE_SPOOL_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "backend/commands/spooled_file.h"
#include "backend/host/partial_upload.h"

namespace lilac {

// Incoming files, kept under one directory per session until a client fetches
// them (then removed). Loop thread only.
class FileSpool {
 public:
  FileSpool(std::string root, uint64_t max_file_size);

  uint64_t max_file_size() const { return max_file_size_; }

  // A fresh path for an incoming file of `session`, in its directory (created
  // 0700).
  absl::StatusOr<std::string> NewPath(const std::string& session,
                                      const std::string& filename);
  // Where files being sent are written while their chunks arrive.
  std::string uploads_dir() const { return root_ + "/uploads"; }
  // Moves a file `session` sends into a fresh directory of its own, under the
  // name the peer should see (`filename`, made safe), and returns its path:
  // libpurple offers a file under its path's last component.
  absl::StatusOr<std::string> StageOutgoing(const std::string& session,
                                            const std::string& filename,
                                            PartialUpload& upload);
  // Whether `path` is inside the spool.
  bool Owns(const std::string& path) const;
  // Removes a file of the spool that was never registered with Add (a partial
  // download, a staged upload) and, for staged uploads, their directory.
  void Discard(const std::string& path);
  // Registers a completely received file under its transfer's id.
  void Add(uint64_t transfer_id, const std::string& session,
           const std::string& path, const std::string& filename);
  // A received file, opened for reading: the spool keeps it until Remove.
  absl::StatusOr<SpooledFile> Open(const std::string& session,
                                   uint64_t transfer_id) const;
  // Deletes a received file (fetched); nothing if it is already gone.
  void Remove(const std::string& session, uint64_t transfer_id);
  // Removes every file of `session`.
  void RemoveAllOf(const std::string& session);

 private:
  struct Entry {
    std::string session;
    std::string path;
    std::string filename;
  };
  const std::string root_;
  const uint64_t max_file_size_;
  uint64_t next_path_ = 1;
  std::map<uint64_t, Entry> files_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_FILE_SPOOL_H_
