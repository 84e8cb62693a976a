"""Every acknowledged write survives a restart and a kill -9; a daemon that was down catches
up on publishing at start."""
import os
import threading
import time

import pytest

from gltest import Daemon, RpcError, wait_until
from helpers import make_post, make_profile


def test_restart_keeps_everything(daemon, admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "approved", caption="survives")
    admin.call("post.comment", id=pid, text="noted", shared=True)
    before = admin.call("post.get", id=pid)
    history = admin.call("post.history", id=pid)
    assert daemon.stop() == 0
    daemon.start()
    c = daemon.client()
    assert c.call("post.get", id=pid) == before
    assert c.call("post.history", id=pid) == history
    assert c.call("profile.list")["profiles"][0]["id"] == prof
    # Ids continue where they were.
    assert make_post(c, prof) > pid


def test_kill9_during_a_stream_of_writes_loses_no_acknowledged_write(daemon, admin):
    prof = make_profile(admin)
    acked = {}  # post id -> caption, recorded only after the daemon's success reply
    decided = {}  # post id -> status acknowledged
    stop = threading.Event()
    errors = []

    def writer(n):
        try:
            i = 0
            # The kill may come before a slow writer has even logged in: that is no error.
            c = daemon.client()
            while not stop.is_set():
                caption = f"w{n}-{i}"
                pid = c.call("post.create", profile=prof, caption=caption,
                             platforms=["x"], scheduled_at=int(time.time()) + 86400)["id"]
                acked[pid] = caption
                r = c.call("post.submit", id=pid)
                decided[pid] = r["status"]
                i += 1
        except (ConnectionError, OSError):
            return
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    wait_until(lambda: len(acked) >= 300, timeout=60, what="300 acknowledged writes")
    daemon.proc.kill()  # kill -9 in the middle of the stream
    daemon.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors
    daemon.clients = []
    daemon.start()
    c = daemon.client()
    stored = {p["id"]: p for p in c.call("post.list", profile=prof)["posts"]}
    for pid, caption in acked.items():
        assert pid in stored, f"acknowledged post {pid} lost"
        assert stored[pid]["caption"] == caption
    for pid, status in decided.items():
        assert stored[pid]["status"] == status
    # Nothing half-written: every stored post reads back whole, with its history.
    for pid in stored:
        hist = c.call("post.history", id=pid)["history"]
        assert hist[0]["type"] == "created"
        assert len(hist) == (2 if stored[pid]["status"] == "awaiting_approval" else 1)


def test_publishing_catches_up_after_downtime(daemon, admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "scheduled", at=int(time.time()) + 2)
    later = make_post(admin, prof, "scheduled", caption="next week")
    assert daemon.stop() == 0
    # Down while the time passes.
    deadline = admin_time = time.time() + 3
    while time.time() < deadline:
        time.sleep(0.2)
    assert admin_time
    daemon.start()
    c = daemon.client()
    wait_until(lambda: c.call("post.get", id=pid)["status"] == "published", timeout=10,
               what="catch-up publication")
    assert c.call("post.get", id=later)["status"] == "scheduled"


def test_sigterm_shuts_down_cleanly_with_clients_connected(daemon, admin):
    watcher = daemon.client()
    watcher.call("notify.subscribe")
    make_profile(admin)
    assert daemon.stop() == 0
    assert "shutting down" in daemon.log_tail()


def test_second_daemon_on_same_data_dir_shares_the_store(daemon, admin, tmpdir_path):
    """LMDB allows it; what matters is that a second process neither corrupts nor loses."""
    prof = make_profile(admin)
    other = Daemon(daemon.data_dir).start()
    try:
        c = other.client(password=daemon.admin_password)
        assert c.call("profile.list")["profiles"][0]["id"] == prof
    finally:
        assert other.stop() == 0
