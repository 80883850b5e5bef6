#ifndef LILAC_TESTING_LILACD_FILE_TRANSFERS_H_
#define LILAC_TESTING_LILACD_FILE_TRANSFERS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac::testing {

// SendFile's stream as a client builds it: `header` (session, to, filename)
// with size and the first chunk, then the rest of `data` in chunks of
// `chunk_bytes`.
std::vector<v1::SendFileRequest> FileChunks(v1::SendFileRequest header,
                                            const std::string& data,
                                            size_t chunk_bytes = 64 * 1024);

// Sends `messages` as they are (well-formed or not), closes the stream and
// returns the call's status. Stops writing once lilacd ended the call.
grpc::Status SendFileMessages(v1::LilacService::Stub& stub,
                              const std::vector<v1::SendFileRequest>& messages,
                              v1::SendFileResponse* response);

// What FetchFile's stream carried, put together.
struct FetchedFile {
  std::string filename;
  std::string mime_type;
  uint64_t size = 0;
  std::string data;
  int messages = 0;
  size_t largest_chunk = 0;
};

// Reads a whole FetchFile stream. Offsets that do not follow on, or header
// fields after the first message, fail with INTERNAL.
grpc::Status FetchWholeFile(v1::LilacService::Stub& stub,
                            const v1::FetchFileRequest& request,
                            FetchedFile* file);

}  // namespace lilac::testing

#endif  // LILAC_TESTING_LILACD_FILE_TRANSFERS_H_
