// The fake server's own protocol handling, over a raw loopback socket: bad
// frames get a fatal protocol_error and the connection closes; unknown
// accounts are refused clearly; session tokens rotate. No libpurple here.
#include "testing/fake_prpl/fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/frame_codec.h"

namespace lilac::testing::fake {
namespace {

class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout = {10, 0};  // a read never blocks a failing test forever
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address),
                         sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }

  void Write(const std::string& bytes) {
    ASSERT_EQ(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // The next server frame, or nullopt at end of stream.
  std::optional<v1::ServerFrame> Read() {
    while (true) {
      absl::StatusOr<std::optional<std::string>> payload = reader_.Next();
      if (!payload.ok()) return std::nullopt;
      if (payload->has_value()) {
        v1::ServerFrame frame;
        if (!frame.ParseFromString(**payload)) return std::nullopt;
        return frame;
      }
      char buffer[4096];
      const ssize_t got = read(fd_, buffer, sizeof(buffer));
      if (got <= 0) return std::nullopt;
      reader_.Append(absl::string_view(buffer, got));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
  FrameReader reader_;
};

std::string Length(uint32_t size) {
  return {static_cast<char>(size >> 24), static_cast<char>(size >> 16),
          static_cast<char>(size >> 8), static_cast<char>(size)};
}

class FakeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = FakeServer::Start({});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  std::unique_ptr<FakeServer> server_;
};

TEST_F(FakeServerTest, MalformedFrameGetsAnErrorAndTheConnectionCloses) {
  RawClient client(server_->network_port());
  ASSERT_TRUE(client.connected());
  client.Write(Length(3) + "\xff\xff\xff");
  std::optional<v1::ServerFrame> error = client.Read();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->protocol_error().code(),
            v1::PROTOCOL_ERROR_CODE_MALFORMED_FRAME);
  EXPECT_TRUE(error->protocol_error().fatal());
  EXPECT_FALSE(client.Read().has_value()) << "connection still open";
}

TEST_F(FakeServerTest, OversizedFrameGetsAnErrorAndTheConnectionCloses) {
  RawClient client(server_->network_port());
  ASSERT_TRUE(client.connected());
  client.Write(Length(kMaxFramePayload + 1));
  std::optional<v1::ServerFrame> error = client.Read();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->protocol_error().code(),
            v1::PROTOCOL_ERROR_CODE_FRAME_TOO_LARGE);
  EXPECT_FALSE(client.Read().has_value());
}

TEST_F(FakeServerTest, UnknownAccountIsRefused) {
  RawClient client(server_->network_port());
  ASSERT_TRUE(client.connected());
  v1::ClientFrame login;
  login.mutable_login()->set_username("nobody");
  login.mutable_login()->set_password("x");
  client.Write(EncodeFrame(login));
  std::optional<v1::ServerFrame> refused = client.Read();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->login_failed().error(), v1::LOGIN_ERROR_UNKNOWN_USER);
  EXPECT_EQ(refused->login_failed().message(), "No such user: nobody");
  EXPECT_FALSE(client.Read().has_value());
}

TEST_F(FakeServerTest, FramesBeforeLoginAreRefused) {
  RawClient client(server_->network_port());
  ASSERT_TRUE(client.connected());
  v1::ClientFrame im;
  im.mutable_send_im()->set_to("bob");
  client.Write(EncodeFrame(im));
  std::optional<v1::ServerFrame> error = client.Read();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->protocol_error().code(),
            v1::PROTOCOL_ERROR_CODE_NOT_LOGGED_IN);
}

TEST_F(FakeServerTest, TokensRotateAtEachLogin) {
  std::unique_ptr<v1::FakeNetworkControl::Stub> control =
      server_->NewControlStub();
  {
    grpc::ClientContext context;
    v1::CreateAccountRequest request;
    request.set_username("rotor");
    request.set_password("pw");
    v1::CreateAccountResponse response;
    ASSERT_TRUE(control->CreateAccount(&context, request, &response).ok());
  }
  // Logs in presenting `token`; returns the token the server issues.
  auto login = [&](const std::string& token, uint32_t count) {
    RawClient client(server_->network_port());
    EXPECT_TRUE(client.connected());
    v1::ClientFrame frame;
    frame.mutable_login()->set_username("rotor");
    frame.mutable_login()->set_password("pw");
    frame.mutable_login()->set_device_id("dev-raw");
    frame.mutable_login()->set_login_count(count);
    frame.mutable_login()->set_session_token(token);
    client.Write(EncodeFrame(frame));
    std::optional<v1::ServerFrame> ok = client.Read();
    EXPECT_TRUE(ok.has_value() && ok->has_login_succeeded());
    return ok.has_value() ? ok->login_succeeded().session_token() : "";
  };
  const std::string first = login("", 1);
  const std::string second = login(first, 2);
  login(first, 3);  // stale: the second login rotated it
  login("tok-forged", 4);
  EXPECT_TRUE(first.rfind("tok-", 0) == 0) << first;
  EXPECT_NE(first, second);

  grpc::ClientContext context;
  v1::GetAccountStateRequest request;
  request.set_account("rotor");
  v1::GetAccountStateResponse state;
  ASSERT_TRUE(control->GetAccountState(&context, request, &state).ok());
  ASSERT_EQ(state.logins_size(), 4);
  EXPECT_FALSE(state.logins(0).token_valid());
  EXPECT_TRUE(state.logins(1).token_valid());
  EXPECT_EQ(state.logins(1).presented_token(), first);
  EXPECT_FALSE(state.logins(2).token_valid());
  EXPECT_FALSE(state.logins(3).token_valid());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(state.logins(i).device_id(), "dev-raw");
    EXPECT_EQ(state.logins(i).login_count(), static_cast<uint32_t>(i + 1));
  }
}

TEST(FrameReaderTest, SplitsFramesAcrossArbitraryChunks) {
  v1::ClientFrame frame;
  frame.mutable_send_im()->set_text("hello");
  const std::string bytes = EncodeFrame(frame) + EncodeFrame(frame);
  FrameReader reader;
  int frames = 0;
  for (char byte : bytes) {
    reader.Append(absl::string_view(&byte, 1));
    absl::StatusOr<std::optional<std::string>> payload = reader.Next();
    ASSERT_TRUE(payload.ok());
    if (payload->has_value()) {
      v1::ClientFrame parsed;
      ASSERT_TRUE(parsed.ParseFromString(**payload));
      EXPECT_EQ(parsed.send_im().text(), "hello");
      ++frames;
    }
  }
  EXPECT_EQ(frames, 2);
}

}  // namespace
}  // namespace lilac::testing::fake
