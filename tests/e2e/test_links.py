"""Links: the link.* methods, and what their pages show and let visitors do (without a browser:
forms posted as a browser would; tests/e2e/test_browser.py drives a real one)."""
import datetime
import re
import time
import zoneinfo

import pytest

from gltest import wait_until
from helpers import (PASSWORD, link_expiring_soon, make_post, make_profile, make_user, publish_soon,
                     refusal)
from httputil import Web, csrf, parse_responses, path_of, raw, sign_in, text

NOW = int(time.time())


def events_of(sub, pred, timeout=10):
    return sub.wait_event(pred, timeout=timeout)


@pytest.fixture
def acme(admin):
    return make_profile(admin, platforms=("instagram", "x", "linkedin"))


def test_create_each_kind(daemon, admin, acme):
    cal = admin.call("link.create", profile=acme, kind="calendar")
    assert re.fullmatch(r"http://127\.0\.0\.1:%d/l/[A-Za-z0-9_-]{43}" % daemon.http_port,
                        cal["url"])
    assert cal["url"].endswith(cal["token"]) and "password" not in cal
    assert cal["expires_at"] is None
    collab = admin.call("link.create", profile=acme, kind="collab", password="sesame-open")
    assert "password" not in collab
    gen = admin.call("link.create", profile=acme, kind="collab", password=True)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", gen["password"])
    appr = admin.call("link.create", profile=acme, kind="approval", approver="Claire")
    assert appr["password"], "an approval link always has a password"
    assert abs(appr["expires_at"] - (time.time() + 30 * 86400)) < 120
    links = admin.call("link.list", profile=acme)["links"]
    assert [l["kind"] for l in links] == ["calendar", "collab", "collab", "approval"]
    l = links[3]
    assert l["approver"] == "Claire" and l["status"] == "active" and l["password"] is True
    assert l["opens"] == 0 and l["last_opened"] is None and l["created_by"] == "admin"
    assert "token" not in l and "url" not in l
    assert len({cal["token"], collab["token"], gen["token"], appr["token"]}) == 4


def test_create_refusals_and_roles(daemon, admin, acme):
    bad = [
        dict(profile=acme, kind="party"),
        dict(profile=acme, kind="approval"),
        dict(profile=acme, kind="calendar", posts=[1]),
        dict(profile=acme, kind="calendar", ttl_days=0),
        dict(profile=acme, kind="calendar", ttl_days=3, expires_at=NOW + 100),
        dict(profile=acme, kind="calendar", expires_at=NOW - 10),
        dict(profile=acme, kind="collab", password="short"),
        dict(profile=acme, kind="collab", password=5),
        dict(profile=acme, kind="collab", colour="red"),
    ]
    for args in bad:
        assert refusal(admin, "link.create", **args).code == "bad_request", args
    assert refusal(admin, "link.create", profile=999, kind="calendar").code == "not_found"
    other = make_profile(admin, name="Other")
    pid = make_post(admin, other, "awaiting_approval")
    e = refusal(admin, "link.create", profile=acme, kind="approval", approver="C", posts=[pid])
    assert e.code == "bad_request"
    e = refusal(admin, "link.create", profile=acme, kind="approval", approver="C", posts=[9999])
    assert e.code == "not_found"
    manager = make_user(daemon, admin, "mona", "manager")
    lid = manager.call("link.create", profile=acme, kind="calendar")["id"]
    for role in ("editor", "viewer"):
        c = make_user(daemon, admin, role + "1", role)
        for method, args in (("link.create", dict(profile=acme, kind="calendar")),
                             ("link.list", {}), ("link.revoke", dict(id=lid)),
                             ("link.regenerate", dict(id=lid)), ("link.extend", dict(id=lid, days=1))):
            assert refusal(c, method, **args).code == "forbidden", (role, method)
    for method in ("link.revoke", "link.regenerate"):
        assert refusal(admin, method, id=4242).code == "not_found"


