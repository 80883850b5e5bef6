#include "backend/api/lilac_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "backend/api/event_stream.h"
#include "backend/api/file_calls.h"
#include "backend/host/plugin_catalog.h"
#include "backend/host/protocol_catalog.h"
#include "common/proto/duration.h"
#include "google/protobuf/descriptor.h"

namespace lilac {

LilacService::LilacService(PurpleHost* host, PurpleSessions* sessions,
                           SessionRegistry* registry)
    : host_(host), sessions_(sessions), registry_(registry) {
  Serve("ListProtocols", &LilacService::OnListProtocols);
  Serve("ListPlugins", &LilacService::OnListPlugins);
  Serve("LoadPlugin", &LilacService::OnLoadPlugin);
  Serve("ListSessions", &LilacService::OnListSessions);
  Serve("GetSession", &LilacService::OnGetSession);
  Serve("GetUserInfo", &LilacService::OnGetUserInfo);
  Serve("Login", &LilacService::OnLogin);
  Serve("Logout", &LilacService::OnLogout);
  Serve("SetStatus", &LilacService::OnSetStatus);
  Serve("ListBuddies", &LilacService::OnListBuddies);
  Serve("AddBuddy", &LilacService::OnAddBuddy);
  Serve("RemoveBuddy", &LilacService::OnRemoveBuddy);
  Serve("UpdateBuddy", &LilacService::OnUpdateBuddy);
  Serve("SetBuddyBlocked", &LilacService::OnSetBuddyBlocked);
  Serve("GetBuddyIcon", &LilacService::OnGetBuddyIcon);
  Serve("AnswerAuthorization", &LilacService::OnAnswerAuthorization);
  Serve("SendMessage", &LilacService::OnSendMessage);
  Serve("SendTyping", &LilacService::OnSendTyping);
  Serve("SendAttention", &LilacService::OnSendAttention);
  Serve("MarkRead", &LilacService::OnMarkRead);
  Serve("ListChatFields", &LilacService::OnListChatFields);
  Serve("JoinChat", &LilacService::OnJoinChat);
  Serve("LeaveChat", &LilacService::OnLeaveChat);
  Serve("SendChatMessage", &LilacService::OnSendChatMessage);
  Serve("SetChatSubject", &LilacService::OnSetChatSubject);
  Serve("AnswerChatInvitation", &LilacService::OnAnswerChatInvitation);
  Serve("ListChats", &LilacService::OnListChats);
  Serve("GetCapabilities", &LilacService::OnGetCapabilities);
  Serve("SetProfile", &LilacService::OnSetProfile);
  Serve("AnswerRequest", &LilacService::OnAnswerRequest);
  Serve("CancelRequest", &LilacService::OnCancelRequest);
  ServeFileCalls();
  ServeEventStream();
}

namespace {

int MethodIndex(const char* method) {
  return google::protobuf::DescriptorPool::generated_pool()
      ->FindServiceByName(v1::LilacService::service_full_name())
      ->FindMethodByName(method)
      ->index();
}

}  // namespace

template <typename Request, typename Response>
void LilacService::Serve(const char* method,
                         Handler<Request, Response> handler) {
  // Replaces the generated handler, which would parse the request itself.
  MarkMethodRawCallback(
      MethodIndex(method),
      new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer,
                                               grpc::ByteBuffer>(
          [this, handler](grpc::CallbackServerContext* context,
                          const grpc::ByteBuffer* wire,
                          grpc::ByteBuffer* wire_response) {
            grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
            Request request;
            if (absl::Status parsed = ParseWireRequest(*wire, &request);
                !parsed.ok()) {
              reactor->Finish(ToGrpcStatus(parsed));
              return reactor;
            }
            (this->*handler)(request, Reply<Response>(reactor, wire_response));
            return reactor;
          }));
}

void LilacService::OnListProtocols(const v1::ListProtocolsRequest&,
                                   Reply<v1::ListProtocolsResponse> reply) {
  host_->Post([reply](const lilac::OnLoop& loop) {
    v1::ListProtocolsResponse response;
    for (v1::Protocol& protocol : ListInstalledProtocols(loop)) {
      *response.add_protocols() = std::move(protocol);
    }
    reply(response);
  });
}

void LilacService::OnListPlugins(const v1::ListPluginsRequest&,
                                 Reply<v1::ListPluginsResponse> reply) {
  host_->Post([reply](const lilac::OnLoop& loop) {
    v1::ListPluginsResponse response;
    for (v1::Plugin& plugin : ListInstalledPlugins(loop)) {
      *response.add_plugins() = std::move(plugin);
    }
    reply(response);
  });
}

void LilacService::OnLoadPlugin(const v1::LoadPluginRequest& request,
                                Reply<v1::LoadPluginResponse> reply) {
  RunOnLoop(request, reply,
            [](const lilac::OnLoop& loop, const v1::LoadPluginRequest& r) {
              return lilac::LoadPlugin(loop, r.plugin());
            });
}

void LilacService::OnListSessions(const v1::ListSessionsRequest&,
                                  Reply<v1::ListSessionsResponse> reply) {
  v1::ListSessionsResponse response;
  for (v1::Session& session : registry_->List()) {
    *response.add_sessions() = std::move(session);
  }
  reply(response);
}

void LilacService::OnGetSession(const v1::GetSessionRequest& request,
                                Reply<v1::GetSessionResponse> reply) {
  if (absl::Status valid = Validate(request); !valid.ok()) return reply(valid);
  absl::StatusOr<v1::Session> session = registry_->Get(request.session());
  if (!session.ok()) return reply(session.status());
  v1::GetSessionResponse response;
  *response.mutable_session() = *std::move(session);
  reply(response);
}

void LilacService::ServeEventStream() {
  MarkMethodRawCallback(
      MethodIndex("StreamEvents"),
      new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer,
                                                         grpc::ByteBuffer>(
          [this](grpc::CallbackServerContext*, const grpc::ByteBuffer* wire)
              -> grpc::ServerWriteReactor<grpc::ByteBuffer>* {
            v1::StreamEventsRequest request;
            if (absl::Status parsed = ParseWireRequest(*wire, &request);
                !parsed.ok()) {
              return new RefusedServerStream(ToGrpcStatus(parsed));
            }
            return new EventStream(registry_, request, [this](bool hold) {
              host_->HoldNetwork(hold);
            });
          }));
}

void LilacService::ServeFileCalls() {
  MarkMethodRawCallback(
      MethodIndex("FetchFile"),
      new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer,
                                                         grpc::ByteBuffer>(
          [this](grpc::CallbackServerContext*, const grpc::ByteBuffer* wire)
              -> grpc::ServerWriteReactor<grpc::ByteBuffer>* {
            v1::FetchFileRequest request;
            if (absl::Status parsed = ParseWireRequest(*wire, &request);
                !parsed.ok()) {
              return new RefusedServerStream(ToGrpcStatus(parsed));
            }
            return new FetchFileCall(host_, sessions_, request);
          }));
  MarkMethodRawCallback(
      MethodIndex("SendFile"),
      new grpc::internal::CallbackClientStreamingHandler<grpc::ByteBuffer,
                                                         grpc::ByteBuffer>(
          [this](grpc::CallbackServerContext* context,
                 grpc::ByteBuffer* wire_response)
              -> grpc::ServerReadReactor<grpc::ByteBuffer>* {
            return new SendFileCall(context, host_, sessions_, wire_response);
          }));
}

void LilacService::OnGetUserInfo(const v1::GetUserInfoRequest& request,
                                 Reply<v1::GetUserInfoResponse> reply) {
  if (absl::Status valid = Validate(request); !valid.ok()) return reply(valid);
  host_->Post([this, request, reply](const lilac::OnLoop& loop) {
    sessions_->GetUserInfo(loop, request, reply);
  });
}

void LilacService::OnLogin(const v1::LoginRequest& request,
                           Reply<v1::LoginResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::LoginRequest& r) {
              return sessions_->Login(loop, r);
            });
}

