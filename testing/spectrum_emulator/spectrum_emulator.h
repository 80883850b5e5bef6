#ifndef LILAC_TESTING_SPECTRUM_EMULATOR_SPECTRUM_EMULATOR_H_
#define LILAC_TESTING_SPECTRUM_EMULATOR_SPECTRUM_EMULATOR_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "protos/spectrum/protocol.pb.h"
#include "testing/servers/child_process.h"
#include "testing/spectrum_emulator/frame_log.h"
#include "testing/spectrum_emulator/wire_messages.h"

namespace lilac::spectrum {

// Plays Spectrum 2's main process towards one backend process
// (docs/spectrum-backend-protocol.md): listens on 127.0.0.1, launches the
// backend with Spectrum's command line, accepts its connection, PINGs it on
// connect and then periodically, records every frame it sends and lets a
// test send it anything Spectrum would (and raw bytes Spectrum would not).
//
// Every Wait* takes a timeout and returns a status the test must check. A
// protocol violation by the backend (a frame Spectrum would drop or choke
// on, a missed PONG) or a disconnect before AllowBackendDisconnect() fails
// all later waits.
//
// Destroying the emulator sends EXIT and closes the connection, as Spectrum
// does when it shuts down, then waits for the backend to exit (SIGTERM and
// SIGKILL if it does not).
class SpectrumEmulator {
 public:
  using Type = pbnetwork::WrapperMessage::Type;

  struct Options {
    // `[service] backend` split into words: the backend binary and any
    // arguments before Spectrum's own. "BACKEND_ID" in a word is replaced by
    // `backend_counter`, as Spectrum does. Empty: launch nothing; the test
    // connects a backend to port() itself and calls AcceptBackend().
    std::vector<std::string> backend_command;
    // The Spectrum config file (written by the test), the last argument.
    std::string config_path;
    // Spectrum's own arguments before the config path, e.g. {"-n"}.
    std::vector<std::string> spectrum_args;
    // --service.backend_id=N: Spectrum's log id, 1 for the first backend.
    int backend_id = 1;
    int backend_counter = 0;
    // The backend's working directory (Spectrum's service.working_dir);
    // empty: ours.
    std::string working_dir;

    // Spectrum PINGs on connect, then every 20 s; a backend that has not
    // answered the previous PING by the next tick is dead. Zero: only the
    // PING on connect.
    absl::Duration ping_interval = absl::Seconds(20);
    absl::Duration connect_timeout = absl::Seconds(30);
    // How long the backend gets to exit after EXIT when the emulator goes.
    absl::Duration exit_timeout = absl::Seconds(10);
    // A longer frame is a violation and ends the connection.
    size_t max_frame_size = 64 << 20;
    // Called on the I/O thread with every frame the backend sends, after it
    // is recorded (e.g. to print it). Must not call back into the emulator.
    std::function<void(const pbnetwork::WrapperMessage&)> on_frame;
  };

  // Listens, launches the backend and waits for its connection.
  static absl::StatusOr<std::unique_ptr<SpectrumEmulator>> Start(
      Options options);
  // Only listens; launches nothing (see Options::backend_command).
  static absl::StatusOr<std::unique_ptr<SpectrumEmulator>> Listen(
      Options options);
  // Waits for the backend's connection and sends the first PING.
  absl::Status AcceptBackend(absl::Duration timeout);

  ~SpectrumEmulator();
  SpectrumEmulator(const SpectrumEmulator&) = delete;
  SpectrumEmulator& operator=(const SpectrumEmulator&) = delete;

  // The port backends connect to (the --port argument).
  int port() const { return port_; }
  // The backend's argv as launched (empty when launched by the test).
  const std::vector<std::string>& backend_argv() const { return argv_; }
  // -1 when launched by the test.
  int backend_pid() const;

  // --- Sending, S->B. Each fails once the connection is gone. ---
  absl::Status Send(const pbnetwork::WrapperMessage& wrapper);
  absl::Status Send(Type type, const google::protobuf::Message& payload);
  // Bytes as they are, framed or not, for hostile-input tests.
  absl::Status SendRawBytes(absl::string_view bytes);
  absl::Status SendPing();
  // Also allows the disconnect that should follow.
  absl::Status SendExit();
  // Closes the connection without EXIT (a crashed Spectrum); the backend
  // should exit on EOF. Allows the disconnect.
  void Disconnect();

