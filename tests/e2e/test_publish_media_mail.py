"""The publisher command, media uploads and mail, with real scripts and a real daemon."""
import email
import email.header
import glob
import os
import re
import stat
import time

import pytest

from gltest import Daemon, RpcError, wait_until
from helpers import PNG, PASSWORD, make_post, make_profile, upload_png


def script(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


def start(tmpdir_path, *args):
    return Daemon(os.path.join(tmpdir_path, "data"), list(args)).start()


def due_soon(c, prof, caption="Launch day 🚀"):
    pid = make_post(c, prof, "approved", caption=caption, at=int(time.time()) + 2)
    c.call("post.schedule", id=pid)
    return pid


def status_of(c, pid):
    return c.call("post.get", id=pid)["status"]


def test_publisher_success_gets_post_fields(tmpdir_path):
    out = os.path.join(tmpdir_path, "published.txt")
    pub = script(os.path.join(tmpdir_path, "pub.sh"),
                 f'{{ env | grep ^GREENLIGHT_ | sort; echo ---; cat; }} > "{out}"\n')
    d = start(tmpdir_path, "--publisher", pub)
    try:
        c = d.client()
        prof = make_profile(c, name="Acme")
        media = upload_png(c)
        pid = make_post(c, prof, "approved", caption="Launch day 🚀", at=int(time.time()) + 2)
        c.call("post.update", id=pid, media=[media])  # back to awaiting: approve again
        c.call("post.approve", id=pid)
        c.call("post.schedule", id=pid)
        wait_until(lambda: status_of(c, pid) == "published", timeout=20, what="publication")
        with open(out) as f:
            text = f.read()
        env, caption = text.split("---\n")
        assert f"GREENLIGHT_POST_ID={pid}\n" in env
        assert "GREENLIGHT_PROFILE_NAME=Acme\n" in env
        assert f"GREENLIGHT_MEDIA={media}\n" in env
        assert "GREENLIGHT_PLATFORMS=instagram\n" in env
        assert caption == "Launch day 🚀"
        types = [h["type"] for h in c.call("post.history", id=pid)["history"]]
        assert types[-2:] == ["publishing", "published"]
    finally:
        assert d.stop() == 0


def test_publisher_failure_keeps_stderr_and_retry(tmpdir_path):
    flag = os.path.join(tmpdir_path, "ok")
    pub = script(os.path.join(tmpdir_path, "pub.sh"),
                 f'[ -e "{flag}" ] && exit 0\necho "API said 401: token expired" >&2\nexit 3\n')
    d = start(tmpdir_path, "--publisher", pub)
    try:
        c = d.client()
        c.call("notify.subscribe")
        prof = make_profile(c)
        pid = due_soon(c, prof)
        ev = c.wait_event(lambda e: e["type"] == "post.failed" and e["post"] == pid, timeout=20)
        assert ev["status"] == "failed"
        failed = [h for h in c.call("post.history", id=pid)["history"] if h["type"] == "failed"]
        assert "exited with 3" in failed[0]["note"]
        assert "API said 401: token expired" in failed[0]["note"]
        with pytest.raises(RpcError) as e:
            c.call("post.approve", id=pid)  # failed is not awaiting approval
        assert e.value.code == "invalid_state"
        # The token is fixed; staff retry.
        open(flag, "w").close()
        assert c.call("post.retry", id=pid)["status"] == "scheduled"
        wait_until(lambda: status_of(c, pid) == "published", timeout=20, what="retry")
    finally:
        assert d.stop() == 0


def test_kill9_while_publisher_runs_never_publishes_twice(tmpdir_path):
    runs = os.path.join(tmpdir_path, "runs")
    started = os.path.join(tmpdir_path, "started")
    pub = script(os.path.join(tmpdir_path, "pub.sh"),
                 f'echo run >> "{runs}"\necho $$ > "{started}"\nexec sleep 30\n')
    d = start(tmpdir_path, "--publisher", pub)
    c = d.client()
    prof = make_profile(c)
    pid = due_soon(c, prof)
    wait_until(lambda: os.path.exists(started) and os.path.getsize(started), timeout=20,
               what="the publisher to start")
    d.kill9()
    d.start()
    c = d.client()
    try:
        wait_until(lambda: status_of(c, pid) == "failed", timeout=10, what="interrupted")
        hist = c.call("post.history", id=pid)["history"]
        assert "interrupted" in hist[-1]["note"]
        with open(runs) as f:
            assert f.read().count("run") == 1
        # A sibling still scheduled for later keeps its status.
        assert c.call("server.ping")
    finally:
        with open(started) as f:
            try:
                os.kill(int(f.read()), 9)  # the orphaned publisher of the killed daemon
            except ProcessLookupError:
                pass
        assert d.stop() == 0


def test_daemon_serves_while_a_slow_publisher_runs(tmpdir_path):
    started = os.path.join(tmpdir_path, "started")
    pub = script(os.path.join(tmpdir_path, "pub.sh"), f'touch "{started}"\nsleep 3\nexit 0\n')
    d = start(tmpdir_path, "--publisher", pub)
    try:
        c = d.client()
        prof = make_profile(c)
        pid = due_soon(c, prof)
        wait_until(lambda: os.path.exists(started), timeout=20, what="the publisher to start")
        # While it sleeps, reads and writes go on.
        assert status_of(c, pid) == "publishing"
        other = make_post(c, prof, "awaiting_approval")
        assert c.call("post.approve", id=other)["status"] == "approved"
        wait_until(lambda: status_of(c, pid) == "published", timeout=20, what="publication")
    finally:
        assert d.stop() == 0


def test_media_upload_checked_by_content(daemon, admin):
    mid = upload_png(admin, "logo.png")
    got = admin.call("media.get", id=mid)
    assert got["data"] == PNG and got["type"] == "image/png" and got["name"] == "logo.png"
    assert got["size"] == len(PNG) and got["uploaded_by"] == "admin"
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 100
    assert admin.call("media.upload", name="photo.jpg", type="image/jpeg", data=jpeg)["id"]
    cases = [
        (dict(name="evil.png", type="image/png", data=b"<script>alert(1)</script>"), "bad_request"),
        (dict(name="liar.png", type="image/png", data=jpeg), "bad_request"),
        (dict(name="big.png", type="image/png", data=PNG + b"\0" * (8 << 20)), "too_large"),
        (dict(name="text.png", type="image/png", data="not bytes"), "bad_request"),
    ]
    for args, code in cases:
        with pytest.raises(RpcError) as e:
            admin.call("media.upload", **args)
        assert e.value.code == code, args["name"]
    with pytest.raises(RpcError) as e:
        admin.call("media.get", id=9999)
    assert e.value.code == "not_found"


def test_mail_through_a_sendmail_command(tmpdir_path):
    box = os.path.join(tmpdir_path, "mailbox")
    os.mkdir(box)
    sendmail = script(os.path.join(tmpdir_path, "sendmail.sh"),
                      f'cat > "$(mktemp "{box}/msg.XXXXXX")"\n')
    d = start(tmpdir_path, "--sendmail", sendmail)
    try:
        admin = d.client()
        admin.call("user.create", name="lea", password=PASSWORD, role="manager",
                   email="lea@example.com", mail="each")
        admin.call("user.create", name="quiet", password=PASSWORD, role="manager",
                   email="quiet@example.com")  # mail: none
        prof = make_profile(admin)
        pid = make_post(admin, prof, "awaiting_approval", caption="Café opening ☕")
        wait_until(lambda: glob.glob(os.path.join(box, "msg.*")), timeout=10, what="mail")
        wait_until(lambda: all(os.path.getsize(p) for p in glob.glob(os.path.join(box, "*"))),
                   timeout=10, what="mail written")
        [path] = glob.glob(os.path.join(box, "msg.*"))
        with open(path, "rb") as f:
            msg = email.message_from_bytes(f.read())
        assert msg["To"] == "lea@example.com"
        subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
        assert subject.startswith("[Greenlight] admin submitted post")
        assert "Café opening ☕" in subject
        body = msg.get_payload(decode=True).decode()
        assert "Café opening ☕" in body and "post.submitted" in body
        assert str(pid) in body
    finally:
        assert d.stop() == 0


def test_mail_digest_collects_notifications(tmpdir_path):
    box = os.path.join(tmpdir_path, "mailbox")
    os.mkdir(box)
    sendmail = script(os.path.join(tmpdir_path, "sendmail.sh"),
                      f'cat > "$(mktemp "{box}/msg.XXXXXX")"\n')
    d = start(tmpdir_path, "--sendmail", sendmail, "--mail-digest-seconds", "1")
    try:
        admin = d.client()
        admin.call("user.create", name="dora", password=PASSWORD, role="manager",
                   email="dora@example.com", mail="digest")
        prof = make_profile(admin)
        # Two submissions in one write each: dora (a manager) is told of both.
        first = make_post(admin, prof, "draft", caption="Spring menu")
        second = make_post(admin, prof, "draft", caption="Summer menu")
        admin.call("post.submit", id=first)
        admin.call("post.submit", id=second)
        wait_until(lambda: any("Summer menu" in open(p, encoding="utf-8").read()
                               for p in glob.glob(os.path.join(box, "msg.*"))),
                   timeout=15, what="a digest with both submissions")
        mails = glob.glob(os.path.join(box, "msg.*"))
        bodies = []
        for path in mails:
            with open(path, "rb") as f:
                msg = email.message_from_bytes(f.read())
            assert msg["To"] == "dora@example.com"
            # A digest's subject counts its notifications; per-event mail names the event.
            assert re.fullmatch(r"\[Greenlight\] [12] notifications?", msg["Subject"]), msg["Subject"]
            bodies.append(msg.get_payload(decode=True).decode())
        # Every notification is in exactly one digest, and the last one held both or the
        # earlier held the first: never one message per event for a digest user.
        text = "".join(bodies)
        assert text.count("Spring menu") == 1 and text.count("Summer menu") == 1
        assert len(mails) <= 2
        assert all(n["read"] is False for n in
                   d.client("dora", PASSWORD).call("notify.list")["notifications"])
    finally:
        assert d.stop() == 0