void LilacService::OnLogout(const v1::LogoutRequest& request,
                            Reply<v1::LogoutResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::LogoutRequest& r) {
              return sessions_->Logout(loop, r);
            });
}

void LilacService::OnSetStatus(const v1::SetStatusRequest& request,
                               Reply<v1::SetStatusResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::SetStatusRequest& r) {
              return sessions_->SetStatus(loop, r);
            });
}

void LilacService::OnListBuddies(const v1::ListBuddiesRequest& request,
                                 Reply<v1::ListBuddiesResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::ListBuddiesRequest& r) {
              return sessions_->ListBuddies(loop, r);
            });
}

void LilacService::OnAddBuddy(const v1::AddBuddyRequest& request,
                              Reply<v1::AddBuddyResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::AddBuddyRequest& r) {
              return sessions_->AddBuddy(loop, r);
            });
}

void LilacService::OnRemoveBuddy(const v1::RemoveBuddyRequest& request,
                                 Reply<v1::RemoveBuddyResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::RemoveBuddyRequest& r) {
              return sessions_->RemoveBuddy(loop, r);
            });
}

void LilacService::OnUpdateBuddy(const v1::UpdateBuddyRequest& request,
                                 Reply<v1::UpdateBuddyResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::UpdateBuddyRequest& r) {
              return sessions_->UpdateBuddy(loop, r);
            });
}

