"""Publishing is a status: while the publisher command runs the post is "publishing", nothing
but a comment changes it (through RPC or a link page), its outcome is always recorded, and a
daemon killed meanwhile fails it as interrupted, never publishing twice. Also: an editor cannot
move an approved post through post.update (the time is part of what was approved).

The publisher here blocks on a FIFO the test writes the exit code into, so the test decides
when publishing ends, without sleeps."""
import contextlib
import datetime
import errno
import os
import re
import stat
import sys
import time
import zoneinfo

import pytest

from gltest import BIN_DIR, ROOT, Daemon, RpcError, wait_until
from helpers import make_post, make_profile, make_user
from httputil import Web, csrf, path_of, sign_in, text

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tools"))
from opstools import Store, lmdbtool_path, run_sub  # noqa: E402

BEING_PUBLISHED = "being published"


class Publisher:
    """A publisher command that records each run and then waits for release(code)."""

    def __init__(self, tmpdir):
        self.runs = os.path.join(tmpdir, "runs")
        self.started = os.path.join(tmpdir, "started")
        self.fifo = os.path.join(tmpdir, "outcome")
        os.mkfifo(self.fifo)
        self.path = os.path.join(tmpdir, "pub.sh")
        with open(self.path, "w") as f:
            f.write("#!/bin/sh\n"
                    f'echo "$GREENLIGHT_POST_ID" >> "{self.runs}"\n'
                    f'echo $$ > "{self.started}.tmp" && mv "{self.started}.tmp" "{self.started}"\n'
                    f'read code < "{self.fifo}"\n'
                    'exit "$code"\n')
        os.chmod(self.path, os.stat(self.path).st_mode | stat.S_IXUSR)

    def run_count(self):
        if not os.path.exists(self.runs):
            return 0
        with open(self.runs) as f:
            return len(f.read().split())

    def wait_started(self, n=1):
        wait_until(lambda: self.run_count() >= n and os.path.exists(self.started), timeout=20,
                   what="the publisher to start")

    def pid(self):
        with open(self.started) as f:
            return int(f.read())

    def release(self, code):
        """Hands the waiting publisher its exit code; False when none is waiting."""
        fd = None

        def opened():
            nonlocal fd
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
                return True
            except OSError as e:
                if e.errno != errno.ENXIO:  # ENXIO: no reader on the FIFO yet
                    raise
                return False

        if not opened():
            if not os.path.exists(self.started):  # no publisher is waiting
                return False
            # One has started: it writes `started` just before it opens the FIFO to read.
            wait_until(opened, timeout=10, what="the publisher to read its outcome")
        try:
            os.write(fd, f"{code}\n".encode())
        finally:
            os.close(fd)
        os.unlink(self.started)
        return True


@pytest.fixture
def pub(tmpdir_path):
    p = Publisher(tmpdir_path)
    yield p
    if os.path.exists(p.started):  # a publisher still waiting (a failed test, or orphaned)
        try:
            os.kill(p.pid(), 9)
        except (ProcessLookupError, ValueError):
            pass


@contextlib.contextmanager
def publishing_daemon(tmpdir_path, pub):
    """A daemon whose publisher is pub; at the end a publisher still waiting is released and the
    daemon must stop cleanly."""
    d = Daemon(os.path.join(tmpdir_path, "data"), ["--publisher", pub.path]).start()
    try:
        yield d
    finally:
        pub.release(0)
        assert d.stop() == 0


def going_out(c, prof, caption="Spring sale starts now"):
    """A scheduled post due in two seconds."""
    at = int(time.time()) + 2
    pid = make_post(c, prof, "approved", caption=caption, at=at)
    assert c.call("post.schedule", id=pid)["status"] == "scheduled"
    return pid, at


def status_of(c, pid):
    return c.call("post.get", id=pid)["status"]


def publisher_fails(c, pub, pid, run=1):
    """Post pid's publisher starts (the test's run-th publisher run; the post is publishing
    meanwhile) and exits with 3: the post is failed."""
    pub.wait_started(run)
    assert status_of(c, pid) == "publishing"
    assert pub.release(3)
    wait_until(lambda: status_of(c, pid) == "failed", timeout=20, what="failure")


def history_types(c, pid):
    return [h["type"] for h in c.call("post.history", id=pid)["history"]]


def refused_while_publishing(call):
    with pytest.raises(RpcError) as e:
        call()
    assert e.value.code == "invalid_state", e.value
    assert BEING_PUBLISHED in e.value.message, e.value.message


def visitor(daemon, admin, prof, kind, **args):
    """A visitor signed in to a new link of kind: (their client, the link's base path)."""
    link = admin.call("link.create", profile=prof, kind=kind, **args)
    if kind == "calendar":  # no sign-in
        return Web(daemon.http_port), path_of(link["url"])
    return sign_in(daemon.http_port, link["url"], password=link.get("password"))


