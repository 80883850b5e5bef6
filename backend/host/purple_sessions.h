#ifndef LILAC_BACKEND_HOST_PURPLE_SESSIONS_H_
#define LILAC_BACKEND_HOST_PURPLE_SESSIONS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "backend/host/event_sink.h"
#include "backend/host/file_spool.h"
#include "backend/host/loop_session.h"
#include "backend/host/partial_upload.h"
#include "backend/host/purple_host.h"
#include "lilac/v1/buddies.pb.h"
#include "lilac/v1/capabilities.pb.h"
#include "lilac/v1/chats.pb.h"
#include "lilac/v1/files.pb.h"
#include "lilac/v1/messages.pb.h"
#include "lilac/v1/requests.pb.h"
#include "lilac/v1/sessions.pb.h"
#include "lilac/v1/user_info.pb.h"

namespace lilac {

class RequestTracker;
class PluginStateDir;

// The sessions' side of libpurple: turns API commands into libpurple calls and
// libpurple's callbacks into events for the EventSink. Lives on the loop
// thread; every method takes `const OnLoop&`. Requests are already validated
// for form (non-empty keys); this class checks what only libpurple knows
// (unknown protocol, buddy, room...).
class PurpleSessions {
 public:
  struct Options {
    // Directory where incoming files are kept until fetched (one subdirectory
    // per session); libpurple's private directory when empty.
    std::string spool_dir;
    // Largest incoming file accepted, in bytes.
    uint64_t max_file_size = 50 << 20;
    // Where plugins' files persist (PurpleHost::plugin_state); none: they go
    // with the process.
    PluginStateDir* plugin_state = nullptr;
  };

  // Installs libpurple's UI ops and signal handlers. One instance per process.
  PurpleSessions(const OnLoop& loop, EventSink* sink, Options options);
  // Logs every session out.
  ~PurpleSessions();

  absl::StatusOr<v1::LoginResponse> Login(const OnLoop& loop,
                                          const v1::LoginRequest& request);
  absl::StatusOr<v1::LogoutResponse> Logout(const OnLoop& loop,
                                            const v1::LogoutRequest& request);
  void LogoutAll(const OnLoop& loop);

  absl::StatusOr<v1::SetStatusResponse> SetStatus(
      const OnLoop& loop, const v1::SetStatusRequest& request);

  absl::StatusOr<v1::ListBuddiesResponse> ListBuddies(
      const OnLoop& loop, const v1::ListBuddiesRequest& request);
  absl::StatusOr<v1::AddBuddyResponse> AddBuddy(
      const OnLoop& loop, const v1::AddBuddyRequest& request);
  absl::StatusOr<v1::RemoveBuddyResponse> RemoveBuddy(
      const OnLoop& loop, const v1::RemoveBuddyRequest& request);
  absl::StatusOr<v1::UpdateBuddyResponse> UpdateBuddy(
      const OnLoop& loop, const v1::UpdateBuddyRequest& request);
  absl::StatusOr<v1::SetBuddyBlockedResponse> SetBuddyBlocked(
      const OnLoop& loop, const v1::SetBuddyBlockedRequest& request);
  absl::StatusOr<v1::GetBuddyIconResponse> GetBuddyIcon(
      const OnLoop& loop, const v1::GetBuddyIconRequest& request);
  absl::Status AnswerAuthorization(
      const OnLoop& loop, const v1::AnswerAuthorizationRequest& request);

  absl::StatusOr<v1::SendMessageResponse> SendMessage(
      const OnLoop& loop, const v1::SendMessageRequest& request);
  absl::Status SendTyping(const OnLoop& loop,
                          const v1::SendTypingRequest& request);
  absl::Status SendAttention(const OnLoop& loop,
                             const v1::SendAttentionRequest& request);
  absl::Status MarkRead(const OnLoop& loop, const v1::MarkReadRequest& request);

