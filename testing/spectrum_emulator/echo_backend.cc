// A minimal Spectrum 2 backend for testing the emulator (test-only): it
// connects like a real backend, sends BACKEND_CONFIG on the first bytes it
// receives, answers PING with PONG and STATS, answers LOGIN with CONNECTED
// (DISCONNECTED for the password "bad"), echoes chat messages and exits on
// EXIT or EOF. Some message bodies are commands that make it misbehave on
// purpose, so that tests can check the emulator notices:
//   argv            reply with our argv, one word per line
//   config          reply with the config file's contents
//   exit N          exit with code N at once
//   split           send the reply one byte per write
//   burst N         send N replies in a single write
//   big N           reply with a body of N bytes
//   garbage         send an unparsable frame, then a normal reply
//   forbidden       send LOGIN, which Spectrum does not accept from a backend
//   no_user         send CONNECTED without its required `user`
//   stop_pong       stop answering PING

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "protos/spectrum/protocol.pb.h"
#include "testing/servers/temp_dir.h"
#include "testing/spectrum_emulator/frame_codec.h"
#include "testing/spectrum_emulator/wire_messages.h"

namespace lilac::spectrum {
namespace {

using pbnetwork::WrapperMessage;

struct Args {
  std::string host;
  int port = 0;
  std::string config_path;
  std::vector<std::string> all;
};

// Like Spectrum's reference helper: --host/--port, anything else ignored,
// the last non-option argument is the config path.
bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 0; i < argc; ++i) args->all.push_back(argv[i]);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--host" || arg == "-h") && i + 1 < argc) {
      args->host = argv[++i];
    } else if ((arg == "--port" || arg == "-p") && i + 1 < argc) {
      if (!absl::SimpleAtoi(argv[++i], &args->port)) return false;
    } else if (!absl::StartsWith(arg, "-")) {
      args->config_path = arg;
    }
  }
  return !args->host.empty() && args->port > 0 && !args->config_path.empty();
}

class EchoBackend {
 public:
  EchoBackend(int fd, Args args) : fd_(fd), args_(std::move(args)) {}

  // Returns the process exit code.
  int Run() {
    FrameSplitter splitter;
    bool sent_config = false;
    char buffer[65536];
    while (true) {
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return 0;  // EOF or reset: Spectrum is gone.
      if (!sent_config) {
        // What upstream backends do: config before handling the first bytes.
        pbnetwork::BackendConfig config;
        config.set_config(
            "[registration]\nneedPassword=1\nneedRegistration=0\n"
            "[features]\nreceipts=1\nmuc=1\n");
        Send(Wrap(WrapperMessage::TYPE_BACKEND_CONFIG, config));
        sent_config = true;
      }
      splitter.Append(absl::string_view(buffer, n));
      while (true) {
        absl::StatusOr<std::optional<std::string>> body = splitter.Next();
        if (!body.ok()) return 3;
        if (!body->has_value()) break;
        WrapperMessage wrapper;
        // Like Spectrum: drop what does not parse, carry on.
        if (!wrapper.ParseFromString(**body)) continue;
        if (wrapper.type() == WrapperMessage::TYPE_EXIT) return 0;
        Handle(wrapper);
      }
    }
  }

 private:
  void Send(const WrapperMessage& wrapper) { Write(EncodeFrame(wrapper)); }

