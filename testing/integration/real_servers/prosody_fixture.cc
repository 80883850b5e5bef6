#include "testing/integration/real_servers/prosody_fixture.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace lilac::testing {

void ProsodyTest::SetUp() {
  LilacdTest::SetUp();
  if (HasFatalFailure()) return;
  ProsodyServer::Options options;
  options.accounts = {{"alice", kAlicePassword}, {"bob", kBobPassword}};
  options.log_level = prosody_log_level_;
  options.plain_only = prosody_plain_only_;
  absl::StatusOr<std::unique_ptr<ProsodyServer>> prosody =
      ProsodyServer::Start(std::move(options));
  ASSERT_TRUE(prosody.ok()) << prosody.status();
  prosody_ = *std::move(prosody);
}

std::map<std::string, std::string> ProsodyTest::XmppSettings() const {
  return {
      {"connect_server", "127.0.0.1"},
      {"port", absl::StrCat(prosody_->c2s_port())},
      // Prosody offers no STARTTLS here: use TLS only if offered, and allow
      // SASL PLAIN in the clear.
      {"connection_security", "opportunistic_tls"},
      {"auth_plain_in_clear", "true"},
  };
}

std::string ProsodyTest::Jid(const std::string& user) const {
  return prosody_->Jid(user);
}

std::string ProsodyTest::FullJid(const std::string& user) const {
  return absl::StrCat(Jid(user), "/", kResource);
}

absl::StatusOr<v1::LoginResponse> ProsodyTest::LoginXmpp(
    const std::string& user, const std::string& password,
    const std::map<std::string, std::string>& settings) {
  std::map<std::string, std::string> all = XmppSettings();
  for (const auto& [key, value] : settings) all[key] = value;
  return Login(user, "prpl-jabber", FullJid(user), password, all);
}

void ProsodyTest::LoginConnected(const std::string& user) {
  absl::StatusOr<v1::LoginResponse> login =
      LoginXmpp(user, user == "alice" ? kAlicePassword : kBobPassword);
  ASSERT_TRUE(login.ok()) << login.status();
  absl::StatusOr<v1::Event> connected =
      NextConnection(user, v1::CONNECTION_STATE_CONNECTED);
  ASSERT_TRUE(connected.ok()) << connected.status();
}

void ProsodyTest::Subscribe(const std::string& from, const std::string& to) {
  v1::AddBuddyRequest add;
  add.set_session(from);
  add.set_name(Jid(to));
  v1::AddBuddyResponse added;
  grpc::Status status = Call(&v1::LilacService::Stub::AddBuddy, add, &added);
  ASSERT_TRUE(status.ok()) << status.error_message();

  absl::StatusOr<v1::Event> asked =
      Next(to, v1::Event::kAuthorizationRequested);
  ASSERT_TRUE(asked.ok()) << asked.status();
  EXPECT_EQ(asked->authorization_requested().sender(), Jid(from));
  v1::AnswerAuthorizationRequest answer;
  answer.set_session(to);
  answer.set_authorization_id(
      asked->authorization_requested().authorization_id());
  answer.set_accept(true);
  v1::AnswerAuthorizationResponse answered;
  status =
      Call(&v1::LilacService::Stub::AnswerAuthorization, answer, &answered);
  ASSERT_TRUE(status.ok()) << status.error_message();

  absl::StatusOr<v1::Event> online =
      Next(from, v1::Event::kBuddyPresenceChanged, [&](const v1::Event& event) {
        return event.buddy_presence_changed().name() == Jid(to) &&
               event.buddy_presence_changed().presence() ==
                   v1::PRESENCE_AVAILABLE;
      });
  ASSERT_TRUE(online.ok()) << online.status();
}

}  // namespace lilac::testing