  absl::StatusOr<v1::ListChatFieldsResponse> ListChatFields(
      const OnLoop& loop, const v1::ListChatFieldsRequest& request);
  absl::Status JoinChat(const OnLoop& loop, const v1::JoinChatRequest& request);
  absl::Status LeaveChat(const OnLoop& loop,
                         const v1::LeaveChatRequest& request);
  absl::StatusOr<v1::SendChatMessageResponse> SendChatMessage(
      const OnLoop& loop, const v1::SendChatMessageRequest& request);
  // Asks the plugin to set a chat's subject; `done` runs on the loop thread
  // when the network reports a subject for the chat, or `timeout` after.
  void SetChatSubject(
      const OnLoop& loop, const v1::SetChatSubjectRequest& request,
      absl::Duration timeout,
      absl::AnyInvocable<void(absl::StatusOr<v1::SetChatSubjectResponse>)>
          done);
  absl::Status AnswerChatInvitation(
      const OnLoop& loop, const v1::AnswerChatInvitationRequest& request);
  // Lists the network's chats; `done` runs on the loop thread once the plugin
  // ends the list, or with an error (at the latest `timeout` after).
  void ListChats(
      const OnLoop& loop, const v1::ListChatsRequest& request,
      absl::Duration timeout,
      absl::AnyInvocable<void(absl::StatusOr<v1::ListChatsResponse>)> done);
  absl::StatusOr<v1::GetCapabilitiesResponse> GetCapabilities(
      const OnLoop& loop, const v1::GetCapabilitiesRequest& request);

  // Asks the plugin for a user's info; `done` runs on the loop thread with the
  // answer, or an error if the plugin cannot or does not answer in time.
  void GetUserInfo(
      const OnLoop& loop, const v1::GetUserInfoRequest& request,
      absl::AnyInvocable<void(absl::StatusOr<v1::GetUserInfoResponse>)> done);
  absl::Status SetProfile(const OnLoop& loop,
                          const v1::SetProfileRequest& request);

  absl::Status AnswerRequest(const OnLoop& loop,
                             const v1::AnswerRequestRequest& request);
  absl::Status CancelRequest(const OnLoop& loop,
                             const v1::CancelRequestRequest& request);

  // FetchFile: the file is opened here and read by the call off the loop;
  // removed once all of it was written.
  absl::StatusOr<SpooledFile> OpenSpooledFile(
      const OnLoop& loop, const v1::FetchFileRequest& request);
  void RemoveSpooledFile(const OnLoop& loop,
                         const v1::FetchFileRequest& request);
  // SendFile, at its first message (`header`): whether the session can send
  // this file, and where its bytes go as they arrive.
  absl::StatusOr<std::unique_ptr<PartialUpload>> StartSendFile(
      const OnLoop& loop, const v1::SendFileRequest& header);
  // SendFile, once all the bytes came: checks again and offers the file.
  absl::StatusOr<v1::SendFileResponse> SendFile(
      const OnLoop& loop, const v1::SendFileRequest& header,
      std::unique_ptr<PartialUpload> upload);

  // --- For the libpurple callbacks (UI ops and signals) of this host. ---

  // The one instance, for C callbacks that carry no user data; they pass
  // OnLoop::InCallback().
  static PurpleSessions* Get(const OnLoop&) { return instance_; }
  // The session an account belongs to, or null (accounts of sessions being torn
  // down too).
  static LoopSession* SessionOf(PurpleAccount* account);
  // The session of a key, or null.
  LoopSession* FindSession(const std::string& key) {
    auto it = sessions_.find(key);
    return it == sessions_.end() ? nullptr : it->second.get();
  }
  // Records an event of `session`, unless it is logging out.
  void Emit(LoopSession* session, v1::Event event);
  // Connection callbacks.
  void OnConnected(LoopSession* session);
  void OnDisconnected(LoopSession* session, PurpleConnectionError reason,
                      const std::string& text, bool has_reason);
  // A chat join failed; reported once the plugin had its say (it explains the
  // failure with a notice right after libpurple's signal, and the notice's
  // words refine the reason).
  void EmitJoinFailure(LoopSession* session, v1::Event event);
  // The words of an error notice (notices carry no account).
  void NoteErrorNotice(const std::string& words);
  // Loop-only parts, reached with the token.
  RequestTracker& requests(const OnLoop&) { return *requests_; }
  FileSpool& files(const OnLoop&) { return *files_; }
  void StoreUserInfo(LoopSession* session, const std::string& who,
                     PurpleNotifyUserInfo* info);
  // A chat's subject changed (`chat` as the client names it): answers the
  // SetChatSubject calls waiting for it.
  void OnChatSubjectChanged(LoopSession* session, const std::string& chat,
                            const std::string& subject);
  // libpurple withdrew an authorization request.
  void ForgetAuthorization(const std::string& session, uint64_t id);

