#include "frontend_shim/testing/shim_fixture.h"

#include <stdlib.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::shim::testing {

void ShimTest::SetUp() {
  std::string pattern = absl::StrCat(getenv("TEST_TMPDIR"), "/shimXXXXXX");
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  temp_dir_ = pattern;
  absl::StatusOr<std::unique_ptr<fake::FakeServer>> network =
      fake::FakeServer::Start({});
  ASSERT_TRUE(network.ok()) << network.status();
  network_ = *std::move(network);
  control_ = network_->NewControlStub();
}

void ShimTest::WriteConfig(const std::string& config_path,
                           const std::string& protocol,
                           const std::string& extra) {
  std::ofstream config(config_path);
  config << "# written by the test\n"
         << "[service]\n"
         << "jid = fake.example.org  # the transport\n"
         << "protocol = " << protocol << "\n"
         << "backend = spectrum2_lilac_backend\n"
         << "[purple]\n"
         << "plugins_dir = "
         << ::lilac::testing::RunfilePath("testing/fake_prpl") << "\n"
         << (protocol.rfind("prpl-fake", 0) == 0
                 ? absl::StrCat("server = ", network_->network_host(),
                                "\nport = ", network_->network_port(), "\n")
                 : "")
         << "some_unknown_option = 1\n"
         << extra << "\n";
}

absl::StatusOr<std::unique_ptr<spectrum::SpectrumEmulator>>
ShimTest::StartSpectrum(const std::string& config_path) {
  spectrum::SpectrumEmulator::Options options;
  options.backend_command = {
      ::lilac::testing::RunfilePath("frontend_shim/spectrum2_lilac_backend")};
  options.config_path = config_path;
  options.spectrum_args = {"-n"};
  options.working_dir = temp_dir_;
  // Often, so that every test also checks PONGs arrive while busy.
  options.ping_interval = ping_interval_;
  return spectrum::SpectrumEmulator::Start(options);
}

void ShimTest::StartShim(const std::string& protocol,
                         const std::string& extra) {
  const std::string config_path = temp_dir_ + "/transport.cfg";
  WriteConfig(config_path, protocol, extra);
  absl::StatusOr<std::unique_ptr<spectrum::SpectrumEmulator>> started =
      StartSpectrum(config_path);
  ASSERT_TRUE(started.ok()) << started.status();
  spectrum_ = *std::move(started);
}

void ShimTest::CreateAccount(const std::string& username,
                             const std::string& password) {
  fake::v1::CreateAccountRequest request;
  request.set_username(username);
  request.set_password(password);
  Control(&fake::v1::FakeNetworkControl::Stub::CreateAccount, request);
}

void ShimTest::LoginConnected(const std::string& user,
                              const std::string& account) {
  CreateAccount(account);
  ASSERT_TRUE(spectrum_->Login(user, account, "secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(user, kTimeout).ok());
}

absl::StatusOr<fake::v1::ClientFrame> ShimTest::WaitForClientFrame(
    const std::string& account, fake::v1::ClientFrame::FrameCase kind) {
  fake::v1::WaitForClientFrameRequest request;
  request.set_account(account);
  request.set_kind(kind);
  request.set_after_sequence(frame_sequence_[account]);
  request.set_timeout_ms(static_cast<int>(absl::ToInt64Milliseconds(kTimeout)));
  fake::v1::WaitForClientFrameResponse response;
  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + kTimeout + absl::Seconds(5)));
  grpc::Status status =
      control_->WaitForClientFrame(&context, request, &response);
  if (!status.ok()) {
    return absl::DeadlineExceededError(status.error_message());
  }
  frame_sequence_[account] = response.sequence();
  return response.frame();
}

}  // namespace lilac::shim::testing
