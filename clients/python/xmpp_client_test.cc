// Runs the Python client's scenario (tests/xmpp_scenario.py) as a real program
// with Debian's python3-grpcio against a real lilacd and prpl-jabber on a real
// Prosody: two accounts message each other, meet in a room, resume a stream.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"

namespace lilac::testing {
namespace {

class PythonClientTest : public ProsodyTest {};

TEST_F(PythonClientTest, MessagesRoomsAndResumingAgainstProsody) {
  // The stubs generated at build time and the client package, side by side.
  const std::string python_path = RunfilePath("clients/python");
  absl::StatusOr<ProcessResult> result =
      RunProcess({"/usr/bin/env", absl::StrCat("PYTHONPATH=", python_path),
                  "PYTHONDONTWRITEBYTECODE=1", "/usr/bin/python3",
                  RunfilePath("clients/python/tests/xmpp_scenario.py"),
                  absl::StrCat("--lilacd=", lilacd_->address()),
                  absl::StrCat("--domain=", prosody_->domain()),
                  absl::StrCat("--muc_domain=", prosody_->muc_domain()),
                  absl::StrCat("--port=", prosody_->c2s_port()),
                  absl::StrCat("--alice_password=", kAlicePassword),
                  absl::StrCat("--bob_password=", kBobPassword)},
                 absl::Seconds(240));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->stdout_text << result->stderr_text;
  EXPECT_THAT(result->stdout_text, ::testing::HasSubstr("all checks passed"));
  EXPECT_THAT(
      result->stdout_text,
      ::testing::HasSubstr("ok: resumed right after the last event seen"));
}

}  // namespace
}  // namespace lilac::testing
