// Group chats after the join: renames, role changes, the room list, and
// join errors on our own nick. (The fake network cannot rename a connected
// member: our own renames are covered by translate_test, and a nick the
// network forces at join by irc_test.)
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

using Wrapper = pbnetwork::WrapperMessage;
constexpr char kAlice[] = "alice@example.org";

class RoomEventsTest : public ShimTest {
 protected:
  void SetUp() override {
    ShimTest::SetUp();
    fake::v1::CreateRoomRequest room;
    room.set_name("lounge");
    room.set_subject("Welcome");
    room.add_participants()->set_nick("guest");
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
    StartShim();
    LoginConnected(kAlice, "alice");
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

  void Inject(const fake::v1::InjectRoomEventRequest& event) {
    Control(&fake::v1::FakeNetworkControl::Stub::InjectRoomEvent, event);
  }
};

TEST_F(RoomEventsTest, TheRoomListArrivesAfterLogin) {
  absl::StatusOr<pbnetwork::RoomList> list =
      spectrum_->WaitForPayload<pbnetwork::RoomList>(Wrapper::TYPE_ROOM_LIST,
                                                     nullptr, kTimeout);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->user(), kAlice);
  EXPECT_THAT(list->room(), ::testing::Contains("lounge"));
  EXPECT_EQ(list->room_size(), list->name_size());
}

TEST_F(RoomEventsTest, RenamesAndRoleChanges) {
  JoinLounge();
  fake::v1::InjectRoomEventRequest renamed;
  renamed.set_room("lounge");
  renamed.mutable_participant_renamed()->set_room("lounge");
  renamed.mutable_participant_renamed()->set_old_nick("guest");
  renamed.mutable_participant_renamed()->set_new_nick("visitor");
  Inject(renamed);
  absl::StatusOr<pbnetwork::Participant> rename = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.newname() == "visitor"; },
      kTimeout);
  ASSERT_TRUE(rename.ok()) << rename.status();
  EXPECT_EQ(rename->nickname(), "guest");
  EXPECT_EQ(rename->room(), "lounge");

  fake::v1::InjectRoomEventRequest promoted;
  promoted.set_room("lounge");
  promoted.mutable_participant_role_changed()->set_room("lounge");
  promoted.mutable_participant_role_changed()->set_nick("visitor");
  promoted.mutable_participant_role_changed()->set_role(
      fake::v1::PARTICIPANT_ROLE_MODERATOR);
  Inject(promoted);
  absl::StatusOr<pbnetwork::Participant> moderator =
      spectrum_->WaitForParticipant(
          [](const pbnetwork::Participant& p) {
            return p.nickname() == "visitor" &&
                   p.flag() == pbnetwork::PARTICIPANT_FLAG_MODERATOR;
          },
          kTimeout);
  ASSERT_TRUE(moderator.ok()) << moderator.status();
  EXPECT_EQ(moderator->status(), pbnetwork::STATUS_ONLINE);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(RoomEventsTest, NoSuchRoomAndNickConflictAreFlagsOnOurNick) {
  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "nowhere", "alice").ok());
  absl::StatusOr<pbnetwork::Participant> missing =
      spectrum_->WaitForParticipant(
          [](const pbnetwork::Participant& p) { return p.room() == "nowhere"; },
          kTimeout);
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->nickname(), "alice");
  EXPECT_EQ(missing->flag(), pbnetwork::PARTICIPANT_FLAG_ROOM_NOT_FOUND);

  ASSERT_TRUE(spectrum_->JoinRoom(kAlice, "lounge", "guest").ok());
  absl::StatusOr<pbnetwork::Participant> taken = spectrum_->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.room() == "lounge"; },
      kTimeout);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->nickname(), "guest");
  EXPECT_EQ(taken->flag(), pbnetwork::PARTICIPANT_FLAG_CONFLICT);
  EXPECT_EQ(taken->status(), pbnetwork::STATUS_NONE);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
