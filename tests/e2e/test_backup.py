"""Store tools: `greenlightd check` finds every broken invariant we can plant; `greenlightd
backup` copies a store while the daemon serves writes, and `restore` brings the copy back."""
import os
import subprocess
import sys
import threading
import time

import pytest

from conftest import BIN_DIR, Daemon, wait_until
from helpers import make_post, make_profile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tools"))
from opstools import Store, lmdbtool_path, run_sub  # noqa: E402


@pytest.fixture
def tool(tmpdir_path):
    return lmdbtool_path(os.path.join(tmpdir_path, "tools"))


def populate(daemon, admin):
    """A store with every kind of record: profiles, posts in several states with history,
    comments and revisions, links (one revoked, one regenerated), media and sessions."""
    p = make_profile(admin)
    posts = [make_post(admin, p, status=s) for s in
             ("draft", "awaiting_approval", "changes_requested", "approved", "scheduled")]
    admin.call("post.comment", id=posts[1], text="Looks good")
    admin.call("post.update", id=posts[2], caption="Shorter")
    admin.call("link.create", profile=p, kind="collab", password="sesame-open")
    gone = admin.call("link.create", profile=p, kind="calendar")
    admin.call("link.revoke", id=gone["id"])
    again = admin.call("link.create", profile=p, kind="approval", approver="Claire")
    admin.call("link.regenerate", id=again["id"])
    return p, posts


def check(data_dir):
    return run_sub(BIN_DIR, "check", "--data", data_dir)


def test_check_consistent_store_live_and_stopped(daemon, admin):
    populate(daemon, admin)
    r = check(daemon.data_dir)  # beside the running daemon: a read snapshot
    assert r.returncode == 0, r.stderr
    assert "consistent" in r.stdout
    daemon.stop()
    r = check(daemon.data_dir)
    assert r.returncode == 0, r.stderr
    daemon.start()


def test_check_usage_and_missing_store(tmpdir_path):
    assert run_sub(BIN_DIR, "check").returncode == 2
    r = check(os.path.join(tmpdir_path, "nowhere"))
    assert r.returncode == 2 and "cannot open store" in r.stderr


def test_check_reports_each_planted_problem(daemon, admin, tool):
    _, posts = populate(daemon, admin)
    daemon.stop()
    s = Store(tool, daemon.data_dir)
    by_time = s.dump("posts_by_time")
    by_status = s.dump("posts_by_status")
    # 1. a post loses its time index entry
    s.delete("posts_by_time", by_time[0][0])
    # 2. a status index entry for a post that does not exist
    s.put("posts_by_status", by_status[0][0][:9] + (999).to_bytes(8, "big"), b"")
    # 3. an index entry that does not match its post (wrong status byte)
    k = by_status[1][0]
    s.delete("posts_by_status", k)
    s.put("posts_by_status", bytes([(k[0] + 3) % 7]) + k[1:], b"")
    # 4. a comment of a missing post
    s.put("comments", (998).to_bytes(8, "big") + (1).to_bytes(4, "big"), {"v": 1, "text": "x"})
    # 5. a token pointing nowhere
    s.put("links_by_token", b"\x01" * 32, (997).to_bytes(8, "big"))
    # 6. a record that does not decode
    s.put("profiles", (50).to_bytes(8, "big"), b"\xc1garbage")
    r = check(daemon.data_dir)
    assert r.returncode == 1, r.stdout + r.stderr
    err = r.stderr
    assert "missing from posts_by_time" in err
    assert "posts_by_status: entry for post 999, which does not exist" in err
    assert "does not match it" in err
    assert "comments (998, 1): post 998 does not exist" in err
    assert "links_by_token: entry for link 997, which does not exist" in err
    assert "profiles 50: not a record" in err
    assert len(err.strip().splitlines()) >= 6
    # an unknown schema version is a problem too
    s.put("meta", b"schema", bytes([99]))
    r = check(daemon.data_dir)
    assert r.returncode == 1 and "unknown schema version" in r.stderr
    s.put("meta", b"schema", bytes([1]))
    daemon.proc = None  # the fixture's stop() has nothing left to stop
