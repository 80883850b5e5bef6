#ifndef LILAC_BACKEND_HOST_IRC_SEND_QUEUE_H_
#define LILAC_BACKEND_HOST_IRC_SEND_QUEUE_H_

#include "backend/host/purple_host.h"
#include "purple.h"

namespace lilac {

// prpl-irc (libpurple 2.14.2 and later, for its flood limiter) does not write
// what it is asked to send: irc_send only queues the line, and a GLib timer
// it adds at connect (g_timeout_add_seconds(1, ...)) writes the queue out once
// a second, within its budget (the account's ratelimit-interval and
// ratelimit-burst). Every command so waited up to a second for the next tick.

// Remembers the send timer of a prpl-irc connection that signed on (libpurple
// calls back on the loop thread); forgets it when the connection signs off.
void WatchIrcSendQueue(PurpleConnection* gc);
void UnwatchIrcSendQueue(PurpleConnection* gc);

// Makes the send timer of every watched IRC connection due now, so what lilac
// just handed prpl-irc goes out at once when the budget allows; the timer goes
// on ticking from there. Costs nothing without IRC connections. Call on the
// loop thread after running commands.
void FlushIrcSendQueues(const OnLoop& loop);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_IRC_SEND_QUEUE_H_
