#ifndef LILAC_TESTING_SPECTRUM_EMULATOR_WIRE_MESSAGES_H_
#define LILAC_TESTING_SPECTRUM_EMULATOR_WIRE_MESSAGES_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::spectrum {

using WrapperType = pbnetwork::WrapperMessage::Type;

// A new, empty message of the payload type `type` carries, or nullptr for
// types without a protobuf payload (PING, PONG, EXIT, RAW_XML, FT_*).
std::unique_ptr<google::protobuf::Message> NewPayloadFor(WrapperType type);

// A wrapper of `type` with `payload` serialized into it (partially, so that
// tests can build frames that lack required fields).
pbnetwork::WrapperMessage Wrap(WrapperType type,
                               const google::protobuf::Message& payload);
// A wrapper of `type` with no payload (PING, PONG, EXIT).
pbnetwork::WrapperMessage Wrap(WrapperType type);

// The payload of `wrapper` as a `T`; an error if it does not parse or lacks a
// required field (which is what makes Spectrum drop it).
template <typename T>
absl::StatusOr<T> DecodePayload(const pbnetwork::WrapperMessage& wrapper) {
  T payload;
  if (!payload.ParseFromString(wrapper.payload())) {
    return absl::InvalidArgumentError(
        absl::StrCat(pbnetwork::WrapperMessage::Type_Name(wrapper.type()),
                     " payload is not a valid ", T::descriptor()->full_name(),
                     " (missing: ", payload.InitializationErrorString(), ")"));
  }
  return payload;
}

// Whether Spectrum acts on `type` when a backend sends it (§5); any other
// type stalls Spectrum's parsing of the connection (§3.2).
bool SpectrumHandlesFromBackend(WrapperType type);

// OK if Spectrum would accept `wrapper` from a backend: a handled type and a
// payload that parses with every required field set.
absl::Status CheckBackendFrame(const pbnetwork::WrapperMessage& wrapper);

// One line for logs: the type name and the decoded payload, with passwords
// redacted and long values cut.
std::string DescribeFrame(const pbnetwork::WrapperMessage& wrapper);

// "CONV_MESSAGE" for TYPE_CONV_MESSAGE; the number for unknown values.
std::string TypeName(WrapperType type);

// The type named "CONV_MESSAGE" or "TYPE_CONV_MESSAGE".
absl::StatusOr<WrapperType> ParseTypeName(const std::string& name);

}  // namespace lilac::spectrum

#endif  // LILAC_TESTING_SPECTRUM_EMULATOR_WIRE_MESSAGES_H_
