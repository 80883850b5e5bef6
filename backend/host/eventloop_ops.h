#ifndef LILAC_BACKEND_HOST_EVENTLOOP_OPS_H_
#define LILAC_BACKEND_HOST_EVENTLOOP_OPS_H_

#include "purple.h"

namespace lilac {

// libpurple's event loop UI ops backed by the GLib default main context, which
// the host's loop thread runs.
PurpleEventLoopUiOps* GlibEventLoopOps();

// Sees every timer libpurple adds in whole seconds, once when it is added and
// once each time it fires (after its callback ran): how one of libpurple's own
// static timers is recognised by its callback. Loop thread only; null stops.
using SecondsTimerObserver = void (*)(GSourceFunc callback, bool fired);
void ObserveSecondsTimers(SecondsTimerObserver observer);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_EVENTLOOP_OPS_H_
