#include "testing/spectrum_emulator/spectrum_emulator.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "testing/servers/child_process.h"
#include "testing/servers/temp_dir.h"
#include "testing/spectrum_emulator/frame_codec.h"

namespace lilac::spectrum {
namespace {

using pbnetwork::ConversationMessage;
using pbnetwork::WrapperMessage;

constexpr absl::Duration kTimeout = absl::Seconds(10);
constexpr char kUser[] = "alice@spectrum.test";

std::string EchoBackendPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/",
                      workspace ? workspace : "lilac",
                      "/testing/spectrum_emulator/echo_backend");
}

auto FromBuddy(const std::string& buddy, const std::string& body) {
  return [buddy, body](const ConversationMessage& message) {
    return message.username() == kUser && message.buddyname() == buddy &&
           message.message() == body;
  };
}

class SpectrumEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::TempDir>> dir =
        testing::TempDir::Create("spectrum");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *std::move(dir);
    config_path_ = dir_->Path("backend.cfg");
    ASSERT_TRUE(
        testing::WriteFile(config_path_, "[service]\nprotocol=prpl-echo\n")
            .ok());
  }

  SpectrumEmulator::Options EchoOptions() {
    SpectrumEmulator::Options options;
    options.backend_command = {EchoBackendPath()};
    options.config_path = config_path_;
    return options;
  }

  // Starts the echo backend; fails the test if that does not work.
  std::unique_ptr<SpectrumEmulator> StartEcho(
      SpectrumEmulator::Options options) {
    absl::StatusOr<std::unique_ptr<SpectrumEmulator>> emulator =
        SpectrumEmulator::Start(std::move(options));
    EXPECT_TRUE(emulator.ok()) << emulator.status();
    return emulator.ok() ? *std::move(emulator) : nullptr;
  }
  std::unique_ptr<SpectrumEmulator> StartEcho() {
    return StartEcho(EchoOptions());
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::string config_path_;
};

TEST_F(SpectrumEmulatorTest, LaunchesWithSpectrumsCommandLine) {
  SpectrumEmulator::Options options = EchoOptions();
  options.backend_command.push_back("--log=BACKEND_ID.log");
  options.backend_counter = 7;
  options.backend_id = 3;
  options.spectrum_args = {"-n"};
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho(std::move(options));
  ASSERT_NE(emulator, nullptr);

  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "argv").ok());
  absl::StatusOr<ConversationMessage> reply =
      emulator->WaitForMessage(nullptr, kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const std::vector<std::string> expected = {EchoBackendPath(),
                                             "--log=7.log",
                                             "--host",
                                             "127.0.0.1",
                                             "--port",
                                             absl::StrCat(emulator->port()),
                                             "--service.backend_id=3",
                                             "-n",
                                             config_path_};
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(reply->message(), '\n')),
            expected);
  EXPECT_EQ(emulator->backend_argv(), expected);

  // The backend reads the config file the test wrote.
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "config").ok());
  reply = emulator->WaitForMessage(nullptr, kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->message(), "[service]\nprotocol=prpl-echo\n");
  EXPECT_TRUE(emulator->Health().ok()) << emulator->Health();
}

TEST_F(SpectrumEmulatorTest, HandshakeLikeSpectrum) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  // The emulator PINGs on connect; the backend sends its config first.
  absl::StatusOr<pbnetwork::BackendConfig> config =
      emulator->WaitForBackendConfig(kTimeout);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_NE(config->config().find("receipts=1"), std::string::npos);
  ASSERT_TRUE(emulator->WaitForPong(kTimeout).ok());
  absl::StatusOr<pbnetwork::Stats> stats = emulator->WaitForStats(kTimeout);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->id(), absl::StrCat(emulator->backend_pid()));
  EXPECT_EQ(emulator->pings_sent(), 1);
  EXPECT_EQ(emulator->pongs_received(), 1);

  std::vector<WrapperMessage> frames = emulator->ReceivedFrames();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].type(), WrapperMessage::TYPE_BACKEND_CONFIG);
  EXPECT_EQ(frames[1].type(), WrapperMessage::TYPE_PONG);
  EXPECT_EQ(frames[2].type(), WrapperMessage::TYPE_STATS);
}

