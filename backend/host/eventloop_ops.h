#ifndef LILAC_BACKEND_HOST_EVENTLOOP_OPS_H_
#define LILAC_BACKEND_HOST_EVENTLOOP_OPS_H_

#include "purple.h"

namespace lilac {

// libpurple's event loop UI ops backed by the GLib default main context, which
// the host's loop thread runs.
PurpleEventLoopUiOps* GlibEventLoopOps();

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_EVENTLOOP_OPS_H_
