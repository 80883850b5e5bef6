#include "backend/host/file_spool.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "backend/host/message_conversion.h"

namespace lilac {

FileSpool::FileSpool(std::string root, uint64_t max_file_size)
    : root_(std::move(root)), max_file_size_(max_file_size) {}

absl::StatusOr<std::string> FileSpool::NewPath(const std::string& session,
                                               const std::string&) {
  // Directory names are hashes: session keys and file names come from outside.
  const std::string dir = absl::StrCat(root_, "/", Sha1Hex(session));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create spool directory: ", error.message()));
  }
  chmod(dir.c_str(), 0700);
  return absl::StrCat(dir, "/", next_id_, ".part");
}

uint64_t FileSpool::Add(const std::string& session, const std::string& path,
                        const std::string& filename) {
  const uint64_t id = next_id_++;
  files_[id] = Entry{session, path, filename};
  return id;
}

absl::StatusOr<v1::FetchFileResponse> FileSpool::Fetch(
    const std::string& session, uint64_t file_id) {
  auto it = files_.find(file_id);
  if (it == files_.end() || it->second.session != session) {
    return absl::NotFoundError(absl::StrCat("no file ", file_id, " in session ",
                                            session, " (already fetched?)"));
  }
  std::ifstream in(it->second.path, std::ios::binary);
  if (!in) {
    return absl::InternalError(absl::StrCat("file ", file_id, " is gone"));
  }
  v1::FetchFileResponse response;
  response.set_filename(it->second.filename);
  response.mutable_data()->assign(std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>());
  response.set_mime_type(GuessMimeType(response.data()));
  std::error_code ignored;
  std::filesystem::remove(it->second.path, ignored);
  files_.erase(it);
  return response;
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
