#ifndef LILAC_BACKEND_COMMANDS_MOCK_HOST_COMMANDS_H_
#define LILAC_BACKEND_COMMANDS_MOCK_HOST_COMMANDS_H_

#include <memory>

#include "backend/commands/host_commands.h"
#include "gmock/gmock.h"

namespace lilac {

// HostCommands for tests of what sits in front of a host (the gRPC service,
// translators), without libpurple or processes.
class MockHostCommands : public HostCommands {
 public:
  MOCK_METHOD(void, ListProtocols,
              (const v1::ListProtocolsRequest&,
               Done<v1::ListProtocolsResponse>),
              (override));
  MOCK_METHOD(void, ListPlugins,
              (const v1::ListPluginsRequest&, Done<v1::ListPluginsResponse>),
              (override));
  MOCK_METHOD(void, LoadPlugin,
              (const v1::LoadPluginRequest&, Done<v1::LoadPluginResponse>),
              (override));
  MOCK_METHOD(void, Login, (const v1::LoginRequest&, Done<v1::LoginResponse>),
              (override));
  MOCK_METHOD(void, Logout,
              (const v1::LogoutRequest&, Done<v1::LogoutResponse>), (override));
  MOCK_METHOD(void, SetStatus,
              (const v1::SetStatusRequest&, Done<v1::SetStatusResponse>),
              (override));
  MOCK_METHOD(void, GetUserInfo,
              (const v1::GetUserInfoRequest&, Done<v1::GetUserInfoResponse>),
              (override));
  MOCK_METHOD(void, SetProfile,
              (const v1::SetProfileRequest&, Done<v1::SetProfileResponse>),
              (override));
  MOCK_METHOD(void, GetCapabilities,
              (const v1::GetCapabilitiesRequest&,
               Done<v1::GetCapabilitiesResponse>),
              (override));
  MOCK_METHOD(void, ListBuddies,
              (const v1::ListBuddiesRequest&, Done<v1::ListBuddiesResponse>),
              (override));
  MOCK_METHOD(void, AddBuddy,
              (const v1::AddBuddyRequest&, Done<v1::AddBuddyResponse>),
              (override));
  MOCK_METHOD(void, RemoveBuddy,
              (const v1::RemoveBuddyRequest&, Done<v1::RemoveBuddyResponse>),
              (override));
  MOCK_METHOD(void, UpdateBuddy,
              (const v1::UpdateBuddyRequest&, Done<v1::UpdateBuddyResponse>),
              (override));
  MOCK_METHOD(void, SetBuddyBlocked,
              (const v1::SetBuddyBlockedRequest&,
               Done<v1::SetBuddyBlockedResponse>),
              (override));
  MOCK_METHOD(void, GetBuddyIcon,
              (const v1::GetBuddyIconRequest&, Done<v1::GetBuddyIconResponse>),
              (override));
  MOCK_METHOD(void, AnswerAuthorization,
              (const v1::AnswerAuthorizationRequest&,
               Done<v1::AnswerAuthorizationResponse>),
              (override));
  MOCK_METHOD(void, SendMessage,
              (const v1::SendMessageRequest&, Done<v1::SendMessageResponse>),
              (override));
  MOCK_METHOD(void, SendTyping,
              (const v1::SendTypingRequest&, Done<v1::SendTypingResponse>),
              (override));
  MOCK_METHOD(void, SendAttention,
              (const v1::SendAttentionRequest&,
               Done<v1::SendAttentionResponse>),
              (override));
  MOCK_METHOD(void, MarkRead,
              (const v1::MarkReadRequest&, Done<v1::MarkReadResponse>),
              (override));
  MOCK_METHOD(void, ListChatFields,
              (const v1::ListChatFieldsRequest&,
               Done<v1::ListChatFieldsResponse>),
              (override));
  MOCK_METHOD(void, JoinChat,
              (const v1::JoinChatRequest&, Done<v1::JoinChatResponse>),
              (override));
  MOCK_METHOD(void, LeaveChat,
              (const v1::LeaveChatRequest&, Done<v1::LeaveChatResponse>),
              (override));
  MOCK_METHOD(void, SendChatMessage,
              (const v1::SendChatMessageRequest&,
               Done<v1::SendChatMessageResponse>),
              (override));
  MOCK_METHOD(void, SetChatSubject,
              (const v1::SetChatSubjectRequest&,
               Done<v1::SetChatSubjectResponse>),
              (override));
  MOCK_METHOD(void, AnswerChatInvitation,
              (const v1::AnswerChatInvitationRequest&,
               Done<v1::AnswerChatInvitationResponse>),
              (override));
  MOCK_METHOD(void, ListChats,
              (const v1::ListChatsRequest&, Done<v1::ListChatsResponse>),
              (override));
  MOCK_METHOD(void, AnswerRequest,
              (const v1::AnswerRequestRequest&,
               Done<v1::AnswerRequestResponse>),
              (override));
  MOCK_METHOD(void, CancelRequest,
              (const v1::CancelRequestRequest&,
               Done<v1::CancelRequestResponse>),
              (override));
  MOCK_METHOD(void, OpenFetchedFile,
              (const v1::FetchFileRequest&, Done<SpooledFile>), (override));
  MOCK_METHOD(void, ForgetFetchedFile,
              (const v1::FetchFileRequest&, absl::AnyInvocable<void()>),
              (override));
  MOCK_METHOD(void, StartUpload,
              (const v1::SendFileRequest&,
               Done<std::unique_ptr<PartialUpload>>),
              (override));
  MOCK_METHOD(void, SendFile,
              (const v1::SendFileRequest&, std::unique_ptr<PartialUpload>,
               Done<v1::SendFileResponse>),
              (override));
  MOCK_METHOD(void, HoldNetwork, (bool), (override));
};

}  // namespace lilac

#endif  // LILAC_BACKEND_COMMANDS_MOCK_HOST_COMMANDS_H_
