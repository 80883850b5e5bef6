// vCards: contacts' (id echoed), room occupants' (room/nick),
// no_vcard_fetch, the user's own vCard and avatars from the config.
#include <sys/stat.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

constexpr char kAlice[] = "alice@example.org";

// lilacd takes only real image formats: a PNG signature and some bytes.
std::string Png(const std::string& body) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + body;
}

class VCardTest : public ShimTest {
 protected:
  void SetUp() override {
    ShimTest::SetUp();
    fake::v1::SetUserInfoRequest bob;
    bob.mutable_info()->set_name("bob");
    bob.mutable_info()->set_full_name("Bob Builder");
    bob.mutable_info()->set_nickname("bobby");
    Control(&fake::v1::FakeNetworkControl::Stub::SetUserInfo, bob);
    fake::v1::SetUserInfoRequest guest;
    guest.mutable_info()->set_name("guest");
    guest.mutable_info()->set_full_name("Guest User");
    Control(&fake::v1::FakeNetworkControl::Stub::SetUserInfo, guest);
    fake::v1::CreateRoomRequest room;
    room.set_name("lounge");
    room.add_participants()->set_nick("guest");
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
  }

  void JoinLounge() {
    ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "lounge", "alice").ok());
    ASSERT_TRUE(spectrum_
                    ->WaitForParticipant(
                        [](const pbnetwork::Participant& p) {
                          return p.nickname() == "alice";
                        },
                        kTimeout)
                    .ok());
  }

  void WriteFile(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
};

TEST_F(VCardTest, ContactAndRoomOccupantVCardsEchoTheRequestId) {
  StartShim();
  LoginConnected(kAlice, "alice");
  ASSERT_TRUE(spectrum_->RequestVCard(kAlice, "bob", 7).ok());
  absl::StatusOr<pbnetwork::VCard> bob = spectrum_->WaitForVCard(7, kTimeout);
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->username(), kAlice);
  EXPECT_EQ(bob->fullname(), "Bob Builder");
  EXPECT_EQ(bob->nickname(), "bobby");

  JoinLounge();
  ASSERT_TRUE(spectrum_->RequestVCard(kAlice, "lounge/guest", 8).ok());
  absl::StatusOr<pbnetwork::VCard> guest = spectrum_->WaitForVCard(8, kTimeout);
  ASSERT_TRUE(guest.ok()) << guest.status();
  EXPECT_EQ(guest->buddyname(), "lounge/guest");
  EXPECT_EQ(guest->fullname(), "Guest User");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(VCardTest, NoVCardFetchAnswersContactsFromLocalData) {
  CreateAccount("alice");
  fake::v1::AddBuddyRequest add;
  add.set_account("alice");
  add.mutable_buddy()->set_name("bob");
  add.mutable_buddy()->set_alias("Bob B.");
  add.mutable_buddy()->set_avatar("PNG-bytes-of-bob");
  Control(&fake::v1::FakeNetworkControl::Stub::AddBuddy, add);
  StartShim("prpl-fake", "[backend]\nno_vcard_fetch = 1\n");
  ASSERT_TRUE(spectrum_->Login(kAlice, "alice", "secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());
  // The roster (with bob's icon) is in before the request.
  ASSERT_TRUE(spectrum_
                  ->WaitForBuddy(
                      pbnetwork::WrapperMessage::TYPE_BUDDY_CHANGED,
                      [](const pbnetwork::Buddy& b) {
                        return b.buddyname() == "bob" && !b.iconhash().empty();
                      },
                      kTimeout)
                  .ok());
  ASSERT_TRUE(spectrum_->RequestVCard(kAlice, "bob", 9).ok());
  absl::StatusOr<pbnetwork::VCard> bob = spectrum_->WaitForVCard(9, kTimeout);
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->fullname(), "Bob B.");  // the local alias, not the network's
  EXPECT_EQ(bob->photo(), "PNG-bytes-of-bob");

  // Room occupants are still looked up; the first lookup the network sees
  // is that one, so bob's vCard was not.
  JoinLounge();
  ASSERT_TRUE(spectrum_->RequestVCard(kAlice, "lounge/guest", 10).ok());
  ASSERT_TRUE(spectrum_->WaitForVCard(10, kTimeout).ok());
  absl::StatusOr<fake::v1::ClientFrame> lookup =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kGetInfo);
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  EXPECT_EQ(lookup->get_info().name(), "guest");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(VCardTest, OwnVCardWithAPhotoSetsTheAvatar) {
  StartShim();
  LoginConnected(kAlice, "alice");
  ASSERT_TRUE(spectrum_->UpdateOwnVCard(kAlice, "Alice A.", Png("alice")).ok());
  absl::StatusOr<fake::v1::ClientFrame> avatar =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetAvatar);
  ASSERT_TRUE(avatar.ok()) << avatar.status();
  EXPECT_EQ(avatar->set_avatar().image(), Png("alice"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(VCardTest, AvatarsFromTheDirectoryOrTheDefault) {
  const std::string directory = temp_dir_ + "/avatars";
  ASSERT_EQ(mkdir(directory.c_str(), 0700), 0);
  WriteFile(directory + "/carol", Png("carol"));
  WriteFile(temp_dir_ + "/default.png", Png("default"));
  StartShim("prpl-fake", absl::StrCat("[backend]\ndefault_avatar = ", temp_dir_,
                                      "/default.png\navatars_directory = ",
                                      directory, "\n"));
  LoginConnected(kAlice, "alice");
  absl::StatusOr<fake::v1::ClientFrame> avatar =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetAvatar);
  ASSERT_TRUE(avatar.ok()) << avatar.status();
  EXPECT_EQ(avatar->set_avatar().image(), Png("default"));
  LoginConnected("carol@example.org", "carol");
  avatar = WaitForClientFrame("carol", fake::v1::ClientFrame::kSetAvatar);
  ASSERT_TRUE(avatar.ok()) << avatar.status();
  EXPECT_EQ(avatar->set_avatar().image(), Png("carol"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