def test_calendar_page_shows_the_right_posts(daemon, admin, acme):
    at = NOW + 3 * 86400
    posts = {st: make_post(admin, acme, st, caption=f"caption of {st}", at=at + i * 60)
             for i, st in enumerate(("draft", "awaiting_approval", "changes_requested",
                                     "approved", "scheduled"))}
    unscheduled = admin.call("post.create", profile=acme, caption="no date yet",
                             platforms=["x"])["id"]
    admin.call("post.submit", id=unscheduled)
    link = admin.call("link.create", profile=acme, kind="calendar")
    w = Web(daemon.http_port)
    month = time.strftime("%Y-%m", time.gmtime(at))
    st, h, page = w.get(path_of(link["url"]) + "?month=" + month)
    assert st == 200 and h["cache-control"] == "private, no-cache" and h["etag"]
    t = text(page)
    assert "caption of draft" not in t, "drafts never appear"
    assert "no date yet" not in t
    for s in ("awaiting_approval", "changes_requested", "approved", "scheduled"):
        assert f"caption of {s}" in t
    assert t.count("pre-scheduled") == 3 and t.count("scheduled") >= 4
    assert "awaiting approval" not in t, "a calendar link shows external statuses only"
    assert 'aria-current="date"' in w.get(path_of(link["url"]))[2], "today is marked"
    # No forms at all: nobody acts through a calendar link.
    assert "<form" not in page
    # The detail of a draft is a 404, as is a post of another profile.
    base = path_of(link["url"])
    assert w.get(f"{base}/p/{posts['draft']}")[0] == 404
    st, _, detail = w.get(f"{base}/p/{posts['approved']}")
    assert st == 200 and "caption of approved" in detail and "<form" not in detail
    # A POST through it changes nothing.
    st, _, _ = w.post(f"{base}/p/{posts['awaiting_approval']}",
                      {"action": "approve", "csrf": csrf(page + detail + 'name="csrf" value="x"'),
                       "rev": "1"})
    assert st in (403, 405)
    assert admin.call("post.get", id=posts["awaiting_approval"])["status"] == "awaiting_approval"


def test_html_in_captions_and_names_is_inert(daemon, admin, acme):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&<b>bold</b>'
    pid = make_post(admin, acme, "awaiting_approval", caption=evil, at=NOW + 86400)
    admin.call("post.comment", id=pid, text=evil, shared=True)
    admin.call("post.comment", id=pid, text="internal secret note", shared=False)
    link = admin.call("link.create", profile=acme, kind="collab")
    w = Web(daemon.http_port)
    base = path_of(link["url"])
    page = w.get(base)[2]
    assert w.follow(base + "/session", {"csrf": csrf(page), "name": evil})[1] == 200
    for path in (base, f"{base}/p/{pid}", base + "?month=" + time.strftime(
            "%Y-%m", time.gmtime(NOW + 86400))):
        body = w.get(path)[2]
        assert "<script" not in body and "<img src=x" not in body and "<b>bold" not in body
        assert "internal secret note" not in body
    detail = w.get(f"{base}/p/{pid}")[2]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert text(detail).count(evil) >= 2  # caption and shared comment, shown as text


def collab_visitor(daemon, admin, acme, name="Paula Partner", password=None):
    args = dict(profile=acme, kind="collab")
    if password:
        args["password"] = password
    link = admin.call("link.create", **args)
    return (link, *sign_in(daemon.http_port, link["url"], name, password))


