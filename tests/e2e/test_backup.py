"""Store tools: `greenlightd check` finds every broken invariant we can plant; `greenlightd
backup` copies a store while the daemon serves writes, and `restore` brings the copy back."""
import os
import subprocess
import sys
import threading
import time

import pytest

from gltest import BIN_DIR, Daemon, wait_until
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
    # 7. a post's entry in posts that is not the key of its record (schema 4: posts maps an id
    # to its posts_by_time key)
    mapped = s.dump("posts")
    s.put("posts", mapped[-1][0], b"\0" * 24)
    # 8. a post's record under a key its own fields do not make (another time)
    k, rec = by_time[2]
    s.delete("posts_by_time", k)
    s.put("posts_by_time", k[:8] + (int.from_bytes(k[8:16], "big") + 60).to_bytes(8, "big") +
          k[16:], rec)
    r = check(daemon.data_dir)
    assert r.returncode == 1, r.stdout + r.stderr
    err = r.stderr
    assert "missing from posts_by_time" in err
    assert "posts_by_status: entry for post 999, which does not exist" in err
    assert "does not match it" in err
    assert "comments (998, 1): post 998 does not exist" in err
    assert "links_by_token: entry for link 997, which does not exist" in err
    assert "profiles 50: not a record" in err
    last = int.from_bytes(mapped[-1][0], "big")
    assert f"post {last}: its entry in posts is not its posts_by_time key" in err
    moved = int.from_bytes(k[16:24], "big")
    assert f"posts_by_time: entry for post {moved} does not match it" in err
    assert len(err.strip().splitlines()) >= 6
    # an unknown schema version is a problem too
    s.put("meta", b"schema", bytes([99]))
    r = check(daemon.data_dir)
    assert r.returncode == 1 and "unknown schema version" in r.stderr
    s.put("meta", b"schema", bytes([1]))
    daemon.proc = None  # the fixture's stop() has nothing left to stop


DBS = ("meta", "users", "profiles", "posts", "posts_by_time", "posts_by_status", "revisions",
       "history", "comments", "links", "links_by_token", "sessions", "media", "notifications",
       "link_seen")


def snapshot(tool, data_dir):
    s = Store(tool, data_dir)
    return {db: s.dump(db) for db in DBS}


class Writer(threading.Thread):
    """Creates and submits posts as fast as the daemon takes them, until stopped."""

    def __init__(self, daemon, profile):
        super().__init__(daemon=True)
        self.c = daemon.client()
        self.profile = profile
        self.stop_flag = threading.Event()
        self.created = []
        self.error = None

    def run(self):
        try:
            while not self.stop_flag.is_set():
                pid = self.c.call("post.create", profile=self.profile, caption="load %d" %
                                  len(self.created), platforms=["x"],
                                  scheduled_at=int(time.time()) + 86400)["id"]
                self.c.call("post.submit", id=pid)
                self.created.append(pid)
        except Exception as e:  # reported by the test
            self.error = e


def test_backup_under_write_load_then_restore(daemon, admin, tool, tmpdir_path):
    populate(daemon, admin)
    p = make_profile(admin, name="Load")
    w = Writer(daemon, p)
    w.start()
    backups = []
    try:
        for i in range(3):
            # each backup is taken while posts keep being written
            wait_until(lambda n=len(w.created): len(w.created) >= n + 20 or w.error,
                       what="writes before a backup")
            out = os.path.join(tmpdir_path, "live-%d.glbackup" % i)
            t0 = time.monotonic()
            r = run_sub(BIN_DIR, "backup", "--data", daemon.data_dir, out)
            took = time.monotonic() - t0
            assert r.returncode == 0, r.stderr
            assert r.stdout.startswith("backup %s bytes=" % out)
            assert not os.path.exists(out + ".tmp")
            backups.append((out, len(w.created)))
            print("backup %d under load: %d bytes, %.0f ms, %d posts written so far"
                  % (i, os.path.getsize(out), took * 1000, len(w.created)))
    finally:
        w.stop_flag.set()
        w.join(30)
    assert w.error is None, w.error
    assert daemon.alive()
    # The daemon kept serving: more posts were written after the first backup.
    assert len(w.created) > backups[0][1]
    final = os.path.join(tmpdir_path, "final.glbackup")
    r = run_sub(BIN_DIR, "backup", "--data", daemon.data_dir, final)
    assert r.returncode == 0, r.stderr
    assert daemon.stop() == 0
    original = snapshot(tool, daemon.data_dir)
    data_mdb = os.path.getsize(os.path.join(daemon.data_dir, "data.mdb"))
    assert os.path.getsize(final) <= data_mdb  # compacted
    final_posts = dict(original["posts"])

    for i, (path, _) in enumerate(backups):
        d = os.path.join(tmpdir_path, "restored-%d" % i)
        r = run_sub(BIN_DIR, "restore", "--data", d, path)
        assert r.returncode == 0, r.stderr
        assert check(d).returncode == 0, check(d).stderr
        got = dict(Store(tool, d).dump("posts"))
        # A consistent snapshot: a prefix of the ids, each post as it was finally written
        # (the load only creates and submits; the submit is in the post's own transaction).
        ids = sorted(int.from_bytes(k, "big") for k in got)
        assert ids == list(range(1, len(ids) + 1))
        for k, v in got.items():
            assert k in final_posts
        assert len(got) >= 5 + 20 * (i + 1)

    d = os.path.join(tmpdir_path, "restored-final")
    r = run_sub(BIN_DIR, "restore", "--data", d, final)
    assert r.returncode == 0, r.stderr
    assert snapshot(tool, d) == original
    # and a daemon runs on it and sees every post
    again = Daemon(d).start()
    try:
        c = again.client(password=daemon.admin_password)
        n = len(c.call("post.get", id=w.created[-1])["caption"])
        assert n > 0
        assert c.call("post.get", id=w.created[-1])["status"] == "awaiting_approval"
    finally:
        assert again.stop() == 0
    daemon.proc = None


def test_restore_refusals(daemon, admin, tmpdir_path):
    populate(daemon, admin)
    out = os.path.join(tmpdir_path, "b.glbackup")
    assert run_sub(BIN_DIR, "backup", "--data", daemon.data_dir, out).returncode == 0
    # while the daemon has the store open, even --force is refused
    r = run_sub(BIN_DIR, "restore", "--data", daemon.data_dir, "--force", out)
    assert r.returncode == 1 and "stop the daemon first" in r.stderr
    assert daemon.stop() == 0
    # a store is there: only --force replaces it
    r = run_sub(BIN_DIR, "restore", "--data", daemon.data_dir, out)
    assert r.returncode == 1 and "--force" in r.stderr
    r = run_sub(BIN_DIR, "restore", "--data", daemon.data_dir, "--force", out)
    assert r.returncode == 0, r.stderr
    # not a backup at all
    junk = os.path.join(tmpdir_path, "junk")
    with open(junk, "wb") as f:
        f.write(b"hello" * 1000)
    r = run_sub(BIN_DIR, "restore", "--data", os.path.join(tmpdir_path, "x"), junk)
    assert r.returncode == 1 and "not a Greenlight backup" in r.stderr
    assert not os.path.exists(os.path.join(tmpdir_path, "x", "data.mdb"))
    r = run_sub(BIN_DIR, "backup", "--data", os.path.join(tmpdir_path, "nowhere"), junk + "2")
    assert r.returncode == 1 and not os.path.exists(junk + "2")
    daemon.start()
