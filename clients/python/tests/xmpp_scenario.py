#!/usr/bin/python3
"""lilac_client against a real lilacd and prpl-jabber on a real Prosody: two accounts message
each other, meet in a room, and a follower resumes after disconnecting without losing or
repeating an event. Run by //clients/python:xmpp_client_test; exits 0 when every check holds."""

import argparse
import queue
import sys
import threading
import time

from lilac.v1 import capabilities_pb2, chats_pb2, messages_pb2, sessions_pb2
from lilac_client import EventFollower, connect, duration

TIMEOUT = 30


class Events:
    """Follows sessions on a thread; tests wait for events in order."""

    def __init__(self, stub, sessions, **kwargs):
        self.follower = EventFollower(stub, sessions=sessions, **kwargs)
        self.queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for event in self.follower:
                self.queue.put(event)
        except Exception as error:  # pylint: disable=broad-except
            self.queue.put(error)

    def next(self, predicate, what):
        deadline = time.monotonic() + TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no event within %ds: %s" % (TIMEOUT, what))
            try:
                event = self.queue.get(timeout=left)
            except queue.Empty:
                continue
            if isinstance(event, Exception):
                raise event
            if predicate(event):
                return event

    def stop(self):
        self.follower.close()
        self.thread.join(TIMEOUT)


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok:", message, flush=True)


