#include "backend/server/reflection_v1.h"

#include <set>
#include <utility>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace lilac {
namespace {

namespace reflection = grpc::reflection::v1;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// Adds `file` and, before it, every file it imports that is not sent yet.
void AddFile(const FileDescriptor* file, std::set<std::string>* sent,
             reflection::FileDescriptorResponse* out) {
  if (!sent->insert(file->name()).second) return;
  google::protobuf::FileDescriptorProto proto;
  file->CopyTo(&proto);
  out->add_file_descriptor_proto(proto.SerializeAsString());
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddFile(file->dependency(i), sent, out);
  }
}

void NotFound(const std::string& what,
              reflection::ServerReflectionResponse* r) {
  r->mutable_error_response()->set_error_code(
      static_cast<int>(grpc::StatusCode::NOT_FOUND));
  r->mutable_error_response()->set_error_message(what + " not found");
}

// One stream: each request read is answered with one response, in order.
class Reactor
    : public grpc::ServerBidiReactor<reflection::ServerReflectionRequest,
                                     reflection::ServerReflectionResponse> {
 public:
  explicit Reactor(const ReflectionV1Service* service) : service_(service) {
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::OK);
      return;
    }
    response_ = service_->Answer(request_);
    StartWrite(&response_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    StartRead(&request_);
  }
  void OnDone() override { delete this; }

 private:
  const ReflectionV1Service* const service_;
  reflection::ServerReflectionRequest request_;
  reflection::ServerReflectionResponse response_;
};

}  // namespace

ReflectionV1Service::ReflectionV1Service(std::vector<std::string> services)
    : services_(std::move(services)) {}

grpc::ServerBidiReactor<reflection::ServerReflectionRequest,
                        reflection::ServerReflectionResponse>*
ReflectionV1Service::ServerReflectionInfo(grpc::CallbackServerContext*) {
  return new Reactor(this);
}

reflection::ServerReflectionResponse ReflectionV1Service::Answer(
    const reflection::ServerReflectionRequest& request) const {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  reflection::ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  std::set<std::string> sent;
  switch (request.message_request_case()) {
    case reflection::ServerReflectionRequest::kListServices:
      for (const std::string& name : services_) {
        response.mutable_list_services_response()->add_service()->set_name(
            name);
      }
      break;
    case reflection::ServerReflectionRequest::kFileByFilename:
      if (const FileDescriptor* file =
              pool->FindFileByName(request.file_by_filename())) {
        AddFile(file, &sent, response.mutable_file_descriptor_response());
      } else {
        NotFound("file " + request.file_by_filename(), &response);
      }
      break;
    case reflection::ServerReflectionRequest::kFileContainingSymbol:
      if (const FileDescriptor* file = pool->FindFileContainingSymbol(
              request.file_containing_symbol())) {
        AddFile(file, &sent, response.mutable_file_descriptor_response());
      } else {
        NotFound("symbol " + request.file_containing_symbol(), &response);
      }
      break;
    case reflection::ServerReflectionRequest::kFileContainingExtension: {
      const auto& wanted = request.file_containing_extension();
      const google::protobuf::Descriptor* type =
          pool->FindMessageTypeByName(wanted.containing_type());
      const google::protobuf::FieldDescriptor* extension =
          type ? pool->FindExtensionByNumber(type, wanted.extension_number())
               : nullptr;
      if (extension != nullptr) {
        AddFile(extension->file(), &sent,
                response.mutable_file_descriptor_response());
      } else {
        NotFound("extension", &response);
      }
      break;
    }
    case reflection::ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const google::protobuf::Descriptor* type =
          pool->FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        NotFound("type " + request.all_extension_numbers_of_type(), &response);
        break;
      }
      std::vector<const google::protobuf::FieldDescriptor*> extensions;
      pool->FindAllExtensions(type, &extensions);
      auto* numbers = response.mutable_all_extension_numbers_response();
      numbers->set_base_type_name(type->full_name());
      for (const auto* extension : extensions) {
        numbers->add_extension_number(extension->number());
      }
      break;
    }
    default:
      response.mutable_error_response()->set_error_code(
          static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      response.mutable_error_response()->set_error_message(
          "the request names nothing to look up");
  }
  return response;
}

}  // namespace lilac
