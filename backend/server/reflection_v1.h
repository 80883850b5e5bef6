#ifndef LILAC_BACKEND_SERVER_REFLECTION_V1_H_
#define LILAC_BACKEND_SERVER_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace lilac {

// gRPC server reflection v1 over the descriptors compiled into lilacd (gRPC
// 1.51's own plugin serves only v1alpha; current grpcurl, Postman and
// grpc-gateway tools ask for v1 first). Answers as gRPC's v1alpha service
// does: a file comes with every file it depends on, each once.
class ReflectionV1Service
    : public grpc::reflection::v1::ServerReflection::CallbackService {
 public:
  // `services`: the full names ListServices reports.
  explicit ReflectionV1Service(std::vector<std::string> services);

  grpc::ServerBidiReactor<grpc::reflection::v1::ServerReflectionRequest,
                          grpc::reflection::v1::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* context) override;

  // The answer to one request (exposed for tests).
  grpc::reflection::v1::ServerReflectionResponse Answer(
      const grpc::reflection::v1::ServerReflectionRequest& request) const;

 private:
  const std::vector<std::string> services_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_SERVER_REFLECTION_V1_H_
