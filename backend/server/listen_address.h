#ifndef LILAC_BACKEND_SERVER_LISTEN_ADDRESS_H_
#define LILAC_BACKEND_SERVER_LISTEN_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lilac {

// Where lilacd listens: a Unix socket path or a host:port. Port 0 asks for a
// free port.
struct ListenAddress {
  enum class Kind { kUnix, kTcp };
  Kind kind;
  std::string
      host;      // kTcp: without brackets, for example "127.0.0.1" or "::1".
  int port = 0;  // kTcp
  std::string path;  // kUnix

  // The address in gRPC's URI form, for example "unix:/run/lilac.sock" or
  // "[::1]:0".
  std::string ToGrpcTarget() const;
};

// Parses "unix:/path", "unix:relative/path", "HOST:PORT" or "[IPV6]:PORT".
// Unless `allow_remote`, the host must be loopback (127.0.0.0/8, ::1 or
// localhost): lilacd carries passwords and is not meant to face a network.
// Checks that a Unix socket's directory exists and is writable, so a bad path
// fails with a clear message before gRPC tries to bind.
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view text,
                                                 bool allow_remote);

}  // namespace lilac

#endif  // LILAC_BACKEND_SERVER_LISTEN_ADDRESS_H_
