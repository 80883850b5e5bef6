"""A small Python client for lilacd (lilac.v1): the generated stubs plus an event follower.

    from lilac_client import connect, EventFollower
    stub = connect("127.0.0.1:5345")
    for event in EventFollower(stub, sessions=["bot"]):
        ...

The stubs (package lilac.v1) are generated from protos/ with Debian's protoc and
grpc_python_plugin; see README.md.
"""

from lilac_client.client import connect, duration
from lilac_client.events import EventFollower

__all__ = ["connect", "duration", "EventFollower"]
