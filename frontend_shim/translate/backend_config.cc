#include "frontend_shim/translate/backend_config.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "frontend_shim/log.h"
#include "grpcpp/client_context.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac::shim {

absl::StatusOr<v1::Protocol> FetchProtocol(
    v1::LilacService::StubInterface& stub, grpc::ClientContext* context,
    const std::string& id) {
  v1::ListProtocolsRequest request;
  v1::ListProtocolsResponse response;
  const grpc::Status status = stub.ListProtocols(context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot list lilacd's protocols (", status.error_message(), ")"));
  }
  std::vector<std::string> ids;
  for (const v1::Protocol& protocol : response.protocols()) {
    if (protocol.id() == id) return protocol;
    ids.push_back(protocol.id());
  }
  return absl::NotFoundError(absl::StrCat(
      "Protocol not found: ", id, "; lilacd has: ", absl::StrJoin(ids, ", ")));
}

absl::StatusOr<v1::Protocol> DescribeProtocol(
    const std::shared_ptr<grpc::Channel>& channel, const ShimConfig& config) {
  if (config.protocol == "any") {
    return absl::FailedPreconditionError("protocol = any");
  }
  std::unique_ptr<v1::LilacService::Stub> stub =
      v1::LilacService::NewStub(channel);
  grpc::ClientContext context;
  // Bounded: Spectrum's first PING must not wait for an unreachable lilacd.
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  absl::StatusOr<v1::Protocol> protocol =
      FetchProtocol(*stub, &context, config.protocol);
  if (absl::IsUnavailable(protocol.status())) {
    LogError(absl::StrCat(protocol.status().message(),
                          "; registration defaults are sent"));
  } else if (!protocol.ok()) {
    LogError(protocol.status().message());
  }
  return protocol;
}

std::string BuildBackendConfig(const ShimConfig& config,
                               const std::optional<v1::Protocol>& protocol) {
  bool need_password = true;
  bool need_registration = true;
  if (protocol) {
    need_password =
        protocol->password_required() || protocol->password_optional();
  }
  if (config.server_mode || config.protocol == "prpl-irc") {
    need_registration = false;
  }
  return absl::StrCat("[registration]\nneedPassword=", need_password ? 1 : 0,
                      "\nneedRegistration=", need_registration ? 1 : 0,
                      "\n[features]\nmuc=1\nrawxml=0\ndisable_jid_escaping=0\n"
                      "receipts=1\n");
}

}  // namespace lilac::shim
