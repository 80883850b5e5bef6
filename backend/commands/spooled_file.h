#ifndef LILAC_BACKEND_COMMANDS_SPOOLED_FILE_H_
#define LILAC_BACKEND_COMMANDS_SPOOLED_FILE_H_

#include <cstdint>
#include <string>

namespace lilac {

// A received file a client fetches, opened for reading.
struct SpooledFile {
  int fd = -1;  // the caller's to close
  std::string filename;
  std::string mime_type;  // guessed from the first bytes
  uint64_t size = 0;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_COMMANDS_SPOOLED_FILE_H_