def test_collab_decisions_are_receipts(daemon, admin, acme):
    a = make_post(admin, acme, "awaiting_approval", caption="first post", at=NOW + 86400)
    b = make_post(admin, acme, "awaiting_approval", caption="second post", at=NOW + 2 * 86400)
    sub = daemon.client()
    sub.call("notify.subscribe")
    link, w, base = collab_visitor(daemon, admin, acme, password="open sesame")
    cookie = w.cookies["gl_s"]
    main = w.get(base)[2]
    assert "Awaiting approval" in main and "first post" in main and "second post" in main
    detail = w.get(f"{base}/p/{a}")[2]
    st, st2, body = w.follow(f"{base}/p/{a}", {"csrf": csrf(detail), "rev": "1",
                                                "action": "approve", "note": "Lovely"})
    assert st == 303 and "You approved this post" in body
    ev = events_of(sub, lambda e: e["type"] == "post.approved" and e["post"] == a)
    assert ev["link"] == link["id"] and ev["actor"] == "Paula Partner"
    # Reject needs a note.
    detail = w.get(f"{base}/p/{b}")[2]
    st, _, body = w.post(f"{base}/p/{b}", {"csrf": csrf(detail), "rev": "1", "action": "reject",
                                           "note": "  "})
    assert st == 422
    st, _, body = w.follow(f"{base}/p/{b}", {"csrf": csrf(detail), "rev": "1",
                                             "action": "reject", "note": "Wrong price"})
    assert st == 303
    events_of(sub, lambda e: e["type"] == "post.rejected" and e["post"] == b)
    st, _, _ = w.follow(f"{base}/p/{b}", {"csrf": csrf(detail), "rev": "1",
                                          "action": "comment", "text": "See my note"})
    assert st == 303
    events_of(sub, lambda e: e["type"] == "post.commented" and e["post"] == b)
    assert admin.call("post.get", id=a)["status"] == "approved"
    pb = admin.call("post.get", id=b)
    assert pb["status"] == "changes_requested"
    assert [c["text"] for c in pb["comments"]] == ["See my note"]
    assert pb["comments"][0]["shared"] is True and pb["comments"][0]["link"] == link["id"]
    hist = admin.call("post.history", id=b)["history"]
    rej = [h for h in hist if h["type"] == "rejected"][0]
    assert rej["actor"] == "Paula Partner" and rej["actor_kind"] == "external"
    assert rej["link"] == link["id"] and rej["address"] == "127.0.0.1"
    assert rej["revision"] == 1 and rej["note"] == "Wrong price" and abs(rej["at"] - time.time()) < 600
    # The note is visible to the other collaborators.
    other = Web(daemon.http_port)
    page = other.get(base)[2]
    other.follow(base + "/session", {"csrf": csrf(page), "name": "Otto", "password": "open sesame"})
    assert "Wrong price" in other.get(f"{base}/p/{b}")[2]
    # A forged form (no or wrong CSRF token) changes nothing.
    c = make_post(admin, acme, "awaiting_approval", caption="third", at=NOW + 3 * 86400)
    assert w.post(f"{base}/p/{c}", {"rev": "1", "action": "approve"})[0] == 403
    assert w.post(f"{base}/p/{c}", {"csrf": "x" * 22, "rev": "1", "action": "approve"})[0] == 403
    assert admin.call("post.get", id=c)["status"] == "awaiting_approval"
    # The session cookie: HttpOnly, SameSite=Strict, scoped to the link.
    st, h, _ = Web(daemon.http_port).post(base + "/session", {
        "csrf": csrf(Web(daemon.http_port).get(base)[2]), "name": "X", "password": "open sesame"})
    cookie_hdr = h["set-cookie"]
    assert "HttpOnly" in cookie_hdr and "SameSite=Strict" in cookie_hdr
    assert f"Path={base}" in cookie_hdr and "Secure" not in cookie_hdr
    assert cookie and len(cookie) == 43


