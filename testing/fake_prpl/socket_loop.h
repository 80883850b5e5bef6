#ifndef LILAC_TESTING_FAKE_PRPL_SOCKET_LOOP_H_
#define LILAC_TESTING_FAKE_PRPL_SOCKET_LOOP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "testing/fake_prpl/fake_network.pb.h"
#include "testing/fake_prpl/frame_codec.h"

namespace lilac::testing::fake {

using ConnectionId = int64_t;

// What the fake network does with connections; called on the loop thread.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual void OnFrame(ConnectionId connection, v1::ClientFrame frame) = 0;
  // The connection is gone (closed by the peer, cut, or after an error).
  virtual void OnClosed(ConnectionId connection) = 0;
};

// The fake network's sockets: one thread polls the listening sockets and every
// connection, reads ClientFrames and writes queued ServerFrames. Malformed and
// oversized frames are answered with a fatal protocol_error and the connection
// is closed. Send, Close and RunAfter may be called from any thread.
class SocketLoop {
 public:
  struct Options {
    // Loopback address to listen on, port chosen by the system.
    std::string host = "127.0.0.1";
    // Also listen on this Unix socket path when non-empty.
    std::string unix_socket_path;
  };

  // `handler` must outlive the loop.
  static absl::StatusOr<std::unique_ptr<SocketLoop>> Start(
      const Options& options, ConnectionHandler* handler);
  // Closes every connection and joins the thread.
  ~SocketLoop();

  int port() const { return port_; }

  // Queues a frame; ignored if the connection is gone.
  void Send(ConnectionId connection, const v1::ServerFrame& frame);
  // Closes the connection once its queued frames are written.
  void CloseAfterFlush(ConnectionId connection);
  // Cuts the connection now, dropping anything queued.
  void Cut(ConnectionId connection);
  // Cuts every connection; returns how many there were.
  int CutAll();
  // Runs `work` on the loop thread after `delay`.
  void RunAfter(absl::Duration delay, absl::AnyInvocable<void()> work);

 private:
  struct Connection {
    int fd = -1;
    FrameReader reader;
    std::string outbox;
    bool close_after_flush = false;
    bool cut = false;
  };
  struct Timer {
    absl::Time due;
    absl::AnyInvocable<void()> work;
  };
  // Work found while holding the lock, done after releasing it.
  struct Dispatch {
    std::vector<std::pair<ConnectionId, v1::ClientFrame>> frames;
    std::vector<ConnectionId> closed;
    std::vector<absl::AnyInvocable<void()>> timers;
  };

  SocketLoop(ConnectionHandler* handler) : handler_(handler) {}
  void Wake();
  void Loop();
  void AcceptLocked(int listen_fd) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ReadLocked(ConnectionId id, Connection& connection, Dispatch& dispatch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void FailLocked(Connection& connection, v1::ProtocolErrorCode code,
                  const std::string& message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void WriteLocked(Connection& connection)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  ConnectionHandler* const handler_;
  int port_ = 0;
  std::vector<int> listen_fds_;
  std::string unix_socket_path_;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::thread thread_;

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  ConnectionId next_id_ ABSL_GUARDED_BY(mutex_) = 1;
  std::map<ConnectionId, Connection> connections_ ABSL_GUARDED_BY(mutex_);
  std::vector<Timer> timers_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_SOCKET_LOOP_H_