TEST_F(SpectrumEmulatorTest, LoginSucceedsOrFails) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->Login(kUser, "alice", "secret").ok());
  ASSERT_TRUE(emulator->SetStatus(kUser, pbnetwork::STATUS_AWAY, "out").ok());
  EXPECT_TRUE(emulator->WaitForConnected(kUser, kTimeout).ok());

  ASSERT_TRUE(emulator->Login("mallory@spectrum.test", "mallory", "bad").ok());
  absl::StatusOr<pbnetwork::Disconnected> refused =
      emulator->WaitForDisconnected("mallory@spectrum.test", kTimeout);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->error(),
            pbnetwork::CONNECTION_ERROR_AUTHENTICATION_FAILED);
  EXPECT_TRUE(emulator->Logout(kUser, "alice").ok());
}

TEST_F(SpectrumEmulatorTest, EachWaitTakesItsOwnFrame) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "hello").ok());
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "hello").ok());
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "carol", "hi").ok());
  // Waiting for the later one first leaves the earlier ones in place.
  EXPECT_TRUE(
      emulator->WaitForMessage(FromBuddy("carol", "hi"), kTimeout).ok());
  EXPECT_TRUE(
      emulator->WaitForMessage(FromBuddy("bob", "hello"), kTimeout).ok());
  EXPECT_TRUE(
      emulator->WaitForMessage(FromBuddy("bob", "hello"), kTimeout).ok());
  EXPECT_EQ(
      emulator
          ->WaitForMessage(FromBuddy("bob", "hello"), absl::Milliseconds(100))
          .status()
          .code(),
      absl::StatusCode::kDeadlineExceeded);
}

TEST_F(SpectrumEmulatorTest, ReassemblesSplitAndCoalescedFramesFromBackend) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "split").ok());
  EXPECT_TRUE(
      emulator->WaitForMessage(FromBuddy("bob", "split reply"), kTimeout).ok());

  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "burst 200").ok());
  for (int i = 0; i < 200; ++i) {
    absl::StatusOr<ConversationMessage> reply =
        emulator->WaitForMessage(nullptr, kTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_EQ(reply->message(), absl::StrCat("burst ", i));
  }

  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "big 3000000").ok());
  absl::StatusOr<ConversationMessage> big =
      emulator->WaitForMessage(nullptr, kTimeout);
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->message(), std::string(3000000, 'x'));
  EXPECT_TRUE(emulator->Health().ok()) << emulator->Health();
}

TEST_F(SpectrumEmulatorTest, SendsSplitAndCoalescedFramesToBackend) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ConversationMessage message;
  message.set_username(kUser);
  message.set_buddyname("bob");
  message.set_message("in pieces");
  const std::string frame =
      EncodeFrame(Wrap(WrapperMessage::TYPE_CONV_MESSAGE, message));
  // Header split from body, then the body in two writes.
  ASSERT_TRUE(emulator->SendRawBytes(frame.substr(0, 2)).ok());
  ASSERT_TRUE(emulator->SendRawBytes(frame.substr(2, 5)).ok());
  ASSERT_TRUE(emulator->SendRawBytes(frame.substr(7)).ok());
  EXPECT_TRUE(
      emulator->WaitForMessage(FromBuddy("bob", "in pieces"), kTimeout).ok());

  std::string three;
  for (const char* body : {"one", "two", "three"}) {
    message.set_message(body);
    three += EncodeFrame(Wrap(WrapperMessage::TYPE_CONV_MESSAGE, message));
  }
  ASSERT_TRUE(emulator->SendRawBytes(three).ok());
  for (const char* body : {"one", "two", "three"}) {
    EXPECT_TRUE(emulator->WaitForMessage(FromBuddy("bob", body), kTimeout).ok())
        << body;
  }
}

