// prpl-fake-facebook: thread joins, show-unread reaching the plugin, replayed
// messages delivered once, stickers through web storage.
#include <glib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using ::testing::HasSubstr;
constexpr char kAlice[] = "alice@example.org";

class FacebookTest : public ShimTest {
 protected:
  void Inject(const std::string& from, const std::string& text) {
    fake::v1::InjectMessageRequest inject;
    inject.set_account("100001");
    inject.mutable_message()->set_from(from);
    inject.mutable_message()->set_text(text);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, inject);
  }
  int CountMessages(const std::string& text) {
    int count = 0;
    for (const auto& frame : spectrum_->ReceivedFrames()) {
      pbnetwork::ConversationMessage m;
      if (frame.type() == pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE &&
          m.ParseFromString(frame.payload()) && m.message() == text) {
        ++count;
      }
    }
    return count;
  }
};

TEST_F(FacebookTest, ReplayedUnreadMessagesAreDeliveredOnce) {
  StartShim("prpl-fake-facebook");
  LoginConnected(kAlice, "100001");
  Inject("200002", "are you there?");
  ASSERT_TRUE(spectrum_
                  ->WaitForMessage(
                      [](const pbnetwork::ConversationMessage& m) {
                        return m.message() == "are you there?";
                      },
                      kTimeout)
                  .ok());
  // Spectrum's reconnect cycle: LOGOUT, LOGIN; the plugin replays.
  ASSERT_TRUE(spectrum_->Logout(kAlice, "100001").ok());
  ASSERT_TRUE(spectrum_->Login(kAlice, "100001", "secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  Inject("200002", "marker");
  ASSERT_TRUE(spectrum_
                  ->WaitForMessage(
                      [](const pbnetwork::ConversationMessage& m) {
                        return m.message() == "marker";
                      },
                      kTimeout)
                  .ok());
  EXPECT_EQ(CountMessages("are you there?"), 1);
}

TEST_F(FacebookTest, AnsweringMarksOnlyUnreadConversationsRead) {
  StartShim("prpl-fake-facebook");
  LoginConnected(kAlice, "100001");
  // Returns once the shim acked the answer: by then it decided whether the
  // answer marks the conversation read, so a message injected afterwards is
  // unread (waiting for the network's SendIm alone raced with that decision).
  int answers = 0;
  auto answer = [&](const std::string& text) {
    pbnetwork::ConversationMessage message;
    message.set_username(kAlice);
    message.set_buddyname("200002");
    message.set_message(text);
    const std::string id = "answer-" + std::to_string(++answers);
    message.set_id(id);
    ASSERT_TRUE(spectrum_->SendMessage(message).ok());
    ASSERT_TRUE(spectrum_
                    ->WaitForPayload<pbnetwork::ConversationMessage>(
                        pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE_ACK,
                        [&](const pbnetwork::ConversationMessage& ack) {
                          return ack.id() == id;
                        },
                        kTimeout)
                    .ok());
  };
  auto frame_after = [&](int64_t after, fake::v1::ClientFrame::FrameCase kind) {
    fake::v1::WaitForClientFrameRequest wait;
    wait.set_account("100001");
    wait.set_kind(kind);
    wait.set_after_sequence(after);
    wait.set_timeout_ms(absl::ToInt64Milliseconds(kTimeout));
    return Control(&fake::v1::FakeNetworkControl::Stub::WaitForClientFrame,
                   wait);
  };
  auto received = [&](const std::string& text) {
    Inject("200002", text);
    ASSERT_TRUE(spectrum_
                    ->WaitForMessage(
                        [&](const pbnetwork::ConversationMessage& m) {
                          return m.message() == text;
                        },
                        kTimeout)
                    .ok());
  };

  received("are you there?");
  answer("yes");
  const auto first_read = frame_after(0, fake::v1::ClientFrame::kMarkRead);
  EXPECT_EQ(first_read.frame().mark_read().conversation(), "200002");

  // Nothing new arrived: this answer needs no MarkRead.
  answer("and still here");
  const auto second_send =
      frame_after(first_read.sequence(), fake::v1::ClientFrame::kSendIm);
  EXPECT_EQ(second_send.frame().send_im().text(), "and still here");

  received("good, one more thing");
  answer("go on");
  const auto third_send =
      frame_after(second_send.sequence(), fake::v1::ClientFrame::kSendIm);
  EXPECT_EQ(third_send.frame().send_im().text(), "go on");
  // The next MarkRead after the first is the one for the new message: it
  // follows the third answer, so the second answer sent none.
  const auto second_read =
      frame_after(first_read.sequence(), fake::v1::ClientFrame::kMarkRead);
  EXPECT_GT(second_read.sequence(), third_send.sequence());
}

TEST_F(FacebookTest, ShowUnreadOffReachesThePlugin) {
  StartShim("prpl-fake-facebook", "[purple]\nshow-unread = 0\n");
  CreateAccount("100001");
  ASSERT_TRUE(spectrum_->Login(kAlice, "100001", "secret").ok());
  absl::StatusOr<fake::v1::ClientFrame> login =
      WaitForClientFrame("100001", fake::v1::ClientFrame::kLogin);
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_FALSE(login->login().replay_unread());
}

TEST_F(FacebookTest, JoiningAThreadIdJoinsThatThread) {
  fake::v1::CreateRoomRequest room;
  room.set_name("1234567890");
  room.add_participants()->set_nick("200002");
  Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
  StartShim("prpl-fake-facebook");
  LoginConnected(kAlice, "100001");
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "1234567890", "alice").ok());
  absl::StatusOr<fake::v1::ClientFrame> join =
      WaitForClientFrame("100001", fake::v1::ClientFrame::kJoinRoom);
  ASSERT_TRUE(join.ok()) << join.status();
  EXPECT_EQ(join->join_room().room(), "1234567890");
  absl::StatusOr<pbnetwork::Participant> other = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "200002"; },
      kTimeout);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->room(), "1234567890");
}

TEST_F(FacebookTest, StickersAreStoredOnTheWebBySha1) {
  const std::string web = temp_dir_ + "/www";
  ASSERT_EQ(g_mkdir_with_parents(web.c_str(), 0755), 0);
  StartShim("prpl-fake-facebook",
            "[service]\nweb_directory = " + web +
                "\nweb_url = https://media.example.org/x\n");
  LoginConnected(kAlice, "100001");
  // A tiny PNG signature is enough for the MIME sniffing.
  const std::string png("\x89PNG\r\n\x1a\n-sticker-bytes", 23);
  fake::v1::InjectMessageRequest inject;
  inject.set_account("100001");
  inject.mutable_message()->set_from("200002");
  inject.mutable_message()->set_text("sticker");
  inject.mutable_message()->add_images()->set_data(png);
  Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, inject);
  absl::StatusOr<pbnetwork::ConversationMessage> got =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.attachment_size() > 0;
          },
          kTimeout);
  ASSERT_TRUE(got.ok()) << got.status();
  gchar* sha1 = g_compute_checksum_for_data(
      G_CHECKSUM_SHA1, reinterpret_cast<const guchar*>(png.data()), png.size());
  const std::string name = sha1;
  g_free(sha1);
  EXPECT_THAT(got->attachment(0).url(),
              HasSubstr("https://media.example.org/x/" + name));
  EXPECT_THAT(got->message(), HasSubstr("https://media.example.org/x/"));
  const std::string file =
      web + "/" +
      got->attachment(0).url().substr(
          std::string("https://media.example.org/x/").size());
  std::ifstream in(file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), png);
}

}  // namespace
}  // namespace lilac::shim::testing
