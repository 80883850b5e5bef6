#ifndef LILAC_TESTING_FAKE_PRPL_FAKE_CONTROL_SERVICE_H_
#define LILAC_TESTING_FAKE_PRPL_FAKE_CONTROL_SERVICE_H_

#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/network_model.h"

namespace lilac::testing::fake {

// lilac.testing.fake.v1.FakeNetworkControl over a NetworkModel (sync API: each
// call is short, except WaitForClientFrame, which blocks only its own thread).
class FakeControlService final : public v1::FakeNetworkControl::Service {
 public:
  explicit FakeControlService(NetworkModel* network) : network_(network) {}

  grpc::Status CreateAccount(grpc::ServerContext*,
                             const v1::CreateAccountRequest* request,
                             v1::CreateAccountResponse*) override;
  grpc::Status AddBuddy(grpc::ServerContext*,
                        const v1::AddBuddyRequest* request,
                        v1::AddBuddyResponse*) override;
  grpc::Status RemoveBuddy(grpc::ServerContext*,
                           const v1::RemoveBuddyRequest* request,
                           v1::RemoveBuddyResponse*) override;
  grpc::Status CreateGroup(grpc::ServerContext*,
                           const v1::CreateGroupRequest* request,
                           v1::CreateGroupResponse*) override;
  grpc::Status CreateRoom(grpc::ServerContext*,
                          const v1::CreateRoomRequest* request,
                          v1::CreateRoomResponse*) override;
  grpc::Status SetUserInfo(grpc::ServerContext*,
                           const v1::SetUserInfoRequest* request,
                           v1::SetUserInfoResponse*) override;
  grpc::Status SetLoginBehavior(grpc::ServerContext*,
                                const v1::SetLoginBehaviorRequest* request,
                                v1::SetLoginBehaviorResponse*) override;
  grpc::Status InjectMessage(grpc::ServerContext*,
                             const v1::InjectMessageRequest* request,
                             v1::InjectMessageResponse* response) override;
  grpc::Status InjectMessages(grpc::ServerContext*,
                              const v1::InjectMessagesRequest* request,
                              v1::InjectMessagesResponse* response) override;
  grpc::Status InjectTyping(grpc::ServerContext*,
                            const v1::InjectTypingRequest* request,
                            v1::InjectTypingResponse*) override;
  grpc::Status InjectAttention(grpc::ServerContext*,
                               const v1::InjectAttentionRequest* request,
                               v1::InjectAttentionResponse*) override;
  grpc::Status InjectPresence(grpc::ServerContext*,
                              const v1::InjectPresenceRequest* request,
                              v1::InjectPresenceResponse*) override;
  grpc::Status RequestAuthorization(
      grpc::ServerContext*, const v1::RequestAuthorizationRequest* request,
      v1::RequestAuthorizationResponse*) override;
  grpc::Status InjectRoomEvent(grpc::ServerContext*,
                               const v1::InjectRoomEventRequest* request,
                               v1::InjectRoomEventResponse* response) override;
  grpc::Status AskQuestion(grpc::ServerContext*,
                           const v1::AskQuestionRequest* request,
                           v1::AskQuestionResponse* response) override;
  grpc::Status InjectFile(grpc::ServerContext*,
                          const v1::InjectFileRequest* request,
                          v1::InjectFileResponse* response) override;
  grpc::Status WaitForClientFrame(
      grpc::ServerContext*, const v1::WaitForClientFrameRequest* request,
      v1::WaitForClientFrameResponse* response) override;
  grpc::Status RefreshToken(grpc::ServerContext*,
                            const v1::RefreshTokenRequest* request,
                            v1::RefreshTokenResponse* response) override;
  grpc::Status Misbehave(grpc::ServerContext*,
                         const v1::MisbehaveRequest* request,
                         v1::MisbehaveResponse* response) override;
  grpc::Status Disconnect(grpc::ServerContext*,
                          const v1::DisconnectRequest* request,
                          v1::DisconnectResponse* response) override;
  grpc::Status GetAccountState(grpc::ServerContext*,
                               const v1::GetAccountStateRequest* request,
                               v1::GetAccountStateResponse* response) override;

 private:
  NetworkModel* const network_;
};

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_FAKE_CONTROL_SERVICE_H_