void LilacService::OnSetBuddyBlocked(const v1::SetBuddyBlockedRequest& request,
                                     Reply<v1::SetBuddyBlockedResponse> reply) {
  RunOnLoop(
      request, reply,
      [this](const lilac::OnLoop& loop, const v1::SetBuddyBlockedRequest& r) {
        return sessions_->SetBuddyBlocked(loop, r);
      });
}

void LilacService::OnGetBuddyIcon(const v1::GetBuddyIconRequest& request,
                                  Reply<v1::GetBuddyIconResponse> reply) {
  RunOnLoop(
      request, reply,
      [this](const lilac::OnLoop& loop, const v1::GetBuddyIconRequest& r) {
        return sessions_->GetBuddyIcon(loop, r);
      });
}

void LilacService::OnAnswerAuthorization(
    const v1::AnswerAuthorizationRequest& request,
    Reply<v1::AnswerAuthorizationResponse> reply) {
  RunOnLoop(
      request, reply,
      [this](const lilac::OnLoop& loop, const v1::AnswerAuthorizationRequest& r)
          -> absl::StatusOr<v1::AnswerAuthorizationResponse> {
        absl::Status status = sessions_->AnswerAuthorization(loop, r);
        if (!status.ok()) return status;
        return v1::AnswerAuthorizationResponse();
      });
}

void LilacService::OnSendMessage(const v1::SendMessageRequest& request,
                                 Reply<v1::SendMessageResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::SendMessageRequest& r) {
              return sessions_->SendMessage(loop, r);
            });
}

void LilacService::OnSendTyping(const v1::SendTypingRequest& request,
                                Reply<v1::SendTypingResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::SendTypingRequest& r)
                -> absl::StatusOr<v1::SendTypingResponse> {
              absl::Status status = sessions_->SendTyping(loop, r);
              if (!status.ok()) return status;
              return v1::SendTypingResponse();
            });
}

void LilacService::OnSendAttention(const v1::SendAttentionRequest& request,
                                   Reply<v1::SendAttentionResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::SendAttentionRequest& r)
                -> absl::StatusOr<v1::SendAttentionResponse> {
              absl::Status status = sessions_->SendAttention(loop, r);
              if (!status.ok()) return status;
              return v1::SendAttentionResponse();
            });
}

void LilacService::OnMarkRead(const v1::MarkReadRequest& request,
                              Reply<v1::MarkReadResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::MarkReadRequest& r)
                -> absl::StatusOr<v1::MarkReadResponse> {
              absl::Status status = sessions_->MarkRead(loop, r);
              if (!status.ok()) return status;
              return v1::MarkReadResponse();
            });
}

void LilacService::OnListChatFields(const v1::ListChatFieldsRequest& request,
                                    Reply<v1::ListChatFieldsResponse> reply) {
  RunOnLoop(
      request, reply,
      [this](const lilac::OnLoop& loop, const v1::ListChatFieldsRequest& r) {
        return sessions_->ListChatFields(loop, r);
      });
}

