#include "backend/api/request_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

TEST(RequestValidationTest, LoginNeedsSessionProtocolAndUsername) {
  v1::LoginRequest login;
  EXPECT_THAT(Message(Validate(login)), HasSubstr("session is required"));
  login.set_session("alice");
  EXPECT_THAT(Message(Validate(login)), HasSubstr("protocol is required"));
  login.set_protocol("prpl-fake");
  EXPECT_THAT(Message(Validate(login)), HasSubstr("username is required"));
  login.set_username("alice");
  EXPECT_TRUE(Validate(login).ok());
  (*login.mutable_settings())[""] = "x";
  EXPECT_EQ(Validate(login).code(), absl::StatusCode::kInvalidArgument);
}

TEST(RequestValidationTest, LoginConnectTimeoutIsBounded) {
  v1::LoginRequest login;
  login.set_session("alice");
  login.set_protocol("prpl-irc");
  login.set_username("alice@irc.example.org");
  EXPECT_TRUE(Validate(login).ok());  // absent: the default
  login.mutable_connect_timeout()->set_seconds(1);
  EXPECT_TRUE(Validate(login).ok());
  login.mutable_connect_timeout()->set_seconds(3600);
  EXPECT_TRUE(Validate(login).ok());
  login.mutable_connect_timeout()->set_seconds(3601);
  const absl::Status too_long = Validate(login);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(too_long),
              HasSubstr("connect_timeout must be from 1s to 1h"));
  login.mutable_connect_timeout()->set_seconds(-1);
  EXPECT_FALSE(Validate(login).ok());
}

TEST(RequestValidationTest, ChatWaitsAreBoundedAndServersAreNames) {
  v1::SetChatSubjectRequest subject;
  subject.set_session("alice");
  subject.set_chat("#lilac");
  EXPECT_TRUE(Validate(subject).ok());  // no timeout: the default
  subject.mutable_timeout()->set_seconds(301);
  EXPECT_THAT(Message(Validate(subject)),
              HasSubstr("timeout must be from 1s to 5m"));
  subject.mutable_timeout()->set_seconds(300);
  EXPECT_TRUE(Validate(subject).ok());

  v1::ListChatsRequest list;
  list.set_session("alice");
  EXPECT_TRUE(Validate(list).ok());  // no server: the plugin's suggestion
  list.set_server("conference.example.org");
  EXPECT_TRUE(Validate(list).ok());
  list.set_server("conference\nexample");
  EXPECT_THAT(Message(Validate(list)), HasSubstr("server contains a control"));
  list.set_server("conference.example.org");
  list.mutable_timeout()->set_nanos(500000000);
  EXPECT_EQ(Validate(list).code(), absl::StatusCode::kInvalidArgument);

  v1::GetCapabilitiesRequest capabilities;
  EXPECT_THAT(Message(Validate(capabilities)),
              HasSubstr("session is required"));
  capabilities.set_session("alice");
  EXPECT_TRUE(Validate(capabilities).ok());
  capabilities.set_chat(std::string(kMaxNameBytes + 1, 'x'));
  EXPECT_THAT(Message(Validate(capabilities)), HasSubstr("chat is longer"));

  v1::GetUserInfoRequest info;
  info.set_session("alice");
  info.set_name("bob");
  info.set_chat("#lilac\x7f");
  EXPECT_THAT(Message(Validate(info)), HasSubstr("chat contains a control"));
}

TEST(RequestValidationTest, ReconnectDelaysAreBounded) {
  v1::LoginRequest login;
  login.set_session("alice");
  login.set_protocol("prpl-irc");
  login.set_username("alice@irc.example.org");
  login.mutable_reconnect()->mutable_initial_delay()->set_nanos(100000000);
  login.mutable_reconnect()->mutable_max_delay()->set_seconds(60);
  EXPECT_TRUE(Validate(login).ok());
  login.mutable_reconnect()->mutable_initial_delay()->set_nanos(1000);
  EXPECT_THAT(Message(Validate(login)),
              HasSubstr("reconnect.initial_delay must be from 100ms to 1h"));
  login.mutable_reconnect()->mutable_initial_delay()->set_nanos(100000000);
  login.mutable_reconnect()->mutable_max_delay()->set_seconds(7200);
  EXPECT_THAT(Message(Validate(login)),
              HasSubstr("reconnect.max_delay must be from 100ms to 1h"));
}

