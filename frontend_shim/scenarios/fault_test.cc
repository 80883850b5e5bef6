// Hostile input: malformed frames, oversized frames, unknown types, missing
// required fields, unknown users, invalid UTF-8. Each is dropped with a log
// line; the shim keeps answering and other users are unaffected.
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/spectrum_emulator/frame_codec.h"

namespace lilac::shim::testing {
namespace {

using Wrapper = pbnetwork::WrapperMessage;
constexpr char kAlice[] = "alice@example.org";

class FaultTest : public ShimTest {};

TEST_F(FaultTest, BadFramesAreDroppedAndEverythingElseGoesOn) {
  StartShim("prpl-fake", "[lilac]\nmax_frame_size = 4096\n");
  LoginConnected(kAlice, "alice");
  // Not a WrapperMessage.
  ASSERT_TRUE(
      spectrum_->SendRawBytes(spectrum::EncodeFrameBody("\xff\xff\xff")).ok());
  // Over the limit (skipped, not buffered).
  Wrapper big;
  big.set_type(Wrapper::TYPE_CONV_MESSAGE);
  big.set_payload(std::string(10000, 'x'));
  ASSERT_TRUE(spectrum_->Send(big).ok());
  // A type Spectrum never sends, and an unknown number.
  Wrapper pong;
  pong.set_type(Wrapper::TYPE_PONG);
  ASSERT_TRUE(spectrum_->Send(pong).ok());
  ASSERT_TRUE(
      spectrum_->SendRawBytes(spectrum::EncodeFrameBody("\x08\x63")).ok());
  // Missing required fields.
  pbnetwork::ConversationMessage partial;
  partial.set_username(kAlice);
  ASSERT_TRUE(spectrum_->Send(Wrapper::TYPE_CONV_MESSAGE, partial).ok());
  // An unknown user, and invalid UTF-8.
  ASSERT_TRUE(
      spectrum_->SendChatMessage("nobody@example.org", "bob", "x").ok());
  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, "bob", "bad \xff\xfe").ok());
  // BUDDIES and RAW_XML are handled (ignored).
  pbnetwork::Buddies buddies;
  ASSERT_TRUE(spectrum_->SendBuddies(buddies).ok());
  ASSERT_TRUE(spectrum_->SendRawXml("<message/>").ok());

  // Still alive and serving.
  ASSERT_TRUE(spectrum_->SendPing().ok());
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());
  ASSERT_TRUE(spectrum_->SendChatMessage(kAlice, "bob", "good").ok());
  absl::StatusOr<fake::v1::ClientFrame> sent =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSendIm);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_THAT(sent->send_im().text(), ::testing::HasSubstr("good"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing

namespace lilac::shim::testing {
namespace {

TEST_F(FaultTest, UnreachableRemoteLilacdGivesRetryableDisconnects) {
  StartShim("prpl-fake", "[lilac]\nlilacd = unix:" + temp_dir_ +
                             "/nobody-listens.sock\nrpc_timeout = 3\n");
  // Liveness does not depend on lilacd.
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());
  ASSERT_TRUE(spectrum_->WaitForBackendConfig(kTimeout).ok());
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice", "secret").ok());
  absl::StatusOr<pbnetwork::Disconnected> down =
      spectrum_->WaitForDisconnected(kAlice, kTimeout);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_TRUE(down->error() == pbnetwork::CONNECTION_ERROR_NETWORK_ERROR ||
              down->error() == pbnetwork::CONNECTION_ERROR_OTHER_ERROR)
      << down->error();
  ASSERT_TRUE(spectrum_->SendPing().ok());
  ASSERT_TRUE(spectrum_->WaitForPong(kTimeout).ok());
}

}  // namespace
}  // namespace lilac::shim::testing
