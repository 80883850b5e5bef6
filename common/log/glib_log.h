#ifndef LILAC_COMMON_LOG_GLIB_LOG_H_
#define LILAC_COMMON_LOG_GLIB_LOG_H_

namespace lilac::log {

// Routes GLib's log output (g_warning, g_critical from g_return_if_fail in
// plugins...) through Write, as component "glib" (or the GLib log domain),
// with at most a few lines per message per minute, so one noisy plugin cannot
// flood stderr or fill a disk. GLib's fatal handling (G_DEBUG=fatal-criticals)
// is unchanged.
void RouteGlibLog();

}  // namespace lilac::log

#endif  // LILAC_COMMON_LOG_GLIB_LOG_H_