TEST(RequestValidationTest, UpdateBuddyMaskNamesKnownFields) {
  v1::UpdateBuddyRequest update;
  update.set_session("alice");
  update.set_name("bob");
  update.mutable_update_mask()->add_paths("alias");
  EXPECT_TRUE(Validate(update).ok());  // an empty alias clears it
  update.mutable_update_mask()->add_paths("nickname");
  EXPECT_THAT(Message(Validate(update)), HasSubstr("\"nickname\""));
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("groups");
  EXPECT_THAT(Message(Validate(update)), HasSubstr("groups must not be empty"));
  update.add_groups("Friends");
  EXPECT_TRUE(Validate(update).ok());
}

TEST(RequestValidationTest, SavedSettingsNeedKeyAndValueAndStayBounded) {
  v1::LoginRequest login;
  login.set_session("s");
  login.set_protocol("prpl-fake");
  login.set_username("alice");
  v1::AccountSetting* saved = login.add_saved_settings();
  EXPECT_THAT(Message(Validate(login)),
              HasSubstr("saved_settings key is required"));
  saved->set_key("token");
  EXPECT_THAT(Message(Validate(login)),
              HasSubstr("saved_settings[token] has no value"));
  saved->set_string_value(std::string(kMaxSavedSettingBytes + 1, 't'));
  EXPECT_THAT(Message(Validate(login)),
              HasSubstr("saved_settings[token] is longer than"));
  saved->set_int_value(3);
  EXPECT_TRUE(Validate(login).ok());
  for (int i = 0; i < kMaxSavedSettings; ++i) {
    login.add_saved_settings()->CopyFrom(*saved);
  }
  EXPECT_THAT(Message(Validate(login)),
              HasSubstr("saved_settings has more than 256"));
}

TEST(RequestValidationTest, NamesAreBoundedAndPrintable) {
  v1::LogoutRequest logout;
  logout.set_session(std::string(kMaxNameBytes + 1, 'a'));
  EXPECT_THAT(Message(Validate(logout)), HasSubstr("longer than"));
  logout.set_session("bad\nname");
  EXPECT_THAT(Message(Validate(logout)), HasSubstr("control character"));
}

TEST(RequestValidationTest, MessagesNeedTextAndStayBounded) {
  v1::SendMessageRequest send;
  send.set_session("alice");
  send.set_to("bob");
  EXPECT_THAT(Message(Validate(send)), HasSubstr("text or html"));
  send.set_text(std::string(kMaxMessageBytes + 1, 'x'));
  EXPECT_THAT(Message(Validate(send)), HasSubstr("text is longer"));
  send.set_text("hi");
  EXPECT_TRUE(Validate(send).ok());
}

TEST(RequestValidationTest, EnumsMustBeChosen) {
  v1::SetStatusRequest status;
  status.set_session("alice");
  EXPECT_EQ(Validate(status).code(), absl::StatusCode::kInvalidArgument);
  status.set_presence(v1::PRESENCE_OFFLINE);
  EXPECT_EQ(Validate(status).code(), absl::StatusCode::kInvalidArgument);
  status.set_presence(v1::PRESENCE_AWAY);
  EXPECT_TRUE(Validate(status).ok());

  v1::SendTypingRequest typing;
  typing.set_session("alice");
  typing.set_to("bob");
  EXPECT_EQ(Validate(typing).code(), absl::StatusCode::kInvalidArgument);
}