 private:
  absl::StatusOr<LoopSession*> Find(const std::string& session);
  absl::StatusOr<LoopSession*> FindConnected(const std::string& session);
  absl::StatusOr<PurpleConnection*> ConnectionOf(LoopSession* session);
  void Connect(LoopSession* session);
  static gboolean OnReconnectTimer(gpointer session);
  // The connect deadline of the current attempt: started by Connect, stopped
  // once the attempt ends either way.
  void StartConnectDeadline(LoopSession* session);
  static void StopConnectDeadline(LoopSession* session);
  static gboolean OnConnectDeadline(gpointer session);
  // Reports the outcome of a send as an event too.
  void EmitSendResult(LoopSession* session, const std::string& to,
                      const std::string& client_message_id, bool accepted,
                      const v1::Failure* failure);
  void RejoinRooms(LoopSession* session);
  void Teardown(LoopSession* session);
  // Reports what the plugin changed in the account's settings since the last
  // report, and keeps the files it wrote (see AccountSettingsChanged).
  void ReportSettingChanges(LoopSession* session);
  // The same while the session is being torn down.
  void ReportSettingChangesNow(LoopSession* session);
  void ReportAllSettingChanges();
  void SyncPluginState();
  void CollectPluginFiles();
  static gboolean OnPluginStateTimer(gpointer sessions);

 public:
  // A SetChatSubject waiting for the network to report the subject.
  struct PendingSubject {
    std::string session;
    std::string chat;
    guint timeout = 0;
    absl::Duration wait;
    absl::AnyInvocable<void(absl::StatusOr<v1::SetChatSubjectResponse>)> done;
  };
  // A GetUserInfo waiting for the plugin's notify_userinfo.
  struct PendingUserInfo {
    std::string session;
    std::string who;
    guint timeout = 0;
    absl::AnyInvocable<void(absl::StatusOr<v1::GetUserInfoResponse>)> done;
  };

 private:
  static PurpleSessions* instance_;
  EventSink* const sink_;
  const Options options_;
  std::map<std::string, std::unique_ptr<LoopSession>> sessions_;
  std::unique_ptr<RequestTracker> requests_;
  std::unique_ptr<FileSpool> files_;

  std::multimap<std::string, std::unique_ptr<PendingUserInfo>> user_info_;
  std::vector<std::unique_ptr<PendingSubject>> subject_waits_;
  // Answers the subject waits of `session` with a failure (the connection
  // ended, or the session is gone).
  void FailSubjectWaits(const std::string& session, v1::FailureCode code,
                        const std::string& why);
  // Answers the subject waits of `session` (of `chat` only, unless null).
  void AnswerSubjectWaits(const std::string& session, const std::string* chat,
                          const v1::SetChatSubjectResponse& response);
  friend gboolean SubjectTimeout(gpointer data);
  std::vector<std::pair<std::string, v1::Event>> join_failures_;
  guint join_failure_source_ = 0;
  std::string recent_error_notice_;
  guint plugin_state_timer_ = 0;
  friend gboolean UserInfoTimeout(gpointer data);
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PURPLE_SESSIONS_H_
