#include "backend/api/request_validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/proto/duration.h"

namespace lilac {
namespace {

// Checks a required name-like field: present, bounded, no control characters.
absl::Status Name(const char* field, const std::string& value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (value.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", kMaxNameBytes, " bytes"));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " contains a control character"));
    }
  }
  return absl::OkStatus();
}

absl::Status Text(const char* field, const std::string& value) {
  if (value.size() > kMaxMessageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", kMaxMessageBytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status Id(const char* field, uint64_t value) {
  if (value == 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  return absl::OkStatus();
}

// The first error, or OK.
absl::Status All(std::initializer_list<absl::Status> checks) {
  for (const absl::Status& check : checks) {
    if (!check.ok()) return check;
  }
  return absl::OkStatus();
}

absl::Status Session(const std::string& session) {
  return Name("session", session);
}

// A name-like field that may be empty.
absl::Status OptionalName(const char* field, const std::string& value) {
  return value.empty() ? absl::OkStatus() : Name(field, value);
}

absl::Status WaitTimeout(const google::protobuf::Duration& timeout) {
  return CheckProtoDuration("timeout", timeout, kMinWaitTimeout,
                            kMaxWaitTimeout);
}

}  // namespace

absl::Status Validate(const v1::LoginRequest& r) {
  absl::Status status =
      All({Session(r.session()), Name("protocol", r.protocol()),
           Name("username", r.username()), Text("password", r.password())});
  if (!status.ok()) return status;
  for (const auto& [key, value] : r.settings()) {
    if (absl::Status s = All({Name("settings key", key),
                              Text(("settings[" + key + "]").c_str(), value)});
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [key, value] : r.account_strings()) {
    if (absl::Status s =
            All({Name("account_strings key", key),
                 Text(("account_strings[" + key + "]").c_str(), value)});
        !s.ok()) {
      return s;
    }
  }
  if (r.saved_settings_size() > kMaxSavedSettings) {
    return absl::InvalidArgumentError(absl::StrCat(
        "saved_settings has more than ", kMaxSavedSettings, " settings"));
  }
  for (const v1::AccountSetting& saved : r.saved_settings()) {
    if (absl::Status s = Name("saved_settings key", saved.key()); !s.ok()) {
      return s;
    }
    if (saved.value_case() == v1::AccountSetting::VALUE_NOT_SET) {
      return absl::InvalidArgumentError(
          absl::StrCat("saved_settings[", saved.key(), "] has no value"));
    }
    if (saved.string_value().size() > kMaxSavedSettingBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("saved_settings[", saved.key(), "] is longer than ",
                       kMaxSavedSettingBytes, " bytes"));
    }
  }
  if (r.has_proxy() && r.proxy().type() != v1::Proxy::TYPE_NONE &&
      r.proxy().type() != v1::Proxy::TYPE_UNSPECIFIED) {
    if (absl::Status s = Name("proxy.host", r.proxy().host()); !s.ok()) {
      return s;
    }
    if (r.proxy().port() <= 0 || r.proxy().port() > 65535) {
      return absl::InvalidArgumentError("proxy.port must be from 1 to 65535");
    }
  }
  if (absl::Status s =
          CheckProtoDuration("connect_timeout", r.connect_timeout(),
                             absl::Seconds(1), kMaxConnectTimeout);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckProtoDuration(
          "reconnect.initial_delay", r.reconnect().initial_delay(),
          kMinReconnectDelay, kMaxReconnectDelay);
      !s.ok()) {
    return s;
  }
  return CheckProtoDuration("reconnect.max_delay", r.reconnect().max_delay(),
                            kMinReconnectDelay, kMaxReconnectDelay);
}

absl::Status Validate(const v1::LoadPluginRequest& r) {
  return Name("plugin", r.plugin());
}

absl::Status Validate(const v1::LogoutRequest& r) {
  return Session(r.session());
}
absl::Status Validate(const v1::ListProtocolsRequest&) {
  return absl::OkStatus();
}

absl::Status Validate(const v1::ListPluginsRequest&) {
  return absl::OkStatus();
}

absl::Status Validate(const v1::ListSessionsRequest&) {
  return absl::OkStatus();
}

absl::Status Validate(const v1::GetSessionRequest& r) {
  return Session(r.session());
}

absl::Status Validate(const v1::SetStatusRequest& r) {
  if (r.presence() == v1::PRESENCE_UNSPECIFIED ||
      r.presence() == v1::PRESENCE_OFFLINE) {
    return absl::InvalidArgumentError(
        "presence must be AVAILABLE, AWAY, EXTENDED_AWAY, DO_NOT_DISTURB or "
        "INVISIBLE (log out to go offline)");
  }
  return All({Session(r.session()), Text("message", r.message())});
}

absl::Status Validate(const v1::ListBuddiesRequest& r) {
  return Session(r.session());
}
absl::Status Validate(const v1::AddBuddyRequest& r) {
  absl::Status status = All(
      {Session(r.session()), Name("name", r.name()), Text("alias", r.alias())});
  if (!status.ok()) return status;
  for (const std::string& group : r.groups()) {
    if (absl::Status s = Name("groups[]", group); !s.ok()) return s;
  }
  return absl::OkStatus();
}
absl::Status Validate(const v1::RemoveBuddyRequest& r) {
  return All({Session(r.session()), Name("name", r.name())});
}
absl::Status Validate(const v1::UpdateBuddyRequest& r) {
  absl::Status status = All(
      {Session(r.session()), Name("name", r.name()), Text("alias", r.alias())});
  if (!status.ok()) return status;
  for (const std::string& group : r.groups()) {
    if (absl::Status s = Name("groups[]", group); !s.ok()) return s;
  }
  for (const std::string& path : r.update_mask().paths()) {
    if (path != "alias" && path != "groups") {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path,
                       "\" is not a field UpdateBuddy changes; "
                       "\"alias\" or \"groups\""));
    }
    if (path == "groups" && r.groups().empty()) {
      return absl::InvalidArgumentError(
          "groups must not be empty when update_mask has \"groups\": a buddy "
          "is in at least one group");
    }
  }
  return absl::OkStatus();
}
absl::Status Validate(const v1::SetBuddyBlockedRequest& r) {
  return All({Session(r.session()), Name("name", r.name())});
}
absl::Status Validate(const v1::GetBuddyIconRequest& r) {
  return All({Session(r.session()), Name("name", r.name())});
}
absl::Status Validate(const v1::AnswerAuthorizationRequest& r) {
  return All(
      {Session(r.session()), Id("authorization_id", r.authorization_id())});
}

