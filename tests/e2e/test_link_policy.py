"""The link policy table (server/linkpolicy.c, docs/http.md "Link policy"), through real HTTP:
each finding of the trust issue, then every link kind x post status x action against the
table (what the detail page shows, which forms it offers, what a posted form is allowed to do)."""
import base64
import datetime
import re
import time
import zoneinfo

import pytest

from gltest import RpcError, wait_until
import helpers
from helpers import make_profile, publish_soon
from httputil import Web, csrf, path_of, text

NOW = int(time.time())
NOTES = "NOTES-FOR-APPROVERS-7731"
SHARED = "SHARED-COMMENT-4409"
INTERNAL = "INTERNAL-COMMENT-2290"
LINK_NOTE = "LINK-REVIEW-NOTE-5123"


def make_post(admin, profile, status, caption, at, notes=NOTES):
    """A post with notes and comments, brought to status through the real workflow."""
    return helpers.make_post(admin, profile, status, caption=caption, at=at, notes=notes,
                             comments=((SHARED, True), (INTERNAL, False)))


def signed_in(daemon, link, name="Paula Partner"):
    """A visitor signed in through the link's form (name and password as the link needs)."""
    w = Web(daemon.http_port)
    base = path_of(link["url"])
    st, _, page = w.get(base)
    if 'action="' + base + '/session"' in page:
        fields = {"csrf": csrf(page)}
        if 'name="name"' in page:
            fields["name"] = name
        if link.get("password"):
            fields["password"] = link["password"]
        st, st2, body = w.follow(base + "/session", fields)
        assert (st, st2) == (303, 200), body
    return w, base


def decide(w, base, pid, action, **extra):
    """Posts a decision form with the CSRF token of the post's page; returns the status."""
    st, _, page = w.get(f"{base}/p/{pid}")
    fields = {"csrf": csrf(page) if st == 200 and 'name="csrf"' in page else "x" * 22,
              "rev": "1", "action": action}
    fields.update(extra)
    return w.post(f"{base}/p/{pid}", fields)[0]