TEST(RequestValidationTest, IdsMustBeSet) {
  v1::AnswerRequestRequest answer;
  answer.set_session("alice");
  EXPECT_THAT(Message(Validate(answer)), HasSubstr("request_id is required"));
  answer.set_request_id(7);
  EXPECT_TRUE(Validate(answer).ok());
}

TEST(RequestValidationTest, PrivateChatMessagesNameTheParticipantSafely) {
  v1::SendChatMessageRequest message;
  message.set_session("alice");
  message.set_chat("lounge");
  message.set_text("psst");
  EXPECT_TRUE(Validate(message).ok());
  message.set_private_to("bob");
  EXPECT_TRUE(Validate(message).ok());
  message.set_private_to("bob\nPRIVMSG #other :spoofed");
  EXPECT_THAT(Message(Validate(message)), HasSubstr("private_to"));
  message.set_private_to(std::string(2000, 'b'));
  EXPECT_THAT(Message(Validate(message)), HasSubstr("private_to"));
}

TEST(RequestValidationTest, FilesHaveSafeNames) {
  v1::SendFileRequest file;
  file.set_session("alice");
  file.set_to("bob");
  file.set_filename("../etc/passwd");
  EXPECT_THAT(Message(Validate(file)), HasSubstr("'/'"));
  file.set_filename("notes.txt");
  EXPECT_THAT(Message(Validate(file)), HasSubstr("size is required"));
  file.set_size(10);
  EXPECT_TRUE(Validate(file).ok());
  file.set_data(std::string(11, 'x'));
  EXPECT_THAT(Message(Validate(file)), HasSubstr("more bytes than size"));
}

TEST(RequestValidationTest, FileChunksComeInOrderWithinTheSize) {
  v1::SendFileRequest chunk;
  chunk.set_data("abc");
  chunk.set_offset(10);
  EXPECT_TRUE(ValidateFileChunk(chunk, 10, 20).ok());
  EXPECT_THAT(Message(ValidateFileChunk(chunk, 13, 20)), HasSubstr("repeated"));
  EXPECT_THAT(Message(ValidateFileChunk(chunk, 7, 20)),
              HasSubstr("out of order"));
  EXPECT_THAT(Message(ValidateFileChunk(chunk, 10, 12)),
              HasSubstr("more bytes than size"));
  chunk.set_session("alice");
  EXPECT_THAT(Message(ValidateFileChunk(chunk, 10, 20)),
              HasSubstr("first message only"));
}

}  // namespace
TEST(RequestValidationTest, StreamEventsRequestsAreChecked) {
  v1::StreamEventsRequest request;
  EXPECT_THAT(Message(Validate(request)),
              HasSubstr("name at least one session or set all_sessions"));
  request.set_all_sessions(true);
  EXPECT_TRUE(Validate(request).ok());
  request.add_omit(v1::EVENT_KIND_MESSAGE_SEND_RESULT);
  EXPECT_TRUE(Validate(request).ok());
  request.add_omit(v1::EVENT_KIND_GAP);
  EXPECT_THAT(Message(Validate(request)),
              HasSubstr("EVENT_KIND_GAP is not an event kind that can be "
                        "omitted"));
  request.clear_omit();
  request.add_omit(static_cast<v1::EventKind>(999));
  EXPECT_THAT(Message(Validate(request)), HasSubstr("omit: 999"));
  request.clear_omit();
  request.mutable_heartbeat_interval()->set_nanos(500000000);
  EXPECT_THAT(Message(Validate(request)),
              HasSubstr("heartbeat_interval must be from 1s to 1h"));
  request.clear_heartbeat_interval();
  request.add_sessions()->set_session("");
  EXPECT_THAT(Message(Validate(request)), HasSubstr("sessions[].session"));
  request.mutable_sessions(0)->set_session("alice");
  request.mutable_sessions(0)->set_instance_id(std::string(2000, 'a'));
  EXPECT_THAT(Message(Validate(request)), HasSubstr("instance_id"));
}

}  // namespace lilac
