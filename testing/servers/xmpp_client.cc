#include "testing/servers/xmpp_client.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace lilac::testing {
namespace {

std::string StreamHeader(const std::string& domain) {
  return absl::StrCat(
      "<?xml version='1.0'?><stream:stream to='", domain,
      "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
      " version='1.0'>");
}

std::string EscapeXml(const std::string& text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"},
                                    {"'", "&apos;"},
                                    {"\"", "&quot;"}});
}

}  // namespace

absl::StatusOr<std::unique_ptr<XmppClient>> XmppClient::Login(
    int port, const std::string& domain, const std::string& user,
    const std::string& password, const std::string& resource, int priority,
    absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<TcpClient>> socket = TcpClient::Connect(port);
  if (!socket.ok()) return socket.status();
  TcpClient& s = **socket;
  // Each step: what to write, and what the server's answer must contain.
  const std::pair<std::string, std::string> steps[] = {
      {StreamHeader(domain), "</stream:features>"},
      {absl::StrCat(
           "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>",
           absl::Base64Escape(absl::StrCat(std::string(1, '\0'), user,
                                           std::string(1, '\0'), password)),
           "</auth>"),
       "<success"},
      {StreamHeader(domain), "</stream:features>"},
      {absl::StrCat("<iq type='set' id='bind'><bind "
                    "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>",
                    EscapeXml(resource), "</resource></bind></iq>"),
       "</iq>"},
      {"<iq type='set' id='session'><session "
       "xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>",
       "id='session'"},
  };
  for (const auto& [write, expect] : steps) {
    if (absl::Status written = s.Write(write); !written.ok()) return written;
    absl::StatusOr<std::string> read = s.ReadUntil(expect, timeout);
    if (!read.ok()) {
      return absl::Status(read.status().code(),
                          absl::StrCat("XMPP login of ", user, " waiting for ",
                                       expect, ": ", read.status().message()));
    }
    if (read->find("<failure") != std::string::npos) {
      return absl::PermissionDeniedError(
          absl::StrCat("XMPP login of ", user, " refused: ", *read));
    }
  }
  const std::string jid = absl::StrCat(user, "@", domain, "/", resource);
  if (absl::Status sent = s.Write(absl::StrCat("<presence><priority>", priority,
                                               "</priority></presence>"));
      !sent.ok()) {
    return sent;
  }
  return std::unique_ptr<XmppClient>(new XmppClient(*std::move(socket), jid));
}

absl::Status XmppClient::SendChat(const std::string& to,
                                  const std::string& body) {
  return Send(absl::StrCat("<message type='chat' to='", EscapeXml(to),
                           "'><body>", EscapeXml(body), "</body></message>"));
}

absl::Status XmppClient::Send(absl::string_view stanza) {
  return socket_->Write(stanza);
}

absl::StatusOr<std::string> XmppClient::ReadUntil(absl::string_view needle,
                                                  absl::Duration timeout) {
  return socket_->ReadUntil(needle, timeout);
}

}  // namespace lilac::testing