def paris_day(t):
    return datetime.datetime.fromtimestamp(t, zoneinfo.ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d")


# ---- the findings ----


def test_unlisted_approval_link_reaches_only_posts_awaiting_approval(daemon, admin):
    """Made without a post list, an approval link showed every non-draft post of the profile
    (scheduled and published ones too, with their notes) and could move a scheduled post."""
    prof = make_profile(admin)
    waiting = make_post(admin, prof, "awaiting_approval", "waiting for Claire", NOW + 86400,
                        notes="notes of the waiting post")
    sched = make_post(admin, prof, "scheduled", "already scheduled", NOW + 2 * 86400,
                      notes="notes of the scheduled post")
    appr = make_post(admin, prof, "approved", "approved by the team", NOW + 3 * 86400,
                     notes="notes of the approved post")
    before = admin.call("post.get", id=sched)
    link = admin.call("link.create", profile=prof, kind="approval", approver="Claire")
    w, base = signed_in(daemon, link, "Claire")
    main = text(w.get(base)[2])
    assert "waiting for Claire" in main
    assert "already scheduled" not in main and "approved by the team" not in main
    assert w.get(f"{base}/p/{sched}")[0] == 404
    assert w.get(f"{base}/p/{appr}")[0] == 404
    assert "notes of the waiting post" in w.get(f"{base}/p/{waiting}")[2]
    # Moving the scheduled post through the link is refused and changes nothing.
    st, _, page = w.get(f"{base}/p/{waiting}")
    st = w.post(f"{base}/p/{sched}", {"csrf": csrf(page), "rev": str(before["revision"]),
                                      "action": "reschedule",
                                      "date": paris_day(NOW + 20 * 86400), "time": "09:30"})[0]
    assert st in (404, 409)
    after = admin.call("post.get", id=sched)
    assert (after["status"], after["scheduled_at"]) == ("scheduled", before["scheduled_at"])
    # What it decided stays visible to it, to show its decision.
    assert decide(w, base, waiting, "approve") == 303
    assert admin.call("post.get", id=waiting)["status"] == "approved"
    assert w.get(f"{base}/p/{waiting}")[0] == 200
    assert "waiting for Claire" in text(w.get(base)[2])


def test_approval_link_moves_only_posts_it_may_decide(daemon, admin):
    """Even a post of its own list may be moved only while it awaits the link's decision."""
    prof = make_profile(admin)
    sched = make_post(admin, prof, "scheduled", "listed and scheduled", NOW + 2 * 86400)
    waiting = make_post(admin, prof, "awaiting_approval", "listed and waiting", NOW + 86400)
    link = admin.call("link.create", profile=prof, kind="approval", approver="Claire",
                      posts=[sched, waiting])
    w, base = signed_in(daemon, link, "Claire")
    detail = w.get(f"{base}/p/{sched}")[2]
    assert 'value="reschedule"' not in detail
    before = admin.call("post.get", id=sched)["scheduled_at"]
    day = paris_day(NOW + 20 * 86400)
    assert decide(w, base, sched, "reschedule", date=day, time="09:30") == 409
    assert admin.call("post.get", id=sched)["scheduled_at"] == before
    assert 'value="reschedule"' in w.get(f"{base}/p/{waiting}")[2]
    assert decide(w, base, waiting, "reschedule", date=day, time="09:30") == 303
    assert paris_day(admin.call("post.get", id=waiting)["scheduled_at"]) == day


def test_collab_visitor_cannot_decide_the_approvers_step(daemon, admin):
    """A collaboration-link visitor, under any name, could complete a step whose who is the
    external approver."""
    prof = make_profile(admin, steps=[{"name": "Client", "who": "external"}])
    pid = make_post(admin, prof, "awaiting_approval", "for the client", NOW + 86400)
    collab = admin.call("link.create", profile=prof, kind="collab")
    w, base = signed_in(daemon, collab, "Claire")
    detail = w.get(f"{base}/p/{pid}")[2]
    assert 'value="approve"' not in detail and 'value="reject"' not in detail
    assert decide(w, base, pid, "approve") == 409
    assert decide(w, base, pid, "reject", note="no") == 409
    assert admin.call("post.get", id=pid)["status"] == "awaiting_approval"
    appr = admin.call("link.create", profile=prof, kind="approval", approver="Claire")
    w2, b2 = signed_in(daemon, appr, "Claire")
    assert 'value="approve"' in w2.get(f"{b2}/p/{pid}")[2]
    assert decide(w2, b2, pid, "approve") == 303
    assert admin.call("post.get", id=pid)["status"] == "approved"


def test_collaborator_steps_and_named_approvers(daemon, admin):
    prof = make_profile(admin, steps=[{"name": "Partner", "who": "collaborator"},
                                      {"name": "Client", "who": "approver",
                                       "approver": "Jane Client"}])
    steps = [p for p in admin.call("profile.list")["profiles"] if p["id"] == prof][0]["steps"]
    assert steps == [{"name": "Partner", "who": "collaborator"},
                     {"name": "Client", "who": "approver", "approver": "Jane Client"}]
    pid = make_post(admin, prof, "awaiting_approval", "two outside steps", NOW + 86400)
    jane = admin.call("link.create", profile=prof, kind="approval", approver="Jane Client")
    bob = admin.call("link.create", profile=prof, kind="approval", approver="Bob")
    wj, bj = signed_in(daemon, jane, "Jane Client")
    wb, bb = signed_in(daemon, bob, "Bob")
    # The partner's step comes first: no approver may decide it.
    assert decide(wj, bj, pid, "approve") == 409
    with pytest.raises(RpcError) as e:
        admin.call("post.approve", id=pid)
    assert e.value.code == "forbidden", "a collaborator step is not the team's"
    collab = admin.call("link.create", profile=prof, kind="collab")
    wc, bc = signed_in(daemon, collab, "Paula")
    assert decide(wc, bc, pid, "approve") == 303
    # Now Jane's step: the partner may not decide it, nor Bob's link, whatever name he gives.
    assert decide(wc, bc, pid, "approve") == 409
    assert 'value="approve"' not in wb.get(f"{bb}/p/{pid}")[2]
    assert decide(wb, bb, pid, "approve") == 409
    wb2, bb2 = signed_in(daemon, bob, "Jane Client")
    assert decide(wb2, bb2, pid, "approve") == 409
    assert admin.call("post.get", id=pid)["status"] == "awaiting_approval"
    assert decide(wj, bj, pid, "approve") == 303
    p = admin.call("post.get", id=pid)
    assert p["status"] == "approved"
    assert [(s["state"], s["by"]) for s in p["steps"]] == [("approved", "Paula"),
                                                           ("approved", "Jane Client")]


def test_step_definitions_are_checked(admin):
    bad = [
        [{"name": "x", "who": "approver", "approver": ""}],
        [{"name": "x", "who": "collaborator", "approver": "Jane"}],
        [{"name": "x", "who": "manager", "approver": "Jane"}],
        [{"name": "x", "who": "approver", "approver": 5}],
        [{"name": "", "who": "approver"}],
        [{"name": "x", "who": "client"}],
    ]
    for steps in bad:
        with pytest.raises(RpcError) as e:
            admin.call("profile.create", name="P", timezone="UTC", platforms=["x"], steps=steps)
        assert e.value.code == "bad_request", steps
        assert "step 1" in e.value.message or "approver" in e.value.message, e.value.message
    ok = admin.call("profile.create", name="P", timezone="UTC", platforms=["x"],
                    steps=[{"name": "Legal", "who": "external"},
                           {"name": "Partner", "who": "collaborator"}])["id"]
    with pytest.raises(RpcError) as e:
        admin.call("profile.update", id=ok, steps=[{"name": "x", "who": "approvers"}])
    assert e.value.code == "bad_request"


@pytest.mark.parametrize("with_password", [True, False])
def test_calendar_link_signs_in_without_a_name(daemon, admin, with_password):
    """A calendar link with a password could never sign in: the form answered 422 'Please
    give your name'. A calendar is read only: no name is asked."""
    prof = make_profile(admin)
    make_post(admin, prof, "scheduled", "on the calendar", NOW + 86400)
    args = {"password": "calendar secret"} if with_password else {}
    link = admin.call("link.create", profile=prof, kind="calendar", **args)
    link.setdefault("password", args.get("password"))
    w = Web(daemon.http_port)
    base = path_of(link["url"])
    st, _, page = w.get(base)
    if not with_password:
        assert st == 200 and "Content calendar" in page and 'name="name"' not in page
        return
    assert st == 200 and 'type="password"' in page and 'name="name"' not in page
    assert w.post(base + "/session", {"csrf": csrf(page), "password": "wrong"})[0] == 401
    st, st2, body = w.follow(base + "/session", {"csrf": csrf(page),
                                                 "password": "calendar secret"})
    assert (st, st2) == (303, 200), body
    month = datetime.datetime.fromtimestamp(NOW + 86400, zoneinfo.ZoneInfo("Europe/Paris"))
    assert "on the calendar" in text(w.get(base + "?month=" + month.strftime("%Y-%m"))[2])
    assert "BEGIN:VEVENT" in w.get(base + "/calendar.ics")[2], "the session opens the feed too"


def test_calendar_link_never_shows_notes_comments_or_reviews(daemon, admin):
    """A calendar link showed the notes for approvers on its pages and in its .ics feed,
    which people sync into calendars outside; its detail showed the comments too."""
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval", "calendar content", NOW + 86400)
    collab = admin.call("link.create", profile=prof, kind="collab")
    wc, bc = signed_in(daemon, collab)
    assert decide(wc, bc, pid, "reject", note=LINK_NOTE) == 303
    admin.call("post.update", id=pid, caption="calendar content, shorter")
    admin.call("post.submit", id=pid)
    cal = admin.call("link.create", profile=prof, kind="calendar")
    w = Web(daemon.http_port)
    base = path_of(cal["url"])
    st, _, detail = w.get(f"{base}/p/{pid}")
    assert st == 200 and "calendar content, shorter" in detail and "pre-scheduled" in detail
    for secret in (NOTES, SHARED, INTERNAL, LINK_NOTE, "Notes for approvers", "Reviews",
                   "Comments", "decide"):
        assert secret not in detail, secret
    st, _, feed = w.get(base + "/calendar.ics")
    unfolded = feed.replace("\r\n ", "")
    assert st == 200 and "calendar content" in unfolded
    for secret in (NOTES, SHARED, INTERNAL, LINK_NOTE, "Notes for approvers"):
        assert secret not in unfolded, secret
    # The collaboration link shows them: they are for its visitors.
    page = wc.get(f"{bc}/p/{pid}")[2]
    assert NOTES in page and SHARED in page and LINK_NOTE in page and INTERNAL not in page


# ---- the table, kind x status x action ----

STATUSES = ["draft", "awaiting_approval", "changes_requested", "approved", "scheduled",
            "published"]
ACTIONS = ["approve", "reject", "reschedule", "comment", "bulk"]
OUTSIDE = set(STATUSES[1:])
CONTENT = {"caption", "platforms", "time"}
# docs/http.md "Link policy", as these tests read it (an approval link made for its posts).
POLICY = {
    "calendar": {"shows": OUTSIDE, "fields": CONTENT, "actions": set(), "feed": True},
    "collab": {"shows": OUTSIDE, "fields": CONTENT | {"notes", "comments", "history"},
               "actions": {"approve", "reject", "comment"}, "feed": True},
    "approval": {"shows": OUTSIDE, "fields": CONTENT | {"notes", "comments", "history"},
                 "actions": {"approve", "reject", "reschedule", "comment", "bulk"},
                 "feed": False},
}


def accepted(kind, status, action):
    pol = POLICY[kind]
    if status not in pol["shows"] or action not in pol["actions"]:
        return False
    # Deciding and moving: only a post awaiting the link's decision (the default step, 'any',
    # is decided by approval and collaboration links alike).
    return action == "comment" or status == "awaiting_approval"


def state(admin, pid):
    p = admin.call("post.get", id=pid)
    return p["status"], p["scheduled_at"], len(p["comments"]), p["revision"]


@pytest.mark.parametrize("kind", sorted(POLICY))
def test_policy_table_kind_by_status_by_action(daemon, admin, kind):
    prof = make_profile(admin)
    posts = {}
    for st in STATUSES:
        for act in ACTIONS:
            posts[st, act] = make_post(admin, prof, "scheduled" if st == "published" else st,
                                       f"caption {st} {act}", NOW + 3 * 86400)
    # Published ones: made for later, then moved to the next second (helpers.publish_soon).
    published_at = [publish_soon(admin, posts["published", a]) for a in ACTIONS]
    wait_until(lambda: all(admin.call("post.get", id=posts["published", a])["status"] ==
                           "published" for a in ACTIONS), timeout=20, what="publication")
    args = {}
    if kind == "approval":
        args = {"approver": "Claire", "posts": list(posts.values())}
    link = admin.call("link.create", profile=prof, kind=kind, **args)
    w, base = signed_in(daemon, link, "Claire")
    pol = POLICY[kind]

    # The main page lists what the table shows (both months the posts are in).
    months = {datetime.datetime.fromtimestamp(t, zoneinfo.ZoneInfo("Europe/Paris"))
              .strftime("%Y-%m") for t in (*published_at, NOW + 3 * 86400)}
    main = " ".join(text(w.get(base + "?month=" + m)[2]) for m in sorted(months))
    for (st, act), pid in posts.items():
        assert (f"caption {st} {act}" in main) == (st in pol["shows"]), (kind, st, act)
    if pol["feed"]:
        feed = w.get(base + "/calendar.ics")[2].replace("\r\n ", "")
        assert (NOTES in feed) == ("notes" in pol["fields"]) and INTERNAL not in feed
        assert feed.count("BEGIN:VEVENT") == sum(st in pol["shows"] for st, _ in posts)
    else:
        assert w.get(base + "/calendar.ics")[0] == 404

    # The detail page: the fields and the forms of the table.
    for (st, act), pid in posts.items():
        code, _, page = w.get(f"{base}/p/{pid}")
        where = (kind, st, act)
        if st not in pol["shows"]:
            assert code == 404, where
            continue
        assert code == 200 and f"caption {st} {act}" in text(page), where
        assert (NOTES in page) == ("notes" in pol["fields"]), where
        assert (SHARED in page) == ("comments" in pol["fields"]), where
        assert INTERNAL not in page, where
        for form in ("approve", "reject", "reschedule", "comment"):
            assert (f'value="{form}"' in page) == accepted(kind, st, form), (where, form)

    # Each action posted on its own post: done exactly when the table allows it.
    day = paris_day(NOW + 20 * 86400)
    token = None
    st0, _, page = w.get(base)
    if 'name="csrf"' in page:
        token = csrf(page)
    for (st, act), pid in posts.items():
        where = (kind, st, act)
        before = state(admin, pid)
        fields = {"csrf": token or "x" * 22, "rev": str(before[3])}
        if act == "bulk":
            code = w.post(base + "/bulk", {**fields, "action": "approve", "post": str(pid),
                                           f"rev{pid}": str(before[3])})[0]
        else:
            extra = {"approve": {}, "reject": {"note": "please change"},
                     "reschedule": {"date": day, "time": "09:30"},
                     "comment": {"text": "a visitor's comment"}}[act]
            code = w.post(f"{base}/p/{pid}", {**fields, "action": act, **extra})[0]
        after = state(admin, pid)
        if accepted(kind, st, act):
            assert code == 303, where
            expect = {"approve": lambda: after[0] == "approved",
                      "bulk": lambda: after[0] == "approved",
                      "reject": lambda: after[0] == "changes_requested",
                      "reschedule": lambda: paris_day(after[1]) == day,
                      "comment": lambda: after[2] == before[2] + 1}[act]
            assert expect(), (where, before, after)
        else:
            assert after == before, (where, code)
            if act != "bulk":
                assert code >= 400, (where, code)


@pytest.mark.daemon_args("--publisher", "false")
def test_failed_posts_are_on_no_link(daemon, admin):
    """The last status of the table: a post whose publication failed is shown by no link."""
    prof = make_profile(admin)
    pid = make_post(admin, prof, "scheduled", "failed to go out", NOW + 3 * 86400)
    publish_soon(admin, pid)
    wait_until(lambda: admin.call("post.get", id=pid)["status"] == "failed", timeout=20,
               what="the publisher to fail")
    for kind in POLICY:
        args = {"approver": "Claire", "posts": [pid]} if kind == "approval" else {}
        link = admin.call("link.create", profile=prof, kind=kind, **args)
        w, base = signed_in(daemon, link, "Claire")
        assert w.get(f"{base}/p/{pid}")[0] == 404, kind
        assert "failed to go out" not in w.get(base)[2], kind
        if POLICY[kind]["feed"]:
            assert "failed to go out" not in w.get(base + "/calendar.ics")[2], kind
        token = csrf(w.get(base)[2]) if 'name="csrf"' in w.get(base)[2] else "x" * 22
        for act, extra in (("comment", {"text": "hello"}), ("approve", {})):
            st = w.post(f"{base}/p/{pid}", {"csrf": token, "rev": "1", "action": act,
                                             **extra})[0]
            assert st in (403, 404), (kind, act, st)
    assert all(c["author"] == "admin" for c in admin.call("post.get", id=pid)["comments"])
