#include "backend/server/listen_address.h"

#include <arpa/inet.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace lilac {
namespace {

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

absl::StatusOr<ListenAddress> ParseUnix(absl::string_view path) {
  if (path.empty()) {
    return absl::InvalidArgumentError("unix socket path is empty");
  }
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unix socket path is longer than ",
                     sizeof(sockaddr_un{}.sun_path) - 1, " bytes: ", path));
  }
  ListenAddress address;
  address.kind = ListenAddress::Kind::kUnix;
  address.path = std::string(path);
  const size_t slash = address.path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : address.path.substr(0, slash + 1);
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create unix socket ", address.path, ": directory ",
                     dir, " is not usable (", std::strerror(errno), ")"));
  }
  return address;
}

}  // namespace

std::string ListenAddress::ToGrpcTarget() const {
  if (kind == Kind::kUnix) return absl::StrCat("unix:", path);
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view text,
                                                 bool allow_remote) {
  if (absl::ConsumePrefix(&text, "unix:")) return ParseUnix(text);

  ListenAddress address;
  address.kind = ListenAddress::Kind::kTcp;
  absl::string_view port_text;
  if (absl::ConsumePrefix(&text, "[")) {
    const size_t close = text.find("]:");
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected [IPV6]:PORT, got [", text));
    }
    address.host = std::string(text.substr(0, close));
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == absl::string_view::npos || colon == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected HOST:PORT or unix:PATH, got \"", text, "\""));
    }
    address.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (!absl::SimpleAtoi(port_text, &address.port) || address.port < 0 ||
      address.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "port must be a number from 0 to 65535, got \"", port_text, "\""));
  }
  if (!allow_remote && !IsLoopback(address.host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "refusing to listen on non-loopback host ", address.host,
        " (lilacd carries passwords); pass --allow_remote_listen to do it "
        "anyway"));
  }
  return address;
}

}  // namespace lilac
