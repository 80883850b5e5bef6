#include "frontend_shim/translate/plugin_loader.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "frontend_shim/log.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac::shim {

int LoadPlugins(const std::shared_ptr<grpc::Channel>& channel,
                const std::vector<std::string>& plugins) {
  std::unique_ptr<v1::LilacService::Stub> stub =
      v1::LilacService::NewStub(channel);
  int loaded = 0;
  for (const std::string& plugin : plugins) {
    grpc::ClientContext context;
    // Bounded: Spectrum's first PING must not wait for an unreachable lilacd.
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::LoadPluginRequest request;
    request.set_plugin(plugin);
    v1::LoadPluginResponse response;
    grpc::Status status = stub->LoadPlugin(&context, request, &response);
    if (!status.ok()) {
      LogWarning(absl::StrCat("plugin ", plugin,
                              " not loaded: ", status.error_message()));
      continue;
    }
    ++loaded;
    LogInfo(absl::StrCat(
        "plugin ", response.plugin().id(), " (", response.plugin().file(), ") ",
        response.outcome() == v1::LoadPluginResponse::OUTCOME_ALREADY_LOADED
            ? "was already loaded"
            : "loaded"));
  }
  return loaded;
}

}  // namespace lilac::shim
