// Logins through lilacd's API with prpl-jabber against a real Prosody: the
// scenarios of ../login_test.cc on a real network.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Property;

class XmppLoginTest : public ProsodyTest {
 protected:
  // Waits for `session` to be disconnected and returns the event.
  v1::ConnectionChanged WaitDisconnected(const std::string& session) {
    absl::StatusOr<v1::Event> down =
        NextConnection(session, v1::CONNECTION_STATE_DISCONNECTED);
    EXPECT_TRUE(down.ok()) << down.status();
    return down.ok() ? down->connection_changed() : v1::ConnectionChanged();
  }
};

TEST_F(XmppLoginTest, ListProtocolsDescribesWhatTheFixtureSets) {
  v1::Protocol jabber = DescribeProtocol("prpl-jabber");
  ASSERT_EQ(jabber.username_parts_size(), 2);
  EXPECT_EQ(jabber.username_parts(0).separator(), "@");
  EXPECT_EQ(jabber.username_parts(1).separator(), "/");
  std::map<std::string, v1::AccountOption> options;
  for (const v1::AccountOption& option : jabber.options()) {
    options[option.key()] = option;
  }
  ASSERT_EQ(options.count("connection_security"), 1);
  EXPECT_EQ(options["connection_security"].string_default(), "require_tls");
  EXPECT_THAT(options["connection_security"].choices(),
              Contains(Property(&v1::Choice::value, "opportunistic_tls")));
  EXPECT_EQ(options["auth_plain_in_clear"].type(),
            v1::AccountOption::TYPE_BOOL);
  EXPECT_EQ(options["port"].int_default(), 5222);
  EXPECT_EQ(options["connect_server"].type(), v1::AccountOption::TYPE_STRING);
}

TEST_F(XmppLoginTest, ConnectsAndReportsProgress) {
  absl::StatusOr<v1::LoginResponse> login = LoginXmpp("alice", kAlicePassword);
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->session().session(), "alice");
  EXPECT_EQ(login->session().username(), FullJid("alice"));
  EXPECT_FALSE(login->already_existed());

  absl::StatusOr<v1::Event> connecting =
      NextConnection("alice", v1::CONNECTION_STATE_CONNECTING);
  ASSERT_TRUE(connecting.ok()) << connecting.status();
  absl::StatusOr<v1::Event> connected =
      NextConnection("alice", v1::CONNECTION_STATE_CONNECTED);
  ASSERT_TRUE(connected.ok()) << connected.status();
  // The server bound the resource we asked for.
  EXPECT_EQ(connected->connection_changed().display_name(), FullJid("alice"));

  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetSession, get, &session_response).ok());
  const v1::Session& session = session_response.session();
  EXPECT_EQ(session.state(), v1::CONNECTION_STATE_CONNECTED);
  EXPECT_EQ(session.protocol(), "prpl-jabber");
  EXPECT_GE(session.last_sequence(), connected->sequence());
}

TEST_F(XmppLoginTest, WrongPasswordIsAFatalAuthenticationError) {
  ASSERT_TRUE(LoginXmpp("alice", "wrong").ok());
  v1::ConnectionChanged down = WaitDisconnected("alice");
  EXPECT_EQ(down.reason(), v1::DISCONNECT_REASON_AUTHENTICATION_FAILED);
  EXPECT_FALSE(down.retryable());
  EXPECT_FALSE(down.has_reconnect_in());
  EXPECT_FALSE(down.message().empty());
}

// Prosody answers SASL for an unknown user exactly as for a wrong password
// (not-authorized), so that accounts cannot be probed: libpurple reports an
// authentication failure, not an invalid username as the fake network does.
TEST_F(XmppLoginTest, UnknownUserIsAFatalAuthenticationError) {
  ASSERT_TRUE(Login("ghost", "prpl-jabber", FullJid("ghost"), "whatever",
                    XmppSettings())
                  .ok());
  v1::ConnectionChanged down = WaitDisconnected("ghost");
  EXPECT_EQ(down.reason(), v1::DISCONNECT_REASON_AUTHENTICATION_FAILED);
  EXPECT_FALSE(down.retryable());
}

TEST_F(XmppLoginTest, ServerDownIsARetryableNetworkError) {
  absl::StatusOr<int> nothing_there = PickFreeLoopbackPort();
  ASSERT_TRUE(nothing_there.ok()) << nothing_there.status();
  ASSERT_TRUE(LoginXmpp("alice", kAlicePassword,
                        {{"port", absl::StrCat(*nothing_there)}})
                  .ok());
  v1::ConnectionChanged down = WaitDisconnected("alice");
  EXPECT_EQ(down.reason(), v1::DISCONNECT_REASON_NETWORK_ERROR);
  EXPECT_TRUE(down.retryable());
}

// prpl-jabber's default, require_tls, refuses a server without STARTTLS
// before sending the password. libpurple counts every encryption error as
// transient (purple_connection_error_is_fatal), since most are failed TLS
// handshakes, and lilacd reports its classification.
TEST_F(XmppLoginTest, RequiringEncryptionFromAPlaintextServerFails) {
  ASSERT_TRUE(LoginXmpp("alice", kAlicePassword,
                        {{"connection_security", "require_tls"}})
                  .ok());
  v1::ConnectionChanged down = WaitDisconnected("alice");
  EXPECT_EQ(down.reason(), v1::DISCONNECT_REASON_ENCRYPTION_ERROR);
  EXPECT_THAT(down.message(), HasSubstr("encryption"));
  EXPECT_TRUE(down.retryable());
}

