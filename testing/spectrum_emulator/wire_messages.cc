#include "testing/spectrum_emulator/wire_messages.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"

namespace lilac::spectrum {
namespace {

using pbnetwork::WrapperMessage;

constexpr size_t kMaxDescriptionSize = 600;

}  // namespace

std::unique_ptr<google::protobuf::Message> NewPayloadFor(WrapperType type) {
  switch (type) {
    case WrapperMessage::TYPE_CONNECTED:
      return std::make_unique<pbnetwork::Connected>();
    case WrapperMessage::TYPE_DISCONNECTED:
      return std::make_unique<pbnetwork::Disconnected>();
    case WrapperMessage::TYPE_LOGIN:
      return std::make_unique<pbnetwork::Login>();
    case WrapperMessage::TYPE_LOGOUT:
      return std::make_unique<pbnetwork::Logout>();
    case WrapperMessage::TYPE_BUDDY_CHANGED:
    case WrapperMessage::TYPE_BUDDY_REMOVED:
    case WrapperMessage::TYPE_BUDDY_TYPING:
    case WrapperMessage::TYPE_BUDDY_STOPPED_TYPING:
    case WrapperMessage::TYPE_BUDDY_TYPED:
    case WrapperMessage::TYPE_AUTH_REQUEST:
      return std::make_unique<pbnetwork::Buddy>();
    case WrapperMessage::TYPE_CONV_MESSAGE:
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED:
    case WrapperMessage::TYPE_ATTENTION:
    case WrapperMessage::TYPE_CONV_MESSAGE_ACK:
      return std::make_unique<pbnetwork::ConversationMessage>();
    case WrapperMessage::TYPE_JOIN_ROOM:
    case WrapperMessage::TYPE_LEAVE_ROOM:
    case WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED:
      return std::make_unique<pbnetwork::Room>();
    case WrapperMessage::TYPE_PARTICIPANT_CHANGED:
      return std::make_unique<pbnetwork::Participant>();
    case WrapperMessage::TYPE_VCARD:
      return std::make_unique<pbnetwork::VCard>();
    case WrapperMessage::TYPE_STATUS_CHANGED:
      return std::make_unique<pbnetwork::Status>();
    case WrapperMessage::TYPE_STATS:
      return std::make_unique<pbnetwork::Stats>();
    case WrapperMessage::TYPE_BACKEND_CONFIG:
    case WrapperMessage::TYPE_QUERY:
      return std::make_unique<pbnetwork::BackendConfig>();
    case WrapperMessage::TYPE_ROOM_LIST:
      return std::make_unique<pbnetwork::RoomList>();
    case WrapperMessage::TYPE_BUDDIES:
      return std::make_unique<pbnetwork::Buddies>();
    case WrapperMessage::TYPE_API_VERSION:
      return std::make_unique<pbnetwork::APIVersion>();
    default:
      return nullptr;
  }
}

pbnetwork::WrapperMessage Wrap(WrapperType type,
                               const google::protobuf::Message& payload) {
  WrapperMessage wrapper;
  wrapper.set_type(type);
  wrapper.set_payload(payload.SerializePartialAsString());
  return wrapper;
}

pbnetwork::WrapperMessage Wrap(WrapperType type) {
  WrapperMessage wrapper;
  wrapper.set_type(type);
  return wrapper;
}

bool SpectrumHandlesFromBackend(WrapperType type) {
  switch (type) {
    case WrapperMessage::TYPE_CONNECTED:
    case WrapperMessage::TYPE_DISCONNECTED:
    case WrapperMessage::TYPE_BUDDY_CHANGED:
    case WrapperMessage::TYPE_BUDDY_REMOVED:
    case WrapperMessage::TYPE_CONV_MESSAGE:
    case WrapperMessage::TYPE_PONG:
    case WrapperMessage::TYPE_PARTICIPANT_CHANGED:
    case WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED:
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED:
    case WrapperMessage::TYPE_VCARD:
    case WrapperMessage::TYPE_BUDDY_TYPING:
    case WrapperMessage::TYPE_BUDDY_STOPPED_TYPING:
    case WrapperMessage::TYPE_BUDDY_TYPED:
    case WrapperMessage::TYPE_AUTH_REQUEST:
    case WrapperMessage::TYPE_ATTENTION:
    case WrapperMessage::TYPE_STATS:
    case WrapperMessage::TYPE_BACKEND_CONFIG:
    case WrapperMessage::TYPE_QUERY:
    case WrapperMessage::TYPE_ROOM_LIST:
    case WrapperMessage::TYPE_CONV_MESSAGE_ACK:
    case WrapperMessage::TYPE_RAW_XML:
      return true;
    default:
      return false;
  }
}

absl::Status CheckBackendFrame(const pbnetwork::WrapperMessage& wrapper) {
  if (!SpectrumHandlesFromBackend(wrapper.type())) {
    return absl::InvalidArgumentError(
        absl::StrCat("backend sent ", TypeName(wrapper.type()),
                     ", which Spectrum does not handle from a backend"));
  }
  std::unique_ptr<google::protobuf::Message> payload =
      NewPayloadFor(wrapper.type());
  if (payload == nullptr) return absl::OkStatus();
  if (!wrapper.has_payload()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backend sent ", TypeName(wrapper.type()), " without a payload"));
  }
  if (!payload->ParseFromString(wrapper.payload())) {
    payload->ParsePartialFromString(wrapper.payload());
    return absl::InvalidArgumentError(
        absl::StrCat("backend sent ", TypeName(wrapper.type()), " whose ",
                     payload->GetDescriptor()->name(),
                     " payload Spectrum cannot parse (missing required: ",
                     payload->InitializationErrorString(), ")"));
  }
  return absl::OkStatus();
}

std::string DescribeFrame(const pbnetwork::WrapperMessage& wrapper) {
  std::string text = TypeName(wrapper.type());
  if (!wrapper.has_payload()) return text;
  std::unique_ptr<google::protobuf::Message> payload =
      NewPayloadFor(wrapper.type());
  std::string body;
  if (payload == nullptr) {
    body = absl::StrCat("\"", absl::CEscape(wrapper.payload()), "\"");
  } else if (!payload->ParsePartialFromString(wrapper.payload())) {
    body = absl::StrCat("<unparsable ", wrapper.payload().size(), " bytes>");
  } else {
    if (auto* login = dynamic_cast<pbnetwork::Login*>(payload.get())) {
      login->set_password("<redacted>");
    }
    body = absl::StrCat("{", payload->ShortDebugString(), "}");
  }
  if (body.size() > kMaxDescriptionSize) {
    body = absl::StrCat(body.substr(0, kMaxDescriptionSize), "... (",
                        body.size(), " chars)");
  }
  return absl::StrCat(text, " ", body);
}

std::string TypeName(WrapperType type) {
  const std::string& name = WrapperMessage::Type_Name(type);
  if (name.empty()) return absl::StrCat("TYPE_", static_cast<int>(type));
  return name.substr(5);  // Without "TYPE_".
}

absl::StatusOr<WrapperType> ParseTypeName(const std::string& name) {
  std::string upper = absl::AsciiStrToUpper(name);
  if (!absl::StartsWith(upper, "TYPE_")) upper = absl::StrCat("TYPE_", upper);
  WrapperType type;
  if (!WrapperMessage::Type_Parse(upper, &type)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown frame type: ", name));
  }
  return type;
}

}  // namespace lilac::spectrum