def test_nothing_but_a_comment_changes_a_post_being_published(tmpdir_path, pub):
    with publishing_daemon(tmpdir_path, pub) as d:
        admin = d.client()
        editor = make_user(d, admin, "eddie", "editor")
        watcher = d.client()
        watcher.call("notify.subscribe")
        prof = make_profile(admin)
        pid, at = going_out(admin, prof)
        w, base = visitor(d, admin, prof, "approval", approver="Claire", posts=[pid])
        stale = w.get(f"{base}/p/{pid}")[2]  # the visitor's page, from before it went out
        pub.wait_started()
        before = admin.call("post.get", id=pid)
        later = int(time.time()) + 86400
        for who, method, args in (
                (editor, "post.update", {"caption": "Last-minute change"}),
                (editor, "post.update", {"notes": "only a note"}),
                (admin, "post.update", {"scheduled_at": later}),
                (editor, "post.delete", {}),
                (admin, "post.delete", {}),
                (admin, "post.reschedule", {"scheduled_at": later}),
                (admin, "post.approve", {}),
                (admin, "post.reject", {"note": "Stop it!"}),
                (admin, "post.retry", {}),
                (admin, "post.schedule", {}),
                (admin, "post.submit", {})):
            refused_while_publishing(lambda: who.call(method, id=pid, **args))
            assert admin.call("post.get", id=pid) == before, (method, args)

        # It is publishing, and lists, events and the queue say so.
        assert before["status"] == "publishing" and before["scheduled_at"] == at
        ev = watcher.wait_event(lambda e: e["type"] == "post.publishing" and e["post"] == pid)
        assert ev["status"] == "publishing"
        listed = admin.call("post.list", status="publishing")["posts"]
        assert [p["id"] for p in listed] == [pid]
        assert admin.call("post.list", status="scheduled")["posts"] == []

        # The link page says so, and the forms of an older page get the same clear refusal.
        detail = w.get(f"{base}/p/{pid}")[2]
        assert "This post is being published" in text(detail) and "Move post" not in detail
        day = time.strftime("%Y-%m-%d", time.gmtime(later))
        for fields in ({"action": "reschedule", "date": day, "time": "09:30"},
                       {"action": "approve"},
                       {"action": "reject", "note": "Not today"}):
            st, _, body = w.post(f"{base}/p/{pid}", {"csrf": csrf(stale), "rev": "1", **fields})
            assert st == 409, (fields, st)
            assert BEING_PUBLISHED in text(body), text(body)
            assert admin.call("post.get", id=pid) == before, fields

        # The calendar shows it on its way out; a collaborator still sees it.
        cw, cbase = visitor(d, admin, prof, "calendar")
        st, _, month = cw.get(cbase)
        assert st == 200 and "publishing" in text(month) and "Spring sale" in month
        pw, pbase = visitor(d, admin, prof, "collab")
        st, _, collab_detail = pw.get(f"{pbase}/p/{pid}")
        assert st == 200 and "This post is being published" in text(collab_detail)

        # Comments do not change what goes out: allowed, inside and outside the team.
        admin.call("post.comment", id=pid, text="Fingers crossed")
        for cl, b, page in ((w, base, detail), (pw, pbase, collab_detail)):
            st, _, _ = cl.follow(f"{b}/p/{pid}", {"csrf": csrf(page), "action": "comment",
                                                  "text": "Looks great"})
            assert st == 303
        assert admin.call("post.get", id=pid)["comment_count"] == 3

        assert pub.release(0)
        wait_until(lambda: status_of(admin, pid) == "published", timeout=20, what="publication")
        got = admin.call("post.get", id=pid)
        assert got["scheduled_at"] == at and got["caption"] == "Spring sale starts now"
        types = history_types(admin, pid)
        assert types.count("published") == 1 and types.count("publishing") == 1
        assert types.index("publishing") < types.index("published")
        assert types[-1] == "published"
        assert pub.run_count() == 1


def test_failed_outcome_is_recorded_and_retry_publishes_again(tmpdir_path, pub):
    with publishing_daemon(tmpdir_path, pub) as d:
        admin = d.client()
        prof = make_profile(admin)
        pid, at = going_out(admin, prof)
        publisher_fails(admin, pub, pid)
        failed = [h for h in admin.call("post.history", id=pid)["history"]
                  if h["type"] == "failed"]
        assert len(failed) == 1 and "exited with 3" in failed[0]["note"]
        assert failed[0]["from"] == "publishing" and failed[0]["to"] == "failed"
        # Retried: publishing again (its time has passed), then published.
        assert admin.call("post.retry", id=pid)["status"] == "scheduled"
        pub.wait_started(2)
        assert status_of(admin, pid) == "publishing"
        assert pub.release(0)
        wait_until(lambda: status_of(admin, pid) == "published", timeout=20, what="publication")
        assert history_types(admin, pid).count("published") == 1
        assert admin.call("post.get", id=pid)["scheduled_at"] == at