def of(session, kind, test=lambda e: True):
    return lambda e: e.session == session and e.WhichOneof("kind") == kind and test(e)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lilacd", required=True)
    parser.add_argument("--domain", required=True)
    parser.add_argument("--muc_domain", required=True)
    parser.add_argument("--port", required=True)
    parser.add_argument("--alice_password", required=True)
    parser.add_argument("--bob_password", required=True)
    args = parser.parse_args()
    stub = connect(args.lilacd)
    jid = lambda user: "%s@%s" % (user, args.domain)

    for user, password in (("alice", args.alice_password), ("bob", args.bob_password)):
        login = sessions_pb2.LoginRequest(session=user, protocol="prpl-jabber",
                                          username=jid(user) + "/lilac", password=password)
        login.settings.update({"connect_server": "127.0.0.1", "port": args.port,
                               "connection_security": "opportunistic_tls",
                               "auth_plain_in_clear": "true"})
        login.connect_timeout.CopyFrom(duration(30))
        stub.Login(login, timeout=TIMEOUT)
    # From each session's first event: nothing since Login is missed.
    events = Events(stub, ["alice", "bob"], heartbeat_seconds=1)
    # Both at once: either may sign on first, and next drops what it skips.
    waiting = {"alice", "bob"}
    while waiting:
        signed_on = events.next(
            lambda e: e.session in waiting and e.WhichOneof("kind") == "connection_changed"
            and e.connection_changed.state == sessions_pb2.CONNECTION_STATE_CONNECTED,
            "alice and bob connected")
        waiting.discard(signed_on.session)
    check(len(events.follower.instance_id) == 32, "the stream named this lilacd run")

    # One-to-one, both ways.
    sent = stub.SendMessage(messages_pb2.SendMessageRequest(
        session="alice", to=jid("bob"), text="hello bob", client_message_id="py-1"),
        timeout=TIMEOUT)
    check(sent.accepted and sent.client_message_id == "py-1", "alice's message was accepted")
    got = events.next(of("bob", "message_received",
                         lambda e: e.message_received.text == "hello bob"), "bob gets it")
    check(got.message_received.peer == jid("alice"), "bob sees it from alice (peer)")
    stub.SendMessage(messages_pb2.SendMessageRequest(
        session="bob", to=got.message_received.peer, text="hi alice"), timeout=TIMEOUT)
    events.next(of("alice", "message_received",
                   lambda e: e.message_received.text == "hi alice"), "alice gets bob's reply")

    # A room: alice creates it (lilacd accepts the instant-room default), bob joins.
    room = "pylilac@" + args.muc_domain
    stub.JoinChat(chats_pb2.JoinChatRequest(session="alice", chat=room, nickname="alice"),
                  timeout=TIMEOUT)
    events.next(of("alice", "chat_joined"), "alice joined the room")
    subject = stub.SetChatSubject(chats_pb2.SetChatSubjectRequest(session="alice", chat=room,
                                                                  subject="from python"),
                                  timeout=TIMEOUT)
    check(not subject.HasField("failure") and subject.subject == "from python",
          "the network confirmed the subject")
    events.next(of("alice", "chat_subject_changed",
                   lambda e: e.chat_subject_changed.subject == "from python"),
                "the room is configured")
    stub.JoinChat(chats_pb2.JoinChatRequest(session="bob", chat=room, nickname="bob"),
                  timeout=TIMEOUT)
    joined = events.next(of("bob", "chat_joined"), "bob joined the room")
    check({p.nickname for p in joined.chat_joined.participants} >= {"alice", "bob"},
          "bob sees both in the room")
    said = stub.SendChatMessage(chats_pb2.SendChatMessageRequest(
        session="alice", chat=room, text="hello room", client_message_id="py-room"),
        timeout=TIMEOUT)
    check(said.accepted, "alice's room message was accepted")
    heard = events.next(of("bob", "chat_message_received",
                           lambda e: e.chat_message_received.text == "hello room"),
                        "bob hears alice in the room")
    check(heard.chat_message_received.sender_nickname == "alice", "from alice's nickname")

    # What bob's plugin can do, and in the room; then the network's directory lists the room.
    caps = stub.GetCapabilities(capabilities_pb2.GetCapabilitiesRequest(session="bob", chat=room),
                                timeout=TIMEOUT)
    check(caps.session.protocol_id == "prpl-jabber" and caps.session.chat_list
          and caps.session.chat_subject and caps.session.html, "XMPP's capabilities")
    check(caps.chat.nickname == "bob" and not caps.chat.role.moderator,
          "bob is an ordinary participant")
    listed = stub.ListChats(chats_pb2.ListChatsRequest(session="bob"), timeout=TIMEOUT)
    check(room in {c.chat for c in listed.chats}, "the directory lists the room")

    # Resume: stop following, send something meanwhile, follow again from the cursors.
    cursors = events.follower.cursors()
    events.stop()
    stub.SendMessage(messages_pb2.SendMessageRequest(
        session="bob", to=jid("alice"), text="while you were away"), timeout=TIMEOUT)
    resumed = Events(stub, [], cursors={"alice": cursors["alice"]})
    first = resumed.next(lambda e: True, "the first event after resuming")
    check(first.sequence == cursors["alice"][0] + 1, "resumed right after the last event seen")
    if first.WhichOneof("kind") != "message_received":
        resumed.next(of("alice", "message_received",
                        lambda e: e.message_received.text == "while you were away"),
                     "the message sent while away")
    check(resumed.follower.resets == 0, "a cursor of this run is not reset")
    resumed.stop()

    # A cursor of another lilacd run is reset explicitly, never reused silently.
    reset_sessions = []
    stale = Events(stub, [], cursors={"alice": (cursors["alice"][0], "0" * 32)},
                   on_reset=reset_sessions.append)
    again = stale.next(lambda e: True, "events after a reset")
    check(reset_sessions == ["alice"], "the stale cursor was reset, and said so")
    check(again.sequence <= cursors["alice"][0], "after a reset the session starts again")
    stale.stop()

    # Heartbeats when idle; they are not events.
    beat = threading.Event()
    idle = Events(stub, ["bob"], heartbeat_seconds=1, on_heartbeat=lambda _: beat.set())
    check(beat.wait(TIMEOUT), "an idle stream gets heartbeats")
    idle.stop()

    for user in ("alice", "bob"):
        stub.Logout(sessions_pb2.LogoutRequest(session=user), timeout=TIMEOUT)
    print("all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as failure:
        print("FAILED:", failure, flush=True)
        sys.exit(1)
