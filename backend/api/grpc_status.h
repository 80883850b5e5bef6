#ifndef LILAC_BACKEND_API_GRPC_STATUS_H_
#define LILAC_BACKEND_API_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace lilac {

// lilac uses absl::Status inside and gRPC status at the edge; the codes map one
// to one.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace lilac

#endif  // LILAC_BACKEND_API_GRPC_STATUS_H_
