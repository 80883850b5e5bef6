#include "frontend_shim/translate/event_translator.h"

#include "frontend_shim/translate/backend_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using pbnetwork::WrapperMessage;
using ::testing::HasSubstr;

template <typename T>
T Payload(const WrapperMessage& frame) {
  T payload;
  EXPECT_TRUE(payload.ParseFromString(frame.payload()))
      << "missing required fields";
  return payload;
}

class EventTranslatorTest : public ::testing::Test {
 protected:
  EventTranslatorTest() : translator_({"helper", nullptr}) {
    user_.user = "alice@example.org";
    user_.session = "s";
  }
  EventTranslator::Output Translate(const v1::Event& event) {
    return translator_.Translate(event, user_, delivered_,
                                 absl::FromUnixSeconds(1700000000));
  }
  EventTranslator translator_;
  UserState user_;
  DeliveredMessages delivered_;
};

TEST_F(EventTranslatorTest, ConnectedOnceThenDisconnectedWithLibpurplesNumber) {
  v1::Event event;
  event.mutable_connection_changed()->set_state(v1::CONNECTION_STATE_CONNECTED);
  EventTranslator::Output out = Translate(event);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].type(), WrapperMessage::TYPE_CONNECTED);
  EXPECT_TRUE(out.connected);
  EXPECT_TRUE(Translate(event).frames.empty());

  event.mutable_connection_changed()->set_state(
      v1::CONNECTION_STATE_DISCONNECTED);
  event.mutable_connection_changed()->set_reason(
      v1::DISCONNECT_REASON_AUTHENTICATION_FAILED);
  out = Translate(event);
  ASSERT_EQ(out.frames.size(), 1u);
  auto disconnected = Payload<pbnetwork::Disconnected>(out.frames[0]);
  EXPECT_EQ(disconnected.error(),
            pbnetwork::CONNECTION_ERROR_AUTHENTICATION_FAILED);
  // Nothing after a DISCONNECTED.
  event.mutable_buddy_removed()->set_name("x");
  EXPECT_TRUE(Translate(event).frames.empty());
}

TEST_F(EventTranslatorTest, PresenceKeepsIconAndAlwaysSetsStatus) {
  v1::Event event;
  v1::Buddy* buddy = event.mutable_buddy_updated()->mutable_buddy();
  buddy->set_name("bob");
  buddy->set_alias("Bob");
  buddy->add_groups("Friends");
  buddy->add_groups("Work");
  buddy->set_icon_sha1("abc");
  buddy->set_presence(v1::PRESENCE_OFFLINE);
  auto first = Payload<pbnetwork::Buddy>(Translate(event).frames.at(0));
  EXPECT_TRUE(first.has_status());
  EXPECT_EQ(first.status(), pbnetwork::STATUS_NONE);
  EXPECT_EQ(first.group_size(), 2);

  v1::Event presence;
  presence.mutable_buddy_presence_changed()->set_name("bob");
  presence.mutable_buddy_presence_changed()->set_presence(v1::PRESENCE_AWAY);
  auto second = Payload<pbnetwork::Buddy>(Translate(presence).frames.at(0));
  EXPECT_EQ(second.status(), pbnetwork::STATUS_AWAY);
  EXPECT_EQ(second.iconhash(), "abc");
  EXPECT_EQ(second.alias(), "Bob");
}

TEST_F(EventTranslatorTest, DelayedMessagesAreStampedAndReplaysDropped) {
  v1::Event event;
  v1::MessageReceived* message = event.mutable_message_received();
  message->set_peer("bob");
  message->set_text("hi");
  message->set_html("<b>hi</b>");
  message->mutable_time()->set_seconds(1700000000 - 3600);
  message->mutable_flags()->set_delayed(true);
  auto out = Translate(event);
  auto frame = Payload<pbnetwork::ConversationMessage>(out.frames.at(0));
  EXPECT_EQ(frame.timestamp(), "20231114T211320");
  EXPECT_EQ(frame.xhtml(), "<b>hi</b>");
  EXPECT_TRUE(Translate(event).frames.empty());
}

