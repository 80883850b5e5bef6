#ifndef LILAC_BACKEND_HOST_IN_PROCESS_HOST_H_
#define LILAC_BACKEND_HOST_IN_PROCESS_HOST_H_

#include <memory>

#include "absl/status/statusor.h"
#include "backend/commands/host_commands.h"
#include "backend/host/event_sink.h"
#include "backend/host/host_options.h"

namespace lilac {

class PurpleHost;
class PurpleSessions;

// libpurple in this process: a PurpleHost and its sessions, taking commands by
// posting them to the loop thread, where they complete.
class InProcessHost final : public HostCommands {
 public:
  // Starts libpurple and loads the plugins of `options`; the sessions' events
  // go to `sink`, which must outlive the host.
  static absl::StatusOr<std::unique_ptr<InProcessHost>> Start(
      const HostOptions& options, EventSink* sink);
  // Logs every session out, then shuts libpurple down.
  ~InProcessHost() override;

  // Logs every session out and waits until that is done: answers the commands
  // still waiting on the network (ListChats, SetChatSubject, GetUserInfo).
  void LogoutAll();

  void ListProtocols(const v1::ListProtocolsRequest& request,
                     Done<v1::ListProtocolsResponse> done) override;
  void ListPlugins(const v1::ListPluginsRequest& request,
                   Done<v1::ListPluginsResponse> done) override;
  void LoadPlugin(const v1::LoadPluginRequest& request,
                  Done<v1::LoadPluginResponse> done) override;
  void Login(const v1::LoginRequest& request,
             Done<v1::LoginResponse> done) override;
  void Logout(const v1::LogoutRequest& request,
              Done<v1::LogoutResponse> done) override;
  void SetStatus(const v1::SetStatusRequest& request,
                 Done<v1::SetStatusResponse> done) override;
  void GetUserInfo(const v1::GetUserInfoRequest& request,
                   Done<v1::GetUserInfoResponse> done) override;
  void SetProfile(const v1::SetProfileRequest& request,
                  Done<v1::SetProfileResponse> done) override;
  void GetCapabilities(const v1::GetCapabilitiesRequest& request,
                       Done<v1::GetCapabilitiesResponse> done) override;
  void ListBuddies(const v1::ListBuddiesRequest& request,
                   Done<v1::ListBuddiesResponse> done) override;
  void AddBuddy(const v1::AddBuddyRequest& request,
                Done<v1::AddBuddyResponse> done) override;
  void RemoveBuddy(const v1::RemoveBuddyRequest& request,
                   Done<v1::RemoveBuddyResponse> done) override;
  void UpdateBuddy(const v1::UpdateBuddyRequest& request,
                   Done<v1::UpdateBuddyResponse> done) override;
  void SetBuddyBlocked(const v1::SetBuddyBlockedRequest& request,
                       Done<v1::SetBuddyBlockedResponse> done) override;
  void GetBuddyIcon(const v1::GetBuddyIconRequest& request,
                    Done<v1::GetBuddyIconResponse> done) override;
  void AnswerAuthorization(const v1::AnswerAuthorizationRequest& request,
                           Done<v1::AnswerAuthorizationResponse> done) override;
  void SendMessage(const v1::SendMessageRequest& request,
                   Done<v1::SendMessageResponse> done) override;
  void SendTyping(const v1::SendTypingRequest& request,
                  Done<v1::SendTypingResponse> done) override;
  void SendAttention(const v1::SendAttentionRequest& request,
                     Done<v1::SendAttentionResponse> done) override;
  void MarkRead(const v1::MarkReadRequest& request,
                Done<v1::MarkReadResponse> done) override;
  void ListChatFields(const v1::ListChatFieldsRequest& request,
                      Done<v1::ListChatFieldsResponse> done) override;
  void JoinChat(const v1::JoinChatRequest& request,
                Done<v1::JoinChatResponse> done) override;
  void LeaveChat(const v1::LeaveChatRequest& request,
                 Done<v1::LeaveChatResponse> done) override;
  void SendChatMessage(const v1::SendChatMessageRequest& request,
                       Done<v1::SendChatMessageResponse> done) override;
  void SetChatSubject(const v1::SetChatSubjectRequest& request,
                      Done<v1::SetChatSubjectResponse> done) override;
  void AnswerChatInvitation(
      const v1::AnswerChatInvitationRequest& request,
      Done<v1::AnswerChatInvitationResponse> done) override;
  void ListChats(const v1::ListChatsRequest& request,
                 Done<v1::ListChatsResponse> done) override;
  void AnswerRequest(const v1::AnswerRequestRequest& request,
                     Done<v1::AnswerRequestResponse> done) override;
  void CancelRequest(const v1::CancelRequestRequest& request,
                     Done<v1::CancelRequestResponse> done) override;
  void OpenFetchedFile(const v1::FetchFileRequest& request,
                       Done<SpooledFile> done) override;
  void ForgetFetchedFile(const v1::FetchFileRequest& request,
                         absl::AnyInvocable<void()> done) override;
  void StartUpload(const v1::SendFileRequest& header,
                   Done<std::unique_ptr<PartialUpload>> done) override;
  void SendFile(const v1::SendFileRequest& header,
                std::unique_ptr<PartialUpload> upload,
                Done<v1::SendFileResponse> done) override;
  void HoldNetwork(bool hold) override;

 private:
  InProcessHost() = default;

  // Runs a PurpleSessions command that answers at once on the loop thread.
  template <typename Request, typename Response, typename Command>
  void RunOnLoop(const Request& request, Done<Response> done, Command command);

  std::unique_ptr<PurpleHost> host_;
  std::unique_ptr<PurpleSessions> sessions_;  // lives on host_'s loop thread
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_IN_PROCESS_HOST_H_
