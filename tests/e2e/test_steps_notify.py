"""Approval steps, notifications, mentions and deadlines, through a real socket."""
import time

import pytest

from gltest import RpcError, wait_until
from helpers import PASSWORD, make_post, make_profile, make_user


def test_two_staff_steps_in_order(daemon, admin):
    prof = make_profile(admin, steps=[{"name": "Team lead", "who": "manager"},
                                      {"name": "Director", "who": "admin"}])
    mgr = make_user(daemon, admin, "lea", "manager")
    pid = make_post(admin, prof, "awaiting_approval")
    # The second step cannot go first, and a manager cannot decide the admin's step.
    p = mgr.call("post.approve", id=pid)
    assert p["status"] == "awaiting_approval"
    with pytest.raises(RpcError) as e:
        mgr.call("post.approve", id=pid)
    assert e.value.code == "forbidden" and "Director" in e.value.message
    steps = admin.call("post.get", id=pid)["steps"]
    assert [(s["name"], s["state"], s["by"]) for s in steps] == [
        ("Team lead", "approved", "lea"), ("Director", "pending", None)]
    p = admin.call("post.approve", id=pid)
    assert p["status"] == "approved"
    assert [s["state"] for s in admin.call("post.get", id=pid)["steps"]] == ["approved"] * 2
    hist = [h for h in admin.call("post.history", id=pid)["history"] if h["type"] == "approved"]
    assert [(h["actor"], h["step"], h["to"]) for h in hist] == [
        ("lea", 1, "awaiting_approval"), ("admin", 2, "approved")]


def test_rejection_at_either_step_sends_back(daemon, admin):
    prof = make_profile(admin, steps=[{"name": "Team lead", "who": "manager"},
                                      {"name": "Director", "who": "admin"}])
    mgr = make_user(daemon, admin, "lea", "manager")
    first = make_post(admin, prof, "awaiting_approval")
    assert mgr.call("post.reject", id=first, note="Typo")["status"] == "changes_requested"
    second = make_post(admin, prof, "awaiting_approval")
    mgr.call("post.approve", id=second)
    p = admin.call("post.reject", id=second, note="Off-brand")
    assert p["status"] == "changes_requested"
    steps = admin.call("post.get", id=second)["steps"]
    assert [s["state"] for s in steps] == ["approved", "rejected"]
    # Edited and resubmitted: a new revision, every step pending again.
    admin.call("post.update", id=second, caption="On-brand now")
    admin.call("post.submit", id=second)
    assert [s["state"] for s in admin.call("post.get", id=second)["steps"]] == ["pending"] * 2


def test_external_step_refuses_staff(daemon, admin):
    prof = make_profile(admin, steps=[{"name": "Team", "who": "manager"},
                                      {"name": "Client", "who": "external"}])
    pid = make_post(admin, prof, "awaiting_approval")
    admin.call("post.approve", id=pid)
    with pytest.raises(RpcError) as e:
        admin.call("post.approve", id=pid)
    assert e.value.code == "forbidden" and "external link" in e.value.message
    assert admin.call("post.get", id=pid)["status"] == "awaiting_approval"


def test_edit_after_full_approval_resets_every_step(daemon, admin):
    prof = make_profile(admin, steps=[{"name": "A", "who": "manager"},
                                      {"name": "B", "who": "admin"}])
    pid = make_post(admin, prof, "awaiting_approval")
    admin.call("post.approve", id=pid)
    admin.call("post.approve", id=pid)
    p = admin.call("post.update", id=pid, caption="new words")
    assert p["status"] == "awaiting_approval" and p["revision"] == 2
    assert [s["state"] for s in admin.call("post.get", id=pid)["steps"]] == ["pending"] * 2


def test_no_steps_means_approved_on_submit(admin):
    prof = make_profile(admin, steps=[])
    pid = make_post(admin, prof, "draft")
    assert admin.call("post.submit", id=pid)["status"] == "approved"


def test_bad_steps_refused(admin):
    for steps in ([{"name": "x", "who": "viewer"}], [{"name": "x"}], "manager",
                  [{"name": "s", "who": "manager"}] * 6):
        with pytest.raises(RpcError) as e:
            admin.call("profile.create", name="P", timezone="UTC", platforms=["x"], steps=steps)
        assert e.value.code == "bad_request", steps


def test_mention_notifies_the_user(daemon, admin):
    maria = make_user(daemon, admin, "maria", "editor")
    maria.call("notify.subscribe")
    prof = make_profile(admin)
    pid = make_post(admin, prof)
    admin.call("post.comment", id=pid, text="@maria can you check the price? cc @nobody")
    ev = maria.wait_event(lambda e: e["type"] == "post.mentioned")
    assert ev["post"] == pid and "@maria" in ev["text"]
    notes = maria.call("notify.list")
    assert notes["unread"] == 1
    [n] = notes["notifications"]
    assert n["type"] == "post.mentioned" and n["post"] == pid and n["read"] is False
    assert maria.call("notify.read", ids=[n["id"]])["marked"] == 1
    assert maria.call("notify.list", unread=True)["notifications"] == []
    assert maria.call("notify.list")["notifications"][0]["read"] is True