def test_approval_link_bulk_reschedule_and_published_meanwhile(daemon, admin, acme):
    ids = [make_post(admin, acme, "awaiting_approval", caption=f"bulk {i}", at=NOW + (i + 1) * 86400)
           for i in range(3)]
    link = admin.call("link.create", profile=acme, kind="approval", approver="Claire",
                      posts=ids)
    w = Web(daemon.http_port)
    base = path_of(link["url"])
    page = w.get(base)[2]
    assert 'value="Claire"' in page and 'type="password"' in page
    st, _, body = w.post(base + "/session", {"csrf": csrf(page), "name": "Claire",
                                             "password": "wrong password"})
    assert st == 401 and "not right" in body
    st, st2, page = w.follow(base + "/session", {"csrf": csrf(page), "name": "Claire",
                                                 "password": link["password"]})
    assert st2 == 200 and all(f"bulk {i}" in page for i in range(3))
    fields = [("csrf", csrf(page)), ("action", "approve"), ("post", ids[0]), ("post", ids[1]),
              (f"rev{ids[0]}", 1), (f"rev{ids[1]}", 1)]
    st, st2, page = w.follow(base + "/bulk", fields)
    assert st == 303 and "You approved 2 posts" in page
    assert [admin.call("post.get", id=i)["status"] for i in ids] == [
        "approved", "approved", "awaiting_approval"]
    # Reschedule, in the profile's zone (Europe/Paris).
    detail = w.get(f"{base}/p/{ids[2]}")[2]
    day = time.strftime("%Y-%m-%d", time.gmtime(NOW + 20 * 86400))
    st, _, _ = w.follow(f"{base}/p/{ids[2]}", {"csrf": csrf(detail), "rev": "1",
                                               "action": "reschedule", "date": day,
                                               "time": "09:30", "note": "Better on a weekday"})
    assert st == 303
    p = admin.call("post.get", id=ids[2])
    lt = time.localtime(p["scheduled_at"])  # compare in Paris time via the history instead
    hist = admin.call("post.history", id=ids[2])["history"]
    assert hist[-1]["type"] == "rescheduled" and hist[-1]["actor"] == "Claire"
    assert hist[-1]["scheduled_at"] == p["scheduled_at"]
    assert time.strftime("%Y-%m-%d", time.gmtime(p["scheduled_at"] + 3600)) == day
    assert p["scheduled_at"] % 3600 in (30 * 60,), lt
    # Published meanwhile: the form was loaded before, the post is published, the POST refused.
    prof = admin.call("profile.update", id=acme, auto_schedule=True)
    assert prof["auto_schedule"] is True
    soon = make_post(admin, acme, "awaiting_approval", caption="goes out soon", at=NOW + 86400)
    link2 = admin.call("link.create", profile=acme, kind="approval", approver="Claire",
                       password="another pass")
    w2 = Web(daemon.http_port)
    b2 = path_of(link2["url"])
    w2.follow(b2 + "/session", {"csrf": csrf(w2.get(b2)[2]), "name": "Claire",
                                "password": "another pass"})
    detail = w2.get(f"{b2}/p/{soon}")[2]
    admin.call("post.approve", id=soon)  # auto_schedule: scheduled
    publish_soon(admin, soon)
    wait_until(lambda: admin.call("post.get", id=soon)["status"] == "published", timeout=15,
               what="publication")
    st, _, body = w2.post(f"{b2}/p/{soon}", {"csrf": csrf(detail), "rev": "1",
                                             "action": "reject", "note": "stop!"})
    assert st == 409 and "published meanwhile" in text(body)
    assert admin.call("post.get", id=soon)["status"] == "published"


def test_revision_changed_and_diff_since_last_seen(daemon, admin, acme):
    pid = make_post(admin, acme, "awaiting_approval", caption="Fresh coffee every morning",
                    at=NOW + 86400, platforms=("instagram",))
    link, w, base = collab_visitor(daemon, admin, acme)
    detail = w.get(f"{base}/p/{pid}")[2]
    assert "What changed" not in detail
    admin.call("post.update", id=pid, caption="Fresh tea every single morning",
               platforms=["instagram", "x"], scheduled_at=NOW + 2 * 86400)
    # The form of the old revision is refused.
    st, _, body = w.post(f"{base}/p/{pid}", {"csrf": csrf(detail), "rev": "1",
                                             "action": "approve"})
    assert st == 409 and "edited" in text(body)
    assert "changed since you saw it" in w.get(base)[2], "the list says so already"
    detail = w.get(f"{base}/p/{pid}")[2]
    assert "What changed since you last saw it" in detail
    assert "<del>coffee</del>" in detail and "<ins>tea</ins>" in detail
    assert "<ins>single</ins>" in detail and "<ins>x</ins>" in detail
    assert "Time" in text(detail)
    # Seen now: the next view shows no changes.
    assert "What changed" not in w.get(f"{base}/p/{pid}")[2]
    rev = admin.call("post.get", id=pid)["revision"]
    st, _, _ = w.follow(f"{base}/p/{pid}", {"csrf": csrf(detail), "rev": str(rev),
                                            "action": "approve"})
    assert st == 303
    h = [e for e in admin.call("post.history", id=pid)["history"] if e["type"] == "approved"]
    assert h[0]["revision"] == rev == 2


