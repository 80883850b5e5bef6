#include "testing/fake_prpl/fake_control_service.h"

#include <string>

namespace lilac::testing::fake {
namespace {

// The one place absl::Status becomes a gRPC status; the codes match by value.
grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

v1::ServerFrame Frame(const v1::Typing& typing) {
  v1::ServerFrame frame;
  *frame.mutable_typing() = typing;
  return frame;
}
v1::ServerFrame Frame(const v1::Attention& attention) {
  v1::ServerFrame frame;
  *frame.mutable_attention() = attention;
  return frame;
}
v1::ServerFrame Frame(const v1::AuthorizationRequest& request) {
  v1::ServerFrame frame;
  *frame.mutable_authorization_request() = request;
  return frame;
}

}  // namespace

grpc::Status FakeControlService::CreateAccount(
    grpc::ServerContext*, const v1::CreateAccountRequest* request,
    v1::CreateAccountResponse*) {
  return ToGrpc(network_->CreateAccount(*request));
}

grpc::Status FakeControlService::AddBuddy(grpc::ServerContext*,
                                          const v1::AddBuddyRequest* request,
                                          v1::AddBuddyResponse*) {
  return ToGrpc(network_->AddBuddy(request->account(), request->buddy()));
}

grpc::Status FakeControlService::RemoveBuddy(
    grpc::ServerContext*, const v1::RemoveBuddyRequest* request,
    v1::RemoveBuddyResponse*) {
  return ToGrpc(network_->RemoveBuddy(request->account(), request->name()));
}

grpc::Status FakeControlService::CreateGroup(
    grpc::ServerContext*, const v1::CreateGroupRequest* request,
    v1::CreateGroupResponse*) {
  return ToGrpc(network_->CreateGroup(request->account(), request->group()));
}

grpc::Status FakeControlService::CreateRoom(
    grpc::ServerContext*, const v1::CreateRoomRequest* request,
    v1::CreateRoomResponse*) {
  return ToGrpc(network_->CreateRoom(*request));
}

grpc::Status FakeControlService::SetUserInfo(
    grpc::ServerContext*, const v1::SetUserInfoRequest* request,
    v1::SetUserInfoResponse*) {
  return ToGrpc(
      network_->SetUserInfo(request->info(), request->never_answer()));
}

grpc::Status FakeControlService::SetLoginBehavior(
    grpc::ServerContext*, const v1::SetLoginBehaviorRequest* request,
    v1::SetLoginBehaviorResponse*) {
  return ToGrpc(network_->SetLoginBehavior(*request));
}

grpc::Status FakeControlService::InjectMessage(
    grpc::ServerContext*, const v1::InjectMessageRequest* request,
    v1::InjectMessageResponse* response) {
  absl::StatusOr<std::string> id =
      network_->InjectMessage(request->account(), request->message());
  if (!id.ok()) return ToGrpc(id.status());
  response->set_message_id(*id);
  return grpc::Status::OK;
}

grpc::Status FakeControlService::InjectMessages(
    grpc::ServerContext*, const v1::InjectMessagesRequest* request,
    v1::InjectMessagesResponse* response) {
  for (const v1::InjectMessageRequest& message : request->messages()) {
    absl::StatusOr<std::string> id =
        network_->InjectMessage(message.account(), message.message());
    if (!id.ok()) return ToGrpc(id.status());
    response->add_message_ids(*id);
  }
  return grpc::Status::OK;
}

grpc::Status FakeControlService::InjectTyping(
    grpc::ServerContext*, const v1::InjectTypingRequest* request,
    v1::InjectTypingResponse*) {
  return ToGrpc(
      network_->SendToAccount(request->account(), Frame(request->typing())));
}

grpc::Status FakeControlService::InjectAttention(
    grpc::ServerContext*, const v1::InjectAttentionRequest* request,
    v1::InjectAttentionResponse*) {
  return ToGrpc(
      network_->SendToAccount(request->account(), Frame(request->attention())));
}

grpc::Status FakeControlService::InjectPresence(
    grpc::ServerContext*, const v1::InjectPresenceRequest* request,
    v1::InjectPresenceResponse*) {
  return ToGrpc(
      network_->InjectPresence(request->account(), request->presence()));
}

grpc::Status FakeControlService::RequestAuthorization(
    grpc::ServerContext*, const v1::RequestAuthorizationRequest* request,
    v1::RequestAuthorizationResponse*) {
  return ToGrpc(
      network_->SendToAccount(request->account(), Frame(request->request())));
}

grpc::Status FakeControlService::InjectRoomEvent(
    grpc::ServerContext*, const v1::InjectRoomEventRequest* request,
    v1::InjectRoomEventResponse* response) {
  absl::StatusOr<int> delivered = network_->InjectRoomEvent(*request);
  if (!delivered.ok()) return ToGrpc(delivered.status());
  response->set_delivered(*delivered);
  return grpc::Status::OK;
}

grpc::Status FakeControlService::AskQuestion(
    grpc::ServerContext*, const v1::AskQuestionRequest* request,
    v1::AskQuestionResponse* response) {
  absl::StatusOr<std::string> id =
      network_->AskQuestion(request->account(), request->question());
  if (!id.ok()) return ToGrpc(id.status());
  response->set_question_id(*id);
  return grpc::Status::OK;
}

grpc::Status FakeControlService::InjectFile(
    grpc::ServerContext*, const v1::InjectFileRequest* request,
    v1::InjectFileResponse* response) {
  absl::StatusOr<std::string> id = network_->InjectFile(*request);
  if (!id.ok()) return ToGrpc(id.status());
  response->set_transfer_id(*id);
  return grpc::Status::OK;
}

grpc::Status FakeControlService::WaitForClientFrame(
    grpc::ServerContext*, const v1::WaitForClientFrameRequest* request,
    v1::WaitForClientFrameResponse* response) {
  absl::StatusOr<v1::WaitForClientFrameResponse> found =
      network_->WaitForClientFrame(*request);
  if (!found.ok()) return ToGrpc(found.status());
  *response = *std::move(found);
  return grpc::Status::OK;
}

grpc::Status FakeControlService::Misbehave(grpc::ServerContext*,
                                           const v1::MisbehaveRequest* request,
                                           v1::MisbehaveResponse* response) {
  absl::StatusOr<int> told =
      network_->Misbehave(request->account(), request->kind());
  if (!told.ok()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        std::string(told.status().message()));
  }
  response->set_connections(*told);
  return grpc::Status::OK;
}

grpc::Status FakeControlService::RefreshToken(
    grpc::ServerContext*, const v1::RefreshTokenRequest* request,
    v1::RefreshTokenResponse* response) {
  absl::StatusOr<std::string> token =
      network_->RefreshToken(request->account());
  if (!token.ok()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        std::string(token.status().message()));
  }
  response->set_session_token(*token);
  return grpc::Status::OK;
}

grpc::Status FakeControlService::Disconnect(
    grpc::ServerContext*, const v1::DisconnectRequest* request,
    v1::DisconnectResponse* response) {
  response->set_closed(network_->Disconnect(request->account()));
  return grpc::Status::OK;
}

grpc::Status FakeControlService::GetAccountState(
    grpc::ServerContext*, const v1::GetAccountStateRequest* request,
    v1::GetAccountStateResponse* response) {
  absl::StatusOr<v1::GetAccountStateResponse> state =
      network_->GetAccountState(request->account());
  if (!state.ok()) return ToGrpc(state.status());
  *response = *std::move(state);
  return grpc::Status::OK;
}

}  // namespace lilac::testing::fake
