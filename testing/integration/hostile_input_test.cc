// Hostile input to lilacd: huge buddy lists and many rooms for one session,
// 10 MB messages, invalid UTF-8 in string fields. Each gets a clear error or
// works; lilacd does not crash and other sessions carry on.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr int kBuddies = 3000;
constexpr int kRooms = 300;

class HostileInputTest : public FakeNetworkTest {
 protected:
  void SetUp() override {
    FakeNetworkTest::SetUp();
    LoginConnected("bystander", "bystander");
  }

  // The bystander session still works: a message reaches it.
  void ExpectBystanderUnaffected(const std::string& text) {
    fake::v1::InjectMessageRequest request;
    request.set_account("bystander");
    request.mutable_message()->set_from("friend");
    request.mutable_message()->set_text(text);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectMessage, request);
    absl::StatusOr<v1::Event> got = client_->WaitFor([&](const v1::Event& e) {
      return e.session() == "bystander" && e.message_received().text() == text;
    });
    EXPECT_TRUE(got.ok()) << got.status();
  }

  grpc::Status SendText(const std::string& text, v1::SendMessageResponse* r) {
    v1::SendMessageRequest request;
    request.set_session("bystander");
    request.set_to("friend");
    request.set_text(text);
    return Call(&v1::LilacService::Stub::SendMessage, request, r);
  }
};

TEST_F(HostileInputTest, ThousandsOfBuddiesAndRooms) {
  CreateAccount("popular");
  for (int i = 0; i < kBuddies; ++i) {
    fake::v1::AddBuddyRequest buddy;
    buddy.set_account("popular");
    buddy.mutable_buddy()->set_name(absl::StrCat("buddy", i));
    buddy.mutable_buddy()->add_groups(absl::StrCat("group", i % 50));
    buddy.mutable_buddy()->set_status_id(i % 2 ? "available" : "away");
    Control(&fake::v1::FakeNetworkControl::Stub::AddBuddy, buddy);
  }
  for (int i = 0; i < kRooms; ++i) {
    fake::v1::CreateRoomRequest room;
    room.set_name(absl::StrCat("room", i));
    Control(&fake::v1::FakeNetworkControl::Stub::CreateRoom, room);
  }
  ASSERT_TRUE(Login("popular", "popular").ok());
  ASSERT_TRUE(
      client_->WaitFor(ConnectionIs("popular", v1::CONNECTION_STATE_CONNECTED))
          .ok());
  for (int i = 0; i < kRooms; ++i) {
    v1::JoinChatRequest join;
    join.set_session("popular");
    join.set_chat(absl::StrCat("room", i));
    join.set_nickname("popular");
    v1::JoinChatResponse joined;
    ASSERT_TRUE(Call(&v1::LilacService::Stub::JoinChat, join, &joined).ok());
  }
  int joined = 0;
  ASSERT_TRUE(client_
                  ->WaitFor(
                      [&](const v1::Event& event) {
                        if (event.session() == "popular" &&
                            event.has_chat_joined()) {
                          ++joined;
                        }
                        return joined == kRooms;
                      },
                      absl::Seconds(60))
                  .ok());
  v1::ListBuddiesRequest list;
  list.set_session("popular");
  v1::ListBuddiesResponse buddies;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::ListBuddies, list, &buddies).ok());
  EXPECT_EQ(buddies.buddies_size(), kBuddies);
  ExpectBystanderUnaffected("still here after the crowd");
}

TEST_F(HostileInputTest, TenMegabyteMessagesAreRefusedClearly) {
  v1::SendMessageResponse response;
  grpc::Status huge = SendText(std::string(10 << 20, 'x'), &response);
  EXPECT_THAT(huge.error_code(), AnyOf(grpc::StatusCode::INVALID_ARGUMENT,
                                       grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_FALSE(huge.error_message().empty());
  // Under gRPC's 4 MB limit, over lilac's 1 MiB one: the field is named.
  grpc::Status big = SendText(std::string(2 << 20, 'x'), &response);
  EXPECT_EQ(big.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(big.error_message(), HasSubstr("text"));
  ExpectBystanderUnaffected("still here after 10 MB");
}

TEST_F(HostileInputTest, InvalidUtf8IsRefusedClearly) {
  // A SendMessageRequest whose `to` (field 2) and `text` (field 3) are not
  // UTF-8, written by hand: a generated client would not send it.
  const std::string session = "bystander";
  std::string bytes;
  bytes += '\x0a';
  bytes += static_cast<char>(session.size());
  bytes += session;
  bytes += "\x12\x04\xff\xfe\xc3\x28";
  bytes += "\x1a\x02\xc0\xaf";
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer reply;
  grpc::GenericStub stub(lilacd_->NewChannel());
  auto context = LilacClient::Context();
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(context.get(), "/lilac.v1.LilacService/SendMessage",
                 grpc::StubOptions(), &request, &reply, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  // lilacd parses requests itself, so the refusal names the message and field.
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("lilac.v1.SendMessageRequest"));
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));
  ExpectBystanderUnaffected("still here after bad bytes");
}

// A StreamEvents call made with hand-written request bytes; collects the
// call's final status.
class RawEventStreamCall
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawEventStreamCall(grpc::GenericStub* stub, grpc::ClientContext* context,
                     const std::string& bytes) {
    grpc::Slice slice(bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub->PrepareBidiStreamingCall(context,
                                   "/lilac.v1.LilacService/StreamEvents",
                                   grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&event_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (ok) StartRead(&event_);
  }
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    done_.Notify();
  }

  grpc::Status Await() {
    done_.WaitForNotification();
    return status_;
  }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer event_;
  grpc::Status status_;
  absl::Notification done_;
};

TEST_F(HostileInputTest, InvalidUtf8InAnEventStreamRequestIsRefusedClearly) {
  // A StreamEventsRequest naming one session (field 1, a SessionCursor whose
  // field 1 is the session key) whose key is not UTF-8.
  const std::string key = "\xff\xfe\xc3\x28";
  std::string cursor;
  cursor += '\x0a';
  cursor += static_cast<char>(key.size());
  cursor += key;
  std::string bytes;
  bytes += '\x0a';
  bytes += static_cast<char>(cursor.size());
  bytes += cursor;
  grpc::GenericStub stub(lilacd_->NewChannel());
  auto context = LilacClient::Context();
  RawEventStreamCall call(&stub, context.get(), bytes);
  const grpc::Status status = call.Await();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("lilac.v1.StreamEventsRequest"));
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));
  ExpectBystanderUnaffected("still here after a bad stream request");
}

}  // namespace
}  // namespace lilac::testing