def test_revoke_regenerate_extend(daemon, admin, acme):
    make_post(admin, acme, "scheduled", caption="visible", at=NOW + 86400)
    link = admin.call("link.create", profile=acme, kind="approval", approver="Claire")
    w = Web(daemon.http_port)
    old = path_of(link["url"])
    page = w.get(old)[2]
    w.follow(old + "/session", {"csrf": csrf(page), "name": "Claire",
                                "password": link["password"]})
    assert "to review" in w.get(old)[2]
    new = admin.call("link.regenerate", id=link["id"])
    assert new["id"] == link["id"] and new["token"] != link["token"]
    assert new["password"] and new["password"] != link["password"]
    # The old address says the link was replaced (test_dead_ends.py follows it further); a
    # token that never existed is still a plain 404.
    st, _, gone = w.get(old)
    assert st == 410 and "This link was replaced" in gone
    assert w.get("/l/" + "Q" * 43)[0] == 404
    assert Web(daemon.http_port).get(path_of(new["url"]))[0] == 200
    ext = admin.call("link.extend", id=link["id"], days=10)
    assert abs(ext["expires_at"] - (time.time() + 40 * 86400)) < 600
    revoked = admin.call("link.revoke", id=link["id"])
    assert revoked["status"] == "revoked" and revoked["revoked_at"]
    st, _, gone = Web(daemon.http_port).get(path_of(new["url"]))
    assert st == 410 and "This link was withdrawn" in gone and "<form" not in gone
    for method, args in (("link.regenerate", {}), ("link.extend", {"days": 1})):
        assert refusal(admin, method, id=link["id"], **args).code == "invalid_state"
    cal = admin.call("link.create", profile=acme, kind="calendar")
    assert refusal(admin, "link.extend", id=cal["id"], days=1).code == "invalid_state"
    # Opens are counted (saved once a second).
    for _ in range(3):
        Web(daemon.http_port).get(path_of(cal["url"]))
    wait_until(lambda: [l for l in admin.call("link.list")["links"]
                        if l["id"] == cal["id"]][0]["opens"] == 3, what="open count")
    assert [l for l in admin.call("link.list")["links"] if l["id"] == cal["id"]][0]["last_opened"]


def test_expiry_and_request_for_a_new_link(daemon, admin, acme):
    sub = daemon.client()
    sub.call("notify.subscribe")
    # Open before its expiry, then expired. A page answered after the expiry (a loaded machine)
    # says nothing of the first: that link is left, and one with more time is made.
    for seconds in (2, 4, 8, 16):
        link = link_expiring_soon(admin, seconds, profile=acme, kind="approval",
                                  approver="Claire")
        base = path_of(link["url"])
        w = Web(daemon.http_port)
        first = w.get(base)[0]
        if time.time() < link["expires_at"]:
            break
    assert first == 200
    wait_until(lambda: w.get(base)[0] == 410, timeout=seconds + 10, what="expiry")
    st, _, page = w.get(base)
    assert "This link has expired" in page and "Request a new link" in page
    assert {l["status"] for l in admin.call("link.list")["links"]} == {"expired"}
    st, st2, page = w.follow(base + "/request", {"csrf": csrf(page)})
    assert st == 303 and st2 == 410 and "The team has been told" in page
    ev = events_of(sub, lambda e: e["type"] == "link.requested")
    assert ev["link"] == link["id"] and ev["actor"] == "Claire" and ev["post"] is None
    assert [l for l in admin.call("link.list")["links"] if l["id"] == link["id"]][0]["requested_at"]
    # A GET of the request address changes nothing.
    assert w.get(base + "/request")[0] == 405
    new = admin.call("link.regenerate", id=link["id"])
    assert new["expires_at"] > time.time()
    assert Web(daemon.http_port).get(path_of(new["url"]))[0] == 200


