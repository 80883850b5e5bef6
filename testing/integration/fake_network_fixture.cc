#include "testing/integration/fake_network_fixture.h"

#include "absl/strings/str_cat.h"

namespace lilac::testing {

void FakeNetworkTest::SetUp() {
  absl::StatusOr<std::unique_ptr<fake::FakeServer>> network =
      fake::FakeServer::Start({});
  ASSERT_TRUE(network.ok()) << network.status();
  network_ = *std::move(network);
  control_ = network_->NewControlStub();

  LilacdProcess::Options options;
  options.extra_flags = {
      absl::StrCat("--plugin_dirs=", RunfilePath("testing/fake_prpl"))};
  options.extra_flags.insert(options.extra_flags.end(), lilacd_flags_.begin(),
                             lilacd_flags_.end());
  absl::StatusOr<std::unique_ptr<LilacdProcess>> lilacd =
      LilacdProcess::Start(options);
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  lilacd_ = *std::move(lilacd);
  client_ = std::make_unique<LilacClient>(lilacd_->NewChannel());
}

void FakeNetworkTest::CreateAccount(const std::string& username,
                                    const std::string& password) {
  fake::v1::CreateAccountRequest request;
  request.set_username(username);
  request.set_password(password);
  Control(&fake::v1::FakeNetworkControl::Stub::CreateAccount, request);
}

v1::LoginRequest FakeNetworkTest::FakeLoginRequest(
    const std::string& session, const std::string& username) const {
  v1::LoginRequest request;
  request.set_session(session);
  request.set_protocol("prpl-fake");
  request.set_username(username);
  request.set_password("secret");
  (*request.mutable_settings())["server"] = network_->network_host();
  (*request.mutable_settings())["port"] =
      absl::StrCat(network_->network_port());
  return request;
}

absl::StatusOr<v1::LoginResponse> FakeNetworkTest::Login(
    const std::string& session, const std::string& username,
    const std::string& password, const std::string& protocol,
    std::map<std::string, std::string> settings, bool reconnect) {
  v1::LoginRequest request = FakeLoginRequest(session, username);
  request.set_protocol(protocol);
  request.set_password(password);
  for (const auto& [key, value] : settings) {
    (*request.mutable_settings())[key] = value;
  }
  if (reconnect) {
    request.mutable_reconnect()->set_enabled(true);
    request.mutable_reconnect()->mutable_initial_delay()->set_nanos(100 *
                                                                    1000000);
    request.mutable_reconnect()->mutable_max_delay()->set_seconds(1);
  }
  v1::LoginResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::Login, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return response;
}

void FakeNetworkTest::LoginConnected(
    const std::string& session, const std::string& username,
    const std::string& protocol, std::map<std::string, std::string> settings) {
  CreateAccount(username);
  absl::StatusOr<v1::LoginResponse> login =
      Login(session, username, "secret", protocol, std::move(settings));
  ASSERT_TRUE(login.ok()) << login.status();
  absl::StatusOr<v1::Event> connected =
      client_->WaitFor(ConnectionIs(session, v1::CONNECTION_STATE_CONNECTED));
  ASSERT_TRUE(connected.ok()) << connected.status();
}

absl::StatusOr<fake::v1::ClientFrame> FakeNetworkTest::WaitForClientFrame(
    const std::string& account, fake::v1::ClientFrame::FrameCase kind) {
  fake::v1::WaitForClientFrameRequest request;
  request.set_account(account);
  request.set_kind(kind);
  request.set_after_sequence(frame_sequence_[account]);
  request.set_timeout_ms(20000);
  fake::v1::WaitForClientFrameResponse response;
  auto context = LilacClient::Context(absl::Seconds(30));
  grpc::Status status =
      control_->WaitForClientFrame(context.get(), request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  frame_sequence_[account] = response.sequence();
  return response.frame();
}

}  // namespace lilac::testing
