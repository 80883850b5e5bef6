#ifndef LILAC_BACKEND_API_LILAC_SERVICE_H_
#define LILAC_BACKEND_API_LILAC_SERVICE_H_

#include <utility>

#include "absl/status/statusor.h"
#include "backend/api/grpc_status.h"
#include "backend/api/request_validation.h"
#include "backend/api/wire_request.h"
#include "backend/host/purple_host.h"
#include "backend/host/purple_sessions.h"
#include "backend/sessions/session_registry.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac {

// How a unary call's answer leaves: the response is serialized onto the wire
// and the call finishes, from whichever thread has the result.
template <typename Response>
class Reply {
 public:
  Reply(grpc::ServerUnaryReactor* reactor, grpc::ByteBuffer* wire)
      : reactor_(reactor), wire_(wire) {}

  void operator()(const absl::StatusOr<Response>& result) const {
    absl::Status status = result.status();
    if (status.ok()) status = SerializeWireResponse(*result, wire_);
    reactor_->Finish(ToGrpcStatus(status));
  }

 private:
  grpc::ServerUnaryReactor* reactor_;
  grpc::ByteBuffer* wire_;
};

// The lilac.v1.LilacService gRPC service. Unary calls arrive as wire bytes that
// the service parses itself (so a malformed request gets INVALID_ARGUMENT
// naming the field), are validated, and their work is posted to the host's loop
// thread, which replies. Handlers never touch libpurple. Session descriptions
// and events are read from the registry without the loop.
class LilacService final : public v1::LilacService::CallbackService {
 public:
  // `sessions` lives on `host`'s loop thread and outlives the service.
  LilacService(PurpleHost* host, PurpleSessions* sessions,
               SessionRegistry* registry);

 private:
  template <typename Request, typename Response>
  using Handler = void (LilacService::*)(const Request&, Reply<Response>);

  // Serves `method` with `handler`, parsing its requests from the wire.
  template <typename Request, typename Response>
  void Serve(const char* method, Handler<Request, Response> handler);
  // Serves the StreamEvents call the same way: parsed from the wire, its
  // events written as wire bytes.
  void ServeEventStream();
  // Serves FetchFile (streamed to the client) and SendFile (streamed from
  // it), in chunks.
  void ServeFileCalls();

  // Validates `request`, then runs `work` on the loop thread and replies with
  // its result.
  template <typename Request, typename Response, typename Work>
  void RunOnLoop(const Request& request, Reply<Response> reply, Work work) {
    if (absl::Status valid = Validate(request); !valid.ok()) {
      reply(valid);
      return;
    }
    host_->Post([request, reply,
                 work = std::move(work)](const lilac::OnLoop& loop) mutable {
      reply(work(loop, request));
    });
  }

  void OnListProtocols(const v1::ListProtocolsRequest& request,
                       Reply<v1::ListProtocolsResponse> reply);
  void OnListPlugins(const v1::ListPluginsRequest& request,
                     Reply<v1::ListPluginsResponse> reply);
  void OnLoadPlugin(const v1::LoadPluginRequest& request,
                    Reply<v1::LoadPluginResponse> reply);
  void OnListSessions(const v1::ListSessionsRequest& request,
                      Reply<v1::ListSessionsResponse> reply);
  void OnGetSession(const v1::GetSessionRequest& request,
                    Reply<v1::GetSessionResponse> reply);
  void OnGetUserInfo(const v1::GetUserInfoRequest& request,
                     Reply<v1::GetUserInfoResponse> reply);
  void OnLogin(const v1::LoginRequest& request, Reply<v1::LoginResponse> reply);
  void OnLogout(const v1::LogoutRequest& request,
                Reply<v1::LogoutResponse> reply);
  void OnSetStatus(const v1::SetStatusRequest& request,
                   Reply<v1::SetStatusResponse> reply);
  void OnListBuddies(const v1::ListBuddiesRequest& request,
                     Reply<v1::ListBuddiesResponse> reply);
  void OnAddBuddy(const v1::AddBuddyRequest& request,
                  Reply<v1::AddBuddyResponse> reply);
  void OnRemoveBuddy(const v1::RemoveBuddyRequest& request,
                     Reply<v1::RemoveBuddyResponse> reply);
  void OnUpdateBuddy(const v1::UpdateBuddyRequest& request,
                     Reply<v1::UpdateBuddyResponse> reply);
  void OnSetBuddyBlocked(const v1::SetBuddyBlockedRequest& request,
                         Reply<v1::SetBuddyBlockedResponse> reply);
  void OnGetBuddyIcon(const v1::GetBuddyIconRequest& request,
                      Reply<v1::GetBuddyIconResponse> reply);
  void OnAnswerAuthorization(const v1::AnswerAuthorizationRequest& request,
                             Reply<v1::AnswerAuthorizationResponse> reply);
  void OnSendMessage(const v1::SendMessageRequest& request,
                     Reply<v1::SendMessageResponse> reply);
  void OnSendTyping(const v1::SendTypingRequest& request,
                    Reply<v1::SendTypingResponse> reply);
  void OnSendAttention(const v1::SendAttentionRequest& request,
                       Reply<v1::SendAttentionResponse> reply);
  void OnMarkRead(const v1::MarkReadRequest& request,
                  Reply<v1::MarkReadResponse> reply);
  void OnListChatFields(const v1::ListChatFieldsRequest& request,
                        Reply<v1::ListChatFieldsResponse> reply);
  void OnJoinChat(const v1::JoinChatRequest& request,
                  Reply<v1::JoinChatResponse> reply);
  void OnLeaveChat(const v1::LeaveChatRequest& request,
                   Reply<v1::LeaveChatResponse> reply);
  void OnSendChatMessage(const v1::SendChatMessageRequest& request,
                         Reply<v1::SendChatMessageResponse> reply);
  void OnSetChatSubject(const v1::SetChatSubjectRequest& request,
                        Reply<v1::SetChatSubjectResponse> reply);
  void OnAnswerChatInvitation(const v1::AnswerChatInvitationRequest& request,
                              Reply<v1::AnswerChatInvitationResponse> reply);
  void OnListChats(const v1::ListChatsRequest& request,
                   Reply<v1::ListChatsResponse> reply);
  void OnGetCapabilities(const v1::GetCapabilitiesRequest& request,
                         Reply<v1::GetCapabilitiesResponse> reply);
  void OnSetProfile(const v1::SetProfileRequest& request,
                    Reply<v1::SetProfileResponse> reply);
  void OnAnswerRequest(const v1::AnswerRequestRequest& request,
                       Reply<v1::AnswerRequestResponse> reply);
  void OnCancelRequest(const v1::CancelRequestRequest& request,
                       Reply<v1::CancelRequestResponse> reply);

  PurpleHost* const host_;
  PurpleSessions* const sessions_;
  SessionRegistry* const registry_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_API_LILAC_SERVICE_H_
