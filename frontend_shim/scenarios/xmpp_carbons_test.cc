// Message carbons through the shim, as an operator sets them up for the
// upstream backend: Debian's carbons plugin listed in prefs.xml of the
// transport's working directory. A message the user sends from another client
// of the same XMPP account reaches Spectrum as a carbon.
#include <sys/stat.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gtest/gtest.h"
#include "testing/servers/prosody_server.h"
#include "testing/servers/xmpp_client.h"

namespace lilac::shim::testing {
namespace {

using ::lilac::testing::ProsodyServer;
using ::lilac::testing::XmppClient;
constexpr char kAlice[] = "alice@example.org";

class XmppCarbonsTest : public ShimTest {};

TEST_F(XmppCarbonsTest, PrefsXmlPluginsLoadAndSentCarbonsReachSpectrum) {
  ProsodyServer::Options options;
  options.accounts = {{"alice", "alice-secret"}, {"bob", "bob-secret"}};
  absl::StatusOr<std::unique_ptr<ProsodyServer>> prosody =
      ProsodyServer::Start(std::move(options));
  ASSERT_TRUE(prosody.ok()) << prosody.status();
  const std::string working_dir = temp_dir_ + "/transport";
  ASSERT_EQ(mkdir(working_dir.c_str(), 0700), 0);
  std::ofstream(working_dir + "/prefs.xml") << R"(<?xml version='1.0'?>
<pref version='1' name='/'>
  <pref name='spectrum'><pref name='plugins'>
    <pref name='loaded' type='pathlist'>
      <item value='/usr/lib/purple-2/carbons.so'/>
    </pref>
  </pref></pref>
</pref>)";
  StartShim("prpl-jabber",
            absl::StrCat(
                "connect_server = 127.0.0.1\nport = ", (*prosody)->c2s_port(),
                "\nconnection_security = opportunistic_tls\n"
                "auth_plain_in_clear = true\n"
                // The plugin's own switch, undeclared by prpl-jabber.
                "carbons-enabled = true\n"
                "[service]\nworking_dir = ",
                working_dir, "\n"));
  const std::string bob = (*prosody)->Jid("bob");
  ASSERT_TRUE(
      spectrum_->Login(kAlice, (*prosody)->Jid("alice"), "alice-secret").ok());
  ASSERT_TRUE(spectrum_->WaitForConnected(kAlice, kTimeout).ok());

  absl::StatusOr<std::unique_ptr<XmppClient>> phone =
      XmppClient::Login((*prosody)->c2s_port(), (*prosody)->domain(), "alice",
                        "alice-secret", "phone");
  ASSERT_TRUE(phone.ok()) << phone.status();
  // The plugin enables carbons just after sign-on: a bounded number of tries.
  absl::StatusOr<pbnetwork::ConversationMessage> carbon =
      absl::NotFoundError("never sent");
  for (int attempt = 1; attempt <= 3 && !carbon.ok(); ++attempt) {
    const std::string text = absl::StrCat("sent from my phone ", attempt);
    ASSERT_TRUE((*phone)->SendChat(bob, text).ok());
    carbon = spectrum_->WaitForMessage(
        [&](const pbnetwork::ConversationMessage& m) {
          return m.username() == kAlice && m.message() == text;
        },
        kTimeout);
  }
  ASSERT_TRUE(carbon.ok()) << carbon.status();
  EXPECT_TRUE(carbon->carbon());
  EXPECT_EQ(carbon->buddyname(), bob);
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
  spectrum_.reset();  // before Prosody goes
}

}  // namespace
}  // namespace lilac::shim::testing
