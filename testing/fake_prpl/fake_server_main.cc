// The fake network as a process: prints one line with both addresses, then
// serves until SIGINT or SIGTERM.
//
//   fake_server_main --unix_socket=/tmp/fake.sock
//   fake_server: network 127.0.0.1:40123 control 127.0.0.1:40124
#include <signal.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "testing/fake_prpl/fake_server.h"

ABSL_FLAG(std::string, network_host, "127.0.0.1",
          "IPv4 loopback address for plugin connections (port chosen)");
ABSL_FLAG(std::string, unix_socket, "",
          "also accept plugin connections on this Unix socket");
ABSL_FLAG(std::string, control_listen, "127.0.0.1:0",
          "loopback HOST:PORT (or unix:PATH) of the gRPC control service");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Fake IM network for prpl-fake and prpl-fake-facebook, driven over gRPC "
      "(lilac.testing.fake.v1.FakeNetworkControl).");
  absl::ParseCommandLine(argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Blocked before any thread starts, so only sigwait below receives them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = lilac::testing::fake::FakeServer::Start(
      {absl::GetFlag(FLAGS_network_host), absl::GetFlag(FLAGS_unix_socket),
       absl::GetFlag(FLAGS_control_listen)});
  if (!server.ok()) {
    std::fprintf(stderr, "fake_server: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  std::printf("fake_server: network %s:%d control %s\n",
              (*server)->network_host().c_str(), (*server)->network_port(),
              (*server)->control_address().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  return 0;
}
