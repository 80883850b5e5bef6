#ifndef LILAC_BACKEND_COMMANDS_HOST_COMMANDS_H_
#define LILAC_BACKEND_COMMANDS_HOST_COMMANDS_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "backend/commands/spooled_file.h"
#include "backend/host/partial_upload.h"
#include "lilac/v1/lilac.pb.h"

namespace lilac {

// What a libpurple host does for the API: one command per lilac.v1 call that
// needs libpurple, in the API's own request and response types. Requests come
// validated (backend/api/request_validation.h). Every command completes once,
// on a thread of the host's choosing, with the response or a status; none
// blocks the caller. The in-process host runs them on its loop thread; a
// worker host would carry them to another process.
class HostCommands {
 public:
  template <typename Response>
  using Done = absl::AnyInvocable<void(absl::StatusOr<Response>)>;

  virtual ~HostCommands() = default;

  virtual void ListProtocols(const v1::ListProtocolsRequest& request,
                             Done<v1::ListProtocolsResponse> done) = 0;
  virtual void ListPlugins(const v1::ListPluginsRequest& request,
                           Done<v1::ListPluginsResponse> done) = 0;
  virtual void LoadPlugin(const v1::LoadPluginRequest& request,
                          Done<v1::LoadPluginResponse> done) = 0;

  virtual void Login(const v1::LoginRequest& request,
                     Done<v1::LoginResponse> done) = 0;
  virtual void Logout(const v1::LogoutRequest& request,
                      Done<v1::LogoutResponse> done) = 0;
  virtual void SetStatus(const v1::SetStatusRequest& request,
                         Done<v1::SetStatusResponse> done) = 0;
  virtual void GetUserInfo(const v1::GetUserInfoRequest& request,
                           Done<v1::GetUserInfoResponse> done) = 0;
  virtual void SetProfile(const v1::SetProfileRequest& request,
                          Done<v1::SetProfileResponse> done) = 0;
  virtual void GetCapabilities(const v1::GetCapabilitiesRequest& request,
                               Done<v1::GetCapabilitiesResponse> done) = 0;

  virtual void ListBuddies(const v1::ListBuddiesRequest& request,
                           Done<v1::ListBuddiesResponse> done) = 0;
  virtual void AddBuddy(const v1::AddBuddyRequest& request,
                        Done<v1::AddBuddyResponse> done) = 0;
  virtual void RemoveBuddy(const v1::RemoveBuddyRequest& request,
                           Done<v1::RemoveBuddyResponse> done) = 0;
  virtual void UpdateBuddy(const v1::UpdateBuddyRequest& request,
                           Done<v1::UpdateBuddyResponse> done) = 0;
  virtual void SetBuddyBlocked(const v1::SetBuddyBlockedRequest& request,
                               Done<v1::SetBuddyBlockedResponse> done) = 0;
  virtual void GetBuddyIcon(const v1::GetBuddyIconRequest& request,
                            Done<v1::GetBuddyIconResponse> done) = 0;
  virtual void AnswerAuthorization(
      const v1::AnswerAuthorizationRequest& request,
      Done<v1::AnswerAuthorizationResponse> done) = 0;

  virtual void SendMessage(const v1::SendMessageRequest& request,
                           Done<v1::SendMessageResponse> done) = 0;
  virtual void SendTyping(const v1::SendTypingRequest& request,
                          Done<v1::SendTypingResponse> done) = 0;
  virtual void SendAttention(const v1::SendAttentionRequest& request,
                             Done<v1::SendAttentionResponse> done) = 0;
  virtual void MarkRead(const v1::MarkReadRequest& request,
                        Done<v1::MarkReadResponse> done) = 0;

  virtual void ListChatFields(const v1::ListChatFieldsRequest& request,
                              Done<v1::ListChatFieldsResponse> done) = 0;
  virtual void JoinChat(const v1::JoinChatRequest& request,
                        Done<v1::JoinChatResponse> done) = 0;
  virtual void LeaveChat(const v1::LeaveChatRequest& request,
                         Done<v1::LeaveChatResponse> done) = 0;
  virtual void SendChatMessage(const v1::SendChatMessageRequest& request,
                               Done<v1::SendChatMessageResponse> done) = 0;
  // Completes when the network reports the subject, or at the request's
  // timeout.
  virtual void SetChatSubject(const v1::SetChatSubjectRequest& request,
                              Done<v1::SetChatSubjectResponse> done) = 0;
  virtual void AnswerChatInvitation(
      const v1::AnswerChatInvitationRequest& request,
      Done<v1::AnswerChatInvitationResponse> done) = 0;
  // Completes when the plugin ends the list, or at the request's timeout.
  virtual void ListChats(const v1::ListChatsRequest& request,
                         Done<v1::ListChatsResponse> done) = 0;

  virtual void AnswerRequest(const v1::AnswerRequestRequest& request,
                             Done<v1::AnswerRequestResponse> done) = 0;
  virtual void CancelRequest(const v1::CancelRequestRequest& request,
                             Done<v1::CancelRequestResponse> done) = 0;

  // FetchFile: opens the received file; the caller reads it and, once all of
  // it was delivered, calls ForgetFetchedFile, which removes it.
  virtual void OpenFetchedFile(const v1::FetchFileRequest& request,
                               Done<SpooledFile> done) = 0;
  virtual void ForgetFetchedFile(const v1::FetchFileRequest& request,
                                 absl::AnyInvocable<void()> done) = 0;
  // SendFile, at its first message (`header`, without data): whether the
  // session can send this file, and where its bytes go as they arrive.
  virtual void StartUpload(const v1::SendFileRequest& header,
                           Done<std::unique_ptr<PartialUpload>> done) = 0;
  // SendFile, once all the bytes came (`upload` closed): offers the file.
  virtual void SendFile(const v1::SendFileRequest& header,
                        std::unique_ptr<PartialUpload> upload,
                        Done<v1::SendFileResponse> done) = 0;

  // Holds (or releases) reading from the network for every session: see
  // StreamEventsRequest.hold_network_when_behind. Holds are counted.
  virtual void HoldNetwork(bool hold) = 0;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_COMMANDS_HOST_COMMANDS_H_
