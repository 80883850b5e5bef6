#ifndef LILAC_TESTING_FAKE_PRPL_NETWORK_MODEL_H_
#define LILAC_TESTING_FAKE_PRPL_NETWORK_MODEL_H_

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "testing/fake_prpl/fake_control.pb.h"
#include "testing/fake_prpl/fake_network.pb.h"
#include "testing/fake_prpl/socket_loop.h"

namespace lilac::testing::fake {

// The fake network itself: accounts, buddy lists, rooms and the logged-in
// sessions, with what clients sent recorded for tests. Frames arrive from the
// SocketLoop; control operations come from the gRPC service (any thread).
class NetworkModel : public ConnectionHandler {
 public:
  NetworkModel() = default;
  // Where frames go; set once before any connection arrives.
  void AttachTransport(SocketLoop* transport) { transport_ = transport; }

  // ConnectionHandler, on the socket loop's thread.
  void OnFrame(ConnectionId connection, v1::ClientFrame frame) override;
  void OnClosed(ConnectionId connection) override;

  // Control operations (see fake_control.proto for their meaning).
  absl::Status CreateAccount(const v1::CreateAccountRequest& request);
  absl::Status AddBuddy(const std::string& account, const v1::Buddy& buddy);
  absl::Status RemoveBuddy(const std::string& account, const std::string& name);
  absl::Status CreateGroup(const std::string& account,
                           const std::string& group);
  absl::Status CreateRoom(const v1::CreateRoomRequest& request);
  // `never_answer`: GetInfo for this name gets no reply at all.
  absl::Status SetUserInfo(const v1::UserInfo& info, bool never_answer = false);
  absl::Status SetLoginBehavior(const v1::SetLoginBehaviorRequest& request);
  absl::StatusOr<std::string> InjectMessage(const std::string& account,
                                            v1::IncomingIm message);
  // Sends `frame` to every logged-in session of `account`.
  absl::Status SendToAccount(const std::string& account,
                             const v1::ServerFrame& frame);
  absl::Status InjectPresence(const std::string& account,
                              const v1::Presence& presence);
  absl::StatusOr<int> InjectRoomEvent(const v1::InjectRoomEventRequest& event);
  absl::StatusOr<std::string> AskQuestion(const std::string& account,
                                          v1::Question question);
  // Returns the transfer id.
  absl::StatusOr<std::string> InjectFile(const v1::InjectFileRequest& request);
  absl::StatusOr<v1::WaitForClientFrameResponse> WaitForClientFrame(
      const v1::WaitForClientFrameRequest& request);
  int Disconnect(const std::string& account);
  // A new token for the account, sent to its logged-in connections.
  absl::StatusOr<std::string> RefreshToken(const std::string& account);
  // Sends Misbehave to the account's logged-in connections; how many.
  absl::StatusOr<int> Misbehave(const std::string& account,
                                v1::Misbehave::Kind kind);
  absl::StatusOr<v1::GetAccountStateResponse> GetAccountState(
      const std::string& account);

 private:
  struct LoginBehavior {
    absl::Duration delay;
    v1::LoginError refusal = v1::LOGIN_ERROR_UNSPECIFIED;
    std::string second_factor_code;
  };
  struct UnreadMessage {
    std::string conversation;
    v1::IncomingIm message;
  };
  struct Account {
    std::string password;
    v1::UserInfo info;
    std::map<std::string, v1::Buddy> buddies;
    std::set<std::string> groups;
    std::set<std::string> blocked;
    LoginBehavior login;
    std::vector<UnreadMessage> unread;
    // The token issued at the last successful login (empty before any).
    std::string last_token;
    // Every login attempt, oldest first.
    std::vector<v1::LoginRecord> logins;
  };
  struct Room {
    v1::CreateRoomRequest spec;  // name, subject, password, fake participants
    std::map<ConnectionId, std::string> members;  // session -> nick
  };
  struct Session {
    std::string account;  // set by the login frame
    bool logged_in = false;
    bool replay_unread = false;
    std::string second_factor_question;  // pending 2FA question id
    std::set<std::string> open_questions;
    // Joins waiting for the answer to their room's join question, by its id.
    std::map<std::string, v1::JoinRoom> held_joins;
  };
  // A file the network sends a client (InjectFile), waiting for its accept.
  struct InjectedFile {
    ConnectionId connection;
    std::string data;
    uint64_t cancel_after_bytes = 0;
  };
  // A file a client is sending.
  struct ClientFile {
    std::string to;
    std::string filename;
    std::string data;
  };
  struct RecordedFrame {
    int64_t sequence;
    std::string account;
    v1::ClientFrame frame;
  };

  // Frame handlers, on the socket loop's thread.
  void HandleLogin(ConnectionId id, const v1::Login& login)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void FinishLogin(ConnectionId id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void FailLogin(ConnectionId id, v1::LoginError error,
                 const std::string& message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Issues a new session token and sends the account's list.
  void SucceedLogin(ConnectionId id, Session& session)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // "tok-" and 16 random hex digits.
  std::string NewToken() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void HandleLoggedIn(ConnectionId id, Session& session,
                      const v1::ClientFrame& frame)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // `answered`: the room's join question was answered; join now.
  void HandleJoinRoom(ConnectionId id, Session& session,
                      const v1::JoinRoom& join, bool answered = false)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void HandleAnswer(ConnectionId id, Session& session,
                    const v1::AnswerQuestion& answer)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // File transfer frames (network_model_files.cc).
  void HandleFileFrame(ConnectionId id, Session& session,
                       const v1::ClientFrame& frame)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void SendInjectedFile(ConnectionId id, const std::string& transfer_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ForgetFilesOf(ConnectionId id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void LeaveRoom(ConnectionId id, Room& room, const std::string& reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void SendError(ConnectionId id, v1::ProtocolErrorCode code,
                 const std::string& message, bool fatal)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Record(const std::string& account, v1::ClientFrame frame)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  // Logged-in sessions of an account.
  std::vector<ConnectionId> SessionsOf(const std::string& account) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Sends to every member of a room except `except`.
  void Broadcast(const Room& room, const v1::ServerFrame& frame,
                 ConnectionId except = 0) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::StatusOr<Account*> FindAccount(const std::string& name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::StatusOr<Room*> FindRoom(const std::string& name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::Status RequireConnected(const std::string& account) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  std::vector<v1::Participant> ParticipantsOf(const Room& room) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  bool NickTaken(const Room& room, const std::string& nick) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Send(ConnectionId id, const v1::ServerFrame& frame) {
    transport_->Send(id, frame);
  }

  SocketLoop* transport_ = nullptr;

  mutable absl::Mutex mutex_;
  std::map<std::string, Account> accounts_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, Room> rooms_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, v1::UserInfo> user_info_ ABSL_GUARDED_BY(mutex_);
  std::set<std::string> unanswered_info_ ABSL_GUARDED_BY(mutex_);
  std::map<ConnectionId, Session> sessions_ ABSL_GUARDED_BY(mutex_);
  std::vector<RecordedFrame> recorded_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, InjectedFile> injected_files_ ABSL_GUARDED_BY(mutex_);
  std::map<std::pair<ConnectionId, std::string>, ClientFile> client_files_
      ABSL_GUARDED_BY(mutex_);
  int64_t next_sequence_ ABSL_GUARDED_BY(mutex_) = 1;
  int64_t next_id_ ABSL_GUARDED_BY(mutex_) = 1;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mutex_){std::random_device{}()};
};

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_NETWORK_MODEL_H_
