#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_SESSION_BRIDGE_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_SESSION_BRIDGE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "frontend_shim/translate/event_translator.h"
#include "frontend_shim/translate/purple_settings_check.h"
#include "frontend_shim/translate/saved_settings_store.h"
#include "frontend_shim/translate/user_queues.h"
#include "frontend_shim/translate/user_state.h"
#include "frontend_shim/web_storage/web_storage.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "lilac/v1/lilac.grpc.pb.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::shim {

// Ties Spectrum's users to lilac sessions. Frames from Spectrum are queued
// per user and handled in order, each user's on a thread of a shared pool
// (UserQueues), so a slow call to lilacd for one user never delays another
// user; lilac's events are followed on one more thread and turned into
// frames. Nothing ever blocks the thread that reads Spectrum's socket.
class SessionBridge {
 public:
  struct Options {
    // [service] protocol: a prpl id or "any".
    std::string protocol;
    // [purple] settings, passed to every login as text.
    std::map<std::string, std::string> purple_settings;
    // With protocol "any": checks [purple] against each LOGIN's protocol
    // (once per protocol) and refuses logins it does not fit. Not owned.
    PurpleSettingsCheck* settings_check = nullptr;
    std::string request_contact = "lilac-requests";
    absl::Duration rpc_timeout = absl::Seconds(20);
    bool enable_remove_buddy = false;
    bool no_vcard_fetch = false;
    std::string default_avatar;
    std::string avatars_directory;
    std::string web_directory;
    std::string web_url;
    uint64_t web_maximgsize = 1000000;
    // [proxy]: LoginRequest.proxy of every login; none: direct.
    std::optional<v1::Proxy> proxy;
    // lilac.connect_timeout: LoginRequest.connect_timeout of every
    // login; zero: lilacd's default.
    absl::Duration connect_timeout = absl::ZeroDuration();
    // Remote lilacd: on a lost event stream, users get a retryable
    // DISCONNECTED and the stream is re-opened with backoff.
    absl::Duration initial_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(10);
    // Ask lilacd to stop reading the network while the shim is far behind
    // its events, so a flood waits instead of being lost. Only with the
    // embedded lilacd, whose one client is this shim.
    bool hold_network_when_behind = false;
    // Keeps what plugins change in accounts at run time (tokens, device
    // ids: AccountSettingsChanged) per user JID, given back at the user's
    // next LOGIN (LoginRequest.saved_settings). None: such changes are lost
    // with the session. Not owned.
    SavedSettingsStore* saved_settings = nullptr;
  };
  using SendFrame = std::function<void(const pbnetwork::WrapperMessage&)>;

  SessionBridge(std::shared_ptr<grpc::Channel> channel, Options options,
                SendFrame send);
  // Cancels the calls in flight, stops the threads and logs every session
  // of ours out of lilacd.
  ~SessionBridge();

  // Queues a frame from Spectrum (never blocks).
  void Enqueue(pbnetwork::WrapperMessage frame);

 private:
  using Task = absl::AnyInvocable<void()>;
  // Runs `task` after the earlier tasks of `user`.
  void Post(const std::string& user, Task task);
  void RunEvents();
  void HandleFrame(const pbnetwork::WrapperMessage& frame);
  void HandleEvent(const v1::Event& event);
  // A stream delivered its first message: it follows every session lilacd
  // has, so sessions logged in during the outage are checked to exist.
  void OnStreamOpened();
  // The users the ended stream followed lose their sessions.
  void DisconnectFollowed(const std::string& why);
  // Disconnects `user` if lilacd no longer knows `session`.
  void CheckSessionExists(const std::string& user, const std::string& session);
  // Sends one retryable DISCONNECTED, once per LOGIN.
  void SendLost(UserState& user, const std::string& why)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Keeps the settings a plugin changed in `user`'s account.
  void SaveSettings(const std::string& user,
                    const v1::AccountSettingsChanged& changed);
  // We asked lilacd to log `session` (of `user`) out: the settings it
  // reports on the way out (before SessionEnded) are still kept.
  void NoteEndingSession(const std::string& session, const std::string& user)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  void Login(const pbnetwork::Login& login);
  void Logout(const pbnetwork::Logout& logout);
  void ChangeStatus(const pbnetwork::Status& status);
  void ChangeBuddy(const pbnetwork::Buddy& buddy);
  void RemoveBuddy(const pbnetwork::Buddy& buddy);
  void AnswerRequest(const std::string& user, const std::string& reply);
  void JoinRoom(const pbnetwork::Room& room);
  void LeaveRoom(const pbnetwork::Room& room);
  void SetSubject(const pbnetwork::ConversationMessage& message);
  void HandleVCard(const pbnetwork::VCard& vcard);
  void SendTyping(pbnetwork::WrapperMessage::Type type,
                  const pbnetwork::Buddy& buddy);
  void SendAttention(const pbnetwork::ConversationMessage& message);
  // What was queued before CONNECTED: status, joins, own avatar.
  void ApplyAfterConnect(const std::string& user);
  void OfferFile(const std::string& user, const v1::FileReceived& file);
  // ListChats for `user`'s new session, its answer sent as ROOM_LIST.
  void StartListChats(const std::string& user, const std::string& session,
                      UserQueues::Done done);

