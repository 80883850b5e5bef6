#include "testing/servers/prosody_server.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(20);

std::string StreamHeader(const std::string& domain) {
  return absl::StrCat(
      "<?xml version='1.0'?><stream:stream to='", domain,
      "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
      " version='1.0'>");
}

std::string SaslPlain(const std::string& user, const std::string& password) {
  return absl::StrCat(
      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>",
      absl::Base64Escape(absl::StrCat(std::string(1, '\0'), user,
                                      std::string(1, '\0'), password)),
      "</auth>");
}

class ProsodyServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProsodyServer::Options options;
    options.accounts = {{"alice", "alice-secret"}};
    absl::StatusOr<std::unique_ptr<ProsodyServer>> server =
        ProsodyServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // A client connected and past the first <stream:features>, which it
  // returns in `features`.
  std::unique_ptr<TcpClient> OpenStream(std::string* features) {
    absl::StatusOr<std::unique_ptr<TcpClient>> client =
        TcpClient::Connect(server_->c2s_port());
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return nullptr;
    EXPECT_TRUE((*client)->Write(StreamHeader(server_->domain())).ok());
    absl::StatusOr<std::string> read =
        (*client)->ReadUntil("</stream:features>", kTimeout);
    EXPECT_TRUE(read.ok()) << read.status() << "; log: " << server_->log_path();
    if (read.ok()) *features = *read;
    return *std::move(client);
  }

  std::unique_ptr<ProsodyServer> server_;
};

TEST_F(ProsodyServerTest, OffersPlainSaslWithoutTls) {
  std::string features;
  std::unique_ptr<TcpClient> client = OpenStream(&features);
  ASSERT_NE(client, nullptr);
  EXPECT_NE(features.find("<stream:features"), std::string::npos);
  EXPECT_NE(features.find("<mechanism>PLAIN</mechanism>"), std::string::npos)
      << features;
}

TEST_F(ProsodyServerTest, CreatedAccountAuthenticates) {
  std::string features;
  std::unique_ptr<TcpClient> client = OpenStream(&features);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Write(SaslPlain("alice", "alice-secret")).ok());
  absl::StatusOr<std::string> reply = client->ReadUntil("<success", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
}

TEST_F(ProsodyServerTest, WrongPasswordFails) {
  std::string features;
  std::unique_ptr<TcpClient> client = OpenStream(&features);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Write(SaslPlain("alice", "not-the-password")).ok());
  absl::StatusOr<std::string> reply =
      client->ReadUntil("not-authorized", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_NE(reply->find("<failure"), std::string::npos);
}

TEST_F(ProsodyServerTest, AccountCreatedWhileRunningAuthenticates) {
  ASSERT_TRUE(server_->CreateAccount("bob", "bob-secret").ok());
  std::string features;
  std::unique_ptr<TcpClient> client = OpenStream(&features);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Write(SaslPlain("bob", "bob-secret")).ok());
  absl::StatusOr<std::string> reply = client->ReadUntil("<success", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
}

TEST_F(ProsodyServerTest, JoinsARoomOnTheMucComponent) {
  std::string features;
  std::unique_ptr<TcpClient> client = OpenStream(&features);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Write(SaslPlain("alice", "alice-secret")).ok());
  ASSERT_TRUE(client->ReadUntil("<success", kTimeout).ok());
  // After SASL the stream restarts; then bind a resource.
  ASSERT_TRUE(client->Write(StreamHeader(server_->domain())).ok());
  absl::StatusOr<std::string> bind_features =
      client->ReadUntil("</stream:features>", kTimeout);
  ASSERT_TRUE(bind_features.ok()) << bind_features.status();
  EXPECT_NE(bind_features->find("urn:ietf:params:xml:ns:xmpp-bind"),
            std::string::npos);
  ASSERT_TRUE(client
                  ->Write("<iq type='set' id='b1'><bind "
                          "xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                          "<resource>test</resource></bind></iq>")
                  .ok());
  absl::StatusOr<std::string> bound = client->ReadUntil("</iq>", kTimeout);
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_NE(bound->find(absl::StrCat(server_->Jid("alice"), "/test")),
            std::string::npos)
      << *bound;

  const std::string room = absl::StrCat("lobby@", server_->muc_domain());
  ASSERT_TRUE(client
                  ->Write(absl::StrCat(
                      "<presence to='", room,
                      "/Alice'><x xmlns='http://jabber.org/protocol/muc'/>"
                      "</presence>"))
                  .ok());
  // Status code 110: this presence is the joining user's own.
  absl::StatusOr<std::string> joined =
      client->ReadUntil("<status code='110'/>", kTimeout);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_NE(joined->find(absl::StrCat("from='", room, "/Alice'")),
            std::string::npos)
      << *joined;
}

}  // namespace
}  // namespace lilac::testing