// A server that offers SASL PLAIN alone, without TLS.
class XmppPlainOnlyLoginTest : public XmppLoginTest {
 protected:
  XmppPlainOnlyLoginTest() { prosody_plain_only_ = true; }
};

// Without auth_plain_in_clear, prpl-jabber asks before it sends a password in
// the clear, as a RequestOpened: KIND_ACTION, title "Plaintext
// Authentication", actions "Yes" and "No". Yes logs in; No fails the login
// with an encryption error. auth_plain_in_clear=true answers it beforehand
// (the fixture's setting for every other test).
TEST_F(XmppPlainOnlyLoginTest, PlaintextAuthenticationIsAskedAndAnswered) {
  auto answer = [&](const std::string& user, const std::string& password,
                    int action) {
    ASSERT_TRUE(
        LoginXmpp(user, password, {{"auth_plain_in_clear", "false"}}).ok());
    absl::StatusOr<v1::Event> asked = Next(user, v1::Event::kRequestOpened);
    ASSERT_TRUE(asked.ok()) << asked.status();
    const v1::RequestOpened& request = asked->request_opened();
    EXPECT_EQ(request.kind(), v1::RequestOpened::KIND_ACTION);
    EXPECT_EQ(request.title(), "Plaintext Authentication");
    EXPECT_THAT(request.primary() + " " + request.secondary(),
                HasSubstr("plaintext authentication over an unencrypted"));
    ASSERT_THAT(request.actions(), ::testing::ElementsAre("Yes", "No"));
    v1::AnswerRequestRequest reply;
    reply.set_session(user);
    reply.set_request_id(request.request_id());
    reply.set_index(action);
    v1::AnswerRequestResponse replied;
    ASSERT_TRUE(
        Call(&v1::LilacService::Stub::AnswerRequest, reply, &replied).ok());
  };
  answer("alice", kAlicePassword, 0);
  EXPECT_TRUE(NextConnection("alice", v1::CONNECTION_STATE_CONNECTED).ok());

  answer("bob", kBobPassword, 1);
  v1::ConnectionChanged down = WaitDisconnected("bob");
  EXPECT_EQ(down.reason(), v1::DISCONNECT_REASON_ENCRYPTION_ERROR);
  EXPECT_THAT(down.message(), HasSubstr("plaintext"));

  // The setting answers the question: no request, straight in.
  Logout("alice");
  const size_t before = client_->Events().size();
  ASSERT_TRUE(LoginXmpp("alice", kAlicePassword).ok());
  absl::StatusOr<v1::Event> connected =
      NextConnection("alice", v1::CONNECTION_STATE_CONNECTED);
  ASSERT_TRUE(connected.ok()) << connected.status();
  const std::vector<v1::Event> events = client_->Events();
  for (size_t i = before; i < events.size(); ++i) {
    EXPECT_FALSE(events[i].has_request_opened())
        << events[i].ShortDebugString();
  }
}

TEST_F(XmppLoginTest, LoginIsIdempotentPerKeyAndAnAccountHasOneKey) {
  LoginConnected("alice");
  absl::StatusOr<v1::LoginResponse> again = LoginXmpp("alice", kAlicePassword);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_existed());
  EXPECT_EQ(again->session().state(), v1::CONNECTION_STATE_CONNECTED);

  absl::StatusOr<v1::LoginResponse> second_key =
      Login("alice-2", "prpl-jabber", FullJid("alice"), kAlicePassword,
            XmppSettings());
  EXPECT_EQ(second_key.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(XmppLoginTest, LogoutEndsTheSessionAndTheAccountCanComeBack) {
  LoginConnected("alice");
  Logout("alice");
  if (HasFatalFailure()) return;

  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  EXPECT_EQ(Call(&v1::LilacService::Stub::GetSession, get, &session_response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Prosody let the resource go: the same full JID binds again under another
  // key.
  ASSERT_TRUE(Login("alice-again", "prpl-jabber", FullJid("alice"),
                    kAlicePassword, XmppSettings())
                  .ok());
  absl::StatusOr<v1::Event> back =
      NextConnection("alice-again", v1::CONNECTION_STATE_CONNECTED);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->connection_changed().display_name(), FullJid("alice"));
}

TEST_F(XmppLoginTest, TwoAccountsAreConnectedAtOnce) {
  LoginConnected("alice");
  LoginConnected("bob");
  v1::ListSessionsResponse sessions;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::ListSessions,
                   v1::ListSessionsRequest(), &sessions)
                  .ok());
  ASSERT_EQ(sessions.sessions_size(), 2);
  for (const v1::Session& session : sessions.sessions()) {
    EXPECT_EQ(session.state(), v1::CONNECTION_STATE_CONNECTED)
        << session.session();
  }
}

}  // namespace
}  // namespace lilac::testing
