#ifndef LILAC_BACKEND_HOST_PROTOCOL_CATALOG_H_
#define LILAC_BACKEND_HOST_PROTOCOL_CATALOG_H_

#include <vector>

#include "backend/host/purple_host.h"
#include "lilac/v1/protocols.pb.h"

namespace lilac {

// Every protocol plugin libpurple has loaded, sorted by id.
std::vector<lilac::v1::Protocol> ListInstalledProtocols(const OnLoop& loop);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_PROTOCOL_CATALOG_H_