absl::Status Validate(const v1::SendMessageRequest& r) {
  absl::Status status = All({Session(r.session()), Name("to", r.to()),
                             Text("text", r.text()), Text("html", r.html()),
                             Text("client_message_id", r.client_message_id())});
  if (!status.ok()) return status;
  if (r.text().empty() && r.html().empty()) {
    return absl::InvalidArgumentError("text or html is required");
  }
  return absl::OkStatus();
}
absl::Status Validate(const v1::SendTypingRequest& r) {
  if (r.state() == v1::TYPING_STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError("state is required");
  }
  return All({Session(r.session()), Name("to", r.to())});
}
absl::Status Validate(const v1::SendAttentionRequest& r) {
  return All({Session(r.session()), Name("to", r.to())});
}
absl::Status Validate(const v1::MarkReadRequest& r) {
  return All({Session(r.session()), Name("conversation", r.conversation())});
}

absl::Status Validate(const v1::ListChatFieldsRequest& r) {
  return Session(r.session());
}
absl::Status Validate(const v1::JoinChatRequest& r) {
  absl::Status status =
      All({Session(r.session()), Name("chat", r.chat()),
           Text("nickname", r.nickname()), Text("password", r.password())});
  if (!status.ok()) return status;
  for (const auto& [key, value] : r.fields()) {
    if (absl::Status s =
            All({Name("fields key", key), Text("fields value", value)});
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}
absl::Status Validate(const v1::LeaveChatRequest& r) {
  return All({Session(r.session()), Name("chat", r.chat())});
}
absl::Status Validate(const v1::SendChatMessageRequest& r) {
  absl::Status status = All({Session(r.session()), Name("chat", r.chat()),
                             Text("text", r.text()), Text("html", r.html()),
                             Text("client_message_id", r.client_message_id()),
                             OptionalName("private_to", r.private_to())});
  if (!status.ok()) return status;
  if (r.text().empty() && r.html().empty()) {
    return absl::InvalidArgumentError("text or html is required");
  }
  return absl::OkStatus();
}
absl::Status Validate(const v1::SetChatSubjectRequest& r) {
  return All({Session(r.session()), Name("chat", r.chat()),
              Text("subject", r.subject()), WaitTimeout(r.timeout())});
}
absl::Status Validate(const v1::AnswerChatInvitationRequest& r) {
  return All({Session(r.session()), Id("invitation_id", r.invitation_id())});
}
absl::Status Validate(const v1::ListChatsRequest& r) {
  return All({Session(r.session()), OptionalName("server", r.server()),
              WaitTimeout(r.timeout())});
}
absl::Status Validate(const v1::GetCapabilitiesRequest& r) {
  return All({Session(r.session()), OptionalName("chat", r.chat())});
}
absl::Status Validate(const v1::GetUserInfoRequest& r) {
  return All({Session(r.session()), Name("name", r.name()),
              OptionalName("chat", r.chat())});
}
absl::Status Validate(const v1::SetProfileRequest& r) {
  if (!r.has_nickname() && !r.has_avatar()) {
    return absl::InvalidArgumentError("set nickname, avatar or both");
  }
  return All({Session(r.session()), Text("nickname", r.nickname()),
              r.avatar().size() > kMaxMessageBytes * 8
                  ? absl::InvalidArgumentError("avatar is larger than 8 MiB")
                  : absl::OkStatus()});
}
absl::Status Validate(const v1::AnswerRequestRequest& r) {
  return All({Session(r.session()), Id("request_id", r.request_id()),
              Text("text", r.text())});
}
absl::Status Validate(const v1::CancelRequestRequest& r) {
  return All({Session(r.session()), Id("request_id", r.request_id())});
}
absl::Status Validate(const v1::FetchFileRequest& r) {
  return All({Session(r.session()), Id("transfer_id", r.transfer_id())});
}
absl::Status Validate(const v1::SendFileRequest& r) {
  absl::Status status = All({Session(r.session()), Name("to", r.to()),
                             Name("filename", r.filename())});
  if (!status.ok()) return status;
  if (r.filename().find('/') != std::string::npos) {
    return absl::InvalidArgumentError("filename must not contain '/'");
  }
  if (r.size() == 0) {
    // libpurple would wait forever for the first byte of an empty file.
    return absl::InvalidArgumentError(
        "size is required: files of 0 bytes cannot be sent");
  }
  if (r.size() > kMaxFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("size is larger than ", kMaxFileBytes, " bytes"));
  }
  if (r.offset() != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "offset of the first message must be 0, not ", r.offset()));
  }
  return ValidateFileChunk(r, 0, r.size(), /*first=*/true);
}

