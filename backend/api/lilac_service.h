#ifndef LILAC_BACKEND_API_LILAC_SERVICE_H_
#define LILAC_BACKEND_API_LILAC_SERVICE_H_

#include <set>

#include "absl/status/statusor.h"
#include "backend/api/grpc_status.h"
#include "backend/api/wire_request.h"
#include "backend/commands/host_commands.h"
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

// The lilac.v1.LilacService gRPC service. Requests arrive as wire bytes that
// the service parses itself (so a malformed request gets INVALID_ARGUMENT
// naming the field) and validates; then the host's command for the call does
// the work and its completion replies. Session descriptions and events are
// read from the registry. Every method of the service is served from one table
// (the constructor); a method left out stops the program at start.
class LilacService final : public v1::LilacService::CallbackService {
 public:
  // `host` and `registry` outlive the service.
  LilacService(HostCommands* host, SessionRegistry* registry);

 private:
  template <typename Request, typename Response>
  using Command = void (HostCommands::*)(const Request&,
                                         HostCommands::Done<Response>);
  template <typename Request, typename Response>
  using Answer =
      absl::StatusOr<Response> (LilacService::*)(const Request&) const;

  // Serves the unary method that takes `Request` (LoginRequest: Login) with
  // the host's `command`.
  template <typename Request, typename Response>
  void Serve(Command<Request, Response> command);
  // Serves it with an answer of the service's own (from the registry).
  template <typename Request, typename Response>
  void Serve(Answer<Request, Response> answer);
  // Registers `handle(request, reply)` for the unary method of `Request`,
  // called with the parsed and validated request.
  template <typename Request, typename Response, typename Handle>
  void ServeUnary(Handle handle);
  // Serves StreamEvents the same way: parsed from the wire, its events written
  // as wire bytes.
  void ServeEventStream();
  // Serves FetchFile (streamed to the client) and SendFile (streamed from
  // it), in chunks.
  void ServeFileCalls();
  // The index of method `name`, checked to take `Request` and return
  // `Response`, and noted as served.
  int MethodIndex(const std::string& name,
                  const google::protobuf::Descriptor* request,
                  const google::protobuf::Descriptor* response);

  absl::StatusOr<v1::ListSessionsResponse> ListSessions(
      const v1::ListSessionsRequest& request) const;
  absl::StatusOr<v1::GetSessionResponse> GetSession(
      const v1::GetSessionRequest& request) const;

  HostCommands* const host_;
  SessionRegistry* const registry_;
  std::set<int> served_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_API_LILAC_SERVICE_H_