TEST_F(SpectrumEmulatorTest, HostileBytesToTheBackend) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->WaitForPong(kTimeout).ok());
  // A frame that is not a WrapperMessage, and a wrapper with a payload that
  // is not the message its type names.
  ASSERT_TRUE(emulator->SendRawBytes(EncodeFrameBody("\xff\xfe\xfd")).ok());
  WrapperMessage wrong_payload;
  wrong_payload.set_type(WrapperMessage::TYPE_LOGIN);
  wrong_payload.set_payload("\x0a\xff");
  ASSERT_TRUE(emulator->Send(wrong_payload).ok());
  ASSERT_TRUE(emulator->SendPing().ok());
  EXPECT_TRUE(emulator->WaitForPong(kTimeout).ok());
  EXPECT_TRUE(emulator->Health().ok()) << emulator->Health();
}

TEST_F(SpectrumEmulatorTest, PingsPeriodically) {
  SpectrumEmulator::Options options = EchoOptions();
  options.ping_interval = absl::Milliseconds(50);
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho(std::move(options));
  ASSERT_NE(emulator, nullptr);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(emulator->WaitForPong(kTimeout).ok()) << i;
  }
  EXPECT_GE(emulator->pings_sent(), 4);
  EXPECT_TRUE(emulator->Health().ok()) << emulator->Health();
}

TEST_F(SpectrumEmulatorTest, MissedPongFailsWaits) {
  SpectrumEmulator::Options options = EchoOptions();
  options.ping_interval = absl::Milliseconds(100);
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho(std::move(options));
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "stop_pong").ok());
  // Never sent; the wait ends early because of the violation.
  const absl::Time start = absl::Now();
  absl::Status status =
      emulator->WaitForFrame(WrapperMessage::TYPE_ROOM_LIST, nullptr, kTimeout)
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_NE(status.message().find("no PONG"), absl::string_view::npos);
  EXPECT_LT(absl::Now() - start, kTimeout);
  EXPECT_FALSE(emulator->Health().ok());
}

TEST_F(SpectrumEmulatorTest, RecordsProtocolViolations) {
  struct Case {
    const char* command;
    const char* complaint;
  };
  for (const Case& c : {Case{"forbidden", "LOGIN"}, Case{"no_user", "user"},
                        Case{"garbage", "unparsable"}}) {
    std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
    ASSERT_NE(emulator, nullptr);
    ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", c.command).ok());
    absl::Status status =
        emulator
            ->WaitForFrame(WrapperMessage::TYPE_ROOM_LIST, nullptr, kTimeout)
            .status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition)
        << c.command << ": " << status;
    EXPECT_NE(status.message().find(c.complaint), absl::string_view::npos)
        << c.command << ": " << status;
  }
}

TEST_F(SpectrumEmulatorTest, ReportsTheBackendsExitCode) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "exit 3").ok());
  absl::StatusOr<int> code = emulator->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 3);
  EXPECT_TRUE(emulator->WaitForBackendDisconnect(kTimeout).ok());
  EXPECT_TRUE(emulator->Health().ok()) << emulator->Health();
}

TEST_F(SpectrumEmulatorTest, UnexpectedDisconnectFailsWaitsAtOnce) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->SendChatMessage(kUser, "bob", "exit 0").ok());
  absl::Status status =
      emulator->WaitForMessage(FromBuddy("bob", "never"), absl::Seconds(30))
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find("unexpectedly"), absl::string_view::npos)
      << status;
  EXPECT_FALSE(emulator->Health().ok());
}

TEST_F(SpectrumEmulatorTest, BackendExitsOnExitAndOnEof) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->SendExit().ok());
  absl::StatusOr<int> code = emulator->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);

  emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  // Once the backend has answered, it has nothing left to write.
  ASSERT_TRUE(emulator->WaitForStats(kTimeout).ok());
  emulator->Disconnect();
  code = emulator->WaitForBackendExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_TRUE(emulator->Health().ok()) << emulator->Health();
}

