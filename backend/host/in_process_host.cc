#include "backend/host/in_process_host.h"

#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backend/host/api_limits.h"
#include "backend/host/plugin_catalog.h"
#include "backend/host/protocol_catalog.h"
#include "backend/host/purple_host.h"
#include "backend/host/purple_sessions.h"
#include "common/log/log.h"
#include "common/proto/duration.h"

namespace lilac {
absl::StatusOr<std::unique_ptr<InProcessHost>> InProcessHost::Start(
    const HostOptions& options, EventSink* sink) {
  PurpleHost::Options host_options;
  host_options.plugin_dirs = options.plugin_dirs;
  host_options.purple_debug = options.purple_debug;
  host_options.plugin_state_dir = options.plugin_state_dir;
  absl::StatusOr<std::unique_ptr<PurpleHost>> host =
      PurpleHost::Start(host_options);
  if (!host.ok()) return host.status();
  std::unique_ptr<InProcessHost> in_process(new InProcessHost());
  in_process->host_ = *std::move(host);
  PurpleHost* purple = in_process->host_.get();
  in_process->sessions_ = purple->Run([&](const lilac::OnLoop& loop) {
    PurpleSessions::Options sessions;
    sessions.spool_dir = options.spool_dir;
    sessions.max_file_size = options.max_file_size;
    sessions.plugin_state = purple->plugin_state(loop);
    return std::make_unique<PurpleSessions>(loop, sink, std::move(sessions));
  });
  absl::Status plugins = purple->Run([&](const lilac::OnLoop& loop) {
    ProbePluginsAgain(loop);
    for (const std::string& plugin : options.load_plugins) {
      absl::StatusOr<v1::LoadPluginResponse> loaded =
          lilac::LoadPlugin(loop, plugin);
      if (!loaded.ok()) return loaded.status();
      log::Info("plugins", absl::StrCat("loaded ", loaded->plugin().id(), " (",
                                        loaded->plugin().file(), ")"));
    }
    return absl::OkStatus();
  });
  if (!plugins.ok()) return plugins;
  return in_process;
}

InProcessHost::~InProcessHost() {
  if (host_ == nullptr) return;
  host_->Run([this](const lilac::OnLoop& loop) {
    if (sessions_ == nullptr) return;
    sessions_->LogoutAll(loop);
    sessions_.reset();
  });
  host_.reset();
}

void InProcessHost::LogoutAll() {
  host_->Run([this](const lilac::OnLoop& loop) { sessions_->LogoutAll(loop); });
}

void InProcessHost::Heartbeat(absl::AnyInvocable<void()> answer) {
  host_->Post(
      [answer = std::move(answer)](const lilac::OnLoop&) mutable { answer(); });
}

template <typename Request, typename Response, typename Command>
void InProcessHost::RunOnLoop(const Request& request, Done<Response> done,
                              Command command) {
  host_->Post([this, request, done = std::move(done),
               command](const lilac::OnLoop& loop) mutable {
    auto result = (sessions_.get()->*command)(loop, request);
    if constexpr (std::is_same_v<decltype(result), absl::Status>) {
      if (!result.ok()) return done(result);
      done(Response());
    } else {
      done(std::move(result));
    }
  });
}

void InProcessHost::ListProtocols(const v1::ListProtocolsRequest&,
                                  Done<v1::ListProtocolsResponse> done) {
  host_->Post([done = std::move(done)](const lilac::OnLoop& loop) mutable {
    v1::ListProtocolsResponse response;
    for (v1::Protocol& protocol : ListInstalledProtocols(loop)) {
      *response.add_protocols() = std::move(protocol);
    }
    done(std::move(response));
  });
}

void InProcessHost::ListPlugins(const v1::ListPluginsRequest&,
                                Done<v1::ListPluginsResponse> done) {
  host_->Post([done = std::move(done)](const lilac::OnLoop& loop) mutable {
    v1::ListPluginsResponse response;
    for (v1::Plugin& plugin : ListInstalledPlugins(loop)) {
      *response.add_plugins() = std::move(plugin);
    }
    done(std::move(response));
  });
}

void InProcessHost::LoadPlugin(const v1::LoadPluginRequest& request,
                               Done<v1::LoadPluginResponse> done) {
  host_->Post([plugin = request.plugin(),
               done = std::move(done)](const lilac::OnLoop& loop) mutable {
    done(lilac::LoadPlugin(loop, plugin));
  });
}

void InProcessHost::Login(const v1::LoginRequest& request,
                          Done<v1::LoginResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::Login);
}

void InProcessHost::Logout(const v1::LogoutRequest& request,
                           Done<v1::LogoutResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::Logout);
}

void InProcessHost::SetStatus(const v1::SetStatusRequest& request,
                              Done<v1::SetStatusResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::SetStatus);
}

void InProcessHost::GetUserInfo(const v1::GetUserInfoRequest& request,
                                Done<v1::GetUserInfoResponse> done) {
  host_->Post([this, request,
               done = std::move(done)](const lilac::OnLoop& loop) mutable {
    sessions_->GetUserInfo(loop, request, std::move(done));
  });
}

void InProcessHost::SetProfile(const v1::SetProfileRequest& request,
                               Done<v1::SetProfileResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::SetProfile);
}