TEST_F(EventTranslatorTest, CarbonsAndImagesWithoutWebStorage) {
  v1::Event event;
  v1::MessageReceived* message = event.mutable_message_received();
  message->set_peer("bob");
  message->set_text("look");
  message->mutable_flags()->set_sent_by_us_elsewhere(true);
  v1::InlineImage* image = message->add_images();
  image->set_data("PNGDATA");
  image->set_mime_type("image/png");
  auto frame =
      Payload<pbnetwork::ConversationMessage>(Translate(event).frames.at(0));
  EXPECT_TRUE(frame.carbon());
  EXPECT_THAT(frame.message(), HasSubstr("web storage is not configured"));
  EXPECT_FALSE(frame.has_timestamp());
}

TEST_F(EventTranslatorTest, RoomJoinRenamesFirstAndSendsSelfLast) {
  RoomState& room = user_.rooms["#chat@irc.net"];
  room.room = "#chat@irc.net";
  room.nickname = "alice";
  v1::Event event;
  v1::ChatJoined* joined = event.mutable_chat_joined();
  joined->set_chat("#chat@irc.net");
  joined->set_nickname("alice_");
  joined->set_subject("Topic");
  v1::Participant* self = joined->add_participants();
  self->set_nickname("alice_");
  self->set_is_self(true);
  v1::Participant* op = joined->add_participants();
  op->set_nickname("op");
  op->mutable_role()->set_moderator(true);
  auto frames = Translate(event).frames;
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].type(), WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED);
  EXPECT_EQ(Payload<pbnetwork::Room>(frames[0]).nickname(), "alice_");
  auto other = Payload<pbnetwork::Participant>(frames[1]);
  EXPECT_EQ(other.nickname(), "op");
  EXPECT_EQ(other.flag(), pbnetwork::PARTICIPANT_FLAG_MODERATOR);
  auto me = Payload<pbnetwork::Participant>(frames[2]);
  EXPECT_EQ(me.nickname(), "alice_");
  EXPECT_EQ(me.room(), "#chat@irc.net");
  EXPECT_EQ(frames[3].type(), WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED);
}

TEST_F(EventTranslatorTest, TheNetworkRenamingUsKeepsOurFlagAndNewNick) {
  RoomState& room = user_.rooms["r"];
  room.room = "r";
  room.nickname = "alice";
  room.self_flag = pbnetwork::PARTICIPANT_FLAG_MODERATOR;
  v1::Event event;
  v1::ParticipantRenamed* renamed = event.mutable_participant_renamed();
  renamed->set_chat("r");
  renamed->set_old_nickname("alice");
  renamed->set_new_nickname("alice_");
  renamed->set_is_self(true);
  auto frames = Translate(event).frames;
  ASSERT_EQ(frames.size(), 3u);
  // The 303 on the nick Spectrum knows as ours...
  auto rename = Payload<pbnetwork::Participant>(frames[0]);
  EXPECT_EQ(rename.nickname(), "alice");
  EXPECT_EQ(rename.newname(), "alice_");
  EXPECT_EQ(rename.flag(), pbnetwork::PARTICIPANT_FLAG_MODERATOR);
  // ...then the new nick, then our presence under it.
  EXPECT_EQ(frames[1].type(), WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED);
  EXPECT_EQ(Payload<pbnetwork::Room>(frames[1]).nickname(), "alice_");
  auto me = Payload<pbnetwork::Participant>(frames[2]);
  EXPECT_EQ(me.nickname(), "alice_");
  EXPECT_FALSE(me.has_newname() && !me.newname().empty());
  EXPECT_EQ(me.flag(), pbnetwork::PARTICIPANT_FLAG_MODERATOR);
  EXPECT_EQ(room.nickname, "alice_");

  // Someone else's rename is one frame.
  room.participants["bob"].set_nickname("bob");
  renamed->set_old_nickname("bob");
  renamed->set_new_nickname("robert");
  renamed->set_is_self(false);
  frames = Translate(event).frames;
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(Payload<pbnetwork::Participant>(frames[0]).newname(), "robert");
}