TEST_F(SpectrumEmulatorTest, TypedRequestsAndWaits) {
  std::unique_ptr<SpectrumEmulator> emulator = StartEcho();
  ASSERT_NE(emulator, nullptr);
  ASSERT_TRUE(emulator->JoinRoom(kUser, "#lilac@irc.test", "alice").ok());
  absl::StatusOr<pbnetwork::Participant> self = emulator->WaitForParticipant(
      [](const pbnetwork::Participant& p) { return p.nickname() == "alice"; },
      kTimeout);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->room(), "#lilac@irc.test");

  pbnetwork::Buddy buddy;
  buddy.set_username(kUser);
  buddy.set_buddyname("bob");
  buddy.set_alias("Bob");
  buddy.add_group("Friends");
  ASSERT_TRUE(emulator->ChangeBuddy(buddy).ok());
  absl::StatusOr<pbnetwork::Buddy> added = emulator->WaitForBuddy(
      WrapperMessage::TYPE_BUDDY_CHANGED,
      [](const pbnetwork::Buddy& b) { return b.buddyname() == "bob"; },
      kTimeout);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->status(), pbnetwork::STATUS_ONLINE);

  ASSERT_TRUE(emulator->RequestVCard(kUser, "bob", 42).ok());
  absl::StatusOr<pbnetwork::VCard> vcard = emulator->WaitForVCard(42, kTimeout);
  ASSERT_TRUE(vcard.ok()) << vcard.status();
  EXPECT_EQ(vcard->fullname(), "Full bob");

  // Requests the echo backend ignores still reach it intact.
  ASSERT_TRUE(
      emulator->SendTyping(WrapperMessage::TYPE_BUDDY_TYPING, kUser, "bob")
          .ok());
  EXPECT_FALSE(
      emulator->SendTyping(WrapperMessage::TYPE_PING, kUser, "bob").ok());
  ASSERT_TRUE(emulator->SendAttention(kUser, "bob", "hey").ok());
  ASSERT_TRUE(emulator->SetRoomSubject(kUser, "#lilac@irc.test", "news").ok());
  ASSERT_TRUE(emulator->UpdateOwnVCard(kUser, "Alice", "\x89PNG").ok());
  ASSERT_TRUE(emulator->RemoveBuddy(buddy).ok());
  ASSERT_TRUE(emulator->LeaveRoom(kUser, "#lilac@irc.test").ok());
  ASSERT_TRUE(emulator->SendRawXml("<presence/>").ok());
  ASSERT_TRUE(emulator->SendPing().ok());
  EXPECT_TRUE(emulator->WaitForPong(kTimeout).ok());
  EXPECT_TRUE(emulator->Health().ok()) << emulator->Health();
}

TEST_F(SpectrumEmulatorTest, AcceptsABackendTheTestLaunched) {
  absl::StatusOr<std::unique_ptr<SpectrumEmulator>> emulator =
      SpectrumEmulator::Listen(SpectrumEmulator::Options());
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> backend =
      testing::ChildProcess::Start(
          {EchoBackendPath(), "--host", "127.0.0.1", "--port",
           absl::StrCat((*emulator)->port()), config_path_},
          {});
  ASSERT_TRUE(backend.ok()) << backend.status();
  ASSERT_TRUE((*emulator)->AcceptBackend(kTimeout).ok());
  EXPECT_TRUE((*emulator)->WaitForPong(kTimeout).ok());
  ASSERT_TRUE((*emulator)->SendExit().ok());
  absl::StatusOr<int> code = (*backend)->WaitForExit(kTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

TEST_F(SpectrumEmulatorTest, StartFailsWhenTheBackendDiesOrNeverConnects) {
  SpectrumEmulator::Options dies;
  dies.backend_command = {"/bin/sh", "-c", "exit 4"};
  absl::StatusOr<std::unique_ptr<SpectrumEmulator>> emulator =
      SpectrumEmulator::Start(std::move(dies));
  EXPECT_EQ(emulator.status().code(), absl::StatusCode::kUnavailable)
      << emulator.status();
  EXPECT_NE(emulator.status().message().find("code 4"),
            absl::string_view::npos);

  SpectrumEmulator::Options silent;
  silent.backend_command = {"/bin/sh", "-c", "exec sleep 600"};
  silent.connect_timeout = absl::Milliseconds(200);
  emulator = SpectrumEmulator::Start(std::move(silent));
  EXPECT_EQ(emulator.status().code(), absl::StatusCode::kDeadlineExceeded)
      << emulator.status();

  SpectrumEmulator::Options missing;
  missing.backend_command = {"/nonexistent/backend"};
  EXPECT_FALSE(SpectrumEmulator::Start(std::move(missing)).ok());
}

}  // namespace
}  // namespace lilac::spectrum