  // A context with the RPC deadline, cancelled by the destructor while the
  // call is in flight (or at once once the bridge is stopping).
  struct ContextDeleter {
    SessionBridge* bridge;
    void operator()(grpc::ClientContext* context) const;
  };
  using CallContext = std::unique_ptr<grpc::ClientContext, ContextDeleter>;
  CallContext Context();
  // A CONV_MESSAGE that is not for the request contact: SendMessage or
  // SendChatMessage as an asynchronous call; the ACK, a failure notice and
  // MarkRead follow from its completion, then `done`.
  struct SendCall {
    std::string session;
    std::string room;
    std::string private_to;
    v1::SendMessageRequest request;
    v1::SendChatMessageRequest chat_request;
    v1::SendMessageResponse response;
    v1::SendChatMessageResponse chat_response;
    CallContext context{nullptr, ContextDeleter{nullptr}};
  };
  struct ReadCall {
    v1::MarkReadRequest request;
    v1::MarkReadResponse response;
    CallContext context{nullptr, ContextDeleter{nullptr}};
  };
  void StartSendMessage(const pbnetwork::WrapperMessage& frame,
                        UserQueues::Done done);
  // Releases `call` (whose context refers to this bridge) before `done`:
  // once the last `done` ran, the bridge may be destroyed.
  void FinishSendMessage(const pbnetwork::ConversationMessage& message,
                         std::shared_ptr<SendCall> call,
                         const grpc::Status& status, UserQueues::Done done);
  bool IsToRequestContact(const pbnetwork::WrapperMessage& frame) const;
  // Whether `conversation` had unread messages (it has none afterwards).
  bool TakeUnread(const std::string& user, const std::string& session,
                  const std::string& conversation, bool room);
  // Tells lilacd the user saw `conversation`, if it has unread messages.
  void MarkReadIfUnread(const std::string& user, const std::string& session,
                        const std::string& conversation, bool room);
  // The session key of a logged-in user, or empty (and a log line).
  std::string SessionOf(const std::string& user, const char* what);
  void SendHelperMessage(const std::string& user, const std::string& text);
  void SendJoinError(const std::string& user, const std::string& room, int flag,
                     const std::string& message);
  void Send(const pbnetwork::WrapperMessage& frame);

  const Options options_;
  const SendFrame send_;
  std::unique_ptr<v1::LilacService::Stub> stub_;
  WebStorage web_storage_;
  EventTranslator translator_;

  absl::Mutex mutex_;
  // By user JID.
  std::map<std::string, UserState> users_ ABSL_GUARDED_BY(mutex_);
  // Session key → user JID.
  std::map<std::string, std::string> session_users_ ABSL_GUARDED_BY(mutex_);
  // Session key → user JID of sessions we logged out, until their
  // SessionEnded (with saved_settings only).
  std::map<std::string, std::string> ending_sessions_ ABSL_GUARDED_BY(mutex_);
  // Per user JID, across logins.
  std::map<std::string, DeliveredMessages> delivered_ ABSL_GUARDED_BY(mutex_);
  uint64_t next_login_ ABSL_GUARDED_BY(mutex_) = 0;
  // The event stream has delivered its first message and not ended since.
  bool stream_open_ ABSL_GUARDED_BY(mutex_) = false;
  std::set<std::string> logged_ignored_settings_ ABSL_GUARDED_BY(mutex_);

  absl::Mutex queue_mutex_;
  bool stopping_ ABSL_GUARDED_BY(queue_mutex_) = false;
  grpc::ClientContext* stream_context_ ABSL_GUARDED_BY(queue_mutex_) = nullptr;
  // Calls in flight, cancelled when stopping.
  std::set<grpc::ClientContext*> calls_ ABSL_GUARDED_BY(queue_mutex_);

  UserQueues queues_;
  std::thread events_;
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_SESSION_BRIDGE_H_
