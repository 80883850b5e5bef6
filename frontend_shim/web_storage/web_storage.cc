#include "frontend_shim/web_storage/web_storage.h"

#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "frontend_shim/translate/wire_text.h"

namespace lilac::shim {

WebStorage::WebStorage(std::string directory, std::string url,
                       uint64_t max_image_size)
    : directory_(std::move(directory)),
      url_(std::move(url)),
      max_image_size_(max_image_size) {
  while (absl::EndsWith(url_, "/")) url_.pop_back();
}

std::string ExtensionForMimeType(absl::string_view mime_type) {
  if (mime_type == "image/png") return "png";
  if (mime_type == "image/jpeg") return "jpg";
  if (mime_type == "image/gif") return "gif";
  if (mime_type == "image/webp") return "webp";
  if (mime_type == "image/bmp") return "bmp";
  if (mime_type == "image/svg+xml") return "svg";
  return "bin";
}

absl::StatusOr<std::string> WebStorage::StoreImage(
    absl::string_view data, absl::string_view mime_type) {
  if (!enabled()) {
    return absl::FailedPreconditionError("web storage is not configured");
  }
  if (data.size() > max_image_size_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "image of ", data.size(), " bytes is over service.web_maximgsize (",
        max_image_size_, ")"));
  }
  const std::string name =
      absl::StrCat(Sha1Hex(data), ".", ExtensionForMimeType(mime_type));
  const std::string path = absl::StrCat(directory_, "/", name);
  struct stat existing;
  if (stat(path.c_str(), &existing) == 0 &&
      static_cast<uint64_t>(existing.st_size) == data.size()) {
    // Touch it: operators expire the cache by modification time.
    utime(path.c_str(), nullptr);
  } else {
    // Written under a temporary name and renamed, so the web server never
    // serves half a file.
    const std::string partial =
        absl::StrCat(path, ".partial.", static_cast<long>(getpid()));
    {
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
      if (!out) {
        std::remove(partial.c_str());
        return absl::UnavailableError(absl::StrCat("cannot write ", partial));
      }
    }
    chmod(partial.c_str(), 0644);
    if (std::rename(partial.c_str(), path.c_str()) != 0) {
      std::remove(partial.c_str());
      return absl::UnavailableError(absl::StrCat("cannot create ", path));
    }
  }
  return absl::StrCat(url_, "/", name);
}

}  // namespace lilac::shim
