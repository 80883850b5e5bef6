// spectrum2_lilac_backend: a Spectrum 2 backend on top of lilac. Spectrum
// starts it exactly like spectrum2_libpurple_backend (docs/spectrum.md).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "backend/server/lilac_server.h"
#include "common/log/glib_log.h"
#include "common/log/log.h"
#include "frontend_shim/config/command_line.h"
#include "frontend_shim/config/shim_config.h"
#include "frontend_shim/config/spectrum_prefs.h"
#include "frontend_shim/log.h"
#include "frontend_shim/translate/backend_config.h"
#include "frontend_shim/translate/late_settings_check.h"
#include "frontend_shim/translate/login_proxy.h"
#include "frontend_shim/translate/plugin_loader.h"
#include "frontend_shim/translate/purple_settings_check.h"
#include "frontend_shim/translate/saved_settings_store.h"
#include "frontend_shim/translate/session_bridge.h"
#include "frontend_shim/wire/spectrum_connection.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace lilac::shim {
namespace {

std::string RemoteTarget(const std::string& address) {
  // gRPC understands "unix:/path" and "host:port" as they are.
  return address;
}

int Run(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  // As in lilacd: Debian's Abseil leaves Mutex deadlock detection on, which
  // makes every lock take one global lock and update a graph of all Mutexes.
  // Tests keep it; the running backend does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<CommandLine> command_line = ParseCommandLine(args);
  if (!command_line.ok()) {
    LogError(command_line.status().message());
    return 1;
  }
  if (!command_line->ignored.empty()) {
    LogInfo(absl::StrCat("ignored options: ",
                         absl::StrJoin(command_line->ignored, " ")));
  }
  absl::StatusOr<ShimConfig> config = LoadShimConfig(*command_line);
  if (!config.ok()) {
    LogError(config.status().message());
    return 1;
  }
  log::Options log_options;
  log_options.program = "spectrum2_lilac_backend";
  log::ParseFormat(config->log_format, &log_options.format);  // checked
  log::Configure(log_options);
  // Plugins' GLib warnings, rate-limited per message.
  log::RouteGlibLog();
  for (const std::string& warning : config->warnings) LogWarning(warning);
  // Spectrum starts backends in working_dir; upstream's backend uses the
  // current directory when the config names none, and so does this one.
  const std::string working_dir =
      config->working_dir.empty() ? "." : config->working_dir;

  // lilacd: in this process (each shim process has its own libpurple and
  // private directory) or remote.
  std::unique_ptr<LilacServer> server;
  std::shared_ptr<grpc::Channel> channel;
  if (config->lilacd.empty()) {
    LilacServer::Options options;
    options.host.plugin_dirs = config->plugin_dirs;
    options.host.purple_debug = config->purple_debug;
    // As upstream's libpurple backend, whose user directory is working_dir:
    // plugins' own files (keys, databases) outlive the process there, while
    // libpurple's own files stay private (see PluginStateDir).
    options.host.plugin_state_dir = working_dir;
    // Bursts of incoming messages can outrun the translation to Spectrum for a
    // moment; a deep buffer absorbs them instead of losing events (a bounded
    // log still caps memory).
    options.events_per_session = 16384;
    absl::StatusOr<std::unique_ptr<LilacServer>> started =
        LilacServer::Start(options);
    if (!started.ok()) {
      LogError(absl::StrCat("cannot start lilacd in-process: ",
                            started.status().message()));
      return 1;
    }
    server = *std::move(started);
    channel = server->InProcessChannel();
    LogInfo("lilacd runs in this process");
  } else {
    if (!config->plugin_dirs.empty()) {
      LogWarning(
          "[purple] plugins_dir is not used with a remote lilacd: "
          "start lilacd with --plugin_dirs");
    }
    // A restarted lilacd is found again within seconds, not after gRPC's
    // default reconnect backoff of up to two minutes.
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
    arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
    channel = grpc::CreateCustomChannel(RemoteTarget(config->lilacd),
                                        grpc::InsecureChannelCredentials(),
                                        arguments);
    LogInfo(absl::StrCat("using the remote lilacd at ", config->lilacd));
  }

  // Plugins that are not protocols (message carbons...): those named in the
  // config and those the upstream backend would load from prefs.xml.
  std::vector<std::string> plugins = config->load_plugins;
  const std::string prefs = absl::StrCat(working_dir, "/prefs.xml");
  if (absl::StatusOr<std::vector<std::string>> saved = ReadLoadedPlugins(prefs);
      !saved.ok()) {
    LogWarning(absl::StrCat("plugins of prefs.xml not loaded: ",
                            saved.status().message()));
  } else {
    plugins.insert(plugins.end(), saved->begin(), saved->end());
  }
  LoadPlugins(channel, plugins);

  // The [purple] settings are checked against the protocol before anyone
  // logs in: an ill-typed key is the operator's error at start. With
  // "any", at each user's LOGIN; with a remote lilacd not up yet, when it
  // first answers.
  PurpleSettingsCheck settings_check(config->purple_settings);
  const absl::StatusOr<v1::Protocol> protocol =
      DescribeProtocol(channel, *config);
  if (protocol.ok()) {
    if (absl::Status checked = settings_check.Check(*protocol); !checked.ok()) {
      LogError("refusing to start: fix [purple] in the config file");
      return 1;
    }
  }
  const std::string backend_config = BuildBackendConfig(
      *config,
      protocol.ok() ? std::optional<v1::Protocol>(*protocol) : std::nullopt);

  SpectrumConnection::Options connection_options;
  connection_options.host = config->spectrum_host;
  connection_options.port = config->spectrum_port;
  connection_options.max_frame_size = config->max_frame_size;
  connection_options.ping_timeout = config->ping_timeout;
  absl::StatusOr<std::unique_ptr<SpectrumConnection>> connection =
      SpectrumConnection::Connect(connection_options);
  if (!connection.ok()) {
    LogError(connection.status().message());
    return 1;
  }
  SpectrumConnection* spectrum = connection->get();
  LogInfo(absl::StrCat("connected to Spectrum at ", config->spectrum_host, ":",
                       config->spectrum_port, " (backend id ",
                       config->backend_id, ")"));
  {
    pbnetwork::BackendConfig payload;
    payload.set_config(backend_config);
    pbnetwork::WrapperMessage wrapper;
    wrapper.set_type(pbnetwork::WrapperMessage::TYPE_BACKEND_CONFIG);
    wrapper.set_payload(payload.SerializeAsString());
    if (absl::Status sent = spectrum->Send(wrapper); !sent.ok()) {
      LogError(sent.message());
      return 1;
    }
  }

  SessionBridge::Options bridge_options;
  bridge_options.protocol = config->protocol;
  bridge_options.purple_settings = config->purple_settings;
  bridge_options.request_contact = config->request_contact;
  bridge_options.rpc_timeout = config->rpc_timeout;
  bridge_options.connect_timeout = config->connect_timeout;
  bridge_options.enable_remove_buddy = config->enable_remove_buddy;
  bridge_options.no_vcard_fetch = config->no_vcard_fetch;
  bridge_options.default_avatar = config->default_avatar;
  bridge_options.avatars_directory = config->avatars_directory;
  bridge_options.web_directory = config->web_directory;
  bridge_options.web_url = config->web_url;
  bridge_options.web_maximgsize = config->web_maximgsize;
  bridge_options.proxy = LoginProxy(config->proxy);
  bridge_options.hold_network_when_behind = server != nullptr;
  if (config->protocol == "any") {
    bridge_options.settings_check = &settings_check;
  }
  // What plugins change in accounts at run time (tokens, device ids), kept
  // per user for the next login. Outlives the bridge.
  SavedSettingsStore saved_settings(
      absl::StrCat(working_dir, "/.lilac/settings"));
  bridge_options.saved_settings = &saved_settings;
  LogInfo(DescribeProxy(config->proxy));
  if (config->web_directory.empty() != config->web_url.empty()) {
    LogWarning(
        "web storage needs both service.web_directory and "
        "service.web_url; images are sent as text notes");
  }
  std::string why;
  std::atomic<bool> settings_invalid{false};
  {
    SessionBridge bridge(channel, bridge_options,
                         [spectrum](const pbnetwork::WrapperMessage& frame) {
                           absl::Status sent = spectrum->Send(frame);
                           if (!sent.ok()) LogError(sent.message());
                         });
    std::unique_ptr<LateSettingsCheck> late_check;
    if (absl::IsUnavailable(protocol.status())) {
      late_check = std::make_unique<LateSettingsCheck>(
          channel, config->protocol, &settings_check,
          [spectrum, &settings_invalid](absl::Status) {
            settings_invalid = true;
            spectrum->Stop("invalid [purple] settings");
          });
    }
    why = spectrum->Run([&bridge](pbnetwork::WrapperMessage frame) {
      bridge.Enqueue(std::move(frame));
    });
    LogInfo(absl::StrCat("stopping: ", why));
    late_check.reset();
  }
  server.reset();
  if (settings_invalid) {
    LogError("stopped: fix [purple] in the config file");
    return 1;
  }
  LogInfo("stopped");
  return 0;
}

}  // namespace
}  // namespace lilac::shim

int main(int argc, char** argv) { return lilac::shim::Run(argc, argv); }
