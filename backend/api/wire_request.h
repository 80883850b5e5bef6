#ifndef LILAC_BACKEND_API_WIRE_REQUEST_H_
#define LILAC_BACKEND_API_WIRE_REQUEST_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace lilac {

// Parses a request's wire bytes into `message`. gRPC's own parsing answers a
// request it cannot parse (for example invalid UTF-8 in a string field) with
// UNIMPLEMENTED and no message; lilacd parses requests itself to say
// INVALID_ARGUMENT and name the field.
absl::Status ParseWireRequest(const grpc::ByteBuffer& wire,
                              google::protobuf::Message* message);

// Serializes a response into its wire bytes.
absl::Status SerializeWireResponse(const google::protobuf::Message& message,
                                   grpc::ByteBuffer* wire);

}  // namespace lilac

#endif  // LILAC_BACKEND_API_WIRE_REQUEST_H_
