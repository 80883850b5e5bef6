#include "backend/server/lilac_server.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backend/host/in_process_host.h"
#include "backend/worker/worker_pool.h"
#include "common/log/log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace lilac {
namespace {

// The largest message either way: an avatar (8 MiB) with room to spare.
constexpr int kMaxMessageOnTheWire = 16 << 20;

}  // namespace

absl::StatusOr<std::unique_ptr<LilacServer>> LilacServer::Start(
    const Options& options) {
  std::unique_ptr<LilacServer> server(new LilacServer());
  server->registry_ =
      std::make_unique<SessionRegistry>(options.events_per_session);
  if (options.workers.has_value()) {
    worker::WorkerPool::Options pool;
    pool.worker.program = options.workers->program;
    pool.worker.args = options.workers->args;
    pool.worker.host = options.host;
    pool.spread = options.workers->spread;
    pool.max_workers = options.workers->max_workers;
    pool.sessions_per_worker = options.workers->sessions_per_worker;
    pool.worker.memory_limit = options.workers->memory_limit;
    absl::StatusOr<std::unique_ptr<worker::WorkerPool>> started =
        worker::WorkerPool::Start(std::move(pool), server->registry_.get());
    if (!started.ok()) return started.status();
    server->pool_ = *std::move(started);
    server->host_ = server->pool_.get();
  } else {
    absl::StatusOr<std::unique_ptr<InProcessHost>> host =
        InProcessHost::Start(options.host, server->registry_.get());
    if (!host.ok()) return host.status();
    server->in_process_ = *std::move(host);
    server->host_ = server->in_process_.get();
  }
  server->service_ =
      std::make_unique<LilacService>(server->host_, server->registry_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int selected_port = 0;
  const std::string target =
      options.listen.has_value() ? options.listen->ToGrpcTarget() : "";
  if (options.listen.has_value()) {
    builder.AddListeningPort(target, grpc::InsecureServerCredentials(),
                             &selected_port);
  }
  builder.RegisterService(server->service_.get());
  // Reflection v1 beside the plugin's v1alpha, over the same descriptors.
  server->reflection_v1_ =
      std::make_unique<ReflectionV1Service>(std::vector<std::string>{
          v1::LilacService::service_full_name(), "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection"});
  builder.RegisterService(server->reflection_v1_.get());
  // Room for avatars (8 MiB); files come in chunks of 1 MiB. Each request's
  // fields are bounded by validation.
  builder.SetMaxReceiveMessageSize(kMaxMessageOnTheWire);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", target, " (address in use or not available)"));
  }
  if (options.listen.has_value() &&
      options.listen->kind == ListenAddress::Kind::kTcp) {
    ListenAddress chosen = *options.listen;
    chosen.port = selected_port;
    server->address_ = chosen.ToGrpcTarget();
  } else {
    server->address_ = target;
  }
  // The whole server, and the API by its service name, as clients ask.
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  server->server_->GetHealthCheckService()->SetServingStatus(
      v1::LilacService::service_full_name(), true);
  return server;
}

std::shared_ptr<grpc::Channel> LilacServer::InProcessChannel() {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageOnTheWire);
  return server_->InProcessChannel(arguments);
}

LilacServer::~LilacServer() {
  // Sessions end first: their logout answers the calls still waiting on the
  // network (ListChats, SetChatSubject, GetUserInfo), which gRPC's Shutdown
  // would otherwise wait for until their own timeouts.
  if (in_process_ != nullptr) in_process_->LogoutAll();
  if (pool_ != nullptr) pool_->LogoutAll();
  // Then gRPC (cancelling event streams at once): no handler may post to the
  // host once it is gone. Sessions logged in meanwhile end below.
  if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  server_.reset();
  pool_.reset();
  in_process_.reset();
  service_.reset();
  registry_.reset();
}

}  // namespace lilac
