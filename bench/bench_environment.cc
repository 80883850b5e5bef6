#include "bench/bench_environment.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace lilac::bench {

absl::StatusOr<std::unique_ptr<BenchEnvironment>> BenchEnvironment::Start(
    const std::vector<std::string>& lilacd_flags) {
  auto environment = std::make_unique<BenchEnvironment>();
  absl::StatusOr<std::unique_ptr<fake::FakeServer>> network =
      fake::FakeServer::Start({});
  if (!network.ok()) return network.status();
  environment->network = *std::move(network);
  environment->control = environment->network->NewControlStub();

  testing::LilacdProcess::Options options;
  options.extra_flags = {absl::StrCat(
      "--plugin_dirs=", testing::RunfilePath("testing/fake_prpl"))};
  options.extra_flags.insert(options.extra_flags.end(), lilacd_flags.begin(),
                             lilacd_flags.end());
  absl::StatusOr<std::unique_ptr<testing::LilacdProcess>> lilacd =
      testing::LilacdProcess::Start(options);
  if (!lilacd.ok()) return lilacd.status();
  environment->lilacd = *std::move(lilacd);
  return environment;
}

absl::Status BenchEnvironment::CreateAccount(const std::string& username) {
  fake::v1::CreateAccountRequest request;
  request.set_username(username);
  request.set_password("secret");
  fake::v1::CreateAccountResponse response;
  grpc::Status status =
      control->CreateAccount(CallContext().get(), request, &response);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("CreateAccount ", username, ": ", status.error_message()));
  }
  return absl::OkStatus();
}

v1::LoginRequest BenchEnvironment::LoginRequestFor(
    const std::string& session, const std::string& username) const {
  v1::LoginRequest request;
  request.set_session(session);
  request.set_protocol("prpl-fake");
  request.set_username(username);
  request.set_password("secret");
  (*request.mutable_settings())["server"] = network->network_host();
  (*request.mutable_settings())["port"] = absl::StrCat(network->network_port());
  return request;
}

EventReader::EventReader(std::shared_ptr<grpc::Channel> channel,
                         const v1::StreamEventsRequest& request,
                         std::function<void(const v1::Event&)> on_event)
    : stub_(v1::LilacService::NewStub(channel)) {
  thread_ = std::thread([this, request, on_event = std::move(on_event)] {
    std::unique_ptr<grpc::ClientReader<v1::StreamEventsResponse>> reader =
        stub_->StreamEvents(&context_, request);
    v1::StreamEventsResponse message;
    while (reader->Read(&message)) {
      if (message.has_event()) on_event(message.event());
    }
    reader->Finish().ok();
  });
}

EventReader::~EventReader() {
  context_.TryCancel();
  thread_.join();
}

std::unique_ptr<grpc::ClientContext> CallContext(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(seconds));
  return context;
}

}  // namespace lilac::bench
