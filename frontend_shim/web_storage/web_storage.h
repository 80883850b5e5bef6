#ifndef LILAC_FRONTEND_SHIM_WEB_STORAGE_WEB_STORAGE_H_
#define LILAC_FRONTEND_SHIM_WEB_STORAGE_WEB_STORAGE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lilac::shim {

// Spectrum's web storage (service.web_directory + service.web_url): images
// received inline are written to a directory a web server publishes and sent
// to the user as links. Files are named by the SHA-1 of their content, as
// upstream does, so a cache keeps working across backends.
class WebStorage {
 public:
  WebStorage(std::string directory, std::string url, uint64_t max_image_size);

  // Both the directory and the URL are configured.
  bool enabled() const { return !directory_.empty() && !url_.empty(); }

  // Writes `data` (unless a file of that content exists) and returns its
  // public URL. Fails when disabled, over web_maximgsize, or on I/O errors.
  absl::StatusOr<std::string> StoreImage(absl::string_view data,
                                         absl::string_view mime_type);

 private:
  std::string directory_;
  std::string url_;
  uint64_t max_image_size_;
};

// "png" for "image/png"; "bin" when unknown.
std::string ExtensionForMimeType(absl::string_view mime_type);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_WEB_STORAGE_WEB_STORAGE_H_
