"""An agency installs Greenlight for real: from an empty store (no --demo) to a client's first
approval through a link, with only keys in the staff client, and the screens around it (people,
profiles, roles in words, prompts that start with a value, notifications kept for later).
Driven in tmux as tests/e2e/test_tui.py does; every step is checked through RPC."""
import re
import time

import pytest

from conftest import RpcError, wait_until
from helpers import PASSWORD, make_post, make_profile, make_user
from httputil import Web, csrf, path_of
from test_tui import TMUX, tuis  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

GENERATED = r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}"


def test_empty_store_to_first_client_approval(daemon, tuis):
    keys = 0
    started = time.monotonic()
    assert daemon.client().call("profile.list")["profiles"] == []
    t = tuis(daemon)
    t.wait_for(r"Welcome to Greenlight")
    t.wait_for(r"\[ \] 1\. Choose your own password")

    # 1. The initial password is replaced.
    t.keys("Enter"); keys += 1
    t.wait_for(r"Your new password")
    t.type("short"); t.keys("Enter"); keys += 2
    t.wait_for(r"at least 8 characters")
    t.type("agency secret 1"); t.keys("Enter"); keys += 2
    t.wait_for(r"The same password again")
    t.type("agency secret 1"); t.keys("Enter"); keys += 2
    t.wait_for(r"your password is changed")
    t.wait_for(r"\[x\] 1\.")
    daemon.client("admin", "agency secret 1").call("server.ping")
    with pytest.raises(RpcError):
        daemon.client("admin", daemon.admin_password)

    # 2. The first profile: name, a zone found by searching, platforms, approval steps.
    t.keys("Enter"); keys += 1  # the cursor moved on to step 2
    t.wait_for(r"New profile")
    t.keys("Enter"); keys += 1
    t.wait_for(r"Name:")
    t.type("Acme Bakery"); t.keys("Enter"); keys += 2
    t.keys("Enter"); keys += 1  # on to the time zone: its list, searching at once
    t.wait_for(r"Search time zones: UTC")
    t.type("paris"); t.keys("Enter"); keys += 2  # typing replaces the UTC shown
    t.wait_for(r"Time zones: 1 of \d+ matching \"paris\"")
    t.wait_for(r"Europe/Paris +UTC\+0[12]:00")
    t.keys("Enter"); keys += 1
    t.wait_for(r"Time zone +Europe/Paris")
    t.keys("Enter"); keys += 1  # platforms, prefilled
    t.wait_for(r"Platforms: instagram, facebook")
    t.type("instagram, linkedin"); t.keys("Enter"); keys += 2
    t.keys("Enter"); keys += 1  # week start
    t.wait_for(r"Week starts on \(monday, sunday\): monday")
    t.type("tuesday"); t.keys("Enter"); keys += 2
    t.wait_for(r"Week starts on is one of: monday sunday")
    t.keys("C-u"); t.type("sunday"); t.keys("Enter"); keys += 3
    t.keys("Enter"); keys += 1  # approval steps
    t.wait_for(r"Approval steps: Approval: any")
    t.type("Client: approver Claire"); t.keys("Enter"); keys += 2
    t.wait_for(r"Approval steps +Client: approver Claire")
    t.keys("w"); keys += 1
    t.wait_for(r"profile created")
    prof = daemon.client("admin", "agency secret 1").call("profile.list")["profiles"]
    assert len(prof) == 1
    p = prof[0]
    assert p["name"] == "Acme Bakery" and p["timezone"] == "Europe/Paris"
    assert p["platforms"] == ["instagram", "linkedin"] and p["week_start"] == "sunday"
    assert p["steps"] == [{"name": "Client", "who": "approver", "approver": "Claire"}]
    t.wait_for(r"\[x\] 2\.")

    # 3. A colleague: name, role, e-mail; the password is made by the client, shown once.
    t.keys("Enter"); keys += 1
    t.wait_for(r"Invite a colleague")
    t.keys("Enter"); keys += 1
    t.wait_for(r"Name:")
    t.type("jane"); t.keys("Enter"); keys += 2
    t.keys("Enter"); keys += 1
    t.wait_for(r"Role \(viewer, editor, manager, admin\): editor")
    t.type("manager"); t.keys("Enter"); keys += 2
    t.keys("Enter"); keys += 1
    t.wait_for(r"E-mail:")
    t.type("jane@example.com"); t.keys("Enter"); keys += 2
    t.keys("w"); keys += 1
    m = t.wait_for(rf"jane's password: ({GENERATED}) \(copied")
    jane = daemon.client("jane", m.group(1))
    users = {u["name"]: u for u in daemon.client("admin", "agency secret 1").call("user.list")["users"]}
    assert users["jane"]["role"] == "manager" and users["jane"]["email"] == "jane@example.com"
    assert users["jane"]["mail"] == "each"
    t.wait_for(r"\[x\] 3\. Invite colleagues \(1 invited")

    # 4. The calendar, a post, submitted.
    t.keys("j", "Enter"); keys += 2
    t.wait_for(r"Acme Bakery .* Europe/Paris")
    t.keys("n"); keys += 1
    t.wait_for("New post")
    t.keys("Enter"); keys += 1
    t.wait_for("Caption:")
    t.type("Fresh croissants every morning"); t.keys("Enter"); keys += 2
    t.keys("w"); keys += 1
    m = t.wait_for(r"saved post (\d+)")
    post = int(m.group(1))
    t.keys("u"); keys += 1
    t.wait_for(rf"submitted post {post}: now awaiting approval")
    assert jane.call("post.get", id=post)["status"] == "awaiting_approval"

    # 5. An approval link for Claire, its URL copied.
    t.keys("3"); keys += 1
    t.wait_for(r"Links of Acme Bakery")
    t.keys("n"); keys += 1
    t.wait_for(r"Kind \(calendar, collab, approval\): approval")
    t.keys("Enter"); keys += 1
    t.wait_for("Approver's name:")
    t.type("Claire"); t.keys("Enter"); keys += 2
    t.wait_for("Post ids")
    t.keys("Enter"); keys += 1
    t.wait_for(r"Password \(auto")
    t.keys("Enter"); keys += 1
    t.wait_for("Valid for days")
    t.keys("Enter"); keys += 1
    m = t.wait_for(r"URL: (http://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]{43})")
    t.wait_for(r"link \d+: http.*\(co")  # copied to the clipboard, as the message says
    elapsed = time.monotonic() - started
    url = m.group(1)
    pw = t.wait_for(r"Password: (\S+) \(shown once").group(1)
    links = jane.call("link.list", profile=p["id"])["links"]
    assert len(links) == 1 and links[0]["approver"] == "Claire" and links[0]["kind"] == "approval"
    print(f"first run to a link URL copied: {keys} keys, {elapsed:.1f}s")

    # 6. Claire approves in her browser.
    w = Web(daemon.http_port)
    base = path_of(url)
    page = w.get(base)[2]
    st, st2, page = w.follow(base + "/session", {"csrf": csrf(page), "name": "Claire",
                                                 "password": pw})
    assert st2 == 200 and "Fresh croissants" in page, page
    detail = w.get(f"{base}/p/{post}")[2]
    st, st2, body = w.follow(f"{base}/p/{post}", {"csrf": csrf(detail), "rev": "1",
                                                   "action": "approve", "note": "Lovely"})
    assert st == 303 and "You approved this post" in body
    assert jane.call("post.get", id=post)["status"] == "approved"

    # 7. The client shows it without a key: the message, the count, the calendar's mark; the
    # notification opens the post and is read on the daemon too.
    t.wait_for(r"\* Claire approved post")
    t.wait_for(r"\[1 new\]")
    t.keys("1")
    t.wait_for(r"\d\d:\d\d\+Fresh")
    t.keys("4")
    t.wait_for(r"Notifications: 1, 1 unread")
    t.wait_for(r"\* \d\d-\d\d \d\d:\d\d  Claire approved post")
    t.keys("Enter")
    t.wait_for(r"Fresh croissants every morning")
    t.wait_for(r"approved")
    admin = daemon.client("admin", "agency secret 1")
    wait_until(lambda: admin.call("notify.list")["unread"] == 0, what="the notification read")
    t.wait_gone(r"\[1 new\]")
