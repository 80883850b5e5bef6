#ifndef LILAC_BACKEND_API_LILAC_SERVICE_H_
#define LILAC_BACKEND_API_LILAC_SERVICE_H_

#include <utility>

#include "absl/status/statusor.h"
#include "backend/api/grpc_status.h"
#include "backend/api/request_validation.h"
#include "backend/host/purple_host.h"
#include "backend/host/purple_sessions.h"
#include "backend/sessions/session_registry.h"
#include "protos/lilac/v1/lilac.grpc.pb.h"

namespace lilac {

// The lilac.v1.Lilac gRPC service. Handlers run on gRPC threads and never touch
// libpurple: they validate the request, then post the work to the host's loop
// thread, which finishes the call. Session descriptions and events are read
// from the registry without the loop.
class LilacService final : public v1::Lilac::CallbackService {
 public:
  // `sessions` lives on `host`'s loop thread and outlives the service.
  LilacService(PurpleHost* host, PurpleSessions* sessions,
               SessionRegistry* registry)
      : host_(host), sessions_(sessions), registry_(registry) {}

  grpc::ServerUnaryReactor* ListProtocols(
      grpc::CallbackServerContext* context,
      const v1::ListProtocolsRequest* request,
      v1::ListProtocolsResponse* response) override;
  grpc::ServerUnaryReactor* ListSessions(
      grpc::CallbackServerContext* context,
      const v1::ListSessionsRequest* request,
      v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* context,
                                       const v1::GetSessionRequest* request,
                                       v1::Session* response) override;
  grpc::ServerWriteReactor<v1::Event>* StreamEvents(
      grpc::CallbackServerContext* context,
      const v1::StreamEventsRequest* request) override;
  grpc::ServerUnaryReactor* GetUserInfo(
      grpc::CallbackServerContext* context,
      const v1::GetUserInfoRequest* request,
      v1::GetUserInfoResponse* response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const v1::LoginRequest* request,
                                  v1::LoginResponse* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* context,
                                   const v1::LogoutRequest* request,
                                   v1::LogoutResponse* response) override;
  grpc::ServerUnaryReactor* SetStatus(grpc::CallbackServerContext* context,
                                      const v1::SetStatusRequest* request,
                                      v1::SetStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListBuddies(
      grpc::CallbackServerContext* context,
      const v1::ListBuddiesRequest* request,
      v1::ListBuddiesResponse* response) override;
  grpc::ServerUnaryReactor* AddBuddy(grpc::CallbackServerContext* context,
                                     const v1::AddBuddyRequest* request,
                                     v1::BuddyResponse* response) override;
  grpc::ServerUnaryReactor* RemoveBuddy(grpc::CallbackServerContext* context,
                                        const v1::RemoveBuddyRequest* request,
                                        v1::BuddyResponse* response) override;
  grpc::ServerUnaryReactor* UpdateBuddy(grpc::CallbackServerContext* context,
                                        const v1::UpdateBuddyRequest* request,
                                        v1::BuddyResponse* response) override;
  grpc::ServerUnaryReactor* SetBuddyBlocked(
      grpc::CallbackServerContext* context,
      const v1::SetBuddyBlockedRequest* request,
      v1::BuddyResponse* response) override;
  grpc::ServerUnaryReactor* GetBuddyIcon(
      grpc::CallbackServerContext* context,
      const v1::GetBuddyIconRequest* request,
      v1::GetBuddyIconResponse* response) override;
  grpc::ServerUnaryReactor* AnswerAuthorization(
      grpc::CallbackServerContext* context,
      const v1::AnswerAuthorizationRequest* request,
      v1::AnswerAuthorizationResponse* response) override;
  grpc::ServerUnaryReactor* SendMessage(
      grpc::CallbackServerContext* context,
      const v1::SendMessageRequest* request,
      v1::SendMessageResponse* response) override;
  grpc::ServerUnaryReactor* SendTyping(
      grpc::CallbackServerContext* context,
      const v1::SendTypingRequest* request,
      v1::SendTypingResponse* response) override;
  grpc::ServerUnaryReactor* SendAttention(
      grpc::CallbackServerContext* context,
      const v1::SendAttentionRequest* request,
      v1::SendAttentionResponse* response) override;
  grpc::ServerUnaryReactor* MarkRead(grpc::CallbackServerContext* context,
                                     const v1::MarkReadRequest* request,
                                     v1::MarkReadResponse* response) override;
  grpc::ServerUnaryReactor* ListChatFields(
      grpc::CallbackServerContext* context,
      const v1::ListChatFieldsRequest* request,
      v1::ListChatFieldsResponse* response) override;
  grpc::ServerUnaryReactor* JoinChat(grpc::CallbackServerContext* context,
                                     const v1::JoinChatRequest* request,
                                     v1::JoinChatResponse* response) override;
  grpc::ServerUnaryReactor* LeaveChat(grpc::CallbackServerContext* context,
                                      const v1::LeaveChatRequest* request,
                                      v1::LeaveChatResponse* response) override;
  grpc::ServerUnaryReactor* SendChatMessage(
      grpc::CallbackServerContext* context,
      const v1::SendChatMessageRequest* request,
      v1::SendMessageResponse* response) override;
  grpc::ServerUnaryReactor* SetChatSubject(
      grpc::CallbackServerContext* context,
      const v1::SetChatSubjectRequest* request,
      v1::SetChatSubjectResponse* response) override;
  grpc::ServerUnaryReactor* AnswerChatInvitation(
      grpc::CallbackServerContext* context,
      const v1::AnswerChatInvitationRequest* request,
      v1::AnswerChatInvitationResponse* response) override;
  grpc::ServerUnaryReactor* ListRooms(grpc::CallbackServerContext* context,
                                      const v1::ListRoomsRequest* request,
                                      v1::ListRoomsResponse* response) override;
  grpc::ServerUnaryReactor* SetProfile(
      grpc::CallbackServerContext* context,
      const v1::SetProfileRequest* request,
      v1::SetProfileResponse* response) override;
  grpc::ServerUnaryReactor* AnswerRequest(
      grpc::CallbackServerContext* context,
      const v1::AnswerRequestRequest* request,
      v1::AnswerRequestResponse* response) override;
  grpc::ServerUnaryReactor* CancelRequest(
      grpc::CallbackServerContext* context,
      const v1::CancelRequestRequest* request,
      v1::CancelRequestResponse* response) override;
  grpc::ServerUnaryReactor* FetchFile(grpc::CallbackServerContext* context,
                                      const v1::FetchFileRequest* request,
                                      v1::FetchFileResponse* response) override;
  grpc::ServerUnaryReactor* SendFile(grpc::CallbackServerContext* context,
                                     const v1::SendFileRequest* request,
                                     v1::SendFileResponse* response) override;

 private:
  // Validates `request`, then runs `work` on the loop thread with a copy of it
  // and finishes the call with its result.
  template <typename Request, typename Response, typename Work>
  grpc::ServerUnaryReactor* RunOnLoop(grpc::CallbackServerContext* context,
                                      const Request& request,
                                      Response* response, Work work) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (absl::Status valid = Validate(request); !valid.ok()) {
      reactor->Finish(ToGrpcStatus(valid));
      return reactor;
    }
    host_->Post([reactor, response, request,
                 work = std::move(work)](const lilac::OnLoop& loop) mutable {
      absl::StatusOr<Response> result = work(loop, request);
      if (result.ok()) *response = *std::move(result);
      reactor->Finish(ToGrpcStatus(result.status()));
    });
    return reactor;
  }

  PurpleHost* const host_;
  PurpleSessions* const sessions_;
  SessionRegistry* const registry_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_API_LILAC_SERVICE_H_