void InProcessHost::GetCapabilities(const v1::GetCapabilitiesRequest& request,
                                    Done<v1::GetCapabilitiesResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::GetCapabilities);
}

void InProcessHost::ListBuddies(const v1::ListBuddiesRequest& request,
                                Done<v1::ListBuddiesResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::ListBuddies);
}

void InProcessHost::AddBuddy(const v1::AddBuddyRequest& request,
                             Done<v1::AddBuddyResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::AddBuddy);
}

void InProcessHost::RemoveBuddy(const v1::RemoveBuddyRequest& request,
                                Done<v1::RemoveBuddyResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::RemoveBuddy);
}

void InProcessHost::UpdateBuddy(const v1::UpdateBuddyRequest& request,
                                Done<v1::UpdateBuddyResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::UpdateBuddy);
}

void InProcessHost::SetBuddyBlocked(const v1::SetBuddyBlockedRequest& request,
                                    Done<v1::SetBuddyBlockedResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::SetBuddyBlocked);
}

void InProcessHost::GetBuddyIcon(const v1::GetBuddyIconRequest& request,
                                 Done<v1::GetBuddyIconResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::GetBuddyIcon);
}

void InProcessHost::AnswerAuthorization(
    const v1::AnswerAuthorizationRequest& request,
    Done<v1::AnswerAuthorizationResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::AnswerAuthorization);
}

void InProcessHost::SendMessage(const v1::SendMessageRequest& request,
                                Done<v1::SendMessageResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::SendMessage);
}

void InProcessHost::SendTyping(const v1::SendTypingRequest& request,
                               Done<v1::SendTypingResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::SendTyping);
}

void InProcessHost::SendAttention(const v1::SendAttentionRequest& request,
                                  Done<v1::SendAttentionResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::SendAttention);
}

void InProcessHost::MarkRead(const v1::MarkReadRequest& request,
                             Done<v1::MarkReadResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::MarkRead);
}

void InProcessHost::ListChatFields(const v1::ListChatFieldsRequest& request,
                                   Done<v1::ListChatFieldsResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::ListChatFields);
}

void InProcessHost::JoinChat(const v1::JoinChatRequest& request,
                             Done<v1::JoinChatResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::JoinChat);
}

void InProcessHost::LeaveChat(const v1::LeaveChatRequest& request,
                              Done<v1::LeaveChatResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::LeaveChat);
}

void InProcessHost::SendChatMessage(const v1::SendChatMessageRequest& request,
                                    Done<v1::SendChatMessageResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::SendChatMessage);
}

void InProcessHost::SetChatSubject(const v1::SetChatSubjectRequest& request,
                                   Done<v1::SetChatSubjectResponse> done) {
  const absl::Duration timeout = request.has_timeout()
                                     ? FromProtoDuration(request.timeout())
                                     : kDefaultSubjectTimeout;
  host_->Post([this, request, timeout,
               done = std::move(done)](const lilac::OnLoop& loop) mutable {
    sessions_->SetChatSubject(loop, request, timeout, std::move(done));
  });
}

void InProcessHost::AnswerChatInvitation(
    const v1::AnswerChatInvitationRequest& request,
    Done<v1::AnswerChatInvitationResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::AnswerChatInvitation);
}

void InProcessHost::ListChats(const v1::ListChatsRequest& request,
                              Done<v1::ListChatsResponse> done) {
  const absl::Duration timeout = request.has_timeout()
                                     ? FromProtoDuration(request.timeout())
                                     : kDefaultChatListTimeout;
  host_->Post([this, request, timeout,
               done = std::move(done)](const lilac::OnLoop& loop) mutable {
    sessions_->ListChats(loop, request, timeout, std::move(done));
  });
}

void InProcessHost::AnswerRequest(const v1::AnswerRequestRequest& request,
                                  Done<v1::AnswerRequestResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::AnswerRequest);
}

void InProcessHost::CancelRequest(const v1::CancelRequestRequest& request,
                                  Done<v1::CancelRequestResponse> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::CancelRequest);
}

void InProcessHost::OpenFetchedFile(const v1::FetchFileRequest& request,
                                    Done<SpooledFile> done) {
  RunOnLoop(request, std::move(done), &PurpleSessions::OpenSpooledFile);
}

void InProcessHost::ForgetFetchedFile(const v1::FetchFileRequest& request,
                                      absl::AnyInvocable<void()> done) {
  host_->Post([this, request,
               done = std::move(done)](const lilac::OnLoop& loop) mutable {
    sessions_->RemoveSpooledFile(loop, request);
    done();
  });
}

void InProcessHost::StartUpload(const v1::SendFileRequest& header,
                                Done<std::unique_ptr<PartialUpload>> done) {
  RunOnLoop(header, std::move(done), &PurpleSessions::StartSendFile);
}

void InProcessHost::SendFile(const v1::SendFileRequest& header,
                             std::unique_ptr<PartialUpload> upload,
                             Done<v1::SendFileResponse> done) {
  host_->Post([this, header, upload = std::move(upload),
               done = std::move(done)](const lilac::OnLoop& loop) mutable {
    done(sessions_->SendFile(loop, header, std::move(upload)));
  });
}

void InProcessHost::HoldNetwork(bool hold) { host_->HoldNetwork(hold); }

}  // namespace lilac
