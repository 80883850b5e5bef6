#include "backend/api/lilac_service.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "backend/api/event_stream.h"
#include "backend/api/file_calls.h"
#include "backend/api/request_validation.h"
#include "common/log/log.h"
#include "google/protobuf/descriptor.h"

namespace lilac {

LilacService::LilacService(HostCommands* host, SessionRegistry* registry)
    : host_(host), registry_(registry) {
#define LILAC_SERVE_HOST_COMMAND(Name) Serve(&HostCommands::Name);
  LILAC_HOST_COMMANDS(LILAC_SERVE_HOST_COMMAND)
#undef LILAC_SERVE_HOST_COMMAND
  Serve(&LilacService::ListSessions);
  Serve(&LilacService::GetSession);
  ServeFileCalls();
  ServeEventStream();

  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::LilacService::service_full_name());
  for (int i = 0; i < service->method_count(); ++i) {
    if (served_.count(i) == 0) {
      log::Fatal("api",
                 absl::StrCat("lilac.v1 method ", service->method(i)->name(),
                              " has no entry in LilacService's table"));
    }
  }
}

int LilacService::MethodIndex(const std::string& name,
                              const google::protobuf::Descriptor* request,
                              const google::protobuf::Descriptor* response) {
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()
          ->FindServiceByName(v1::LilacService::service_full_name())
          ->FindMethodByName(name);
  if (method == nullptr || method->input_type() != request ||
      method->output_type() != response) {
    log::Fatal("api",
               absl::StrCat("LilacService's table names ", name, "(",
                            request->name(), ") returns ", response->name(),
                            ", which lilac.v1 does not have"));
  }
  served_.insert(method->index());
  return method->index();
}

template <typename Request, typename Response, typename Handle>
void LilacService::ServeUnary(Handle handle) {
  const std::string name(
      absl::StripSuffix(Request::descriptor()->name(), "Request"));
  // Replaces the generated handler, which would parse the request itself.
  MarkMethodRawCallback(
      MethodIndex(name, Request::descriptor(), Response::descriptor()),
      new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer,
                                               grpc::ByteBuffer>(
          [handle = std::move(handle)](grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* wire,
                                       grpc::ByteBuffer* wire_response) {
            grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
            Reply<Response> reply(reactor, wire_response);
            Request request;
            absl::Status valid = ParseWireRequest(*wire, &request);
            if (valid.ok()) valid = Validate(request);
            if (!valid.ok()) {
              reply(valid);
              return reactor;
            }
            handle(request, reply);
            return reactor;
          }));
}

template <typename Request, typename Response>
void LilacService::Serve(Command<Request, Response> command) {
  ServeUnary<Request, Response>(
      [this, command](const Request& request, Reply<Response> reply) {
        (host_->*command)(request, reply);
      });
}

template <typename Request, typename Response>
void LilacService::Serve(Answer<Request, Response> answer) {
  ServeUnary<Request, Response>(
      [this, answer](const Request& request, Reply<Response> reply) {
        reply((this->*answer)(request));
      });
}

absl::StatusOr<v1::ListSessionsResponse> LilacService::ListSessions(
    const v1::ListSessionsRequest&) const {
  v1::ListSessionsResponse response;
  for (v1::Session& session : registry_->List()) {
    *response.add_sessions() = std::move(session);
  }
  return response;
}

absl::StatusOr<v1::GetSessionResponse> LilacService::GetSession(
    const v1::GetSessionRequest& request) const {
  absl::StatusOr<v1::Session> session = registry_->Get(request.session());
  if (!session.ok()) return session.status();
  v1::GetSessionResponse response;
  *response.mutable_session() = *std::move(session);
  return response;
}

void LilacService::ServeEventStream() {
  MarkMethodRawCallback(
      MethodIndex("StreamEvents", v1::StreamEventsRequest::descriptor(),
                  v1::StreamEventsResponse::descriptor()),
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
      MethodIndex("FetchFile", v1::FetchFileRequest::descriptor(),
                  v1::FetchFileResponse::descriptor()),
      new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer,
                                                         grpc::ByteBuffer>(
          [this](grpc::CallbackServerContext*, const grpc::ByteBuffer* wire)
              -> grpc::ServerWriteReactor<grpc::ByteBuffer>* {
            v1::FetchFileRequest request;
            if (absl::Status parsed = ParseWireRequest(*wire, &request);
                !parsed.ok()) {
              return new RefusedServerStream(ToGrpcStatus(parsed));
            }
            return new FetchFileCall(host_, request);
          }));
  MarkMethodRawCallback(
      MethodIndex("SendFile", v1::SendFileRequest::descriptor(),
                  v1::SendFileResponse::descriptor()),
      new grpc::internal::CallbackClientStreamingHandler<grpc::ByteBuffer,
                                                         grpc::ByteBuffer>(
          [this](grpc::CallbackServerContext* context,
                 grpc::ByteBuffer* wire_response)
              -> grpc::ServerReadReactor<grpc::ByteBuffer>* {
            return new SendFileCall(context, host_, wire_response);
          }));
}

}  // namespace lilac
