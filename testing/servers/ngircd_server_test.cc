#include "testing/servers/ngircd_server.h"

#include "gtest/gtest.h"
#include "testing/servers/loopback.h"

namespace lilac::testing {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(20);

TEST(NgircdServerTest, ClientRegistersAndGetsWelcome) {
  absl::StatusOr<std::unique_ptr<NgircdServer>> server = NgircdServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();

  absl::StatusOr<std::unique_ptr<TcpClient>> client =
      TcpClient::Connect((*server)->port());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE((*client)->Write("NICK alice\r\nUSER alice 0 * :Alice\r\n").ok());
  absl::StatusOr<std::string> welcome =
      (*client)->ReadUntil(" 001 alice ", kTimeout);
  ASSERT_TRUE(welcome.ok()) << welcome.status();
  EXPECT_NE(welcome->find((*server)->server_name()), std::string::npos);

  // A second client meets the first in a channel.
  absl::StatusOr<std::unique_ptr<TcpClient>> bob =
      TcpClient::Connect((*server)->port());
  ASSERT_TRUE(bob.ok()) << bob.status();
  ASSERT_TRUE((*bob)->Write("NICK bob\r\nUSER bob 0 * :Bob\r\n").ok());
  ASSERT_TRUE((*bob)->ReadUntil(" 001 bob ", kTimeout).ok());
  ASSERT_TRUE((*client)->Write("JOIN #lilac\r\n").ok());
  ASSERT_TRUE((*client)->ReadUntil(" 366 alice #lilac ", kTimeout).ok());
  ASSERT_TRUE((*bob)->Write("JOIN #lilac\r\nPRIVMSG #lilac :hello\r\n").ok());
  absl::StatusOr<std::string> said =
      (*client)->ReadUntil("PRIVMSG #lilac :hello\r\n", kTimeout);
  ASSERT_TRUE(said.ok()) << said.status();
}

TEST(NgircdServerTest, TwoServersGetDifferentPorts) {
  absl::StatusOr<std::unique_ptr<NgircdServer>> first = NgircdServer::Start();
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<NgircdServer>> second = NgircdServer::Start();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE((*first)->port(), (*second)->port());
}

TEST(NgircdServerTest, StopsWhenDestroyed) {
  int port;
  {
    absl::StatusOr<std::unique_ptr<NgircdServer>> server =
        NgircdServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    port = (*server)->port();
  }
  EXPECT_FALSE(TcpClient::Connect(port).ok());
}

}  // namespace
}  // namespace lilac::testing