  absl::Status Login(const std::string& user, const std::string& legacy_name,
                     const std::string& password,
                     const std::map<std::string, std::string>& settings = {});
  absl::Status Logout(const std::string& user, const std::string& legacy_name);
  absl::Status SetStatus(const std::string& user, pbnetwork::StatusType status,
                         const std::string& status_message = "");
  absl::Status SendMessage(const pbnetwork::ConversationMessage& message);
  absl::Status SendChatMessage(const std::string& user,
                               const std::string& buddy,
                               const std::string& body);
  absl::Status JoinRoom(const std::string& user, const std::string& room,
                        const std::string& nickname,
                        const std::string& password = "");
  absl::Status LeaveRoom(const std::string& user, const std::string& room);
  absl::Status SetRoomSubject(const std::string& user, const std::string& room,
                              const std::string& subject);
  // BUDDY_CHANGED: add or update a contact on the legacy side.
  absl::Status ChangeBuddy(const pbnetwork::Buddy& buddy);
  absl::Status RemoveBuddy(const pbnetwork::Buddy& buddy);
  absl::Status SendBuddies(const pbnetwork::Buddies& buddies);
  absl::Status RequestVCard(const std::string& user, const std::string& buddy,
                            int id);
  absl::Status UpdateOwnVCard(const std::string& user,
                              const std::string& nickname,
                              const std::string& photo);
  // `type` is TYPE_BUDDY_TYPING, TYPE_BUDDY_TYPED or
  // TYPE_BUDDY_STOPPED_TYPING.
  absl::Status SendTyping(Type type, const std::string& user,
                          const std::string& buddy);
  absl::Status SendAttention(const std::string& user, const std::string& buddy,
                             const std::string& message);
  absl::Status SendRawXml(const std::string& xml);

  // --- Waiting for what the backend sends, B->S. ---
  absl::StatusOr<pbnetwork::WrapperMessage> WaitForFrame(
      Type type, const FrameLog::Predicate& predicate, absl::Duration timeout);

  // A frame of `type` whose payload, decoded as T, satisfies `predicate`
  // (any, if null).
  template <typename T>
  absl::StatusOr<T> WaitForPayload(Type type,
                                   std::function<bool(const T&)> predicate,
                                   absl::Duration timeout) {
    absl::StatusOr<pbnetwork::WrapperMessage> wrapper = WaitForFrame(
        type,
        [&predicate](const pbnetwork::WrapperMessage& candidate) {
          absl::StatusOr<T> payload = DecodePayload<T>(candidate);
          return payload.ok() && (!predicate || predicate(*payload));
        },
        timeout);
    if (!wrapper.ok()) return wrapper.status();
    return DecodePayload<T>(*wrapper);
  }

  // CONV_MESSAGE.
  absl::StatusOr<pbnetwork::ConversationMessage> WaitForMessage(
      std::function<bool(const pbnetwork::ConversationMessage&)> predicate,
      absl::Duration timeout);
  absl::Status WaitForConnected(const std::string& user,
                                absl::Duration timeout);
  absl::StatusOr<pbnetwork::Disconnected> WaitForDisconnected(
      const std::string& user, absl::Duration timeout);
  absl::StatusOr<pbnetwork::BackendConfig> WaitForBackendConfig(
      absl::Duration timeout);
  absl::Status WaitForPong(absl::Duration timeout);
  absl::StatusOr<pbnetwork::Stats> WaitForStats(absl::Duration timeout);
  absl::StatusOr<pbnetwork::Buddy> WaitForBuddy(
      Type type, std::function<bool(const pbnetwork::Buddy&)> predicate,
      absl::Duration timeout);
  absl::StatusOr<pbnetwork::Participant> WaitForParticipant(
      std::function<bool(const pbnetwork::Participant&)> predicate,
      absl::Duration timeout);
  absl::StatusOr<pbnetwork::VCard> WaitForVCard(int id, absl::Duration timeout);

  // --- The backend's connection and process. ---
  // From now on the backend may close its connection or exit.
  void AllowBackendDisconnect();
  // Waits for the connection to end; allows it.
  absl::Status WaitForBackendDisconnect(absl::Duration timeout);
  // Waits for the backend process to exit and returns its exit code (128 +
  // signal if killed); allows the disconnect.
  absl::StatusOr<int> WaitForBackendExit(absl::Duration timeout);

  // OK unless the backend broke the protocol, missed a PONG or disconnected
  // unexpectedly. Check it at the end of a test.
  absl::Status Health() { return log_.Health(); }
  // Everything received so far, in order.
  std::vector<pbnetwork::WrapperMessage> ReceivedFrames() {
    return log_.Frames();
  }
  int pings_sent() const { return pings_sent_; }
  int pongs_received() const { return pongs_received_; }

 private:
  explicit SpectrumEmulator(Options options);
  absl::Status StartListening();
  absl::Status LaunchBackend();
  void Wake();
  void RunIo();
  // Returns false when the connection is gone.
  bool ReadAvailable();
  void HandleFrame(const std::string& body);
  void PingTick();

  Options options_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_fd_ = -1;  // eventfd: stop, or the backend exited
  std::vector<std::string> argv_;

  // Set once by AcceptBackend, closed by the destructor after the I/O thread
  // is gone.
  std::atomic<int> connection_fd_{-1};
  // Serialises writes, so that frames from several threads never interleave.
  absl::Mutex write_mutex_;
  bool awaiting_pong_ ABSL_GUARDED_BY(write_mutex_) = false;

  std::atomic<bool> stopping_{false};
  std::atomic<int> pings_sent_{0};
  std::atomic<int> pongs_received_{0};
  FrameLog log_;
  std::thread io_thread_;
  // Last: destroyed first, while everything its exit callback uses exists.
  std::unique_ptr<testing::ChildProcess> backend_;
};

}  // namespace lilac::spectrum

#endif  // LILAC_TESTING_SPECTRUM_EMULATOR_SPECTRUM_EMULATOR_H_
