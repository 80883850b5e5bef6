// The connect deadline (LoginRequest.connect_timeout) with prpl-irc:
// a server, or a SOCKS5 proxy, that accepts the connection and then says
// nothing is cut as a retryable network error, every attempt; a login that
// connects in time is not touched.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/real_servers/ngircd_fixture.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kTimedOut[] = "timed out while connecting";

// A loopback listener that accepts every connection and never writes or
// closes one, until it is destroyed or a minute has passed.
class Tarpit {
 public:
  Tarpit() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (listener_ < 0 ||
        bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) !=
            0) {
      ADD_FAILURE() << "tarpit: cannot listen on loopback";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~Tarpit() {
    {
      absl::MutexLock lock(&mutex_);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
    for (int fd : accepted_) close(fd);
    if (listener_ >= 0) close(listener_);
  }

  int port() const { return port_; }

  // Waits until `count` connections were accepted in all; false after
  // `timeout`.
  bool WaitForAccepted(size_t count, absl::Duration timeout) {
    absl::MutexLock lock(&mutex_);
    auto reached = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      return accepted_.size() >= count;
    };
    return mutex_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

 private:
  void Run() {
    const absl::Time end = absl::Now() + absl::Minutes(1);
    while (absl::Now() < end) {
      {
        absl::MutexLock lock(&mutex_);
        if (stopping_) return;
      }
      pollfd listening = {listener_, POLLIN, 0};
      if (poll(&listening, 1, 50) <= 0) continue;
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      absl::MutexLock lock(&mutex_);
      accepted_.push_back(fd);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<int> accepted_ ABSL_GUARDED_BY(mutex_);
};

class ConnectTimeoutTest : public NgircdTest {
 protected:
  // prpl-irc's login of `nick` to 127.0.0.1:`port` with a deadline of
  // `seconds`.
  v1::LoginRequest IrcLogin(const std::string& nick, int port,
                            uint32_t seconds) {
    v1::LoginRequest request;
    request.set_session(nick);
    request.set_protocol("prpl-irc");
    request.set_username(IrcUsername(nick));
    (*request.mutable_settings())["port"] = absl::StrCat(port);
    request.mutable_connect_timeout()->set_seconds(seconds);
    return request;
  }

  void LogIn(const v1::LoginRequest& request) {
    v1::LoginResponse response;
    const grpc::Status status =
        Call(&v1::LilacService::Stub::Login, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Waits for `session`'s next DISCONNECTED and checks it is the deadline's.
  v1::ConnectionChanged ExpectTimedOut(const std::string& session) {
    absl::StatusOr<v1::Event> down =
        NextConnection(session, v1::CONNECTION_STATE_DISCONNECTED);
    EXPECT_TRUE(down.ok()) << down.status();
    if (!down.ok()) return v1::ConnectionChanged();
    const v1::ConnectionChanged& change = down->connection_changed();
    EXPECT_EQ(change.reason(), v1::DISCONNECT_REASON_NETWORK_ERROR);
    EXPECT_TRUE(change.retryable());
    EXPECT_THAT(change.message(), HasSubstr(kTimedOut));
    return change;
  }
};

TEST_F(ConnectTimeoutTest, ASilentServerIsARetryableNetworkError) {
  Tarpit tarpit;
  const absl::Time start = absl::Now();
  LogIn(IrcLogin("alice", tarpit.port(), 2));
  if (HasFatalFailure()) return;
  ASSERT_TRUE(tarpit.WaitForAccepted(1, absl::Seconds(10)));
  v1::ConnectionChanged down = ExpectTimedOut("alice");
  // The deadline's doing, not a refused connection.
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(1900));
  EXPECT_FALSE(down.has_reconnect_in());  // no reconnect policy

  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetSession, get, &session_response).ok());
  const v1::Session& session = session_response.session();
  EXPECT_EQ(session.state(), v1::CONNECTION_STATE_DISCONNECTED);
}

TEST_F(ConnectTimeoutTest, EveryReconnectAttemptHasTheDeadlineToo) {
  Tarpit tarpit;
  v1::LoginRequest request = IrcLogin("alice", tarpit.port(), 1);
  request.mutable_reconnect()->set_enabled(true);
  request.mutable_reconnect()->mutable_initial_delay()->set_nanos(100 *
                                                                  1000000);
  LogIn(request);
  if (HasFatalFailure()) return;

  v1::ConnectionChanged first = ExpectTimedOut("alice");
  EXPECT_EQ(first.reconnect_attempt(), 1u);
  EXPECT_EQ(first.reconnect_in().seconds(), 0);
  EXPECT_EQ(first.reconnect_in().nanos(), 100000000);
  absl::StatusOr<v1::Event> again =
      NextConnection("alice", v1::CONNECTION_STATE_CONNECTING);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->connection_changed().reconnect_attempt(), 1u);
  v1::ConnectionChanged second = ExpectTimedOut("alice");
  EXPECT_EQ(second.reconnect_attempt(), 2u);
  EXPECT_EQ(second.reconnect_in().seconds(), 0);
  EXPECT_EQ(second.reconnect_in().nanos(), 200000000);
  // Both attempts reached the server.
  EXPECT_TRUE(tarpit.WaitForAccepted(2, absl::Seconds(10)));
  Logout("alice");
}

TEST_F(ConnectTimeoutTest, ASilentSocks5ProxyIsARetryableNetworkError) {
  Tarpit tarpit;
  // The real server is never reached: the proxy never answers the greeting.
  v1::LoginRequest request = IrcLogin("alice", ngircd_->port(), 2);
  request.mutable_proxy()->set_type(v1::Proxy::TYPE_SOCKS5);
  request.mutable_proxy()->set_host("127.0.0.1");
  request.mutable_proxy()->set_port(tarpit.port());
  LogIn(request);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(tarpit.WaitForAccepted(1, absl::Seconds(10)));
  ExpectTimedOut("alice");
}

TEST_F(ConnectTimeoutTest, LogoutWhileConnectingStopsTheDeadline) {
  Tarpit tarpit;
  LogIn(IrcLogin("alice", tarpit.port(), 1));
  if (HasFatalFailure()) return;
  // The event stream follows alice before she is gone (it does not replay
  // sessions that ended before it started).
  ASSERT_TRUE(NextConnection("alice", v1::CONNECTION_STATE_CONNECTING).ok());
  ASSERT_TRUE(tarpit.WaitForAccepted(1, absl::Seconds(10)));
  Logout("alice");
  if (HasFatalFailure()) return;
  // Past the deadline lilacd is still serving, and bob logs in normally.
  LogIn(IrcLogin("bob", ngircd_->port(), 1));
  if (HasFatalFailure()) return;
  EXPECT_TRUE(NextConnection("bob", v1::CONNECTION_STATE_CONNECTED).ok());
  EXPECT_FALSE(
      client_
          ->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED),
                    absl::Seconds(2))
          .ok());
}

TEST_F(ConnectTimeoutTest, ALoginThatConnectsInTimeIsNotCut) {
  LogIn(IrcLogin("alice", ngircd_->port(), 1));
  if (HasFatalFailure()) return;
  absl::StatusOr<v1::Event> connected =
      NextConnection("alice", v1::CONNECTION_STATE_CONNECTED);
  ASSERT_TRUE(connected.ok()) << connected.status();
  // Well past the deadline, still connected.
  EXPECT_FALSE(
      client_
          ->WaitFor(ConnectionIs("alice", v1::CONNECTION_STATE_DISCONNECTED),
                    absl::Seconds(3))
          .ok());
  v1::GetSessionRequest get;
  get.set_session("alice");
  v1::GetSessionResponse session_response;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetSession, get, &session_response).ok());
  const v1::Session& session = session_response.session();
  EXPECT_EQ(session.state(), v1::CONNECTION_STATE_CONNECTED);
}

}  // namespace
}  // namespace lilac::testing
