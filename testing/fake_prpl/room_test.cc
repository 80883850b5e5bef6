// Rooms through prpl-fake: joining, participants, messages both ways,
// subjects, nick conflicts and passwords.
#include "gtest/gtest.h"
#include "testing/fake_prpl/prpl_test_support.h"

namespace lilac::testing::fake {
namespace {

constexpr char kUser[] = "room-user";

class RoomTest : public FakeNetworkTest {
 protected:
  void SetUp() override {
    FakeNetworkTest::SetUp();
    CreateServerAccount(kUser, "pw");
    v1::CreateRoomRequest room;
    room.set_name("lobby");
    room.set_subject("Welcome");
    room.set_subject_setter("mod");
    v1::Participant* mod = room.add_participants();
    mod->set_nick("mod");
    mod->set_role(v1::PARTICIPANT_ROLE_MODERATOR);
    room.add_participants()->set_nick("taken");
    CreateRoom(room);
    v1::CreateRoomRequest secret;
    secret.set_name("secret");
    secret.set_password("sesame");
    CreateRoom(secret);
    SignOn("prpl-fake", kUser, "pw");
  }

  void CreateRoom(const v1::CreateRoomRequest& room) {
    grpc::ClientContext context;
    v1::CreateRoomResponse response;
    ASSERT_TRUE(Ok(control().CreateRoom(&context, room, &response)));
  }

  // Joins through libpurple's serv_join_chat with these components.
  void Join(const std::string& room, const std::string& nick,
            const std::string& password = "") {
    Host().Run([&](const OnLoop&) {
      GHashTable* components =
          g_hash_table_new_full(g_str_hash, g_str_equal, nullptr, g_free);
      g_hash_table_insert(components, const_cast<char*>("room"),
                          g_strdup(room.c_str()));
      g_hash_table_insert(components, const_cast<char*>("nick"),
                          g_strdup(nick.c_str()));
      g_hash_table_insert(components, const_cast<char*>("password"),
                          g_strdup(password.c_str()));
      serv_join_chat(purple_account_get_connection(
                         purple_accounts_find(kUser, "prpl-fake")),
                     components);
      g_hash_table_destroy(components);
    });
  }

  void Inject(v1::InjectRoomEventRequest event) {
    grpc::ClientContext context;
    event.set_room("lobby");
    v1::InjectRoomEventResponse response;
    ASSERT_TRUE(Ok(control().InjectRoomEvent(&context, event, &response)));
  }
};

TEST_F(RoomTest, JoinShowsParticipantsAndSubject) {
  const size_t mark = Events().Mark();
  Join("lobby", "me");
  std::optional<PurpleEvent> joined =
      Events().WaitFor("chat-joined", kUser, mark);
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(joined->who, "lobby");
  EXPECT_EQ(WaitForClientFrame(kUser, v1::ClientFrame::kJoinRoom)
                .frame()
                .join_room()
                .nick(),
            "me");
  const bool moderator_listed = Host().Run([](const OnLoop&) {
    PurpleConversation* conv = purple_find_conversation_with_account(
        PURPLE_CONV_TYPE_CHAT, "lobby",
        purple_accounts_find(kUser, "prpl-fake"));
    PurpleConvChat* chat = PURPLE_CONV_CHAT(conv);
    return purple_conv_chat_user_get_flags(chat, "mod") == PURPLE_CBFLAGS_OP &&
           std::string(purple_conv_chat_get_topic(chat)) == "Welcome";
  });
  EXPECT_TRUE(moderator_listed);
}

TEST_F(RoomTest, MessagesBothWaysAndOwnEcho) {
  size_t mark = Events().Mark();
  Join("lobby", "me");
  ASSERT_TRUE(Events().WaitFor("chat-joined", kUser, mark).has_value());

  mark = Events().Mark();
  v1::InjectRoomEventRequest event;
  event.mutable_message()->set_from("mod");
  event.mutable_message()->set_text("hi all");
  Inject(event);
  std::optional<PurpleEvent> received =
      Events().WaitFor("received-chat-msg", kUser, mark);
  ASSERT_TRUE(received.has_value());
  EXPECT_EQ(received->who, "mod");
  EXPECT_EQ(received->text, "hi all");

  mark = Events().Mark();
  Host().Run([](const OnLoop&) {
    PurpleConversation* conv = purple_find_conversation_with_account(
        PURPLE_CONV_TYPE_CHAT, "lobby",
        purple_accounts_find(kUser, "prpl-fake"));
    purple_conv_chat_send(PURPLE_CONV_CHAT(conv), "hello room");
  });
  EXPECT_EQ(WaitForClientFrame(kUser, v1::ClientFrame::kSendRoomMessage)
                .frame()
                .send_room_message()
                .text(),
            "hello room");
  std::optional<PurpleEvent> echo = Events().WaitFor(
      [](const PurpleEvent& e) {
        return e.type == "wrote-chat-msg" && e.account == kUser &&
               (e.value & PURPLE_MESSAGE_SEND);
      },
      mark);
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->text, "hello room");
}

TEST_F(RoomTest, ParticipantJoinsAndSubjectChanges) {
  size_t mark = Events().Mark();
  Join("lobby", "me");
  ASSERT_TRUE(Events().WaitFor("chat-joined", kUser, mark).has_value());
  mark = Events().Mark();
  v1::InjectRoomEventRequest join;
  join.mutable_participant_joined()->set_nick("newcomer");
  Inject(join);
  std::optional<PurpleEvent> joined = Events().WaitFor(
      [](const PurpleEvent& e) {
        return e.type == "chat-buddy-joined" && e.text == "newcomer";
      },
      mark);
  EXPECT_TRUE(joined.has_value());
  v1::InjectRoomEventRequest subject;
  subject.mutable_subject_changed()->set_subject("New topic");
  subject.mutable_subject_changed()->set_setter("mod");
  Inject(subject);
  std::optional<PurpleEvent> topic = Events().WaitFor(
      [](const PurpleEvent& e) {
        return e.type == "chat-topic-changed" && e.text == "New topic";
      },
      mark);
  ASSERT_TRUE(topic.has_value());
  EXPECT_EQ(topic->who, "mod");
}

TEST_F(RoomTest, TakenNickFailsTheJoin) {
  const size_t mark = Events().Mark();
  Join("lobby", "taken");
  EXPECT_TRUE(Events().WaitFor("chat-join-failed", kUser, mark).has_value());
}

TEST_F(RoomTest, RoomPasswordIsChecked) {
  size_t mark = Events().Mark();
  Join("secret", "me", "wrong");
  EXPECT_TRUE(Events().WaitFor("chat-join-failed", kUser, mark).has_value());
  mark = Events().Mark();
  Join("secret", "me", "sesame");
  EXPECT_TRUE(Events().WaitFor("chat-joined", kUser, mark).has_value());
}

}  // namespace
}  // namespace lilac::testing::fake
