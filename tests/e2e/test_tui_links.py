"""The staff client with links and the queue together, and failed posts: driven for real in
tmux against a real greenlightd, every result checked through RPC afterwards."""
import os
import re
import time

import pytest

from conftest import Daemon, wait_until
from helpers import make_post, make_profile
from test_tui import TMUX, open_queue, queue_setup, tuis  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

FAILURE = "Instagram said: the access token has expired"


@pytest.fixture
def failing_daemon(tmpdir_path):
    """A daemon whose publisher fails its first run with a message, then succeeds."""
    script = os.path.join(tmpdir_path, "publisher.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n"
                f"n=$(cat '{script}.count' 2>/dev/null || echo 0)\n"
                f"echo $((n + 1)) > '{script}.count'\n"
                f"if [ \"$n\" = 0 ]; then echo '{FAILURE}' >&2; exit 3; fi\n"
                "exit 0\n")
    os.chmod(script, 0o755)
    d = Daemon(os.path.join(tmpdir_path, "data"), ["--publisher", script]).start()
    yield d
    code = d.stop()
    assert code == 0, f"greenlightd exited with {code}:\n{d.log_tail()}"


def test_failed_post_says_why_and_retries(failing_daemon, tuis):
    admin = failing_daemon.client()
    prof = make_profile(admin, name="Failing Co", timezone="UTC")
    at = int(time.time()) + 2
    pid = make_post(admin, prof, "approved", caption="Out it goes", at=at)
    admin.call("post.schedule", id=pid)
    wait_until(lambda: admin.call("post.get", id=pid)["status"] == "failed", timeout=20,
               what="the first publish to fail")
    note = [h for h in admin.call("post.history", id=pid)["history"] if h["to"] == "failed"]
    assert FAILURE in note[-1]["note"]

    t = tuis(failing_daemon)
    t.wait_for(r"\[month\]")
    t.keys("Enter")  # today's posts
    t.wait_for(rf"Post {pid}\s+failed")
    t.wait_for(re.escape(FAILURE))
    t.wait_for(r"F retries it")
    t.keys("F")
    # The message "retried post N" may already be replaced by the publish that follows.
    wait_until(lambda: admin.call("post.get", id=pid)["status"] == "published", timeout=20,
               what="the retried post to be published")
    types = [h["type"] for h in admin.call("post.history", id=pid)["history"]]
    assert "post.retried" in types or any("retr" in x for x in types), types
    t.wait_for(rf"Post {pid}\s+published")
    t.wait_gone(r"F retries it")
