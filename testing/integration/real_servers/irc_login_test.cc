// Logins through lilacd's API with prpl-irc against a real ngIRCd: the
// scenarios of ../login_test.cc that IRC has (no passwords or accounts).
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/ngircd_fixture.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Property;
using ::testing::StartsWith;

class IrcLoginTest : public NgircdTest {};

TEST_F(IrcLoginTest, ListProtocolsDescribesWhatTheFixtureSets) {
  v1::Protocol irc = DescribeProtocol("prpl-irc");
  EXPECT_TRUE(irc.password_optional());
  EXPECT_TRUE(irc.supports_group_chats());
  ASSERT_EQ(irc.username_parts_size(), 1);
  EXPECT_EQ(irc.username_parts(0).separator(), "@");
  EXPECT_THAT(irc.options(),
              Contains(AllOf(Property(&v1::AccountOption::key, "port"),
                             Property(&v1::AccountOption::int_default, 6667))));
}

TEST_F(IrcLoginTest, ConnectsAndReportsProgress) {
  absl::StatusOr<v1::LoginResponse> login = LoginIrc("alice");
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->session().username(), IrcUsername("alice"));
  ASSERT_TRUE(NextConnection("alice", v1::CONNECTION_STATE_CONNECTING).ok());
  absl::StatusOr<v1::Event> connected =
      NextConnection("alice", v1::CONNECTION_STATE_CONNECTED);
  ASSERT_TRUE(connected.ok()) << connected.status();
  EXPECT_EQ(connected->connection_changed().display_name(), "alice");

  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetSession, get, &session_response).ok());
  const v1::Session& session = session_response.session();
  EXPECT_EQ(session.state(), v1::CONNECTION_STATE_CONNECTED);
  EXPECT_EQ(session.protocol(), "prpl-irc");
}

TEST_F(IrcLoginTest, ServerDownIsARetryableNetworkError) {
  absl::StatusOr<int> nothing_there = PickFreeLoopbackPort();
  ASSERT_TRUE(nothing_there.ok()) << nothing_there.status();
  ASSERT_TRUE(LoginIrc("alice", {{"port", absl::StrCat(*nothing_there)}}).ok());
  absl::StatusOr<v1::Event> down =
      NextConnection("alice", v1::CONNECTION_STATE_DISCONNECTED);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->connection_changed().reason(),
            v1::DISCONNECT_REASON_NETWORK_ERROR);
  EXPECT_TRUE(down->connection_changed().retryable());
}

// prpl-irc does not fail when the nickname is taken while registering: it
// tries another one. The session connects under that nickname, which is where
// messages to it arrive.
TEST_F(IrcLoginTest, ATakenNicknameIsReplacedAndReported) {
  absl::StatusOr<std::unique_ptr<TcpClient>> carol =
      TcpClient::Connect(ngircd_->port());
  ASSERT_TRUE(carol.ok()) << carol.status();
  ASSERT_TRUE((*carol)->Write("NICK carol\r\nUSER carol 0 * :Carol\r\n").ok());
  ASSERT_TRUE((*carol)->ReadUntil(" 001 carol ", absl::Seconds(10)).ok());

  v1::ConnectionChanged connected = LoginConnected("carol");
  if (HasFailure()) return;
  const std::string nick = connected.display_name();
  EXPECT_THAT(nick, StartsWith("carol"));
  EXPECT_NE(nick, "carol");

  ASSERT_TRUE((*carol)
                  ->Write(absl::StrCat("PRIVMSG ", nick, " :who are you?\r\n"))
                  .ok());
  absl::StatusOr<v1::Event> received =
      Next("carol", v1::Event::kMessageReceived);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->message_received().peer(), "carol");
  EXPECT_EQ(received->message_received().text(), "who are you?");
}

TEST_F(IrcLoginTest, LoginIsIdempotentPerKey) {
  LoginConnected("alice");
  absl::StatusOr<v1::LoginResponse> again = LoginIrc("alice");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_existed());
  EXPECT_EQ(again->session().state(), v1::CONNECTION_STATE_CONNECTED);
}

TEST_F(IrcLoginTest, LogoutQuitsTheServer) {
  LoginConnected("alice");
  if (HasFailure()) return;
  // A witness in a channel with alice sees her quit.
  absl::StatusOr<std::unique_ptr<TcpClient>> witness =
      TcpClient::Connect(ngircd_->port());
  ASSERT_TRUE(witness.ok()) << witness.status();
  ASSERT_TRUE((*witness)
                  ->Write("NICK witness\r\nUSER w 0 * :W\r\nJOIN #lobby\r\n")
                  .ok());
  ASSERT_TRUE((*witness)->ReadUntil(" 366 witness ", absl::Seconds(10)).ok());
  JoinChat("alice", "#lobby", "");
  ASSERT_TRUE(Next("alice", v1::Event::kChatJoined).ok());
  ASSERT_TRUE((*witness)->ReadUntil("JOIN", absl::Seconds(10)).ok());

  Logout("alice");
  if (HasFatalFailure()) return;
  absl::StatusOr<std::string> quit =
      (*witness)->ReadUntil(" QUIT ", absl::Seconds(10));
  ASSERT_TRUE(quit.ok()) << quit.status();
  EXPECT_THAT(*quit, ::testing::HasSubstr(":alice!"));

  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  EXPECT_EQ(Call(&v1::LilacService::Stub::GetSession, get, &session_response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lilac::testing
