// Drives any Spectrum 2 backend the way Spectrum would, from a small script,
// and prints every frame the backend sends. For manual checks and
// benchmarks:
//
//   spectrum_emulator_main --backend=/path/to/backend --config=x.cfg
//       'login alice@example.com alice PASSWORD'
//       'wait_connected alice@example.com'
//       'send alice@example.com bob hello there'
//       'wait_message alice@example.com bob'
//
// Without command arguments the script is read from --script, or stdin.
// One command per line; '#' starts a comment line. Commands:
//   login USER LEGACY_NAME PASSWORD      logout USER LEGACY_NAME
//   status USER online|away|ffc|xa|dnd|invisible [TEXT...]
//   send USER BUDDY TEXT...              attention USER BUDDY TEXT...
//   join USER ROOM NICK [PASSWORD]       leave USER ROOM
//   subject USER ROOM TEXT...            buddy USER BUDDY [ALIAS]
//   remove_buddy USER BUDDY              vcard USER BUDDY ID
//   typing|typed|stopped_typing USER BUDDY
//   raw_xml XML...                       raw HEX      ping      exit
//   wait_connected USER                  wait_message USER BUDDY
//   wait TYPE                            (e.g. wait BUDDY_CHANGED)
//   wait_exit                            sleep SECONDS (frames keep printing)
//   bench USER BUDDY N                   N messages, wait for N replies
// Every wait uses --timeout. The first failing command ends the run with
// exit code 1. Passwords are never printed.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "testing/spectrum_emulator/spectrum_emulator.h"
#include "testing/spectrum_emulator/wire_messages.h"

ABSL_FLAG(std::string, backend, "",
          "the backend command ([service] backend), split at spaces");
ABSL_FLAG(std::string, config, "",
          "the Spectrum config file passed to the backend");
ABSL_FLAG(std::string, script, "", "read commands from this file");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30), "for every wait");
ABSL_FLAG(absl::Duration, ping_interval, absl::Seconds(20),
          "PING period after the first PING at connect");
ABSL_FLAG(bool, print_frames, true, "print every frame the backend sends");

namespace lilac::spectrum {
namespace {

using pbnetwork::WrapperMessage;

absl::Mutex output_mutex;

void Print(const std::string& line) {
  absl::MutexLock lock(&output_mutex);
  std::cout << line << std::endl;
}

absl::StatusOr<pbnetwork::StatusType> ParseStatus(const std::string& name) {
  pbnetwork::StatusType status;
  if (!pbnetwork::StatusType_Parse(
          absl::StrCat("STATUS_", absl::AsciiStrToUpper(name)), &status)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown status ", name));
  }
  return status;
}

class ScriptRunner {
 public:
  explicit ScriptRunner(SpectrumEmulator& emulator) : emulator_(emulator) {}

  absl::Status Run(const std::string& line) {
    std::vector<std::string> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.empty() || words[0][0] == '#') return absl::OkStatus();
    std::string shown = line;
    if (words[0] == "login" && words.size() > 3) {
      shown = absl::StrCat("login ", words[1], " ", words[2], " <redacted>");
    }
    Print(absl::StrCat("> ", shown));
    return Dispatch(words);
  }

 private:
  // Words from `first` on, joined by spaces (message bodies).
  static std::string Rest(const std::vector<std::string>& words, size_t first) {
    if (first >= words.size()) return "";
    return absl::StrJoin(words.begin() + first, words.end(), " ");
  }

