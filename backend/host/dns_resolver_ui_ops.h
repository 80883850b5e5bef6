#ifndef LILAC_BACKEND_HOST_DNS_RESOLVER_UI_OPS_H_
#define LILAC_BACKEND_HOST_DNS_RESOLVER_UI_OPS_H_

#include <cstddef>

#include "backend/host/purple_host.h"

namespace lilac {

// libpurple's resolvers (addresses: purple_dnsquery_*, SRV and TXT records:
// purple_srv_*/purple_txt_*) fork a child per lookup and leave reaping to the
// host; a server reaps none of them, so every lookup left a zombie. These UI
// ops resolve with GIO's GResolver instead (getaddrinfo / res_query on GLib's
// worker threads, answers dispatched on the loop thread's default main
// context), so libpurple never forks. A lookup that takes longer than
// kResolverTimeoutSeconds fails.
void InstallResolverUiOps(const OnLoop& loop);

inline constexpr int kResolverTimeoutSeconds = 30;

// Lookups started and not yet answered by their worker, including cancelled
// ones whose answer will be dropped (for tests).
size_t ResolverLookupsInFlight(const OnLoop& loop);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_DNS_RESOLVER_UI_OPS_H_
