// Spot checks of the schema against docs/spectrum-backend-protocol.md, where
// a slip would silently break wire compatibility.
#include <string>

#include "gtest/gtest.h"
#include "protos/spectrum/protocol.pb.h"

namespace pbnetwork {
namespace {

int FieldNumber(const google::protobuf::Descriptor* message,
                const std::string& field) {
  const google::protobuf::FieldDescriptor* descriptor =
      message->FindFieldByName(field);
  return descriptor == nullptr ? -1 : descriptor->number();
}

TEST(ProtocolTest, PingEncodesAsInTheDocument) {
  WrapperMessage ping;
  ping.set_type(WrapperMessage::TYPE_PING);
  EXPECT_EQ(ping.SerializeAsString(), std::string("\x08\x09", 2));
}

TEST(ProtocolTest, TypeEnumHasEveryValueButFive) {
  const google::protobuf::EnumDescriptor* type =
      WrapperMessage::Type_descriptor();
  EXPECT_EQ(type->value_count(), 35);
  for (int value = 1; value <= 36; ++value) {
    EXPECT_EQ(type->FindValueByNumber(value) != nullptr, value != 5) << value;
  }
  EXPECT_EQ(WrapperMessage::TYPE_EXIT, 29);
  EXPECT_EQ(WrapperMessage::TYPE_API_VERSION, 36);
}

TEST(ProtocolTest, IrregularFieldNumbers) {
  EXPECT_EQ(FieldNumber(Status::descriptor(), "status"), 3);
  EXPECT_EQ(FieldNumber(Status::descriptor(), "statusMessage"), 4);
  EXPECT_EQ(FieldNumber(Room::descriptor(), "room"), 3);
  EXPECT_EQ(FieldNumber(ConversationMessage::descriptor(), "attachment"), 11);
  EXPECT_EQ(FieldNumber(Login::descriptor(), "settings"), 5);
  EXPECT_EQ(FieldNumber(Participant::descriptor(), "alias"), 9);
}

TEST(ProtocolTest, RequiredFieldsAreRequired) {
  Disconnected disconnected;
  disconnected.set_user("alice@example.com");
  EXPECT_FALSE(disconnected.IsInitialized());  // `error` is required.
  disconnected.set_error(CONNECTION_ERROR_OTHER_ERROR);
  EXPECT_TRUE(disconnected.IsInitialized());
  EXPECT_EQ(CONNECTION_ERROR_OTHER_ERROR, 16);
  EXPECT_EQ(PARTICIPANT_FLAG_ROOM_NOT_FOUND, 64);
  EXPECT_EQ(STATUS_INVISIBLE, 6);
}

TEST(ProtocolTest, BuddyStatusPresenceIsObservable) {
  // §3.3: an absent status decodes as ONLINE; presence must be checkable.
  Buddy buddy;
  EXPECT_FALSE(buddy.has_status());
  EXPECT_EQ(buddy.status(), STATUS_ONLINE);
  EXPECT_FALSE(buddy.has_blocked());
}

TEST(ProtocolTest, LoginSettingsMapRoundTrips) {
  Login login;
  login.set_user("alice@example.com");
  login.set_legacyname("alice");
  login.set_password("");
  (*login.mutable_settings()->mutable_value())["stay_connected"] = "1";
  Login parsed;
  ASSERT_TRUE(parsed.ParseFromString(login.SerializeAsString()));
  EXPECT_EQ(parsed.settings().value().at("stay_connected"), "1");
}

}  // namespace
}  // namespace pbnetwork
