// The gRPC service in front of a host, with the host mocked: every lilac.v1
// method has its entry, requests reach the host parsed and validated, and the
// host's answer reaches the client. Also checks that libpurple and GLib stay
// behind the host: none of the headers below may bring them in.
#include "backend/api/lilac_service.h"

#include <memory>
#include <utility>

#include "backend/api/event_stream.h"
#include "backend/api/file_calls.h"
#include "backend/commands/mock_host_commands.h"
#include "backend/host/in_process_host.h"
#include "backend/server/lilac_server.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

#if defined(__G_LIB_H__) || defined(_PURPLE_PURPLE_H_)
#error "GLib or libpurple reached the API layer's headers"
#endif

namespace lilac {
namespace {

using ::testing::_;
using ::testing::HasSubstr;

class LilacServiceTest : public ::testing::Test {
 protected:
  LilacServiceTest() : registry_(64), service_(&host_, &registry_) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = v1::LilacService::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~LilacServiceTest() override {
    server_->Shutdown(std::chrono::system_clock::now());
  }

  ::testing::StrictMock<MockHostCommands> host_;
  SessionRegistry registry_;
  LilacService service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::LilacService::Stub> stub_;
};

TEST_F(LilacServiceTest, ACommandGetsTheParsedRequestAndRepliesWithItsAnswer) {
  EXPECT_CALL(host_, SendMessage(_, _))
      .WillOnce([](const v1::SendMessageRequest& request,
                   HostCommands::Done<v1::SendMessageResponse> done) {
        EXPECT_EQ(request.session(), "alice");
        EXPECT_EQ(request.to(), "bob");
        EXPECT_EQ(request.text(), "hello");
        v1::SendMessageResponse response;
        response.set_client_message_id("id-1");
        done(std::move(response));
      });
  grpc::ClientContext context;
  v1::SendMessageRequest request;
  request.set_session("alice");
  request.set_to("bob");
  request.set_text("hello");
  v1::SendMessageResponse response;
  grpc::Status status = stub_->SendMessage(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.client_message_id(), "id-1");
}

TEST_F(LilacServiceTest, TheHostsStatusReachesTheClient) {
  EXPECT_CALL(host_, Logout(_, _))
      .WillOnce([](const v1::LogoutRequest&,
                   HostCommands::Done<v1::LogoutResponse> done) {
        done(absl::NotFoundError("no session \"carol\""));
      });
  grpc::ClientContext context;
  v1::LogoutRequest request;
  request.set_session("carol");
  v1::LogoutResponse response;
  grpc::Status status = stub_->Logout(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("carol"));
}

TEST_F(LilacServiceTest, AnInvalidRequestNeverReachesTheHost) {
  // StrictMock: any command called fails the test.
  grpc::ClientContext context;
  v1::SendMessageRequest request;  // no session
  request.set_to("bob");
  request.set_text("hello");
  v1::SendMessageResponse response;
  grpc::Status status = stub_->SendMessage(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LilacServiceTest, SessionsAreListedFromTheRegistryWithoutTheHost) {
  grpc::ClientContext context;
  v1::ListSessionsResponse response;
  grpc::Status status =
      stub_->ListSessions(&context, v1::ListSessionsRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.sessions_size(), 0);
}

TEST_F(LilacServiceTest, RequestsWithoutFieldsReachTheHostToo) {
  // Served by the table (the constructor aborts on a method without an
  // entry), not by gRPC's generated default, which says UNIMPLEMENTED.
  EXPECT_CALL(host_, ListProtocols(_, _))
      .WillOnce([](const v1::ListProtocolsRequest&,
                   HostCommands::Done<v1::ListProtocolsResponse> done) {
        done(v1::ListProtocolsResponse());
      });
  grpc::ClientContext context;
  v1::ListProtocolsResponse response;
  grpc::Status status =
      stub_->ListProtocols(&context, v1::ListProtocolsRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace lilac
