// prpl-fake-facebook's quirks: digits-only group chat ids, unread messages
// replayed at every connect until the host marks them read on focus, images.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/prpl_test_support.h"

namespace lilac::testing::fake {
namespace {

constexpr char kProtocol[] = "prpl-fake-facebook";

class FacebookTest : public FakeNetworkTest {
 protected:
  void Inject(const std::string& account, const v1::IncomingIm& message) {
    grpc::ClientContext context;
    v1::InjectMessageRequest request;
    request.set_account(account);
    *request.mutable_message() = message;
    v1::InjectMessageResponse response;
    ASSERT_TRUE(Ok(control().InjectMessage(&context, request, &response)));
  }

  void JoinByName(const std::string& account, const std::string& name) {
    Host().Run([&](const OnLoop&) {
      GHashTable* components =
          g_hash_table_new_full(g_str_hash, g_str_equal, nullptr, g_free);
      g_hash_table_insert(components, const_cast<char*>("name"),
                          g_strdup(name.c_str()));
      serv_join_chat(purple_account_get_connection(
                         purple_accounts_find(account.c_str(), kProtocol)),
                     components);
      g_hash_table_destroy(components);
    });
  }

  void Reconnect(const std::string& account) {
    Host().Run([&](const OnLoop&) {
      PurpleAccount* purple_account =
          purple_accounts_find(account.c_str(), kProtocol);
      purple_account_disconnect(purple_account);
      purple_account_connect(purple_account);
    });
  }
};

TEST_F(FacebookTest, GroupChatNameMustBeDigits) {
  CreateServerAccount("100001", "pw");
  grpc::ClientContext context;
  v1::CreateRoomRequest room;
  room.set_name("4242");
  v1::CreateRoomResponse ignored;
  ASSERT_TRUE(Ok(control().CreateRoom(&context, room, &ignored)));
  SignOn(kProtocol, "100001", "pw");

  size_t mark = Events().Mark();
  JoinByName("100001", "not-a-thread");
  std::optional<PurpleEvent> notice = Events().WaitFor(
      [](const PurpleEvent& e) {
        return e.type == "notify-message" &&
               absl::StrContains(e.text, "Invalid Facebook identifier.");
      },
      mark);
  EXPECT_TRUE(notice.has_value());
  EXPECT_TRUE(Events().WaitFor("chat-join-failed", "100001", mark).has_value());

  mark = Events().Mark();
  JoinByName("100001", "4242");
  std::optional<PurpleEvent> joined =
      Events().WaitFor("chat-joined", "100001", mark);
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(joined->who, "4242");
}

TEST_F(FacebookTest, UnreadMessagesReplayUntilMarkedReadOnFocus) {
  CreateServerAccount("100002", "pw");
  v1::Buddy friend_;
  friend_.set_name("200002");
  grpc::ClientContext context;
  v1::AddBuddyRequest add;
  add.set_account("100002");
  *add.mutable_buddy() = friend_;
  v1::AddBuddyResponse ignored;
  ASSERT_TRUE(Ok(control().AddBuddy(&context, add, &ignored)));
  SignOn(kProtocol, "100002", "pw");

  size_t mark = Events().Mark();
  v1::IncomingIm message;
  message.set_from("200002");
  message.set_text("are you there?");
  Inject("100002", message);
  ASSERT_TRUE(Events().WaitFor("received-im-msg", "100002", mark).has_value());

  // Not marked read: the next connect replays it, as delayed.
  mark = Events().Mark();
  Reconnect("100002");
  std::optional<PurpleEvent> replay =
      Events().WaitFor("received-im-msg", "100002", mark);
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->text, "are you there?");
  EXPECT_TRUE(replay->value & PURPLE_MESSAGE_DELAYED);

  // The host reports the conversation seen while focused: marked read.
  Host().Run([](const OnLoop& loop) {
    SetFocused(loop, "200002");
    PurpleConversation* conv = purple_find_conversation_with_account(
        PURPLE_CONV_TYPE_IM, "200002",
        purple_accounts_find("100002", kProtocol));
    purple_conversation_update(conv, PURPLE_CONV_UPDATE_UNSEEN);
  });
  EXPECT_EQ(WaitForClientFrame("100002", v1::ClientFrame::kMarkRead)
                .frame()
                .mark_read()
                .conversation(),
            "200002");

  // Nothing to replay now: the login completes with no message.
  mark = Events().Mark();
  Reconnect("100002");
  ASSERT_TRUE(Events().WaitFor("signed-on", "100002", mark).has_value());
  grpc::ClientContext state_context;
  v1::GetAccountStateRequest state_request;
  state_request.set_account("100002");
  v1::GetAccountStateResponse state;
  ASSERT_TRUE(
      Ok(control().GetAccountState(&state_context, state_request, &state)));
  EXPECT_EQ(state.unread_messages(), 0);
}

TEST_F(FacebookTest, StickerArrivesAsImage) {
  CreateServerAccount("100003", "pw");
  SignOn(kProtocol, "100003", "pw");
  const size_t mark = Events().Mark();
  v1::IncomingIm sticker;
  sticker.set_from("200003");  // unknown: held until its contact is fetched
  sticker.add_images()->set_data("GIF89a sticker");
  Inject("100003", sticker);
  std::optional<PurpleEvent> received =
      Events().WaitFor("received-im-msg", "100003", mark);
  ASSERT_TRUE(received.has_value());
  EXPECT_TRUE(received->value & PURPLE_MESSAGE_IMAGES);
  EXPECT_TRUE(absl::StartsWith(received->text, "<img id=\"")) << received->text;
  EXPECT_EQ(WaitForClientFrame("100003", v1::ClientFrame::kFetchContact)
                .frame()
                .fetch_contact()
                .name(),
            "200003");
}

}  // namespace
}  // namespace lilac::testing::fake
