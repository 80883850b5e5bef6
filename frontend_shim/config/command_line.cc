#include "frontend_shim/config/command_line.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace lilac::shim {
namespace {

// Spectrum's own options that take a value in the next argument.
bool TakesValue(const std::string& option) {
  return option == "-j" || option == "--jid" || option == "-h" ||
         option == "--host" || option == "-p" || option == "--port" ||
         option == "--config";
}

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& args) {
  CommandLine line;
  std::string port_text;
  bool have_port = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      line.config_path = arg;  // the last positional wins
      continue;
    }
    std::string name = arg;
    std::string value;
    bool has_value = false;
    const size_t equals = arg.find('=');
    if (absl::StartsWith(arg, "--") && equals != std::string::npos) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
      has_value = true;
    } else if (TakesValue(arg)) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("option ", arg, " needs a value"));
      }
      value = args[++i];
      has_value = true;
    }
    if (name == "--host" || name == "-h") {
      line.host = value;
    } else if (name == "--port" || name == "-p") {
      port_text = value;
      have_port = true;
    } else if (name == "--config") {
      line.config_path = value;
    } else if (name == "-j" || name == "--jid" || name == "-n" ||
               name == "--no-daemonize" || name == "-d" ||
               name == "--no-debug") {
      // Spectrum's own; -j is not applied by backends either (§2.3).
    } else if (has_value && absl::StartsWith(name, "--") &&
               name.find('.') != std::string::npos) {
      line.overrides[name.substr(2)] = value;
    } else {
      line.ignored.push_back(arg);
    }
  }
  if (have_port && (!absl::SimpleAtoi(port_text, &line.port) ||
                    line.port <= 0 || line.port > 65535)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--port '", port_text, "' is not a port number"));
  }
  if (line.host.empty()) line.host = "127.0.0.1";
  if (line.config_path.empty()) {
    return absl::InvalidArgumentError(
        "no config file: it is the last argument, as Spectrum passes it");
  }
  return line;
}

}  // namespace lilac::shim
