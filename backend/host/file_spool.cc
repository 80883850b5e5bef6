#include "backend/host/file_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "backend/host/message_conversion.h"

namespace lilac {

FileSpool::FileSpool(std::string root, uint64_t max_file_size)
    : root_(std::move(root)), max_file_size_(max_file_size) {}

absl::StatusOr<std::string> FileSpool::NewPath(const std::string& session,
                                               const std::string&) {
  // Numbered apart from file ids: several downloads can run at once, and each
  // needs its own path before it gets an id.
  // Directory names are hashes: session keys and file names come from outside.
  const std::string dir = absl::StrCat(root_, "/", Sha1Hex(session));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create spool directory: ", error.message()));
  }
  chmod(dir.c_str(), 0700);
  return absl::StrCat(dir, "/", next_path_++, ".part");
}

absl::StatusOr<std::string> FileSpool::StageOutgoing(
    const std::string& session, const std::string& filename,
    PartialUpload& upload) {
  absl::StatusOr<std::string> slot = NewPath(session, filename);
  if (!slot.ok()) return slot.status();
  const std::string dir = absl::StrCat(*slot, ".out");
  std::error_code error;
  std::filesystem::create_directory(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot stage the file to send: ", error.message()));
  }
  std::string name = filename.substr(filename.rfind('/') + 1);
  if (name.empty() || name == "." || name == "..") name = "file";
  const std::string path = absl::StrCat(dir, "/", name);
  if (absl::Status moved = upload.MoveTo(path); !moved.ok()) {
    std::filesystem::remove(dir, error);
    return moved;
  }
  return path;
}

bool FileSpool::Owns(const std::string& path) const {
  return path.size() > root_.size() + 1 &&
         path.compare(0, root_.size() + 1, root_ + "/") == 0 &&
         path.find("/../") == std::string::npos;
}

void FileSpool::Discard(const std::string& path) {
  if (!Owns(path)) return;
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  const std::string dir = path.substr(0, path.rfind('/'));
  if (dir.size() > 4 && dir.compare(dir.size() - 4, 4, ".out") == 0) {
    std::filesystem::remove(dir, ignored);
  }
}

void FileSpool::Add(uint64_t transfer_id, const std::string& session,
                    const std::string& path, const std::string& filename) {
  files_[transfer_id] = Entry{session, path, filename};
}

absl::StatusOr<SpooledFile> FileSpool::Open(const std::string& session,
                                            uint64_t transfer_id) const {
  auto it = files_.find(transfer_id);
  if (it == files_.end() || it->second.session != session) {
    return absl::NotFoundError(absl::StrCat("no file ", transfer_id,
                                            " in session ", session,
                                            " (already fetched?)"));
  }
  SpooledFile opened;
  opened.fd = open(it->second.path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info;
  if (opened.fd < 0 || fstat(opened.fd, &info) != 0) {
    if (opened.fd >= 0) close(opened.fd);
    return absl::InternalError(absl::StrCat("file ", transfer_id, " is gone"));
  }
  opened.filename = it->second.filename;
  opened.size = static_cast<uint64_t>(info.st_size);
  std::string head(64, '\0');
  const ssize_t read = pread(opened.fd, head.data(), head.size(), 0);
  head.resize(read > 0 ? read : 0);
  opened.mime_type = GuessMimeType(head);
  return opened;
}

void FileSpool::Remove(const std::string& session, uint64_t transfer_id) {
  auto it = files_.find(transfer_id);
  if (it == files_.end() || it->second.session != session) return;
  std::error_code ignored;
  std::filesystem::remove(it->second.path, ignored);
  files_.erase(it);
}

void FileSpool::RemoveAllOf(const std::string& session) {
  for (auto it = files_.begin(); it != files_.end();) {
    if (it->second.session == session) {
      std::error_code ignored;
      std::filesystem::remove(it->second.path, ignored);
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(absl::StrCat(root_, "/", Sha1Hex(session)),
                              ignored);
}

}  // namespace lilac