def test_notifications_go_to_approvers_and_creator_not_the_actor(daemon, admin):
    mgr = make_user(daemon, admin, "lea", "manager")
    ed = make_user(daemon, admin, "eddie", "editor")
    viewer = make_user(daemon, admin, "val", "viewer")
    prof = make_profile(admin)
    pid = make_post(ed, prof, "awaiting_approval")
    # Managers hear of the submission; the editor who submitted does not.
    assert [n["type"] for n in mgr.call("notify.list")["notifications"]] == ["post.submitted"]
    assert ed.call("notify.list")["notifications"] == []
    mgr.call("post.approve", id=pid)
    assert [n["type"] for n in ed.call("notify.list")["notifications"]] == ["post.approved"]
    assert viewer.call("notify.list")["notifications"] == []


def test_reminder_then_overdue_and_held(daemon, admin):
    watcher = daemon.client()
    watcher.call("notify.subscribe")
    prof = make_profile(admin, reminder_minutes=1, auto_schedule=True)
    # Due in 3 s: within the one-minute lead at once, overdue 3 s later.
    pid = make_post(admin, prof, "awaiting_approval", at=int(time.time()) + 3)
    rem = watcher.wait_event(lambda e: e["type"] == "post.reminder" and e["post"] == pid)
    over = watcher.wait_event(lambda e: e["type"] == "post.overdue" and e["post"] == pid,
                              timeout=15)
    assert rem["at"] <= over["at"]
    p = admin.call("post.get", id=pid)
    assert p["status"] == "awaiting_approval" and p["overdue"] is True
    types = [n["type"] for n in admin.call("notify.list")["notifications"]]
    assert "post.overdue" in types and "post.reminder" in types
    # Approving it now must not publish it behind anyone's back, even on an auto-scheduling
    # profile: it is approved, not scheduled, until a person gives it a new time.
    assert admin.call("post.approve", id=pid)["status"] == "approved"
    with pytest.raises(RpcError) as e:
        admin.call("post.schedule", id=pid)
    assert e.value.code == "invalid_state" and "passed" in e.value.message
    # A new time clears the deadline marks.
    p = admin.call("post.reschedule", id=pid, scheduled_at=int(time.time()) + 86400)
    assert p["overdue"] is False


def test_user_update_self_and_admin(daemon, admin):
    ed = make_user(daemon, admin, "eddie", "editor")
    u = ed.call("user.update", name="eddie", email="e@example.com", mail="each")
    assert u["email"] == "e@example.com" and u["mail"] == "each"
    with pytest.raises(RpcError) as e:
        ed.call("user.update", name="eddie", role="admin")
    assert e.value.code == "forbidden"
    with pytest.raises(RpcError) as e:
        ed.call("user.update", name="admin", mail="none")
    assert e.value.code == "forbidden"
    assert admin.call("user.update", name="eddie", role="manager")["role"] == "manager"
    assert daemon.client("eddie", PASSWORD).call("server.ping")


def test_manager_then_client_through_a_link(daemon, admin):
    """The issue's case: a manager inside the team, then the client through a link. The client
    cannot go first; the post is approved only after both; a rejection at the client's step
    sends it back."""
    from httputil import Web, csrf, path_of

    prof = make_profile(admin, steps=[{"name": "Team", "who": "manager"},
                                      {"name": "Client", "who": "external"}])
    mgr = make_user(daemon, admin, "lea", "manager")
    first = make_post(admin, prof, "awaiting_approval", caption="first")
    second = make_post(admin, prof, "awaiting_approval", caption="second")
    # The client's step is an approver's: decided through an approval link (a collaboration
    # link's visitors decide collaborator steps only).
    link = admin.call("link.create", profile=prof, kind="approval", approver="Claire")
    w = Web(daemon.http_port)
    base = path_of(link["url"])
    st, st2, _ = w.follow(base + "/session", {"csrf": csrf(w.get(base)[2]), "name": "Claire",
                                              "password": link["password"]})
    assert (st, st2) == (303, 200)

    def client(pid, action, note=""):
        detail = w.get(f"{base}/p/{pid}")[2]
        fields = {"csrf": csrf(detail), "rev": "1", "action": action}
        if note:
            fields["note"] = note
        return w.post(f"{base}/p/{pid}", fields)[0]

    client(first, "approve")  # too early: the team's step comes first
    assert admin.call("post.get", id=first)["status"] == "awaiting_approval"
    assert [s["state"] for s in admin.call("post.get", id=first)["steps"]] == ["pending"] * 2
    assert mgr.call("post.approve", id=first)["status"] == "awaiting_approval"
    assert client(first, "approve") == 303
    p = admin.call("post.get", id=first)
    assert p["status"] == "approved"
    assert [(s["state"], s["by"]) for s in p["steps"]] == [("approved", "lea"),
                                                           ("approved", "Claire")]
    mgr.call("post.approve", id=second)
    assert client(second, "reject", "Wrong price") == 303
    p = admin.call("post.get", id=second)
    assert p["status"] == "changes_requested"
    assert [s["state"] for s in p["steps"]] == ["approved", "rejected"]
