"""Following lilacd's event stream: resume from cursors, heartbeats, reconnects."""

import time

import grpc

from lilac.v1 import events_pb2
from lilac_client.client import duration

# Status codes after which following again cannot help.
_FATAL = (
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.UNAUTHENTICATED,
    grpc.StatusCode.UNIMPLEMENTED,
)


class EventFollower:
    """Iterates over the events of some sessions (or all), in order per session, forever.

    It keeps a cursor per session (the last sequence seen and the lilacd run it belongs to),
    so when the stream breaks it reconnects, with backoff, and resumes exactly after the last
    event it gave you. If lilacd restarted, or a cursor is ahead of its session, lilacd resets
    the cursor explicitly: `resets` then counts it and `on_reset(session)` is called before
    that session's events start again from its oldest buffered one. Heartbeats keep idle
    streams alive through proxies; they are not events and are not yielded (see
    `last_heartbeat`; `on_heartbeat(time)` is called for each).

    Give `cursors` ({session: (after_sequence, instance_id)}) to resume from where an earlier
    follower stopped (see `cursors()`).
    """

    def __init__(self, stub, sessions=(), all_sessions=False, omit=(),
                 heartbeat_seconds=30, cursors=None, on_reset=None, on_heartbeat=None,
                 max_backoff_seconds=30, timeout=None):
        if not sessions and not all_sessions and not cursors:
            raise ValueError("name sessions, give cursors or set all_sessions")
        self._stub = stub
        self._sessions = list(sessions)
        self._all = all_sessions
        self._omit = list(omit)
        self._heartbeat = heartbeat_seconds
        self._cursors = dict(cursors or {})
        self._on_reset = on_reset
        self._on_heartbeat = on_heartbeat
        self._max_backoff = max_backoff_seconds
        self._timeout = timeout
        self._call = None
        self._closed = False
        self.instance_id = ""
        self.resets = 0
        self.reconnects = 0
        self.last_heartbeat = None

    def cursors(self):
        """{session: (last sequence seen, instance id)}: where to resume."""
        return dict(self._cursors)

    def close(self):
        """Ends the iteration (from any thread)."""
        self._closed = True
        if self._call is not None:
            self._call.cancel()

    def _request(self):
        request = events_pb2.StreamEventsRequest(all_sessions=self._all, omit=self._omit)
        request.heartbeat_interval.CopyFrom(duration(self._heartbeat))
        for session in sorted(set(self._sessions) | set(self._cursors)):
            after, instance = self._cursors.get(session, (0, ""))
            request.sessions.add(session=session, after_sequence=after, instance_id=instance)
        return request

    def __iter__(self):
        backoff = 0.1
        while not self._closed:
            self._call = self._stub.StreamEvents(self._request(), timeout=self._timeout)
            try:
                for message in self._call:
                    kind = message.WhichOneof("kind")
                    if kind == "opened":
                        backoff = 0.1
                        self.instance_id = message.opened.instance_id
                        for session in message.opened.reset_sessions:
                            self.resets += 1
                            # Still followed, from its oldest buffered event.
                            self._cursors[session] = (0, self.instance_id)
                            if self._on_reset is not None:
                                self._on_reset(session)
                    elif kind == "heartbeat":
                        self.last_heartbeat = message.heartbeat.time.ToDatetime()
                        if self._on_heartbeat is not None:
                            self._on_heartbeat(self.last_heartbeat)
                    elif kind == "event":
                        event = message.event
                        self._cursors[event.session] = (event.sequence, self.instance_id)
                        if event.WhichOneof("kind") == "session_ended":
                            self._cursors.pop(event.session, None)
                            if event.session in self._sessions:
                                self._sessions.remove(event.session)
                        yield event
                return  # the server ended the stream cleanly
            except grpc.RpcError as error:
                if self._closed or error.code() == grpc.StatusCode.CANCELLED:
                    return
                if error.code() in _FATAL:
                    raise
                self.reconnects += 1
                time.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
