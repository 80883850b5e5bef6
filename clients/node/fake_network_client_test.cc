// Runs the Node.js client's scenario (tests/fake_network_scenario.js) as a real
// program with @grpc/grpc-js against a real lilacd with prpl-fake on the fake
// network: it logs in, follows events, sends bob a message and logs out.
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

class NodeClientTest : public FakeNetworkTest {};

std::string NodePath() {
  std::ifstream file(RunfilePath("external/node_client_modules/node_path.txt"));
  std::string path;
  std::getline(file, path);
  return path;
}

TEST_F(NodeClientTest, LogsInFollowsEventsAndSends) {
  CreateAccount("alice");
  LoginConnected("bob", "bob");
  const std::string node_path = NodePath();
  ASSERT_FALSE(node_path.empty());
  absl::StatusOr<ProcessResult> result = RunProcess(
      {"/usr/bin/env", absl::StrCat("NODE_PATH=", node_path), "/usr/bin/node",
       RunfilePath("clients/node/tests/fake_network_scenario.js"),
       absl::StrCat("--lilacd=", lilacd_->address()),
       absl::StrCat("--protos=", RunfilePath("protos")),
       absl::StrCat("--server=", network_->network_host()),
       absl::StrCat("--port=", network_->network_port())},
      absl::Seconds(120));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->stdout_text << result->stderr_text;
  EXPECT_THAT(result->stdout_text, ::testing::HasSubstr("all checks passed"));

  // What the Node client sent reached bob through the network.
  absl::StatusOr<v1::Event> received = client_->WaitFor([](const v1::Event& e) {
    return e.session() == "bob" && e.has_message_received() &&
           e.message_received().text() == "hello from node";
  });
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().peer(), "alice");
}

}  // namespace
}  // namespace lilac::testing
