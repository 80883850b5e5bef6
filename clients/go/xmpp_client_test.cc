// Runs the Go client's scenario (scenario/main.go) as a real program
// built with Debian's Go and gRPC against a real lilacd and prpl-jabber on a
// real Prosody: two accounts message each other, meet in a room, resume a
// stream.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"

namespace lilac::testing {
namespace {

class GoClientTest : public ProsodyTest {};

TEST_F(GoClientTest, MessagesRoomsAndResumingAgainstProsody) {
  absl::StatusOr<ProcessResult> result =
      RunProcess({RunfilePath("clients/go/scenario_bin"),
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
  // The example bot is built too, and starts.
  absl::StatusOr<ProcessResult> help = RunProcess(
      {RunfilePath("clients/go/echo_bin"), "--help"}, absl::Seconds(30));
  ASSERT_TRUE(help.ok()) << help.status();
  EXPECT_THAT(help->stderr_text, ::testing::HasSubstr("-lilacd"));
}

}  // namespace
}  // namespace lilac::testing