  static absl::Status NeedArgs(const std::vector<std::string>& words,
                               size_t count) {
    if (words.size() < count + 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          words[0], " needs ", count, " arguments; see the usage"));
    }
    return absl::OkStatus();
  }

  absl::Status Dispatch(const std::vector<std::string>& w) {
    const std::string& command = w[0];
    const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
    if (command == "login") {
      if (auto s = NeedArgs(w, 3); !s.ok()) return s;
      return emulator_.Login(w[1], w[2], w[3]);
    }
    if (command == "logout") {
      if (auto s = NeedArgs(w, 2); !s.ok()) return s;
      return emulator_.Logout(w[1], w[2]);
    }
    if (command == "status") {
      if (auto s = NeedArgs(w, 2); !s.ok()) return s;
      absl::StatusOr<pbnetwork::StatusType> status = ParseStatus(w[2]);
      if (!status.ok()) return status.status();
      return emulator_.SetStatus(w[1], *status, Rest(w, 3));
    }
    if (command == "send") {
      if (auto s = NeedArgs(w, 3); !s.ok()) return s;
      return emulator_.SendChatMessage(w[1], w[2], Rest(w, 3));
    }
    if (command == "attention") {
      if (auto s = NeedArgs(w, 2); !s.ok()) return s;
      return emulator_.SendAttention(w[1], w[2], Rest(w, 3));
    }
    if (command == "join") {
      if (auto s = NeedArgs(w, 3); !s.ok()) return s;
      return emulator_.JoinRoom(w[1], w[2], w[3], w.size() > 4 ? w[4] : "");
    }
    if (command == "leave") {
      if (auto s = NeedArgs(w, 2); !s.ok()) return s;
      return emulator_.LeaveRoom(w[1], w[2]);
    }
    if (command == "subject") {
      if (auto s = NeedArgs(w, 3); !s.ok()) return s;
      return emulator_.SetRoomSubject(w[1], w[2], Rest(w, 3));
    }
    if (command == "buddy" || command == "remove_buddy") {
      if (auto s = NeedArgs(w, 2); !s.ok()) return s;
      pbnetwork::Buddy buddy;
      buddy.set_username(w[1]);
      buddy.set_buddyname(w[2]);
      if (w.size() > 3) buddy.set_alias(Rest(w, 3));
      buddy.set_status(pbnetwork::STATUS_NONE);
      return command == "buddy" ? emulator_.ChangeBuddy(buddy)
                                : emulator_.RemoveBuddy(buddy);
    }
    if (command == "vcard") {
      int id;
      if (auto s = NeedArgs(w, 3); !s.ok()) return s;
      if (!absl::SimpleAtoi(w[3], &id)) {
        return absl::InvalidArgumentError("vcard ID must be a number");
      }
      return emulator_.RequestVCard(w[1], w[2], id);
    }
    if (command == "typing" || command == "typed" ||
        command == "stopped_typing") {
      if (auto s = NeedArgs(w, 2); !s.ok()) return s;
      const WrapperMessage::Type type =
          command == "typing"  ? WrapperMessage::TYPE_BUDDY_TYPING
          : command == "typed" ? WrapperMessage::TYPE_BUDDY_TYPED
                               : WrapperMessage::TYPE_BUDDY_STOPPED_TYPING;
      return emulator_.SendTyping(type, w[1], w[2]);
    }
    if (command == "raw_xml") return emulator_.SendRawXml(Rest(w, 1));
    if (command == "raw") {
      if (auto s = NeedArgs(w, 1); !s.ok()) return s;
      return emulator_.SendRawBytes(absl::HexStringToBytes(Rest(w, 1)));
    }
    if (command == "ping") return emulator_.SendPing();
    if (command == "exit") return emulator_.SendExit();
    if (command == "wait_connected") {
      if (auto s = NeedArgs(w, 1); !s.ok()) return s;
      return emulator_.WaitForConnected(w[1], timeout);
    }
    if (command == "wait_message") {
      if (auto s = NeedArgs(w, 2); !s.ok()) return s;
      return emulator_
          .WaitForMessage(
              [&w](const pbnetwork::ConversationMessage& m) {
                return m.username() == w[1] && m.buddyname() == w[2];
              },
              timeout)
          .status();
    }
    if (command == "wait") {
      if (auto s = NeedArgs(w, 1); !s.ok()) return s;
      absl::StatusOr<WrapperType> type = ParseTypeName(w[1]);
      if (!type.ok()) return type.status();
      return emulator_.WaitForFrame(*type, nullptr, timeout).status();
    }
    if (command == "wait_exit") {
      absl::StatusOr<int> code = emulator_.WaitForBackendExit(timeout);
      if (!code.ok()) return code.status();
      Print(absl::StrCat("backend exited with code ", *code));
      return absl::OkStatus();
    }
    if (command == "sleep") {
      double seconds;
      if (auto s = NeedArgs(w, 1); !s.ok()) return s;
      if (!absl::SimpleAtod(w[1], &seconds)) {
        return absl::InvalidArgumentError("sleep SECONDS");
      }
      absl::SleepFor(absl::Seconds(seconds));
      return emulator_.Health();
    }
    if (command == "bench") return Bench(w);
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command: ", command));
  }

  absl::Status Bench(const std::vector<std::string>& w) {
    int count;
    if (auto s = NeedArgs(w, 3); !s.ok()) return s;
    if (!absl::SimpleAtoi(w[3], &count) || count <= 0) {
      return absl::InvalidArgumentError("bench N must be a positive number");
    }
    const absl::Time start = absl::Now();
    for (int i = 0; i < count; ++i) {
      absl::Status sent =
          emulator_.SendChatMessage(w[1], w[2], absl::StrCat("bench ", i));
      if (!sent.ok()) return sent;
    }
    for (int i = 0; i < count; ++i) {
      absl::Status got =
          emulator_
              .WaitForMessage(
                  [&w](const pbnetwork::ConversationMessage& m) {
                    return m.username() == w[1] && m.buddyname() == w[2];
                  },
                  absl::GetFlag(FLAGS_timeout))
              .status();
      if (!got.ok()) return got;
    }
    const absl::Duration elapsed = absl::Now() - start;
    Print(absl::StrFormat("bench: %d round trips in %s (%.0f messages/s)",
                          count, absl::FormatDuration(elapsed),
                          count / absl::ToDoubleSeconds(elapsed)));
    return absl::OkStatus();
  }

  SpectrumEmulator& emulator_;
};

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Drives a Spectrum 2 backend from a script; see the source for the "
      "commands.\n  spectrum_emulator_main --backend=PATH --config=FILE "
      "['COMMAND ARGS'...]");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_backend).empty()) {
    std::cerr << "--backend is required\n";
    return 2;
  }
  SpectrumEmulator::Options options;
  options.backend_command =
      absl::StrSplit(absl::GetFlag(FLAGS_backend), ' ', absl::SkipEmpty());
  options.config_path = absl::GetFlag(FLAGS_config);
  options.ping_interval = absl::GetFlag(FLAGS_ping_interval);
  options.connect_timeout = absl::GetFlag(FLAGS_timeout);
  if (absl::GetFlag(FLAGS_print_frames)) {
    options.on_frame = [](const WrapperMessage& wrapper) {
      Print(absl::StrCat("< ", DescribeFrame(wrapper)));
    };
  }
  absl::StatusOr<std::unique_ptr<SpectrumEmulator>> emulator =
      SpectrumEmulator::Start(std::move(options));
  if (!emulator.ok()) {
    std::cerr << "cannot start the backend: " << emulator.status() << "\n";
    return 1;
  }
  Print(absl::StrCat("backend pid ", (*emulator)->backend_pid(),
                     " connected to port ", (*emulator)->port()));

  std::vector<std::string> lines;
  for (size_t i = 1; i < positional.size(); ++i) lines.push_back(positional[i]);
  std::ifstream file;
  std::istream* input = nullptr;
  if (lines.empty()) {
    if (!absl::GetFlag(FLAGS_script).empty()) {
      file.open(absl::GetFlag(FLAGS_script));
      if (!file) {
        std::cerr << "cannot read " << absl::GetFlag(FLAGS_script) << "\n";
        return 2;
      }
      input = &file;
    } else {
      input = &std::cin;
    }
  }
  ScriptRunner runner(**emulator);
  auto run = [&runner](const std::string& line) {
    absl::Status status = runner.Run(line);
    if (!status.ok()) Print(absl::StrCat("FAILED: ", status.ToString()));
    return status.ok();
  };
  for (const std::string& line : lines) {
    if (!run(line)) return 1;
  }
  if (input != nullptr) {
    std::string line;
    while (std::getline(*input, line)) {
      if (!run(line)) return 1;
    }
  }
  absl::Status health = (*emulator)->Health();
  if (!health.ok()) {
    Print(absl::StrCat("FAILED: ", health.ToString()));
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace lilac::spectrum

int main(int argc, char** argv) { return lilac::spectrum::Main(argc, argv); }
