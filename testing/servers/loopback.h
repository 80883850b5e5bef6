#ifndef LILAC_TESTING_SERVERS_LOOPBACK_H_
#define LILAC_TESTING_SERVERS_LOOPBACK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "testing/servers/child_process.h"

namespace lilac::testing {

// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then
// released), for servers that cannot report the port they picked.
absl::StatusOr<int> PickFreeLoopbackPort();

// Connects to 127.0.0.1:`port` again and again until it accepts, `server`
// exits (if given) or `timeout` passes.
absl::Status WaitUntilAccepting(int port, absl::Duration timeout,
                                ChildProcess* server = nullptr);

// A plain blocking TCP client on loopback, for talking a text protocol
// (IRC, XMPP) to a server in a test.
class TcpClient {
 public:
  static absl::StatusOr<std::unique_ptr<TcpClient>> Connect(int port);
  ~TcpClient();
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  absl::Status Write(absl::string_view data);

  // Reads until the data received since the last call contains `needle`;
  // returns that data up to and including `needle` (the rest is kept for the
  // next call). Fails on EOF or after `timeout`.
  absl::StatusOr<std::string> ReadUntil(absl::string_view needle,
                                        absl::Duration timeout);

 private:
  explicit TcpClient(int fd) : fd_(fd) {}
  int fd_;
  std::string buffered_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_SERVERS_LOOPBACK_H_
