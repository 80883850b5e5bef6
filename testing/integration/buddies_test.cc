// Presence and the buddy list through lilacd's API: the list from the server at
// login with every group, alias and icon; presence changes; add, update,
// remove, block; removals by the network; authorization requests.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::UnorderedElementsAre;

class BuddiesTest : public FakeNetworkTest {
 protected:
  void AddServerBuddy(const std::string& name, const std::string& alias,
                      std::vector<std::string> groups,
                      const std::string& avatar = "") {
    fake::v1::AddBuddyRequest request;
    request.set_account("alice");
    request.mutable_buddy()->set_name(name);
    request.mutable_buddy()->set_alias(alias);
    for (const std::string& group : groups) {
      request.mutable_buddy()->add_groups(group);
    }
    request.mutable_buddy()->set_status_id("available");
    request.mutable_buddy()->set_avatar(avatar);
    Control(&fake::v1::FakeNetworkControl::Stub::AddBuddy, request);
  }

  v1::ListBuddiesResponse ListBuddies() {
    v1::ListBuddiesRequest request;
    request.set_session("alice");
    v1::ListBuddiesResponse response;
    grpc::Status status =
        Call(&v1::LilacService::Stub::ListBuddies, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static const v1::Buddy* Find(const v1::ListBuddiesResponse& list,
                               const std::string& name) {
    for (const v1::Buddy& buddy : list.buddies()) {
      if (buddy.name() == name) return &buddy;
    }
    return nullptr;
  }
};

TEST_F(BuddiesTest, ListHasEveryGroupAliasAndIconHash) {
  CreateAccount("alice");
  const std::string png("\x89PNG\r\n\x1a\nbob's face", 19);
  AddServerBuddy("bob", "Bobby", {"Friends", "Work"}, png);
  AddServerBuddy("carol", "", {"Friends"});
  ASSERT_TRUE(Login("alice", "alice").ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  // The list arrives with the login; each buddy is announced.
  ASSERT_TRUE(client_
                  ->WaitFor([](const v1::Event& event) {
                    return event.has_buddy_updated() &&
                           event.buddy_updated().buddy().name() == "carol";
                  })
                  .ok());

  v1::ListBuddiesResponse list = ListBuddies();
  const v1::Buddy* bob = Find(list, "bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->alias(), "Bobby");
  EXPECT_THAT(bob->groups(), UnorderedElementsAre("Friends", "Work"));
  EXPECT_EQ(bob->icon_sha1().size(), 40);

  v1::GetBuddyIconRequest icon_request;
  icon_request.set_session("alice");
  icon_request.set_name("bob");
  v1::GetBuddyIconResponse icon;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetBuddyIcon, icon_request, &icon).ok());
  EXPECT_EQ(icon.data(), png);
  EXPECT_EQ(icon.sha1(), bob->icon_sha1());
  EXPECT_EQ(icon.mime_type(), "image/png");
  ASSERT_NE(Find(list, "carol"), nullptr);
}

TEST_F(BuddiesTest, PresenceChangesAreEvents) {
  CreateAccount("alice");
  AddServerBuddy("bob", "", {"Friends"});
  ASSERT_TRUE(Login("alice", "alice").ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  fake::v1::InjectPresenceRequest presence;
  presence.set_account("alice");
  presence.mutable_presence()->set_who("bob");
  presence.mutable_presence()->set_status_id("away");
  presence.mutable_presence()->set_message("lunch");
  Control(&fake::v1::FakeNetworkControl::Stub::InjectPresence, presence);
  absl::StatusOr<v1::Event> away = client_->WaitFor([](const v1::Event& event) {
    return event.has_buddy_presence_changed() &&
           event.buddy_presence_changed().presence() == v1::PRESENCE_AWAY;
  });
  ASSERT_TRUE(away.ok()) << away.status();
  EXPECT_EQ(away->buddy_presence_changed().name(), "bob");
  EXPECT_EQ(away->buddy_presence_changed().status_message(), "lunch");

  presence.mutable_presence()->set_status_id("offline");
  presence.mutable_presence()->clear_message();
  Control(&fake::v1::FakeNetworkControl::Stub::InjectPresence, presence);
  EXPECT_TRUE(client_
                  ->WaitFor([](const v1::Event& event) {
                    return event.has_buddy_presence_changed() &&
                           event.buddy_presence_changed().presence() ==
                               v1::PRESENCE_OFFLINE;
                  })
                  .ok());
}

TEST_F(BuddiesTest, OwnStatusMapsOntoTheProtocolsStatuses) {
  LoginConnected("alice", "alice");
  v1::SetStatusRequest request;
  request.set_session("alice");
  request.set_presence(v1::PRESENCE_AWAY);
  request.set_message("back soon");
  v1::SetStatusResponse response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::SetStatus, request, &response).ok());
  EXPECT_EQ(response.status_id(), "away");
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetStatus);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->set_status().status_id(), "away");

  // Extended away falls back to away; invisible does not exist on this network.
  request.set_presence(v1::PRESENCE_EXTENDED_AWAY);
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::SetStatus, request, &response).ok());
  EXPECT_EQ(response.status_id(), "away");
  request.set_presence(v1::PRESENCE_INVISIBLE);
  EXPECT_EQ(
      Call(&v1::LilacService::Stub::SetStatus, request, &response).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(BuddiesTest, AddUpdateBlockAndRemove) {
  LoginConnected("alice", "alice");
  v1::AddBuddyRequest add;
  add.set_session("alice");
  add.set_name("dave");
  add.set_alias("Dave");
  add.add_groups("Friends");
  v1::AddBuddyResponse added;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::AddBuddy, add, &added).ok());
  EXPECT_EQ(added.buddy().name(), "dave");
  EXPECT_THAT(added.buddy().groups(), UnorderedElementsAre("Friends"));
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAddBuddy);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->add_buddy().name(), "dave");

  v1::UpdateBuddyRequest update;
  update.set_session("alice");
  update.set_name("dave");
  update.set_alias("David");
  update.add_groups("Work");
  update.add_groups("Family");
  v1::UpdateBuddyResponse updated;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::UpdateBuddy, update, &updated).ok());
  EXPECT_EQ(updated.buddy().alias(), "David");
  EXPECT_THAT(updated.buddy().groups(), UnorderedElementsAre("Work", "Family"));

  // Adding again without groups keeps them (a new buddy would go to
  // "Buddies").
  v1::AddBuddyRequest again;
  again.set_session("alice");
  again.set_name("dave");
  ASSERT_TRUE(Call(&v1::LilacService::Stub::AddBuddy, again, &added).ok());
  EXPECT_THAT(added.buddy().groups(), UnorderedElementsAre("Work", "Family"));
  again.set_name("erin");
  ASSERT_TRUE(Call(&v1::LilacService::Stub::AddBuddy, again, &added).ok());
  EXPECT_THAT(added.buddy().groups(), UnorderedElementsAre("Buddies"));

  v1::SetBuddyBlockedRequest block;
  block.set_session("alice");
  block.set_name("dave");
  block.set_blocked(true);
  v1::SetBuddyBlockedResponse blocked;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::SetBuddyBlocked, block, &blocked).ok());
  EXPECT_TRUE(blocked.buddy().blocked());
  frame = WaitForClientFrame("alice", fake::v1::ClientFrame::kSetBlocked);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_TRUE(frame->set_blocked().blocked());

  v1::RemoveBuddyRequest remove;
  remove.set_session("alice");
  remove.set_name("dave");
  v1::RemoveBuddyResponse removed;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::RemoveBuddy, remove, &removed).ok());
  EXPECT_EQ(Find(ListBuddies(), "dave"), nullptr);
  EXPECT_TRUE(client_
                  ->WaitFor([](const v1::Event& event) {
                    return event.has_buddy_removed() &&
                           event.buddy_removed().name() == "dave";
                  })
                  .ok());
  EXPECT_EQ(
      Call(&v1::LilacService::Stub::RemoveBuddy, remove, &removed).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(BuddiesTest, RemovalsByTheNetworkAreEvents) {
  CreateAccount("alice");
  AddServerBuddy("bob", "", {"Friends"});
  ASSERT_TRUE(Login("alice", "alice").ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  fake::v1::RemoveBuddyRequest remove;
  remove.set_account("alice");
  remove.set_name("bob");
  Control(&fake::v1::FakeNetworkControl::Stub::RemoveBuddy, remove);
  absl::StatusOr<v1::Event> removed =
      client_->WaitFor(EventOf("alice", v1::Event::kBuddyRemoved));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->buddy_removed().name(), "bob");
}

TEST_F(BuddiesTest, AuthorizationRequestsAreAnsweredById) {
  LoginConnected("alice", "alice");
  fake::v1::RequestAuthorizationRequest ask;
  ask.set_account("alice");
  ask.mutable_request()->set_from("eve");
  ask.mutable_request()->set_message("let me in");
  Control(&fake::v1::FakeNetworkControl::Stub::RequestAuthorization, ask);
  absl::StatusOr<v1::Event> requested =
      client_->WaitFor(EventOf("alice", v1::Event::kAuthorizationRequested));
  ASSERT_TRUE(requested.ok()) << requested.status();
  EXPECT_EQ(requested->authorization_requested().sender(), "eve");
  EXPECT_EQ(requested->authorization_requested().message(), "let me in");

  v1::AnswerAuthorizationRequest answer;
  answer.set_session("alice");
  answer.set_authorization_id(
      requested->authorization_requested().authorization_id());
  answer.set_accept(true);
  v1::AnswerAuthorizationResponse done;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::AnswerAuthorization, answer, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kAnswerAuthorization);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->answer_authorization().from(), "eve");
  EXPECT_TRUE(frame->answer_authorization().granted());

  // Answered once; a second answer finds nothing.
  EXPECT_EQ(Call(&v1::LilacService::Stub::AnswerAuthorization, answer, &done)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lilac::testing