TEST_F(EventTranslatorTest, SubjectSetterAndTopicTheRightWayRound) {
  user_.rooms["r"].room = "r";
  v1::Event event;
  event.mutable_chat_subject_changed()->set_chat("r");
  event.mutable_chat_subject_changed()->set_subject("New topic");
  event.mutable_chat_subject_changed()->set_set_by("bob");
  auto frame =
      Payload<pbnetwork::ConversationMessage>(Translate(event).frames.at(0));
  EXPECT_EQ(frame.message(), "New topic");
  EXPECT_EQ(frame.nickname(), "bob");
}

TEST_F(EventTranslatorTest, JoinErrorsBecomeFlagsOnTheOwnNick) {
  user_.rooms["r"].room = "r";
  user_.rooms["r"].nickname = "me";
  v1::Event event;
  event.mutable_chat_join_failed()->set_chat("r");
  event.mutable_chat_join_failed()->set_error(
      v1::CHAT_JOIN_ERROR_NOT_AUTHORIZED);
  auto frame = Payload<pbnetwork::Participant>(Translate(event).frames.at(0));
  EXPECT_EQ(frame.nickname(), "me");
  EXPECT_EQ(frame.flag(), pbnetwork::PARTICIPANT_FLAG_NOT_AUTHORIZED);
  EXPECT_TRUE(user_.rooms.empty());
}

TEST_F(EventTranslatorTest, PrivateRoomMessagesCarryPm) {
  user_.rooms["r"].room = "r";
  v1::Event event;
  event.mutable_chat_message_received()->set_chat("r");
  event.mutable_chat_message_received()->set_sender_nickname("bob");
  event.mutable_chat_message_received()->set_text("psst");
  event.mutable_chat_message_received()->set_is_private(true);
  auto frame =
      Payload<pbnetwork::ConversationMessage>(Translate(event).frames.at(0));
  EXPECT_TRUE(frame.pm());
  EXPECT_EQ(frame.buddyname(), "r");
  EXPECT_EQ(frame.nickname(), "bob");
}

TEST_F(EventTranslatorTest, RequestsComeFromTheHelperContact) {
  v1::Event event;
  event.mutable_request_opened()->set_request_id(3);
  event.mutable_request_opened()->set_primary("Enter code");
  auto frames = Translate(event).frames;
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].type(), WrapperMessage::TYPE_BUDDY_CHANGED);
  auto message = Payload<pbnetwork::ConversationMessage>(frames[1]);
  EXPECT_EQ(message.buddyname(), "helper");
  EXPECT_THAT(message.message(), HasSubstr("Enter code"));
  EXPECT_EQ(user_.requests.count(3), 1u);
}

TEST(BackendConfigTest, RegistrationAndFeatures) {
  ShimConfig config;
  config.protocol = "prpl-irc";
  v1::Protocol irc;
  irc.set_password_optional(true);
  const std::string text = BuildBackendConfig(config, irc);
  EXPECT_THAT(text, HasSubstr("needPassword=1"));
  EXPECT_THAT(text, HasSubstr("needRegistration=0"));
  EXPECT_THAT(text, HasSubstr("muc=1"));
  EXPECT_THAT(text, HasSubstr("receipts=1"));
  config.protocol = "prpl-x";
  v1::Protocol no_password;
  EXPECT_THAT(BuildBackendConfig(config, no_password),
              HasSubstr("needPassword=0\nneedRegistration=1"));
}

}  // namespace
}  // namespace lilac::shim