def test_a_failed_post_edited_goes_back_for_approval_before_it_is_retried(tmpdir_path, pub):
    """Found by the model test: a failed post whose caption was fixed and then retried went out
    at a revision nobody had approved. Retry now refuses it; submitting sends it to the
    approvers, and what goes out is what they approved."""
    with publishing_daemon(tmpdir_path, pub) as d:
        admin = d.client()
        prof = make_profile(admin)
        pid, at = going_out(admin, prof)
        publisher_fails(admin, pub, pid)
        admin.call("post.update", id=pid, caption="Spring sale starts now (fixed)")
        edited = admin.call("post.get", id=pid)
        assert edited["status"] == "failed" and edited["revision"] == 2
        with pytest.raises(RpcError) as e:
            admin.call("post.retry", id=pid)
        assert e.value.code == "invalid_state" and "submit it for approval again" in e.value.message
        assert status_of(admin, pid) == "failed" and pub.run_count() == 1
        # Back through approval: the approved revision is the one that goes out.
        assert admin.call("post.submit", id=pid)["status"] == "awaiting_approval"
        assert admin.call("post.approve", id=pid)["status"] == "approved"
        admin.call("post.reschedule", id=pid, scheduled_at=int(time.time()) + 2)
        assert admin.call("post.schedule", id=pid)["status"] == "scheduled"
        pub.wait_started(2)
        assert pub.release(0)
        wait_until(lambda: status_of(admin, pid) == "published", timeout=20, what="publication")
        out = admin.call("post.get", id=pid)
        assert out["revision"] == 2
        assert [a["revision"] for a in out["approvals"] if a["decision"] == "approved"] == [2]
        # A failed post that was not edited is retried, not submitted again.
        pid2, _ = going_out(admin, prof, caption="Second post")
        publisher_fails(admin, pub, pid2, run=3)
        with pytest.raises(RpcError) as e:
            admin.call("post.submit", id=pid2)
        assert e.value.code == "invalid_state" and "retry it" in e.value.message


def test_kill9_while_publishing_fails_the_post_once(tmpdir_path, pub):
    with publishing_daemon(tmpdir_path, pub) as d:
        admin = d.client()
        prof = make_profile(admin)
        pid, at = going_out(admin, prof)
        pub.wait_started()
        assert status_of(admin, pid) == "publishing"
        d.kill9()
        os.kill(pub.pid(), 9)  # the killed daemon's publisher: whether it posted is unknown
        os.unlink(pub.started)
        d.start()
        admin = d.client()
        wait_until(lambda: status_of(admin, pid) == "failed", timeout=10, what="interrupted")
        hist = admin.call("post.history", id=pid)["history"]
        assert hist[-1]["type"] == "failed" and "interrupted" in hist[-1]["note"]
        assert hist[-1]["from"] == "publishing"
        assert "published" not in [h["type"] for h in hist]
        assert pub.run_count() == 1, "never published a second time on its own"
        assert admin.call("post.list", status="publishing")["posts"] == []


def test_editor_cannot_move_an_approved_post_through_update(daemon, admin):
    editor = make_user(daemon, admin, "eddie", "editor")
    manager = make_user(daemon, admin, "mona", "manager")
    prof = make_profile(admin)
    later = int(time.time()) + 9 * 86400
    for status in ("approved", "scheduled"):
        pid = make_post(admin, prof, status)
        before = admin.call("post.get", id=pid)
        with pytest.raises(RpcError) as e:
            editor.call("post.update", id=pid, scheduled_at=later)
        assert e.value.code == "forbidden"
        assert "manager" in e.value.message and "post.reschedule" in e.value.message
        assert admin.call("post.get", id=pid) == before
        # Edits that keep the time are still the editor's; a manager may move it.
        assert editor.call("post.update", id=pid, notes="alt text", scheduled_at=before[
            "scheduled_at"])["status"] == status
        r = manager.call("post.update", id=pid, scheduled_at=later)
        assert r["status"] == status and r["scheduled_at"] == later
    # A new time with new content goes back to the approvers, time included.
    pid = make_post(admin, prof, "scheduled")
    r = editor.call("post.update", id=pid, caption="New words", scheduled_at=later)
    assert r["status"] == "awaiting_approval" and r["scheduled_at"] == later
    # Before approval the time is the editor's to change.
    pid = make_post(admin, prof, "awaiting_approval")
    assert editor.call("post.update", id=pid, scheduled_at=later)["scheduled_at"] == later


