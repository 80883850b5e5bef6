#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_PLUGIN_LOADER_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_PLUGIN_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"

namespace lilac::shim {

// Asks lilacd to load each plugin (by id, path or file name) and logs each
// one loaded or refused with libpurple's reason. A refused plugin does not stop
// the shim, as with the upstream backend. Returns how many loaded.
int LoadPlugins(const std::shared_ptr<grpc::Channel>& channel,
                const std::vector<std::string>& plugins);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_PLUGIN_LOADER_H_
