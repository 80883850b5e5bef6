// Plugins that are not protocols: Debian's XMPP message carbons plugin
// (purple-xmpp-carbons) loaded with --load_plugins, listed by ListPlugins, and
// a message the same account sends from another client arriving as sent from
// elsewhere, through a real Prosody with mod_carbons.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/prosody_fixture.h"
#include "testing/servers/xmpp_client.h"

namespace lilac::testing {
namespace {

using ::testing::Contains;
using ::testing::Property;

constexpr char kCarbonsFile[] = "/usr/lib/purple-2/carbons.so";

class XmppCarbonsTest : public ProsodyTest {
 protected:
  std::vector<std::string> LilacdFlags() const override {
    // By file name, as Spectrum's prefs.xml names plugins.
    return {"--load_plugins=carbons.so"};
  }

  std::unique_ptr<XmppClient> Phone() {
    absl::StatusOr<std::unique_ptr<XmppClient>> phone =
        XmppClient::Login(prosody_->c2s_port(), prosody_->domain(), "alice",
                          kAlicePassword, "phone");
    EXPECT_TRUE(phone.ok()) << phone.status();
    if (!phone.ok()) return nullptr;
    // The phone wants carbons too: it gets copies of what lilac sends.
    EXPECT_TRUE((*phone)
                    ->Send("<iq type='set' id='carbons'><enable "
                           "xmlns='urn:xmpp:carbons:2'/></iq>")
                    .ok());
    absl::StatusOr<std::string> enabled =
        (*phone)->ReadUntil("id='carbons'", absl::Seconds(20));
    EXPECT_TRUE(enabled.ok()) << enabled.status();
    return *std::move(phone);
  }
};

TEST_F(XmppCarbonsTest, TheCarbonsPluginIsListedLoaded) {
  v1::ListPluginsResponse plugins;
  grpc::Status status = Call(&v1::LilacService::Stub::ListPlugins,
                             v1::ListPluginsRequest(), &plugins);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(
      plugins.plugins(),
      Contains(AllOf(Property(&v1::Plugin::id, "core-riba-carbons"),
                     Property(&v1::Plugin::file, kCarbonsFile),
                     Property(&v1::Plugin::type, v1::Plugin::TYPE_STANDARD),
                     Property(&v1::Plugin::loaded, true),
                     Property(&v1::Plugin::load_error, ""))));
  EXPECT_THAT(
      plugins.plugins(),
      Contains(AllOf(Property(&v1::Plugin::id, "prpl-jabber"),
                     Property(&v1::Plugin::type, v1::Plugin::TYPE_PROTOCOL),
                     Property(&v1::Plugin::loaded, true))));

  v1::LoadPluginRequest again;
  again.set_plugin("core-riba-carbons");
  v1::LoadPluginResponse loaded;
  status = Call(&v1::LilacService::Stub::LoadPlugin, again, &loaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(loaded.outcome(), v1::LoadPluginResponse::OUTCOME_ALREADY_LOADED);
  EXPECT_EQ(loaded.plugin().file(), kCarbonsFile);
}

TEST_F(XmppCarbonsTest, AMessageSentFromAnotherClientArrivesAsSentElsewhere) {
  // The plugin turns carbons on at sign-on for accounts whose boolean
  // "carbons-enabled" is set, a setting prpl-jabber does not declare.
  std::map<std::string, std::string> settings = XmppSettings();
  settings["carbons-enabled"] = "true";
  v1::LoginRequest request;
  request.set_session("alice");
  request.set_protocol("prpl-jabber");
  request.set_username(FullJid("alice"));
  request.set_password(kAlicePassword);
  request.set_undeclared_settings_as_strings(true);
  request.mutable_settings()->insert(settings.begin(), settings.end());
  v1::LoginResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::Login, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.undeclared_settings(),
              ::testing::ElementsAre("carbons-enabled"));
  ASSERT_TRUE(NextConnection("alice", v1::CONNECTION_STATE_CONNECTED).ok());
  std::unique_ptr<XmppClient> phone = Phone();
  ASSERT_NE(phone, nullptr);

  // The plugin enables carbons right after sign-on; a message sent before the
  // server has that is not copied, so try a bounded number of times.
  absl::StatusOr<v1::Event> carbon = absl::NotFoundError("never sent");
  for (int attempt = 1; attempt <= 3 && !carbon.ok(); ++attempt) {
    const std::string text = absl::StrCat("from my phone ", attempt);
    ASSERT_TRUE(phone->SendChat(Jid("bob"), text).ok());
    carbon =
        Next("alice", v1::Event::kMessageReceived, [&](const v1::Event& event) {
          return event.message_received().text() == text;
        });
  }
  ASSERT_TRUE(carbon.ok()) << carbon.status();
  // Sent by alice elsewhere, to bob: the buddy it went to.
  EXPECT_EQ(carbon->message_received().peer(), Jid("bob"));
  EXPECT_TRUE(carbon->message_received().flags().sent_by_us_elsewhere());

  // Our own sends are no events, though the phone gets their carbons.
  v1::SendMessageResponse sent = SendIm("alice", Jid("bob"), "from lilac");
  ASSERT_TRUE(sent.accepted()) << sent.failure().message();
  absl::StatusOr<std::string> copied =
      phone->ReadUntil("from lilac", absl::Seconds(20));
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_NE(copied->find("urn:xmpp:carbons:2"), std::string::npos) << *copied;
  ASSERT_TRUE(phone->SendChat(Jid("bob"), "after lilac").ok());
  absl::StatusOr<v1::Event> next = Next("alice", v1::Event::kMessageReceived);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->message_received().text(), "after lilac");
}

}  // namespace
}  // namespace lilac::testing
