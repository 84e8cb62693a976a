"""Upgrades: a store written by schema 1 (profiles without explicit steps and reminder delay,
posts without their flags, records under their ids) is migrated step by step to the current
schema when the daemon starts, before it serves."""
import os
import sys

from gltest import BIN_DIR, Daemon
from helpers import make_post, make_profile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tools"))
from opstools import Store, lmdbtool_path, run_sub  # noqa: E402

V1_PROFILE_DROPS = ("steps", "reminder_minutes")
V1_POST_DROPS = ("overdue", "reminded", "publishing_since")


def make_v1(store):
    """Rewrites a stopped store into what schema 1 wrote: version 1, the fields it lacked, and
    the posts' records kept under their ids."""
    store.to_schema3_posts()
    for db, drops in (("profiles", V1_PROFILE_DROPS), ("posts", V1_POST_DROPS)):
        for k, rec in store.records(db):
            rec = {f: v for f, v in rec.items() if f not in drops}
            rec["v"] = 1
            store.put(db, k, rec)
    store.put("meta", b"schema", bytes([1]))


def test_v1_store_is_migrated_at_start(tmpdir_path):
    tool = lmdbtool_path(os.path.join(tmpdir_path, "tools"))
    data = os.path.join(tmpdir_path, "data")
    d = Daemon(data).start()
    admin = d.client()
    p = make_profile(admin)
    posts = [make_post(admin, p, status=s) for s in ("draft", "awaiting_approval", "scheduled")]
    assert d.stop() == 0
    s = Store(tool, data)
    make_v1(s)
    assert dict(s.dump("meta"))[b"schema"] == bytes([1])
    for _, rec in s.records("profiles"):
        assert "steps" not in rec and rec["v"] == 1

    d.start()
    try:
        log = d.log()
        assert "migrate: schema from=1 to=2" in log
        assert "profiles=1 posts=3" in log
        assert "migrate: schema from=3 to=4" in log and "time index posts=3" in log
        admin = d.client()
        prof = next(x for x in admin.call("profile.list")["profiles"] if x["id"] == p)
        assert prof["steps"] == [{"name": "Approval", "who": "any"}]
        assert prof["reminder_minutes"] == 60
        got = admin.call("post.get", id=posts[1])
        assert got["status"] == "awaiting_approval" and got["overdue"] is False
        # the workflow still runs on migrated records
        admin.call("post.approve", id=posts[1])
        assert admin.call("post.get", id=posts[1])["status"] == "approved"
    finally:
        assert d.stop() == 0
    assert dict(s.dump("meta"))[b"schema"] == bytes([4])
    for _, rec in s.records("profiles"):
        assert rec["v"] == 4
        assert rec["steps"] == [{"name": "Approval", "who": "any"}]
        assert rec["reminder_minutes"] == 60
    assert len(s.post_records()) == 3 and all(len(v) == 24 for _, v in s.dump("posts"))
    for _, rec in s.post_records():
        assert rec["v"] == 4
        assert rec["overdue"] is False and rec["reminded"] is False
        assert "publishing_since" not in rec  # schema 3: publishing is a status
    r = run_sub(BIN_DIR, "check", "--data", data)
    assert r.returncode == 0, r.stderr
    # started again, nothing left to migrate
    d.start()
    assert d.stop() == 0
    assert d.log().count("migrate: schema from=1") == 1


def test_newer_schema_is_refused(tmpdir_path):
    tool = lmdbtool_path(os.path.join(tmpdir_path, "tools"))
    data = os.path.join(tmpdir_path, "data")
    d = Daemon(data).start()
    assert d.stop() == 0
    Store(tool, data).put("meta", b"schema", bytes([5]))
    r = run_sub(BIN_DIR, "--data", data, "--rpc", "127.0.0.1:0", "--http", "127.0.0.1:0",
                timeout=30)
    assert r.returncode == 1
    assert "newer schema than this daemon" in r.stderr
