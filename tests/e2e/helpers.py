"""Shared test data builders: users per role, a profile, posts in a given status."""
import base64
import time

import pytest

from glrpc import RpcError

PASSWORD = "correct horse battery"


def make_user(daemon, admin, name, role):
    admin.call("user.create", name=name, password=PASSWORD, role=role)
    return daemon.client(name, PASSWORD)


def refusal(c, method, **params):
    """The error the daemon answers c's call with; the test fails if the call is done."""
    with pytest.raises(RpcError) as e:
        c.call(method, **params)
    return e.value


def make_profile(admin, name="Acme", timezone="Europe/Paris", platforms=("instagram", "x"), **kw):
    return admin.call("profile.create", name=name, timezone=timezone, platforms=list(platforms),
                      **kw)["id"]


def make_post(c, profile, status="draft", caption="Hello world", at=None, platforms=("instagram",),
              notes=None, comments=()):
    """A post brought to status through the real workflow; comments are (text, shared) pairs."""
    at = at if at is not None else int(time.time()) + 7 * 86400
    extra = {"notes": notes} if notes is not None else {}
    pid = c.call("post.create", profile=profile, caption=caption, platforms=list(platforms),
                 scheduled_at=at, **extra)["id"]
    for text, shared in comments:
        c.call("post.comment", id=pid, text=text, shared=shared)
    if status == "draft":
        return pid
    c.call("post.submit", id=pid)
    if status == "awaiting_approval":
        return pid
    if status == "changes_requested":
        c.call("post.reject", id=pid, note="Shorter, please")
        return pid
    c.call("post.approve", id=pid)
    if status == "approved":
        return pid
    c.call("post.schedule", id=pid)
    assert status == "scheduled", status
    return pid



# The daemon refuses a time already past, and has no test clock. A test that needs something
# to happen "now" asks for the next second; when the call arrives after it (a loaded machine),
# the daemon says so and the next second is asked for. No margin is guessed, and the daemon
# checks what it always checks. ATTEMPTS only ends a daemon that refuses for another reason.
SOON_ATTEMPTS = 50


def _soon(call, refusal, seconds):
    for _ in range(SOON_ATTEMPTS):
        at = int(time.time()) + seconds
        try:
            return call(at), at
        except RpcError as e:
            if refusal not in e.message:
                raise
    raise AssertionError(f"the daemon refused {SOON_ATTEMPTS} times to the next second")


def publish_soon(c, pid, seconds=1):
    """Moves scheduled post pid to a time seconds from now, so the publisher takes it then;
    returns that time."""
    return _soon(lambda at: c.call("post.reschedule", id=pid, scheduled_at=at),
                 "in the past", seconds)[1]


def link_expiring_soon(c, seconds=2, **args):
    """A link that expires seconds after it is made (link.create refuses an expiry already past)."""
    return _soon(lambda at: c.call("link.create", expires_at=at, **args), "expires_at must be",
                 seconds)[0]

# A real 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def upload_png(c, name="pixel.png"):
    return c.call("media.upload", name=name, type="image/png", data=PNG)["id"]


def count_closed(socks):
    """How many of the sockets the daemon has closed (what it sent before is read and dropped)."""
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(4096) == b"":
                n += 1
        except BlockingIOError:
            pass
        except OSError:
            n += 1
    return n
