#!/usr/bin/python3
"""A bot that logs in and answers every one-to-one message with its own text.

    PYTHONPATH=<generated stubs>:clients/python /usr/bin/python3 clients/python/examples/echo_bot.py \
        --lilacd 127.0.0.1:5345 --protocol prpl-jabber --username bot@example.org/lilac \
        --password-file ~/.bot-password
"""

import argparse
import sys

import grpc

from lilac.v1 import messages_pb2, sessions_pb2
from lilac_client import EventFollower, connect


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lilacd", default="127.0.0.1:5345")
    parser.add_argument("--session", default="echo-bot")
    parser.add_argument("--protocol", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password-file", help="a file holding the password (never argv)")
    parser.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    stub = connect(args.lilacd)
    login = sessions_pb2.LoginRequest(session=args.session, protocol=args.protocol,
                                      username=args.username)
    if args.password_file:
        with open(args.password_file) as secret:
            login.password = secret.read().strip()
    for setting in args.setting:
        key, _, value = setting.partition("=")
        login.settings[key] = value
    login.reconnect.enabled = True
    stub.Login(login)

    for event in EventFollower(stub, sessions=[args.session]):
        kind = event.WhichOneof("kind")
        if kind == "connection_changed":
            print("connection:", sessions_pb2.ConnectionState.Name(event.connection_changed.state),
                  event.connection_changed.message, flush=True)
        elif kind == "message_received" and not event.message_received.flags.sent_by_us_elsewhere:
            received = event.message_received
            try:
                stub.SendMessage(messages_pb2.SendMessageRequest(
                    session=args.session, to=received.peer, text=received.text,
                    client_message_id="echo-%d" % event.sequence))
            except grpc.RpcError as error:  # for example disconnected meanwhile
                print("not echoed:", error.details(), flush=True)
        elif kind == "session_ended":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
