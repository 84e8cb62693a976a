"""The approval workflow through a real socket: every transition, legal and illegal,
revisions, history, comments, events and publishing."""
import time

import pytest

from gltest import RpcError, wait_until
from helpers import make_post, make_profile, upload_png

STATUSES = ["draft", "awaiting_approval", "changes_requested", "approved", "scheduled",
            "published"]

# action -> statuses it is allowed from (protocol/README.md, "The workflow")
ALLOWED = {
    "submit": {"draft", "changes_requested"},
    "approve": {"awaiting_approval"},
    "reject": {"awaiting_approval", "approved", "scheduled"},
    "reschedule": {"draft", "awaiting_approval", "changes_requested", "approved", "scheduled"},
    "schedule": {"approved"},
}


def future(days=3):
    return int(time.time()) + days * 86400


def published_post(admin, prof):
    """A post that really reached publication through its time passing."""
    pid = make_post(admin, prof, "awaiting_approval", at=int(time.time()) + 2)
    admin.call("post.approve", id=pid)
    admin.call("post.schedule", id=pid)
    wait_until(lambda: admin.call("post.get", id=pid)["status"] == "published", timeout=15,
               what="publication")
    return pid


def do(c, action, pid):
    args = {"id": pid}
    if action == "reject":
        args["note"] = "Needs a better photo"
    if action == "reschedule":
        args["scheduled_at"] = future(9)
    return c.call("post." + action, **args)


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_every_transition_legal_and_illegal(admin, action):
    prof = make_profile(admin)
    published = published_post(admin, prof)
    for status in STATUSES:
        pid = published if status == "published" else make_post(admin, prof, status)
        before = admin.call("post.get", id=pid)
        assert before["status"] == status
        if status in ALLOWED[action]:
            after = do(admin, action, pid)
            assert after["id"] == pid
        else:
            with pytest.raises(RpcError) as e:
                do(admin, action, pid)
            assert e.value.code == "invalid_state", (action, status)
            # A refused action changes nothing.
            assert admin.call("post.get", id=pid) == before


def test_outcomes_of_each_action(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "draft")
    assert admin.call("post.submit", id=pid)["status"] == "awaiting_approval"
    r = admin.call("post.reject", id=pid, note="Wrong hashtag")
    assert r["status"] == "changes_requested"
    assert r["approvals"][0]["decision"] == "rejected"
    assert admin.call("post.submit", id=pid)["status"] == "awaiting_approval"
    r = admin.call("post.approve", id=pid, note="Lovely")
    assert r["status"] == "approved"
    assert r["approvals"] == [{"step": 1, "decision": "approved", "by": "admin", "link": None,
                               "at": r["approvals"][0]["at"], "revision": r["revision"]}]
    assert admin.call("post.schedule", id=pid)["status"] == "scheduled"
    at = future(12)
    r = admin.call("post.reschedule", id=pid, scheduled_at=at, note="Move to the weekend")
    assert r["scheduled_at"] == at and r["status"] == "scheduled"
    kinds = [h["type"] for h in admin.call("post.history", id=pid)["history"]]
    assert kinds == ["created", "submitted", "rejected", "submitted", "approved", "scheduled",
                     "rescheduled"]
    hist = admin.call("post.history", id=pid)["history"]
    assert hist[2]["note"] == "Wrong hashtag" and hist[2]["from"] == "awaiting_approval"
    assert hist[2]["to"] == "changes_requested" and hist[2]["actor"] == "admin"
    assert hist[2]["actor_kind"] == "staff"