def test_password_attempts_are_limited(daemon, admin, acme):
    link = admin.call("link.create", profile=acme, kind="collab", password="right password")
    base = path_of(link["url"])
    w = Web(daemon.http_port)
    token = csrf(w.get(base)[2])
    statuses = [w.post(base + "/session", {"csrf": token, "name": "M", "password": f"no{i}"})[0]
                for i in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    st, h, _ = w.post(base + "/session", {"csrf": token, "name": "M", "password": "right password"})
    assert st == 429 and int(h["retry-after"]) > 0


@pytest.mark.daemon_args("--trusted-proxy", "127.0.0.1", "--public-url", "https://links.example.com/")
def test_forwarded_address_from_trusted_proxy(daemon, admin, acme):
    pid = make_post(admin, acme, "awaiting_approval", at=NOW + 86400)
    link = admin.call("link.create", profile=acme, kind="collab")
    assert link["url"].startswith("https://links.example.com/l/")
    w = Web(daemon.http_port, {"X-Forwarded-For": "198.51.100.9, 203.0.113.7, 127.0.0.1"})
    base = path_of(link["url"])
    st, h, _ = w.post(base + "/session", {"csrf": csrf(w.get(base)[2]), "name": "Via proxy"})
    assert "Secure" in h["set-cookie"]
    detail = w.get(f"{base}/p/{pid}")[2]
    w.follow(f"{base}/p/{pid}", {"csrf": csrf(detail), "rev": "1", "action": "approve"})
    h = [e for e in admin.call("post.history", id=pid)["history"] if e["type"] == "approved"][0]
    assert h["address"] == "203.0.113.7"


def test_forwarded_address_ignored_from_anyone_else(daemon, admin, acme):
    pid = make_post(admin, acme, "awaiting_approval", at=NOW + 86400)
    link, w, base = collab_visitor(daemon, admin, acme)
    w.extra = {"X-Forwarded-For": "203.0.113.7"}
    detail = w.get(f"{base}/p/{pid}")[2]
    w.follow(f"{base}/p/{pid}", {"csrf": csrf(detail), "rev": "1", "action": "approve"})
    h = [e for e in admin.call("post.history", id=pid)["history"] if e["type"] == "approved"][0]
    assert h["address"] == "127.0.0.1"


def test_icalendar_feed(daemon, admin, acme):
    long_caption = "Line one; with, commas\nand a second line " + "é" * 60
    a = make_post(admin, acme, "scheduled", caption=long_caption, at=NOW + 86400)
    make_post(admin, acme, "draft", caption="secret draft", at=NOW + 86400)
    link = admin.call("link.create", profile=acme, kind="calendar")
    st, h, body = Web(daemon.http_port).get(path_of(link["url"]) + "/calendar.ics")
    assert st == 200 and h["content-type"].startswith("text/calendar")
    raw_bytes = body.encode()
    assert raw_bytes.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert raw_bytes.endswith(b"END:VCALENDAR\r\n")
    assert all(len(l) <= 75 for l in raw_bytes.split(b"\r\n")), "lines fold at 75 octets"
    unfolded = body.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 1 and "secret draft" not in unfolded
    assert "Line one\\; with\\, commas\\nand a second line" in unfolded
    assert f"UID:post-{a}-link-{link['id']}@greenlight" in unfolded
    assert time.strftime("DTSTART:%Y%m%dT%H%M%SZ", time.gmtime(NOW + 86400)) in unfolded
    appr = admin.call("link.create", profile=acme, kind="approval", approver="C")
    assert Web(daemon.http_port).get(path_of(appr["url"]) + "/calendar.ics")[0] == 404
    # A password-protected feed takes the password with Basic authentication.
    import base64
    locked = admin.call("link.create", profile=acme, kind="collab", password="feed password")
    p = path_of(locked["url"]) + "/calendar.ics"
    st, h, _ = Web(daemon.http_port).get(p)
    assert st == 401 and h["www-authenticate"].startswith("Basic")
    auth = "Basic " + base64.b64encode(b"any:feed password").decode()
    st, _, body = Web(daemon.http_port).get(p, headers={"Authorization": auth})
    assert st == 200 and "BEGIN:VEVENT" in body


def test_get_never_changes_anything(daemon, admin, acme):
    pid = make_post(admin, acme, "awaiting_approval", at=NOW + 86400)
    link, w, base = collab_visitor(daemon, admin, acme)
    before = admin.call("post.history", id=pid)["history"]
    for path in (f"{base}/p/{pid}?action=approve", f"{base}/bulk?post={pid}&action=approve",
                 f"{base}/session", f"{base}/signout"):
        assert w.get(path)[0] in (200, 404, 405)
    assert admin.call("post.history", id=pid)["history"] == before
    assert admin.call("post.get", id=pid)["status"] == "awaiting_approval"


def test_cached_calendar_page_follows_every_write(daemon, admin, acme):
    """The calendar page may come from a cache: any write that changes it shows at once."""
    pid = make_post(admin, acme, "scheduled", caption="first words", at=NOW + 3600)
    link = admin.call("link.create", profile=acme, kind="calendar")
    base = path_of(link["url"])
    # The post's own month: in the last hour of a month it is not the page's default one.
    month = datetime.datetime.fromtimestamp(NOW + 3600, zoneinfo.ZoneInfo("Europe/Paris"))
    pages = [base + "?month=" + month.strftime("%Y-%m")]
    if month.month == datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")).month:
        pages.append(base)
    w = Web(daemon.http_port)
    for page in pages:
        assert "first words" in w.get(page)[2] and "first words" in w.get(page)[2]
    admin.call("post.update", id=pid, caption="second words")
    for page in pages:
        body = w.get(page)[2]
        assert "second words" in body and "first words" not in body
    admin.call("post.delete", id=pid)
    for page in pages:
        assert "second words" not in w.get(page)[2], "deleted: not shown any more"
    q = w.get(base + "?month=" + time.strftime("%Y-%m", time.gmtime(NOW)))[2]
    assert w.get(base + "?month=" + time.strftime("%Y-%m", time.gmtime(NOW)))[2] == q
    admin.call("link.revoke", id=link["id"])
    assert w.get(base)[0] == 410
    assert w.get(base + "?month=" + time.strftime("%Y-%m", time.gmtime(NOW)))[0] == 410


def test_link_decision_counts_for_the_external_step(daemon, admin):
    """With approval steps, a decision through an approval link is the external approver's
    step (a collaboration link's visitors decide collaborator steps only: test_link_policy.py)."""
    prof = admin.call("profile.create", name="Stepped", timezone="Europe/Paris",
                      platforms=["instagram"],
                      steps=[{"name": "Team lead", "who": "manager"},
                             {"name": "Client", "who": "external"}])["id"]
    pid = make_post(admin, prof, "awaiting_approval", at=NOW + 86400)
    link = admin.call("link.create", profile=prof, kind="approval", approver="Paula Partner")
    w = Web(daemon.http_port)
    base = path_of(link["url"])
    w.follow(base + "/session", {"csrf": csrf(w.get(base)[2]), "name": "Paula Partner",
                                 "password": link["password"]})
    detail = w.get(f"{base}/p/{pid}")[2]
    st, _, body = w.post(f"{base}/p/{pid}", {"csrf": csrf(detail), "rev": "1",
                                             "action": "approve"})
    assert st == 409 and "not ready for your decision" in text(body)
    admin.call("post.approve", id=pid)  # the team lead's step
    assert admin.call("post.get", id=pid)["status"] == "awaiting_approval"
    st, _, _ = w.follow(f"{base}/p/{pid}", {"csrf": csrf(detail), "rev": "1",
                                            "action": "approve"})
    assert st == 303
    p = admin.call("post.get", id=pid)
    assert p["status"] == "approved"
    client = [a for a in p["approvals"] if a["step"] == 2][0]
    assert client["by"] == "Paula Partner" and client["link"] == link["id"]


def test_images_of_a_post_are_shown(daemon, admin, acme):
    import base64
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                           "hQGAhKmMIQAAAABJRU5ErkJggg==")
    mid = admin.call("media.upload", name="dot.png", type="image/png", data=png)["id"]
    pid = make_post(admin, acme, "scheduled", caption="with a picture", at=NOW + 86400)
    admin.call("post.update", id=pid, media=[mid])
    other = make_post(admin, acme, "scheduled", caption="without", at=NOW + 86400)
    link = admin.call("link.create", profile=acme, kind="calendar")
    base = path_of(link["url"])
    w = Web(daemon.http_port)
    detail = w.get(f"{base}/p/{pid}")[2]
    assert f'src="{base}/p/{pid}/m/{mid}"' in detail
    c = __import__("http.client").client.HTTPConnection("127.0.0.1", daemon.http_port)
    c.request("GET", f"{base}/p/{pid}/m/{mid}")
    r = c.getresponse()
    assert r.status == 200 and r.getheader("Content-Type") == "image/png" and r.read() == png
    # Only through a post that holds it.
    assert w.get(f"{base}/p/{other}/m/{mid}")[0] == 404
