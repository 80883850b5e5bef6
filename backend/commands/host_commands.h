#ifndef LILAC_BACKEND_COMMANDS_HOST_COMMANDS_H_
#define LILAC_BACKEND_COMMANDS_HOST_COMMANDS_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "backend/commands/spooled_file.h"
#include "backend/host/partial_upload.h"
#include "lilac/v1/lilac.pb.h"

// The commands that take a lilac.v1 request and complete with its response,
// by RPC name: X(Name) for each. Every list of them (this interface, its
// implementations, the tables that serve them) is made from this one.
#define LILAC_HOST_COMMANDS(X) \
  X(ListProtocols)             \
  X(ListPlugins)               \
  X(LoadPlugin)                \
  X(Login)                     \
  X(Logout)                    \
  X(SetStatus)                 \
  X(GetUserInfo)               \
  X(SetProfile)                \
  X(GetCapabilities)           \
  X(ListBuddies)               \
  X(AddBuddy)                  \
  X(RemoveBuddy)               \
  X(UpdateBuddy)               \
  X(SetBuddyBlocked)           \
  X(GetBuddyIcon)              \
  X(AnswerAuthorization)       \
  X(SendMessage)               \
  X(SendTyping)                \
  X(SendAttention)             \
  X(MarkRead)                  \
  X(ListChatFields)            \
  X(JoinChat)                  \
  X(LeaveChat)                 \
  X(SendChatMessage)           \
  X(SetChatSubject)            \
  X(AnswerChatInvitation)      \
  X(ListChats)                 \
  X(AnswerRequest)             \
  X(CancelRequest)

// In an implementation's class: the override declarations of them all.
#define LILAC_HOST_COMMAND_OVERRIDE(Name)              \
  void Name(const ::lilac::v1::Name##Request& request, \
            Done<::lilac::v1::Name##Response> done) override;

// In an implementation's class: the override declarations of every command,
// the table's and the file and network ones.
#define LILAC_HOST_COMMANDS_OVERRIDES                                  \
  LILAC_HOST_COMMANDS(LILAC_HOST_COMMAND_OVERRIDE)                     \
  void OpenFetchedFile(const ::lilac::v1::FetchFileRequest& request,   \
                       Done<::lilac::SpooledFile> done) override;      \
  void ForgetFetchedFile(const ::lilac::v1::FetchFileRequest& request, \
                         absl::AnyInvocable<void()> done) override;    \
  void StartUpload(const ::lilac::v1::SendFileRequest& header,         \
                   Done<std::unique_ptr<::lilac::PartialUpload>> done) \
      override;                                                        \
  void SendFile(const ::lilac::v1::SendFileRequest& header,            \
                std::unique_ptr<::lilac::PartialUpload> upload,        \
                Done<::lilac::v1::SendFileResponse> done) override;    \
  void HoldNetwork(bool hold) override;

namespace lilac {

// What a libpurple host does for the API: one command per lilac.v1 call that
// needs libpurple, in the API's own request and response types. Requests come
// validated (backend/api/request_validation.h). Every command completes once,
// on a thread of the host's choosing, with the response or a status; none
// blocks the caller. The in-process host runs them on its loop thread; a
// worker host would carry them to another process.
class HostCommands {
 public:
  template <typename Response>
  using Done = absl::AnyInvocable<void(absl::StatusOr<Response>)>;

  virtual ~HostCommands() = default;

  // One per entry of LILAC_HOST_COMMANDS. SetChatSubject completes when the
  // network reports the subject, ListChats when the plugin ends the list;
  // either at the request's timeout at the latest.
#define LILAC_DECLARE_HOST_COMMAND(Name)              \
  virtual void Name(const v1::Name##Request& request, \
                    Done<v1::Name##Response> done) = 0;
  LILAC_HOST_COMMANDS(LILAC_DECLARE_HOST_COMMAND)
#undef LILAC_DECLARE_HOST_COMMAND

  // FetchFile: opens the received file; the caller reads it and, once all of
  // it was delivered, calls ForgetFetchedFile, which removes it.
  virtual void OpenFetchedFile(const v1::FetchFileRequest& request,
                               Done<SpooledFile> done) = 0;
  virtual void ForgetFetchedFile(const v1::FetchFileRequest& request,
                                 absl::AnyInvocable<void()> done) = 0;
  // SendFile, at its first message (`header`, without data): whether the
  // session can send this file, and where its bytes go as they arrive.
  virtual void StartUpload(const v1::SendFileRequest& header,
                           Done<std::unique_ptr<PartialUpload>> done) = 0;
  // SendFile, once all the bytes came (`upload` closed): offers the file.
  virtual void SendFile(const v1::SendFileRequest& header,
                        std::unique_ptr<PartialUpload> upload,
                        Done<v1::SendFileResponse> done) = 0;

  // Holds (or releases) reading from the network for every session: see
  // StreamEventsRequest.hold_network_when_behind. Holds are counted.
  virtual void HoldNetwork(bool hold) = 0;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_COMMANDS_HOST_COMMANDS_H_
