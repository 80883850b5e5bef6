#include "testing/integration/real_servers/lilacd_fixture.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace lilac::testing {

void LilacdTest::SetUp() {
  LilacdProcess::Options options;
  options.extra_flags = LilacdFlags();
  absl::StatusOr<std::unique_ptr<LilacdProcess>> lilacd =
      LilacdProcess::Start(options);
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  lilacd_ = *std::move(lilacd);
  client_ = std::make_unique<LilacClient>(lilacd_->NewChannel());
}

absl::StatusOr<v1::LoginResponse> LilacdTest::Login(
    const std::string& session, const std::string& protocol,
    const std::string& username, const std::string& password,
    const std::map<std::string, std::string>& settings) {
  v1::LoginRequest request;
  request.set_session(session);
  request.set_protocol(protocol);
  request.set_username(username);
  request.set_password(password);
  for (const auto& [key, value] : settings) {
    (*request.mutable_settings())[key] = value;
  }
  v1::LoginResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::Login, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return response;
}

v1::Protocol LilacdTest::DescribeProtocol(const std::string& id) {
  v1::ListProtocolsResponse protocols;
  grpc::Status status = Call(&v1::LilacService::Stub::ListProtocols,
                             v1::ListProtocolsRequest(), &protocols);
  EXPECT_TRUE(status.ok()) << status.error_message();
  for (const v1::Protocol& protocol : protocols.protocols()) {
    if (protocol.id() == id) return protocol;
  }
  ADD_FAILURE() << "lilacd did not load " << id;
  return v1::Protocol();
}

absl::StatusOr<v1::Event> LilacdTest::Next(
    const std::string& session, v1::Event::KindCase kind,
    std::function<bool(const v1::Event&)> predicate) {
  const uint64_t after = cursor_[session];
  auto matches = [&session, kind, &predicate, after](const v1::Event& event) {
    return event.session() == session && event.sequence() > after &&
           event.kind_case() == kind &&
           (predicate == nullptr || predicate(event));
  };
  // Events already recorded first: the client's own cursor may have moved past
  // them while waiting for another session's event.
  absl::StatusOr<v1::Event> found = absl::NotFoundError("");
  for (const v1::Event& event : client_->Events()) {
    if (matches(event)) {
      found = event;
      break;
    }
  }
  // Then the ones still to come (anything recorded after the snapshot lies
  // beyond the client's cursor, which only this thread moves).
  if (!found.ok()) found = client_->WaitFor(matches);
  if (found.ok()) cursor_[session] = found->sequence();
  return found;
}

absl::StatusOr<v1::Event> LilacdTest::NextConnection(
    const std::string& session, v1::ConnectionState state) {
  return Next(session, v1::Event::kConnectionChanged,
              [state](const v1::Event& event) {
                return event.connection_changed().state() == state;
              });
}

v1::SendMessageResponse LilacdTest::SendIm(const std::string& session,
                                           const std::string& to,
                                           const std::string& text,
                                           const std::string& html) {
  v1::SendMessageRequest request;
  request.set_session(session);
  request.set_to(to);
  request.set_text(text);
  request.set_html(html);
  v1::SendMessageResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::SendMessage, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

void LilacdTest::JoinChat(const std::string& session, const std::string& room,
                          const std::string& nickname,
                          const std::map<std::string, std::string>& fields) {
  v1::JoinChatRequest request;
  request.set_session(session);
  request.set_chat(room);
  request.set_nickname(nickname);
  for (const auto& [key, value] : fields) {
    (*request.mutable_fields())[key] = value;
  }
  v1::JoinChatResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::JoinChat, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

v1::SendChatMessageResponse LilacdTest::SendToRoom(const std::string& session,
                                                   const std::string& room,
                                                   const std::string& text) {
  v1::SendChatMessageRequest request;
  request.set_session(session);
  request.set_chat(room);
  request.set_text(text);
  v1::SendChatMessageResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::SendChatMessage, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

void LilacdTest::Logout(const std::string& session) {
  v1::LogoutRequest request;
  request.set_session(session);
  v1::LogoutResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::Logout, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  absl::StatusOr<v1::Event> ended = Next(session, v1::Event::kSessionEnded);
  ASSERT_TRUE(ended.ok()) << ended.status();
}

}  // namespace lilac::testing
