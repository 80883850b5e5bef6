#include "testing/spectrum_emulator/wire_messages.h"

#include "gtest/gtest.h"

namespace lilac::spectrum {
namespace {

using pbnetwork::WrapperMessage;

TEST(WireMessagesTest, EveryPayloadTypeHasItsMessage) {
  EXPECT_EQ(
      NewPayloadFor(WrapperMessage::TYPE_CONV_MESSAGE)->GetDescriptor()->name(),
      "ConversationMessage");
  EXPECT_EQ(
      NewPayloadFor(WrapperMessage::TYPE_BUDDY_TYPED)->GetDescriptor()->name(),
      "Buddy");
  EXPECT_EQ(NewPayloadFor(WrapperMessage::TYPE_QUERY)->GetDescriptor()->name(),
            "BackendConfig");
  EXPECT_EQ(NewPayloadFor(WrapperMessage::TYPE_PING), nullptr);
  EXPECT_EQ(NewPayloadFor(WrapperMessage::TYPE_RAW_XML), nullptr);
}

TEST(WireMessagesTest, AcceptsWhatSpectrumHandles) {
  pbnetwork::Connected connected;
  connected.set_user("alice@example.com");
  EXPECT_TRUE(
      CheckBackendFrame(Wrap(WrapperMessage::TYPE_CONNECTED, connected)).ok());
  EXPECT_TRUE(CheckBackendFrame(Wrap(WrapperMessage::TYPE_PONG)).ok());
}

TEST(WireMessagesTest, RejectsTypesSpectrumDoesNotHandleFromBackends) {
  for (WrapperType type :
       {WrapperMessage::TYPE_LOGIN, WrapperMessage::TYPE_PING,
        WrapperMessage::TYPE_JOIN_ROOM, WrapperMessage::TYPE_EXIT,
        WrapperMessage::TYPE_BUDDIES, WrapperMessage::TYPE_API_VERSION,
        WrapperMessage::TYPE_FT_START}) {
    EXPECT_FALSE(SpectrumHandlesFromBackend(type)) << TypeName(type);
    EXPECT_FALSE(CheckBackendFrame(Wrap(type)).ok()) << TypeName(type);
  }
}

TEST(WireMessagesTest, RejectsAPayloadWithoutARequiredField) {
  pbnetwork::Stats stats;  // All four fields are required.
  stats.set_res(1);
  absl::Status status =
      CheckBackendFrame(Wrap(WrapperMessage::TYPE_STATS, stats));
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("init_res"), absl::string_view::npos)
      << status;
}

TEST(WireMessagesTest, DescribeRedactsPasswords) {
  pbnetwork::Login login;
  login.set_user("alice@example.com");
  login.set_legacyname("alice");
  login.set_password("hunter2");
  const std::string text =
      DescribeFrame(Wrap(WrapperMessage::TYPE_LOGIN, login));
  EXPECT_NE(text.find("LOGIN"), std::string::npos);
  EXPECT_NE(text.find("alice@example.com"), std::string::npos);
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
}

TEST(WireMessagesTest, TypeNamesRoundTrip) {
  EXPECT_EQ(TypeName(WrapperMessage::TYPE_CONV_MESSAGE), "CONV_MESSAGE");
  EXPECT_EQ(*ParseTypeName("conv_message"), WrapperMessage::TYPE_CONV_MESSAGE);
  EXPECT_EQ(*ParseTypeName("TYPE_PONG"), WrapperMessage::TYPE_PONG);
  EXPECT_FALSE(ParseTypeName("NOPE").ok());
}

}  // namespace
}  // namespace lilac::spectrum