absl::Status ValidateFileChunk(const v1::SendFileRequest& r, uint64_t received,
                               uint64_t size, bool first) {
  if (!first && (!r.session().empty() || !r.to().empty() ||
                 !r.filename().empty() || r.size() != 0)) {
    return absl::InvalidArgumentError(
        "session, to, filename and size belong in the first message only");
  }
  if (!first && r.data().empty()) {
    return absl::InvalidArgumentError(
        "data is required in every message after the first");
  }
  if (r.data().size() > kMaxFileChunkBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("data is larger than ", kMaxFileChunkBytes,
                     " bytes: send the file in smaller chunks"));
  }
  if (r.offset() != received) {
    return absl::InvalidArgumentError(absl::StrCat(
        "offset ", r.offset(), " is not the ", received,
        " bytes received so far (a chunk out of order, repeated or missing)"));
  }
  if (r.data().size() > size - received) {
    return absl::InvalidArgumentError(absl::StrCat(
        "more bytes than size: ", received + r.data().size(), " of ", size));
  }
  return absl::OkStatus();
}

bool CanBeOmitted(int kind) {
  return kind != v1::EVENT_KIND_UNSPECIFIED && kind != v1::EVENT_KIND_GAP &&
         kind != v1::EVENT_KIND_SESSION_ENDED && v1::EventKind_IsValid(kind);
}

absl::Status Validate(const v1::StreamEventsRequest& r) {
  for (int kind : r.omit()) {
    if (CanBeOmitted(kind)) continue;
    std::vector<std::string> names;
    const google::protobuf::EnumDescriptor* kinds = v1::EventKind_descriptor();
    for (int i = 0; i < kinds->value_count(); ++i) {
      if (CanBeOmitted(kinds->value(i)->number())) {
        names.push_back(kinds->value(i)->name());
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat("omit: ",
                     v1::EventKind_IsValid(kind) ? v1::EventKind_Name(kind)
                                                 : absl::StrCat(kind),
                     " is not an event kind that can be omitted; one of ",
                     absl::StrJoin(names, ", ")));
  }
  if (absl::Status s =
          CheckProtoDuration("heartbeat_interval", r.heartbeat_interval(),
                             kMinHeartbeatInterval, kMaxHeartbeatInterval);
      !s.ok()) {
    return s;
  }
  for (const v1::SessionCursor& cursor : r.sessions()) {
    if (absl::Status s = Session(cursor.session()); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("sessions[].", s.message()));
    }
    if (cursor.instance_id().size() > kMaxNameBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sessions[].instance_id is longer than ", kMaxNameBytes, " bytes"));
    }
  }
  if (r.sessions().empty() && !r.all_sessions()) {
    return absl::InvalidArgumentError(
        "name at least one session or set all_sessions");
  }
  return absl::OkStatus();
}

}  // namespace lilac
