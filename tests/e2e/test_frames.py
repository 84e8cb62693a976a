"""Hostile and malformed frames: each gets a clear error (or a closed connection), and every
other client goes on as if nothing happened."""
import socket

import msgpack
import pytest

from gltest import RpcClient, wait_until
from helpers import make_post, make_profile


def raw(daemon):
    return RpcClient("127.0.0.1", daemon.rpc_port)


def expect_error_then_close(c, code):
    msg = c.read_message()
    assert msg is not None and msg[0] == 1 and msg[1] == 0, msg
    assert msg[2]["code"] == code, msg
    assert c.read_message() is None  # closed after the answer


@pytest.fixture
def bystander(daemon):
    """A logged-in client whose work must not notice the attacks."""
    c = daemon.client()
    prof = make_profile(c)
    c.pid = make_post(c, prof, "awaiting_approval")
    return c


def still_fine(daemon, bystander):
    assert daemon.alive()
    assert bystander.call("post.get", id=bystander.pid)["status"] == "awaiting_approval"
    fresh = daemon.client()
    assert fresh.call("server.ping")["now"] > 0


def test_garbage_bytes(daemon, bystander):
    c = raw(daemon)
    c.send_raw(b"\xc1\xc1\xc1GET / HTTP/1.1\r\n\r\n")
    expect_error_then_close(c, "bad_request")
    still_fine(daemon, bystander)


def test_oversized_frame_before_login(daemon, bystander):
    c = raw(daemon)
    c.send_raw(msgpack.packb([0, 1, "auth.login", [{"user": "admin", "password": "x" * 5000}]]))
    expect_error_then_close(c, "too_large")
    still_fine(daemon, bystander)


def test_lying_element_count_allocates_nothing(daemon, bystander):
    before = daemon.rss_kib()
    for header in (b"\xdd\x1d\xcd\x65\x00", b"\xdf\x1d\xcd\x65\x00", b"\x94\x00\x01\xdb\x7f\xff\xff\xff"):
        c = raw(daemon)
        c.send_raw(header)
        expect_error_then_close(c, "too_large")
    assert daemon.rss_kib() - before < 20 * 1024
    still_fine(daemon, bystander)


def test_deep_nesting_after_login(daemon, bystander):
    c = daemon.client()
    c.send_raw(b"\x94\x00\x05\xa8post.get\x91" + b"\x91" * 200 + b"\x80")
    expect_error_then_close(c, "too_large")
    still_fine(daemon, bystander)


def test_millions_of_tiny_elements_refused(daemon, bystander):
    c = daemon.client()
    body = msgpack.packb([0, 9, "post.list", [{"x": [0] * 200000}]])
    c.send_raw(body)
    expect_error_then_close(c, "too_large")
    still_fine(daemon, bystander)


def test_oversized_frame_after_login(daemon, bystander):
    c = daemon.client()
    c.send_raw(msgpack.packb([0, 2, "post.create", [{"caption": "x" * (13 << 20)}]]))
    expect_error_then_close(c, "too_large")
    still_fine(daemon, bystander)


def test_wrong_shapes_get_errors_and_keep_the_connection(daemon, bystander):
    c = daemon.client()
    cases = [
        ([1, 5, None, None], "bad_request"),            # nor respond
        ([0, 6, "post.get", [1, 2]], "bad_request"),    # params not one map
        ([0, 7, "post.get"], "bad_request"),            # too short
        ([0, -1, "post.get", [{}]], "bad_request"),     # msgid out of range
        ([0, 8, "no.such", [{}]], "unknown_method"),
        ("hello", "bad_request"),
        ([0, 9, "post.get", [{"id": "one"}]], "bad_request"),
    ]
    for frame, code in cases:
        c.send_raw(msgpack.packb(frame))
        msg = c.read_message()
        assert msg[0] == 1 and msg[2]["code"] == code, (frame, msg)
    assert c.call("server.ping")
    still_fine(daemon, bystander)


def test_malformed_envelopes_answer_their_own_msgid(daemon, bystander):
    """The error to a request whose msgid is readable carries that msgid (it carried 0, and a
    client waiting on its request hung); only an unreadable one gets 0."""
    c = daemon.client()
    cases = [
        ([0, 41, "post.get", {}], 41),              # params a map, not an array
        ([0, 42, "post.get", [{}, {}]], 42),        # two maps
        ([0, 43, "post.get", "x"], 43),             # a string
        ([0, 44, 7, [{}]], 44),                     # method an integer
        ([0, 45, b"post.get", [{}]], 45),           # method bin
        ([0, 46, "post.get"], 46),                  # too short
        ([0, 47, "post.get", [{}], 5], 47),         # too long
        ([0, -1, "post.get", [{}]], 0),             # no readable msgid
        ([0, "x", "post.get", [{}]], 0),
    ]
    for frame, msgid in cases:
        c.send_raw(msgpack.packb(frame, use_bin_type=True))
        msg = c.read_message()
        assert msg[0] == 1 and msg[1] == msgid and msg[2]["code"] == "bad_request", (frame, msg)
    assert c.call("server.ping")
    still_fine(daemon, bystander)


def test_client_notifications_get_no_answer(daemon, bystander):
    """A notification is answered by nothing (the spec); the next request's answer is the first
    thing that comes back, and the notification is in the log."""
    c = daemon.client()
    c.send_raw(msgpack.packb([2, "event", [{}]]))
    c.send_raw(msgpack.packb([2, 5]))  # a malformed one is still a notification
    c.send_raw(msgpack.packb([0, 60, "server.ping", [{}]]))
    msg = c.read_message()
    assert msg[0] == 1 and msg[1] == 60 and msg[2] is None, msg
    wait_until(lambda: "ignoring a notification" in daemon.log_tail(50),
               what="the notification logged")  # log lines go out as the loop iteration ends
    still_fine(daemon, bystander)


def test_pipelined_and_split_frames(daemon, bystander):
    c = daemon.client()
    frames = b"".join(msgpack.packb([0, 100 + i, "server.ping", [{}]]) for i in range(50))
    # Byte by byte for the first frames, then the rest in one go.
    for b in frames[:40]:
        c.send_raw(bytes([b]))
    c.send_raw(frames[40:])
    ids = [c.read_message()[1] for _ in range(50)]
    assert ids == list(range(100, 150))  # one at a time, in order
    still_fine(daemon, bystander)


def test_abrupt_disconnect_mid_frame_and_mid_write(daemon, bystander):
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", daemon.rpc_port))
        s.sendall(msgpack.packb([0, 1, "auth.login", [{"user": "admin"}]])[:7])
        s.close()
    c = daemon.client()
    prof = make_profile(c, name="Z")
    c.send_raw(msgpack.packb([0, 77, "post.create",
                              [{"profile": prof, "caption": "bye", "platforms": ["x"]}]]))
    c.close()
    still_fine(daemon, bystander)
    assert any(p["caption"] == "bye" for p in bystander.call("post.list", profile=prof)["posts"])