def test_reject_needs_a_note_and_reschedule_a_future_time(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval")
    with pytest.raises(RpcError) as e:
        admin.call("post.reject", id=pid, note="")
    assert e.value.code == "bad_request"
    with pytest.raises(RpcError) as e:
        admin.call("post.reject", id=pid)
    assert e.value.code == "bad_request"
    with pytest.raises(RpcError) as e:
        admin.call("post.reschedule", id=pid, scheduled_at=int(time.time()) - 3600)
    assert e.value.code == "bad_request"
    assert admin.call("post.get", id=pid)["status"] == "awaiting_approval"


def test_schedule_needs_a_time(admin):
    prof = make_profile(admin)
    pid = admin.call("post.create", profile=prof, caption="no time", platforms=["x"])["id"]
    admin.call("post.submit", id=pid)
    admin.call("post.approve", id=pid)
    with pytest.raises(RpcError) as e:
        admin.call("post.schedule", id=pid)
    assert e.value.code == "invalid_state"


def test_auto_schedule_profile_schedules_on_approval(admin):
    prof = make_profile(admin, auto_schedule=True)
    pid = make_post(admin, prof, "awaiting_approval")
    assert admin.call("post.approve", id=pid)["status"] == "scheduled"
    untimed = admin.call("post.create", profile=prof, caption="later", platforms=["x"])["id"]
    admin.call("post.submit", id=untimed)
    assert admin.call("post.approve", id=untimed)["status"] == "approved"


def test_editing_after_changes_requested_makes_one_new_revision(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "changes_requested", caption="v1")
    r = admin.call("post.update", id=pid, caption="v2")
    assert r["revision"] == 2 and r["status"] == "changes_requested"
    r = admin.call("post.update", id=pid, caption="v2, polished")
    assert r["revision"] == 2  # still the same open revision
    r = admin.call("post.submit", id=pid)
    assert r["revision"] == 2 and r["caption"] == "v2, polished"
    edits = [h for h in admin.call("post.history", id=pid)["history"] if h["type"] == "edited"]
    assert [h["revision"] for h in edits] == [2, 2]


def test_drafts_edit_in_place(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "draft", caption="first")
    assert admin.call("post.update", id=pid, caption="second")["revision"] == 1


@pytest.mark.parametrize("status", ["approved", "scheduled"])
@pytest.mark.parametrize("field", ["caption", "platforms", "media"])
def test_content_edit_of_approved_post_needs_approval_again(admin, status, field):
    prof = make_profile(admin)
    pid = make_post(admin, prof, status)
    change = {"caption": "changed words", "platforms": ["instagram", "x"],
              "media": [upload_png(admin)]}[field]
    r = admin.call("post.update", id=pid, **{field: change})
    assert r["status"] == "awaiting_approval"
    assert r["revision"] == 2
    assert r["approvals"] == []


def test_non_content_edit_keeps_approval(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "approved")
    r = admin.call("post.update", id=pid, notes="Remember the alt text", scheduled_at=future(5))
    assert r["status"] == "approved" and r["revision"] == 1


def test_edit_while_awaiting_discards_old_decisions(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval", caption="one")
    r = admin.call("post.update", id=pid, caption="two")
    assert r["status"] == "awaiting_approval" and r["revision"] == 2


def test_published_post_is_frozen(admin):
    prof = make_profile(admin)
    pid = published_post(admin, prof)
    for method, args in (("post.update", {"caption": "too late"}),
                         ("post.approve", {}), ("post.reject", {"note": "no"}),
                         ("post.reschedule", {"scheduled_at": future()}),
                         ("post.delete", {}), ("post.submit", {}), ("post.schedule", {})):
        with pytest.raises(RpcError) as e:
            admin.call(method, id=pid, **args)
        assert e.value.code == "invalid_state", method
        assert "published" in e.value.message
    # Comments still welcome.
    admin.call("post.comment", id=pid, text="Great reach on this one")
    hist = admin.call("post.history", id=pid)["history"]
    pub = [h for h in hist if h["type"] == "published"]
    assert len(pub) == 1 and pub[0]["actor_kind"] == "system"


def test_comments_internal_by_default_and_shared_on_request(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof)
    a = admin.call("post.comment", id=pid, text="internal thought")
    b = admin.call("post.comment", id=pid, text="for the client", shared=True)
    assert a["shared"] is False and b["shared"] is True
    post = admin.call("post.get", id=pid)
    assert [(c["text"], c["shared"]) for c in post["comments"]] == [
        ("internal thought", False), ("for the client", True)]
    assert post["comment_count"] == 2
    with pytest.raises(RpcError) as e:
        admin.call("post.comment", id=pid, text="")
    assert e.value.code == "bad_request"


def test_events_reach_subscribers_live(daemon, admin):
    watcher = daemon.client()
    watcher.call("notify.subscribe")
    other = daemon.client()  # not subscribed: must get nothing
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval", caption="Autumn menu 🍂")
    admin.call("post.approve", id=pid)
    ev = watcher.wait_event(lambda e: e["type"] == "post.approved")
    assert ev["post"] == pid and ev["profile"] == prof and ev["actor"] == "admin"
    assert ev["status"] == "approved" and "Autumn menu" in ev["text"]
    assert isinstance(ev["at"], int)
    seen = [watcher.events.get_nowait()["type"] for _ in range(watcher.events.qsize())]
    assert "post.approved" not in seen  # consumed above, not duplicated
    other.call("server.ping")
    assert other.events.empty()


def test_due_post_is_published_and_announced(daemon, admin):
    watcher = daemon.client()
    watcher.call("notify.subscribe")
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval", at=int(time.time()) + 2)
    admin.call("post.approve", id=pid)
    admin.call("post.schedule", id=pid)
    ev = watcher.wait_event(lambda e: e["type"] == "post.published" and e["post"] == pid,
                            timeout=15)
    assert ev["actor"] == "greenlightd"
    assert admin.call("post.get", id=pid)["status"] == "published"


def test_delete_removes_post_and_its_index_entries(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval")
    admin.call("post.delete", id=pid)
    with pytest.raises(RpcError) as e:
        admin.call("post.get", id=pid)
    assert e.value.code == "not_found"
    assert admin.call("post.list", profile=prof)["posts"] == []
    assert admin.call("post.list", status="awaiting_approval")["posts"] == []