  void Write(const std::string& bytes) {
    size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = send(fd_, bytes.data() + written,
                             bytes.size() - written, MSG_NOSIGNAL);
      if (n <= 0) _exit(1);
      written += n;
    }
  }

  void Handle(const WrapperMessage& wrapper) {
    switch (wrapper.type()) {
      case WrapperMessage::TYPE_PING:
        if (answer_pings_) AnswerPing();
        break;
      case WrapperMessage::TYPE_LOGIN:
        if (auto login = DecodePayload<pbnetwork::Login>(wrapper); login.ok()) {
          HandleLogin(*login);
        }
        break;
      case WrapperMessage::TYPE_CONV_MESSAGE:
        if (auto message =
                DecodePayload<pbnetwork::ConversationMessage>(wrapper);
            message.ok()) {
          HandleMessage(*message);
        }
        break;
      case WrapperMessage::TYPE_JOIN_ROOM:
        if (auto room = DecodePayload<pbnetwork::Room>(wrapper); room.ok()) {
          pbnetwork::Participant self;
          self.set_username(room->username());
          self.set_room(room->room());
          self.set_nickname(room->nickname());
          self.set_flag(pbnetwork::PARTICIPANT_FLAG_NONE);
          self.set_status(pbnetwork::STATUS_ONLINE);
          Send(Wrap(WrapperMessage::TYPE_PARTICIPANT_CHANGED, self));
        }
        break;
      case WrapperMessage::TYPE_BUDDY_CHANGED:
        if (auto buddy = DecodePayload<pbnetwork::Buddy>(wrapper); buddy.ok()) {
          // As if the legacy network accepted the contact.
          buddy->set_status(pbnetwork::STATUS_ONLINE);
          Send(Wrap(WrapperMessage::TYPE_BUDDY_CHANGED, *buddy));
        }
        break;
      case WrapperMessage::TYPE_VCARD:
        if (auto vcard = DecodePayload<pbnetwork::VCard>(wrapper);
            vcard.ok() && !vcard->has_photo()) {
          vcard->set_fullname(absl::StrCat("Full ", vcard->buddyname()));
          Send(Wrap(WrapperMessage::TYPE_VCARD, *vcard));
        }
        break;
      default:
        break;  // LOGOUT, STATUS_CHANGED, typing...: nothing to answer.
    }
  }

  void AnswerPing() {
    Send(Wrap(WrapperMessage::TYPE_PONG));
    pbnetwork::Stats stats;
    stats.set_res(1000);
    stats.set_init_res(900);
    stats.set_shared(100);
    stats.set_id(absl::StrCat(getpid()));
    Send(Wrap(WrapperMessage::TYPE_STATS, stats));
  }

  void HandleLogin(const pbnetwork::Login& login) {
    if (login.password() == "bad") {
      pbnetwork::Disconnected disconnected;
      disconnected.set_user(login.user());
      disconnected.set_error(pbnetwork::CONNECTION_ERROR_AUTHENTICATION_FAILED);
      disconnected.set_message("bad password");
      Send(Wrap(WrapperMessage::TYPE_DISCONNECTED, disconnected));
      return;
    }
    pbnetwork::Connected connected;
    connected.set_user(login.user());
    Send(Wrap(WrapperMessage::TYPE_CONNECTED, connected));
  }

  WrapperMessage Reply(const pbnetwork::ConversationMessage& to,
                       const std::string& body) {
    pbnetwork::ConversationMessage reply;
    reply.set_username(to.username());
    reply.set_buddyname(to.buddyname());
    reply.set_message(body);
    return Wrap(WrapperMessage::TYPE_CONV_MESSAGE, reply);
  }

  void HandleMessage(const pbnetwork::ConversationMessage& message) {
    absl::string_view body = message.message();
    int number = 0;
    if (body == "argv") {
      Send(Reply(message, absl::StrJoin(args_.all, "\n")));
    } else if (body == "config") {
      absl::StatusOr<std::string> config = testing::ReadFile(args_.config_path);
      Send(Reply(message, config.ok() ? *config : "<unreadable>"));
    } else if (absl::ConsumePrefix(&body, "exit ") &&
               absl::SimpleAtoi(body, &number)) {
      _exit(number);
    } else if (body == "split") {
      const std::string frame = EncodeFrame(Reply(message, "split reply"));
      for (char byte : frame) Write(std::string(1, byte));
    } else if (absl::ConsumePrefix(&body, "burst ") &&
               absl::SimpleAtoi(body, &number)) {
      std::string frames;
      for (int i = 0; i < number; ++i) {
        frames += EncodeFrame(Reply(message, absl::StrCat("burst ", i)));
      }
      Write(frames);
    } else if (absl::ConsumePrefix(&body, "big ") &&
               absl::SimpleAtoi(body, &number)) {
      Send(Reply(message, std::string(number, 'x')));
    } else if (body == "garbage") {
      Write(EncodeFrameBody("\xff\xff\xff garbage"));
      Send(Reply(message, "after garbage"));
    } else if (body == "forbidden") {
      pbnetwork::Login login;
      login.set_user(message.username());
      login.set_legacyname("x");
      login.set_password("x");
      Send(Wrap(WrapperMessage::TYPE_LOGIN, login));
    } else if (body == "no_user") {
      Send(Wrap(WrapperMessage::TYPE_CONNECTED, pbnetwork::Connected()));
    } else if (body == "stop_pong") {
      answer_pings_ = false;
    } else {
      Send(Reply(message, message.message()));
    }
  }

  const int fd_;
  const Args args_;
  bool answer_pings_ = true;
};

int Main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: %s --host HOST --port PORT [ignored...] CONFIG\n",
                 argv[0]);
    return 2;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(args.port);
  if (fd < 0 || inet_pton(AF_INET, args.host.c_str(), &address.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
          0) {
    std::perror("echo_backend: connect");
    return 1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  const int code = EchoBackend(fd, std::move(args)).Run();
  close(fd);
  return code;
}

}  // namespace
}  // namespace lilac::spectrum

int main(int argc, char** argv) { return lilac::spectrum::Main(argc, argv); }
