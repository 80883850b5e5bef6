// Fuzzes ParseSettings: the input is a 2-byte little-endian length L, then L
// bytes of a serialized v1::Protocol (the plugin's options), then a serialized
// v1::LoginRequest (settings, account_strings and how undeclared keys are
// treated). Shorter inputs
// are settings for a fixed set of options of every type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "backend/host/settings.h"
#include "google/protobuf/stubs/logging.h"
#include "lilac/v1/protocols.pb.h"
#include "lilac/v1/sessions.pb.h"

namespace lilac {
namespace {

v1::Protocol FixedOptions() {
  v1::Protocol protocol;
  v1::AccountOption* flag = protocol.add_options();
  flag->set_key("use-tls");
  flag->set_type(v1::AccountOption::TYPE_BOOL);
  flag->set_bool_default(true);
  v1::AccountOption* port = protocol.add_options();
  port->set_key("port");
  port->set_type(v1::AccountOption::TYPE_INT);
  port->set_int_default(5222);
  v1::AccountOption* server = protocol.add_options();
  server->set_key("server");
  server->set_type(v1::AccountOption::TYPE_STRING);
  v1::AccountOption* mode = protocol.add_options();
  mode->set_key("mode");
  mode->set_type(v1::AccountOption::TYPE_STRING_LIST);
  mode->add_choices()->set_value("fast");
  mode->add_choices()->set_value("safe");
  return protocol;
}

void Check(const v1::Protocol& protocol, const v1::LoginRequest& request) {
  const Undeclared undeclared =
      request.undeclared_settings_as_strings() ? Undeclared::kSetAsString
      : request.ignore_unknown_settings()      ? Undeclared::kIgnore
                                               : Undeclared::kRefuse;
  // Every account string is accounted for: typed, ignored or left to the
  // settings.
  const ParsedSettings strings = ParseAccountStrings(
      protocol.options(), request.account_strings(), request.settings());
  size_t shared = 0;
  for (const auto& [key, value] : request.account_strings()) {
    shared += request.settings().count(key);
  }
  if (strings.settings.size() + strings.ignored.size() + shared !=
      static_cast<size_t>(request.account_strings_size())) {
    std::abort();
  }
  absl::StatusOr<ParsedSettings> parsed =
      ParseSettings(protocol.options(), request.settings(), undeclared);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument ||
        parsed.status().message().empty()) {
      std::abort();
    }
    return;
  }
  // Every setting is accounted for: typed or ignored; undeclared ones only
  // when asked for.
  if (parsed->settings.size() + parsed->ignored.size() !=
          static_cast<size_t>(request.settings_size()) ||
      (undeclared != Undeclared::kSetAsString && !parsed->undeclared.empty())) {
    std::abort();
  }
}

}  // namespace
}  // namespace lilac

// Parsing invalid UTF-8 in string fields is an expected failure; protobuf's
// log line for each would slow fuzzing a hundredfold.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lilac::v1::Protocol protocol;
  lilac::v1::LoginRequest request;
  if (size >= 2) {
    const size_t length = data[0] | (static_cast<size_t>(data[1]) << 8);
    if (length <= size - 2) {
      if (!protocol.ParseFromArray(data + 2, static_cast<int>(length)) ||
          !request.ParseFromArray(data + 2 + length,
                                  static_cast<int>(size - 2 - length))) {
        return 0;
      }
      lilac::Check(protocol, request);
      return 0;
    }
  }
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  lilac::Check(lilac::FixedOptions(), request);
  return 0;
}
