#ifndef LILAC_TESTING_SERVERS_TEMP_DIR_H_
#define LILAC_TESTING_SERVERS_TEMP_DIR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lilac::testing {

// A private (0700) directory under $TEST_TMPDIR (or /tmp), removed with all
// its contents when destroyed.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Create(
      absl::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/relative.
  std::string Path(absl::string_view relative) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes `contents` to `path` (created with `mode`, replaced if it exists).
absl::Status WriteFile(const std::string& path, absl::string_view contents,
                       int mode = 0600);

// Reads the whole file; an error if it cannot be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace lilac::testing

#endif  // LILAC_TESTING_SERVERS_TEMP_DIR_H_