def test_schema2_post_being_published_is_migrated_and_failed(tmpdir_path):
    """A store of schema 2 whose daemon died while a publisher ran: the post is "scheduled"
    with publishing_since set. Migrated, it is "publishing" and so failed (interrupted)."""
    tool = lmdbtool_path(os.path.join(tmpdir_path, "tools"))
    data = os.path.join(tmpdir_path, "data")
    d = Daemon(data).start()
    admin = d.client()
    prof = make_profile(admin)
    marked = make_post(admin, prof, "scheduled", caption="was going out")
    calm = make_post(admin, prof, "scheduled", caption="later")
    assert d.stop() == 0
    s = Store(tool, data)
    s.to_schema3_posts()
    for k, rec in s.records("posts"):
        rec["v"] = 2
        rec["publishing_since"] = int(time.time()) - 60 if rec["id"] == marked else 0
        s.put("posts", k, rec)
    s.put("meta", b"schema", bytes([2]))
    d.start()
    try:
        log = d.log()
        assert "migrate: schema from=2 to=3" in log
        assert "posts=2 publishing=1" in log
        admin = d.client()
        wait_until(lambda: status_of(admin, marked) == "failed", timeout=10, what="interrupted")
        assert "interrupted" in admin.call("post.history", id=marked)["history"][-1]["note"]
        assert status_of(admin, calm) == "scheduled"
    finally:
        assert d.stop() == 0
    assert dict(s.dump("meta"))[b"schema"] == bytes([4])
    for _, rec in s.post_records():
        assert "publishing_since" not in rec and rec["v"] == 4
    r = run_sub(BIN_DIR, "check", "--data", data)
    assert r.returncode == 0, r.stdout + r.stderr


def test_staff_client_shows_publishing_in_words(tmpdir_path, pub):
    from test_tui import TMUX, Tui
    if TMUX is None:
        pytest.skip("tmux is not installed")
    t = None
    with publishing_daemon(tmpdir_path, pub) as d:
        try:
            admin = d.client()
            zone = "Europe/Paris"
            prof = make_profile(admin, timezone=zone)
            pid, at = going_out(admin, prof, caption="Goes out in the client")
            pub.wait_started()
            t = Tui(d, tmpdir_path)
            t.wait_for(r"\| online")
            t.wait_gone("loading")
            tz = zoneinfo.ZoneInfo(zone)
            day = datetime.datetime.fromtimestamp(at, tz).date()
            for _ in range(abs((day - datetime.datetime.now(tz).date()).days)):
                t.keys("l" if day > datetime.datetime.now(tz).date() else "h")
            t.keys("Enter")  # the day's list: mark and label
            t.wait_for(r"\^ publishing\s+Goes out in the client")
            t.keys("Enter")  # the post itself
            t.wait_for(rf"Post {pid}\s+publishing")
            assert pub.release(0)
            t.wait_for(rf"Post {pid}\s+published")  # the event alone updates the screen
        finally:
            if t:
                t.close()
    err = open(t.stderr, errors="replace").read() if os.path.exists(t.stderr) else ""
    assert "runtime error:" not in err and "Sanitizer" not in err, err[-4000:]


def test_documented_statuses_are_the_daemons(admin):
    """Each status protocol/README.md lists is one the daemon knows, publishing among them."""
    with open(os.path.join(ROOT, "protocol", "README.md")) as f:
        para = f.read().split("Statuses: ", 1)[1].split("\n\n", 1)[0]
    names = re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", para))
    assert "publishing" in names and len(names) == len(set(names)), names
    for name in names:
        assert admin.call("post.list", status=name)["posts"] == []
    with pytest.raises(RpcError) as e:
        admin.call("post.list", status="going_out")
    assert e.value.code == "bad_request"


def test_sigterm_stops_the_daemon_while_a_publishers_child_runs(tmpdir_path):
    """Found by the model test: SIGTERM reached only the publisher's shell, and the child it
    started kept the daemon's pipes open: greenlightd never stopped. The command now has a
    process group of its own, and the signal reaches all of it."""
    marker = os.path.join(tmpdir_path, "child-started")
    # Two commands, so the shell forks the sleep instead of becoming it.
    d = Daemon(os.path.join(tmpdir_path, "data"),
               ["--publisher", f"touch {marker}; sleep 600; true"]).start()
    admin = d.client()
    prof = make_profile(admin)
    pid, _ = going_out(admin, prof)
    wait_until(lambda: os.path.exists(marker), timeout=20, what="the publisher's child")
    assert status_of(admin, pid) == "publishing"
    assert d.stop(timeout=60) == 0
    d.start()
    try:
        admin = d.client()
        wait_until(lambda: status_of(admin, pid) == "failed", timeout=10, what="interrupted")
    finally:
        assert d.stop() == 0
