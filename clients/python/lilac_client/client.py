"""Channel and stub for lilacd."""

import grpc
from google.protobuf import duration_pb2

from lilac.v1 import lilac_pb2_grpc


def connect(address, credentials=None):
    """A LilacServiceStub for `address` ("127.0.0.1:5345", "unix:/run/lilac/lilacd.sock").

    Plaintext unless `credentials` (grpc.ChannelCredentials) are given; lilacd listens on
    loopback or a Unix socket unless told otherwise.
    """
    if credentials is None:
        channel = grpc.insecure_channel(address)
    else:
        channel = grpc.secure_channel(address, credentials)
    return lilac_pb2_grpc.LilacServiceStub(channel)


def duration(seconds):
    """A google.protobuf.Duration of `seconds` (int or float)."""
    value = duration_pb2.Duration()
    value.FromNanoseconds(int(round(seconds * 1e9)))
    return value
