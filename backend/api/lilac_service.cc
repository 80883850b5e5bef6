#include "backend/api/lilac_service.h"

#include <utility>

#include "backend/api/event_stream.h"
#include "backend/host/protocol_catalog.h"

namespace lilac {

grpc::ServerUnaryReactor* LilacService::ListProtocols(
    grpc::CallbackServerContext* context, const v1::ListProtocolsRequest*,
    v1::ListProtocolsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  host_->Post([reactor, response](const lilac::OnLoop& loop) {
    for (v1::Protocol& protocol : ListInstalledProtocols(loop)) {
      *response->add_protocols() = std::move(protocol);
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* LilacService::ListSessions(
    grpc::CallbackServerContext* context, const v1::ListSessionsRequest*,
    v1::ListSessionsResponse* response) {
  for (v1::Session& session : registry_->List()) {
    *response->add_sessions() = std::move(session);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* LilacService::GetSession(
    grpc::CallbackServerContext* context, const v1::GetSessionRequest* request,
    v1::Session* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status status = Validate(*request);
  if (status.ok()) {
    absl::StatusOr<v1::Session> session = registry_->Get(request->session());
    if (session.ok()) *response = *std::move(session);
    status = session.status();
  }
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerWriteReactor<v1::Event>* LilacService::StreamEvents(
    grpc::CallbackServerContext*, const v1::StreamEventsRequest* request) {
  return new EventStream(registry_, *request);
}

grpc::ServerUnaryReactor* LilacService::GetUserInfo(
    grpc::CallbackServerContext* context, const v1::GetUserInfoRequest* request,
    v1::GetUserInfoResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (absl::Status valid = Validate(*request); !valid.ok()) {
    reactor->Finish(ToGrpcStatus(valid));
    return reactor;
  }
  host_->Post([this, reactor, response,
               request = *request](const lilac::OnLoop& loop) {
    sessions_->GetUserInfo(
        loop, request,
        [reactor, response](absl::StatusOr<v1::GetUserInfoResponse> result) {
          if (result.ok()) *response = *std::move(result);
          reactor->Finish(ToGrpcStatus(result.status()));
        });
  });
  return reactor;
}

grpc::ServerUnaryReactor* LilacService::Login(
    grpc::CallbackServerContext* context, const v1::LoginRequest* request,
    v1::LoginResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::LoginRequest& r) {
        return sessions_->Login(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::Logout(
    grpc::CallbackServerContext* context, const v1::LogoutRequest* request,
    v1::LogoutResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop,
             const v1::LogoutRequest& r) -> absl::StatusOr<v1::LogoutResponse> {
        absl::Status status = sessions_->Logout(loop, r.session());
        if (!status.ok()) return status;
        return v1::LogoutResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::SetStatus(
    grpc::CallbackServerContext* context, const v1::SetStatusRequest* request,
    v1::SetStatusResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SetStatusRequest& r) {
        return sessions_->SetStatus(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::ListBuddies(
    grpc::CallbackServerContext* context, const v1::ListBuddiesRequest* request,
    v1::ListBuddiesResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::ListBuddiesRequest& r) {
        return sessions_->ListBuddies(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::AddBuddy(
    grpc::CallbackServerContext* context, const v1::AddBuddyRequest* request,
    v1::BuddyResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::AddBuddyRequest& r) {
        return sessions_->AddBuddy(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::RemoveBuddy(
    grpc::CallbackServerContext* context, const v1::RemoveBuddyRequest* request,
    v1::BuddyResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::RemoveBuddyRequest& r) {
        return sessions_->RemoveBuddy(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::UpdateBuddy(
    grpc::CallbackServerContext* context, const v1::UpdateBuddyRequest* request,
    v1::BuddyResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::UpdateBuddyRequest& r) {
        return sessions_->UpdateBuddy(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::SetBuddyBlocked(
    grpc::CallbackServerContext* context,
    const v1::SetBuddyBlockedRequest* request, v1::BuddyResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SetBuddyBlockedRequest& r) {
        return sessions_->SetBuddyBlocked(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::GetBuddyIcon(
    grpc::CallbackServerContext* context,
    const v1::GetBuddyIconRequest* request,
    v1::GetBuddyIconResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::GetBuddyIconRequest& r) {
        return sessions_->GetBuddyIcon(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::AnswerAuthorization(
    grpc::CallbackServerContext* context,
    const v1::AnswerAuthorizationRequest* request,
    v1::AnswerAuthorizationResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::AnswerAuthorizationRequest& r)
          -> absl::StatusOr<v1::AnswerAuthorizationResponse> {
        absl::Status status = sessions_->AnswerAuthorization(loop, r);
        if (!status.ok()) return status;
        return v1::AnswerAuthorizationResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::SendMessage(
    grpc::CallbackServerContext* context, const v1::SendMessageRequest* request,
    v1::SendMessageResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SendMessageRequest& r) {
        return sessions_->SendMessage(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::SendTyping(
    grpc::CallbackServerContext* context, const v1::SendTypingRequest* request,
    v1::SendTypingResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SendTypingRequest& r)
          -> absl::StatusOr<v1::SendTypingResponse> {
        absl::Status status = sessions_->SendTyping(loop, r);
        if (!status.ok()) return status;
        return v1::SendTypingResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::SendAttention(
    grpc::CallbackServerContext* context,
    const v1::SendAttentionRequest* request,
    v1::SendAttentionResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SendAttentionRequest& r)
          -> absl::StatusOr<v1::SendAttentionResponse> {
        absl::Status status = sessions_->SendAttention(loop, r);
        if (!status.ok()) return status;
        return v1::SendAttentionResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::MarkRead(
    grpc::CallbackServerContext* context, const v1::MarkReadRequest* request,
    v1::MarkReadResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::MarkReadRequest& r)
          -> absl::StatusOr<v1::MarkReadResponse> {
        absl::Status status = sessions_->MarkRead(loop, r);
        if (!status.ok()) return status;
        return v1::MarkReadResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::ListChatFields(
    grpc::CallbackServerContext* context,
    const v1::ListChatFieldsRequest* request,
    v1::ListChatFieldsResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::ListChatFieldsRequest& r) {
        return sessions_->ListChatFields(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::JoinChat(
    grpc::CallbackServerContext* context, const v1::JoinChatRequest* request,
    v1::JoinChatResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::JoinChatRequest& r)
          -> absl::StatusOr<v1::JoinChatResponse> {
        absl::Status status = sessions_->JoinChat(loop, r);
        if (!status.ok()) return status;
        return v1::JoinChatResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::LeaveChat(
    grpc::CallbackServerContext* context, const v1::LeaveChatRequest* request,
    v1::LeaveChatResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::LeaveChatRequest& r)
          -> absl::StatusOr<v1::LeaveChatResponse> {
        absl::Status status = sessions_->LeaveChat(loop, r);
        if (!status.ok()) return status;
        return v1::LeaveChatResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::SendChatMessage(
    grpc::CallbackServerContext* context,
    const v1::SendChatMessageRequest* request,
    v1::SendMessageResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SendChatMessageRequest& r) {
        return sessions_->SendChatMessage(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::SetChatSubject(
    grpc::CallbackServerContext* context,
    const v1::SetChatSubjectRequest* request,
    v1::SetChatSubjectResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SetChatSubjectRequest& r)
          -> absl::StatusOr<v1::SetChatSubjectResponse> {
        absl::Status status = sessions_->SetChatSubject(loop, r);
        if (!status.ok()) return status;
        return v1::SetChatSubjectResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::AnswerChatInvitation(
    grpc::CallbackServerContext* context,
    const v1::AnswerChatInvitationRequest* request,
    v1::AnswerChatInvitationResponse* response) {
  return RunOnLoop(context, *request, response,
                   [this](const lilac::OnLoop& loop,
                          const v1::AnswerChatInvitationRequest& r)
                       -> absl::StatusOr<v1::AnswerChatInvitationResponse> {
                     absl::Status status =
                         sessions_->AnswerChatInvitation(loop, r);
                     if (!status.ok()) return status;
                     return v1::AnswerChatInvitationResponse();
                   });
}

grpc::ServerUnaryReactor* LilacService::ListRooms(
    grpc::CallbackServerContext* context, const v1::ListRoomsRequest* request,
    v1::ListRoomsResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::ListRoomsRequest& r)
          -> absl::StatusOr<v1::ListRoomsResponse> {
        absl::Status status = sessions_->ListRooms(loop, r);
        if (!status.ok()) return status;
        return v1::ListRoomsResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::SetProfile(
    grpc::CallbackServerContext* context, const v1::SetProfileRequest* request,
    v1::SetProfileResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SetProfileRequest& r)
          -> absl::StatusOr<v1::SetProfileResponse> {
        absl::Status status = sessions_->SetProfile(loop, r);
        if (!status.ok()) return status;
        return v1::SetProfileResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::AnswerRequest(
    grpc::CallbackServerContext* context,
    const v1::AnswerRequestRequest* request,
    v1::AnswerRequestResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::AnswerRequestRequest& r)
          -> absl::StatusOr<v1::AnswerRequestResponse> {
        absl::Status status = sessions_->AnswerRequest(loop, r);
        if (!status.ok()) return status;
        return v1::AnswerRequestResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::CancelRequest(
    grpc::CallbackServerContext* context,
    const v1::CancelRequestRequest* request,
    v1::CancelRequestResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::CancelRequestRequest& r)
          -> absl::StatusOr<v1::CancelRequestResponse> {
        absl::Status status = sessions_->CancelRequest(loop, r);
        if (!status.ok()) return status;
        return v1::CancelRequestResponse();
      });
}

grpc::ServerUnaryReactor* LilacService::FetchFile(
    grpc::CallbackServerContext* context, const v1::FetchFileRequest* request,
    v1::FetchFileResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::FetchFileRequest& r) {
        return sessions_->FetchFile(loop, r);
      });
}

grpc::ServerUnaryReactor* LilacService::SendFile(
    grpc::CallbackServerContext* context, const v1::SendFileRequest* request,
    v1::SendFileResponse* response) {
  return RunOnLoop(
      context, *request, response,
      [this](const lilac::OnLoop& loop, const v1::SendFileRequest& r)
          -> absl::StatusOr<v1::SendFileResponse> {
        absl::Status status = sessions_->SendFile(loop, r);
        if (!status.ok()) return status;
        return v1::SendFileResponse();
      });
}

}  // namespace lilac
