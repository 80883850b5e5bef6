#ifndef LILAC_FRONTEND_SHIM_TESTING_SHIM_FIXTURE_H_
#define LILAC_FRONTEND_SHIM_TESTING_SHIM_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/fake_server.h"
#include "testing/spectrum_emulator/spectrum_emulator.h"

namespace lilac::shim::testing {

namespace fake = ::lilac::testing::fake;

inline constexpr absl::Duration kTimeout = absl::Seconds(30);

// The real spectrum2_lilac_backend binary, launched by the Spectrum emulator
// with Spectrum's command line and a config file pointing prpl-fake (or
// prpl-fake-facebook) at a fake network started per test.
class ShimTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Writes the config and launches the shim. `extra` is appended to the
  // config file as is (e.g. "[service]\nweb_directory=...").
  void StartShim(const std::string& protocol = "prpl-fake",
                 const std::string& extra = "");
  // The config file StartShim writes, at `path`.
  void WriteConfig(const std::string& path, const std::string& protocol,
                   const std::string& extra);
  // One more Spectrum with its own shim process, from the same kind of
  // config (two backends of one transport).
  absl::StatusOr<std::unique_ptr<spectrum::SpectrumEmulator>> StartSpectrum(
      const std::string& config_path);

  void CreateAccount(const std::string& username,
                     const std::string& password = "secret");
  // CreateAccount, LOGIN, and wait for CONNECTED.
  void LoginConnected(const std::string& user, const std::string& account);

  // Waits for the fake network to receive a frame of `kind` from `account`.
  absl::StatusOr<fake::v1::ClientFrame> WaitForClientFrame(
      const std::string& account, fake::v1::ClientFrame::FrameCase kind);

  template <typename Request, typename Response>
  Response Control(grpc::Status (fake::v1::FakeNetworkControl::Stub::*method)(
                       grpc::ClientContext*, const Request&, Response*),
                   const Request& request) {
    Response response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kTimeout));
    grpc::Status status = ((*control_).*method)(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // How often the emulator PINGs (zero: only on connect).
  absl::Duration ping_interval_ = absl::Seconds(2);
  std::string temp_dir_;
  std::unique_ptr<fake::FakeServer> network_;
  std::unique_ptr<fake::v1::FakeNetworkControl::Stub> control_;
  std::unique_ptr<spectrum::SpectrumEmulator> spectrum_;
  std::map<std::string, int64_t> frame_sequence_;
};

}  // namespace lilac::shim::testing

#endif  // LILAC_FRONTEND_SHIM_TESTING_SHIM_FIXTURE_H_