void LilacService::OnJoinChat(const v1::JoinChatRequest& request,
                              Reply<v1::JoinChatResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::JoinChatRequest& r)
                -> absl::StatusOr<v1::JoinChatResponse> {
              absl::Status status = sessions_->JoinChat(loop, r);
              if (!status.ok()) return status;
              return v1::JoinChatResponse();
            });
}

void LilacService::OnLeaveChat(const v1::LeaveChatRequest& request,
                               Reply<v1::LeaveChatResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::LeaveChatRequest& r)
                -> absl::StatusOr<v1::LeaveChatResponse> {
              absl::Status status = sessions_->LeaveChat(loop, r);
              if (!status.ok()) return status;
              return v1::LeaveChatResponse();
            });
}

void LilacService::OnSendChatMessage(const v1::SendChatMessageRequest& request,
                                     Reply<v1::SendChatMessageResponse> reply) {
  RunOnLoop(
      request, reply,
      [this](const lilac::OnLoop& loop, const v1::SendChatMessageRequest& r) {
        return sessions_->SendChatMessage(loop, r);
      });
}

void LilacService::OnSetChatSubject(const v1::SetChatSubjectRequest& request,
                                    Reply<v1::SetChatSubjectResponse> reply) {
  if (absl::Status valid = Validate(request); !valid.ok()) return reply(valid);
  const absl::Duration timeout = request.has_timeout()
                                     ? FromProtoDuration(request.timeout())
                                     : kDefaultSubjectTimeout;
  host_->Post([this, request, reply, timeout](const lilac::OnLoop& loop) {
    sessions_->SetChatSubject(loop, request, timeout, reply);
  });
}

void LilacService::OnAnswerChatInvitation(
    const v1::AnswerChatInvitationRequest& request,
    Reply<v1::AnswerChatInvitationResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop,
                   const v1::AnswerChatInvitationRequest& r)
                -> absl::StatusOr<v1::AnswerChatInvitationResponse> {
              absl::Status status = sessions_->AnswerChatInvitation(loop, r);
              if (!status.ok()) return status;
              return v1::AnswerChatInvitationResponse();
            });
}

void LilacService::OnListChats(const v1::ListChatsRequest& request,
                               Reply<v1::ListChatsResponse> reply) {
  if (absl::Status valid = Validate(request); !valid.ok()) return reply(valid);
  const absl::Duration timeout = request.has_timeout()
                                     ? FromProtoDuration(request.timeout())
                                     : kDefaultChatListTimeout;
  host_->Post([this, request, reply, timeout](const lilac::OnLoop& loop) {
    sessions_->ListChats(loop, request, timeout, reply);
  });
}

void LilacService::OnGetCapabilities(const v1::GetCapabilitiesRequest& request,
                                     Reply<v1::GetCapabilitiesResponse> reply) {
  RunOnLoop(
      request, reply,
      [this](const lilac::OnLoop& loop, const v1::GetCapabilitiesRequest& r) {
        return sessions_->GetCapabilities(loop, r);
      });
}

void LilacService::OnSetProfile(const v1::SetProfileRequest& request,
                                Reply<v1::SetProfileResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::SetProfileRequest& r)
                -> absl::StatusOr<v1::SetProfileResponse> {
              absl::Status status = sessions_->SetProfile(loop, r);
              if (!status.ok()) return status;
              return v1::SetProfileResponse();
            });
}

void LilacService::OnAnswerRequest(const v1::AnswerRequestRequest& request,
                                   Reply<v1::AnswerRequestResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::AnswerRequestRequest& r)
                -> absl::StatusOr<v1::AnswerRequestResponse> {
              absl::Status status = sessions_->AnswerRequest(loop, r);
              if (!status.ok()) return status;
              return v1::AnswerRequestResponse();
            });
}

void LilacService::OnCancelRequest(const v1::CancelRequestRequest& request,
                                   Reply<v1::CancelRequestResponse> reply) {
  RunOnLoop(request, reply,
            [this](const lilac::OnLoop& loop, const v1::CancelRequestRequest& r)
                -> absl::StatusOr<v1::CancelRequestResponse> {
              absl::Status status = sessions_->CancelRequest(loop, r);
              if (!status.ok()) return status;
              return v1::CancelRequestResponse();
            });
}

}  // namespace lilac
