#ifndef LILAC_BACKEND_COMMANDS_MOCK_HOST_COMMANDS_H_
#define LILAC_BACKEND_COMMANDS_MOCK_HOST_COMMANDS_H_

#include <memory>

#include "backend/commands/host_commands.h"
#include "gmock/gmock.h"

namespace lilac {

// HostCommands for tests of what sits in front of a host (the gRPC service,
// translators), without libpurple or processes.
class MockHostCommands : public HostCommands {
 public:
#define LILAC_MOCK_HOST_COMMAND(Name)                               \
  MOCK_METHOD(void, Name,                                           \
              (const v1::Name##Request&, Done<v1::Name##Response>), \
              (override));
  LILAC_HOST_COMMANDS(LILAC_MOCK_HOST_COMMAND)
#undef LILAC_MOCK_HOST_COMMAND
  MOCK_METHOD(void, OpenFetchedFile,
              (const v1::FetchFileRequest&, Done<SpooledFile>), (override));
  MOCK_METHOD(void, ForgetFetchedFile,
              (const v1::FetchFileRequest&, absl::AnyInvocable<void()>),
              (override));
  MOCK_METHOD(void, StartUpload,
              (const v1::SendFileRequest&,
               Done<std::unique_ptr<PartialUpload>>),
              (override));
  MOCK_METHOD(void, SendFile,
              (const v1::SendFileRequest&, std::unique_ptr<PartialUpload>,
               Done<v1::SendFileResponse>),
              (override));
  MOCK_METHOD(void, HoldNetwork, (bool), (override));
};

}  // namespace lilac

#endif  // LILAC_BACKEND_COMMANDS_MOCK_HOST_COMMANDS_H_
