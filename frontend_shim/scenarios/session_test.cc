// Connecting to Spectrum, liveness, logins with libpurple's error numbers,
// status, roster sync, exit.
#include <glib.h>

#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using ::testing::HasSubstr;
using Wrapper = pbnetwork::WrapperMessage;

std::string Sha1(const std::string& data) {
  gchar* hex = g_compute_checksum_for_data(
      G_CHECKSUM_SHA1, reinterpret_cast<const guchar*>(data.data()),
      data.size());
  std::string result(hex);
  g_free(hex);
  return result;
}

class SessionTest : public ShimTest {};

TEST_F(SessionTest, SendsBackendConfigPongsAndStats) {
  StartShim();
  absl::StatusOr<pbnetwork::BackendConfig> config =
      spectrum_->WaitForBackendConfig(kTimeout);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->config(), HasSubstr("needPassword=1"));
  EXPECT_THAT(config->config(), HasSubstr("needRegistration=1"));
  EXPECT_THAT(config->config(), HasSubstr("muc=1"));
  EXPECT_THAT(config->config(), HasSubstr("receipts=1"));
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());
  absl::StatusOr<pbnetwork::Stats> stats = spectrum_->WaitForStats(kTimeout);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->id(), std::to_string(spectrum_->backend_pid()));
  EXPECT_GT(stats->res(), 0);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(SessionTest, LoginSyncsTheRosterWithGroupsAliasesAndAvatars) {
  CreateAccount("alice");
  fake::v1::AddBuddyRequest add;
  add.set_account("alice");
  add.mutable_buddy()->set_name("bob");
  add.mutable_buddy()->set_alias("Bob B.");
  add.mutable_buddy()->add_groups("Friends");
  add.mutable_buddy()->add_groups("Work");
  add.mutable_buddy()->set_avatar("PNG-bytes-of-bob");
  Control(&fake::v1::FakeNetworkControl::Stub::AddBuddy, add);
  StartShim();
  ASSERT_TRUE(spectrum_->Login("alice@example.org", "alice", "secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected("alice@example.org", kTimeout).ok());
  absl::StatusOr<pbnetwork::Buddy> bob = spectrum_->WaitForBuddy(
      Wrapper::TYPE_BUDDY_CHANGED,
      [](const pbnetwork::Buddy& b) {
        return b.buddyname() == "bob" && !b.iconhash().empty();
      },
      kTimeout);
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->username(), "alice@example.org");
  EXPECT_EQ(bob->alias(), "Bob B.");
  EXPECT_TRUE(bob->has_status());
  EXPECT_EQ(bob->iconhash(), Sha1("PNG-bytes-of-bob"));

  // Removed on the network: removed in Spectrum.
  fake::v1::RemoveBuddyRequest remove;
  remove.set_account("alice");
  remove.set_name("bob");
  Control(&fake::v1::FakeNetworkControl::Stub::RemoveBuddy, remove);
  ASSERT_TRUE(
      spectrum_
          ->WaitForBuddy(
              Wrapper::TYPE_BUDDY_REMOVED,
              [](const pbnetwork::Buddy& b) { return b.buddyname() == "bob"; },
              kTimeout)
          .ok());
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(SessionTest, WrongPasswordIsFatalWithLibpurplesNumber) {
  CreateAccount("alice", "right");
  StartShim();
  ASSERT_TRUE(spectrum_->Login("alice@example.org", "alice", "wrong").ok());
  absl::StatusOr<pbnetwork::Disconnected> down =
      spectrum_->WaitForDisconnected("alice@example.org", kTimeout);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->error(), pbnetwork::CONNECTION_ERROR_AUTHENTICATION_FAILED);
}

TEST_F(SessionTest, ServerErrorIsRetryable) {
  CreateAccount("alice");
  fake::v1::SetLoginBehaviorRequest behavior;
  behavior.set_account("alice");
  behavior.set_refusal(fake::v1::LOGIN_ERROR_SERVER_ERROR);
  Control(&fake::v1::FakeNetworkControl::Stub::SetLoginBehavior, behavior);
  StartShim();
  ASSERT_TRUE(spectrum_->Login("alice@example.org", "alice", "secret").ok());
  absl::StatusOr<pbnetwork::Disconnected> down =
      spectrum_->WaitForDisconnected("alice@example.org", kTimeout);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->error(), pbnetwork::CONNECTION_ERROR_NETWORK_ERROR);
}

TEST_F(SessionTest, StatusBeforeConnectedIsAppliedAfterwards) {
  CreateAccount("alice");
  StartShim();
  ASSERT_TRUE(spectrum_->Login("alice@example.org", "alice", "secret").ok());
  ASSERT_TRUE(
      spectrum_->SetStatus("alice@example.org", pbnetwork::STATUS_AWAY, "lunch")
          .ok());
  ASSERT_TRUE(spectrum_->WaitForConnected("alice@example.org", kTimeout).ok());
  absl::StatusOr<fake::v1::ClientFrame> status =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetStatus);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->set_status().message(), "lunch");
}

TEST_F(SessionTest, TwoUsersAtOnceAndLogoutStopsTraffic) {
  StartShim();
  LoginConnected("alice@example.org", "alice");
  LoginConnected("carol@example.org", "carol");
  ASSERT_TRUE(spectrum_->Logout("alice@example.org", "alice").ok());
  // carol still works.
  fake::v1::InjectMessageRequest inject;
  inject.set_account("carol");
  inject.mutable_message()->set_from("dave");
  inject.mutable_message()->set_text("still here?");
  Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, inject);
  ASSERT_TRUE(spectrum_
                  ->WaitForMessage(
                      [](const pbnetwork::ConversationMessage& m) {
                        return m.username() == "carol@example.org" &&
                               m.message() == "still here?";
                      },
                      kTimeout)
                  .ok());
}

TEST_F(SessionTest, ExitsOnExit) {
  StartShim();
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());
  ASSERT_TRUE(spectrum_->SendExit().ok());
  absl::StatusOr<int> code = spectrum_->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

TEST_F(SessionTest, ExitsOnEof) {
  StartShim();
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());
  spectrum_->Disconnect();
  absl::StatusOr<int> code = spectrum_->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace lilac::shim::testing
