"""auth.login, users and roles: who may do what, through a real socket."""
import os
import stat

import pytest

from gltest import RpcError
from helpers import PASSWORD, make_post, make_profile, make_user


def test_first_start_creates_admin_with_private_password_file(daemon):
    path = os.path.join(daemon.data_dir, "initial-admin-password")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert any(line.startswith("admin password: ") for line in daemon.stdout_lines)
    c = daemon.client()
    assert c.call("server.ping")["version"]


def test_wrong_password_and_unknown_user_are_refused_alike(daemon):
    c = daemon.client(login=False)
    for user, pw in (("admin", "not the password"), ("nobody", "whatever123")):
        with pytest.raises(RpcError) as e:
            c.call("auth.login", user=user, password=pw)
        assert e.value.code == "unauthorized"
        assert e.value.message == "wrong user name or password"


def test_nothing_but_login_before_login(daemon):
    c = daemon.client(login=False)
    for method in ("post.list", "profile.list", "user.list", "notify.subscribe"):
        with pytest.raises(RpcError) as e:
            c.call(method)
        assert e.value.code == "unauthorized"
    assert c.call("server.describe")["protocol"] == 1


def test_failed_logins_are_rate_limited(daemon):
    c = daemon.client(login=False)
    for _ in range(5):
        with pytest.raises(RpcError) as e:
            c.call("auth.login", user="admin", password="guess-guess")
        assert e.value.code == "unauthorized"
    # Locked now, even with the right password.
    with pytest.raises(RpcError) as e:
        c.call("auth.login", user="admin", password=daemon.admin_password)
    assert e.value.code == "rate_limited"


def test_user_create_list_and_conflicts(daemon, admin):
    admin.call("user.create", name="maria", password=PASSWORD, role="editor",
               email="maria@example.com")
    users = {u["name"]: u for u in admin.call("user.list")["users"]}
    assert users["maria"]["role"] == "editor"
    assert users["maria"]["email"] == "maria@example.com"
    assert "pwhash" not in users["maria"]
    with pytest.raises(RpcError) as e:
        admin.call("user.create", name="maria", password=PASSWORD, role="viewer")
    assert e.value.code == "conflict"
    for bad in (dict(role="emperor"), dict(password="short"), dict(name="bad name")):
        args = dict(name="bob", password=PASSWORD, role="viewer")
        args.update(bad)
        with pytest.raises(RpcError) as e:
            admin.call("user.create", **args)
        assert e.value.code == "bad_request"
    assert daemon.client("maria", PASSWORD).call("server.ping")


def test_set_password_self_and_admin_only_for_others(daemon, admin):
    ed = make_user(daemon, admin, "ed", "editor")
    make_user(daemon, admin, "vi", "viewer")
    ed.call("user.set_password", name="ed", password="a brand new one")
    assert daemon.client("ed", "a brand new one")
    with pytest.raises(RpcError):
        daemon.client("ed", PASSWORD)
    with pytest.raises(RpcError) as e:
        ed.call("user.set_password", name="vi", password="hijacked!!")
    assert e.value.code == "forbidden"
    admin.call("user.set_password", name="vi", password="reset by admin")
    assert daemon.client("vi", "reset by admin")


def test_each_role_is_refused_what_it_may_not_do(daemon, admin):
    prof = make_profile(admin)
    awaiting = make_post(admin, prof, "awaiting_approval")
    approved = make_post(admin, prof, "approved")
    manager = make_user(daemon, admin, "mgr", "manager")
    editor = make_user(daemon, admin, "edi", "editor")
    viewer = make_user(daemon, admin, "vie", "viewer")

    def refused(c, method, **params):
        with pytest.raises(RpcError) as e:
            c.call(method, **params)
        assert e.value.code == "forbidden", (method, e.value)

    # Users are the admin's alone.
    for c in (manager, editor, viewer):
        refused(c, "user.create", name="x" + str(id(c)), password=PASSWORD, role="viewer")
        refused(c, "user.list")
    # Profiles: managers and up.
    for c in (editor, viewer):
        refused(c, "profile.create", name="P", timezone="UTC", platforms=["x"])
        refused(c, "profile.update", id=prof, name="Q")
    # Decisions: managers and up.
    for c in (editor, viewer):
        refused(c, "post.approve", id=awaiting)
        refused(c, "post.reject", id=awaiting, note="no")
        refused(c, "post.reschedule", id=awaiting, scheduled_at=2000000000)
        refused(c, "post.schedule", id=approved)
    # Writing posts: editors and up; viewers only read.
    refused(viewer, "post.create", profile=prof, caption="x", platforms=["x"])
    refused(viewer, "post.update", id=awaiting, caption="x")
    refused(viewer, "post.submit", id=awaiting)
    refused(viewer, "post.comment", id=awaiting, text="hi")
    refused(viewer, "post.delete", id=awaiting)
    # And what each may do works.
    assert viewer.call("post.get", id=awaiting)["id"] == awaiting
    assert viewer.call("post.list", profile=prof)["posts"]
    assert viewer.call("post.history", id=awaiting)["history"]
    pid = editor.call("post.create", profile=prof, caption="by editor", platforms=["x"])["id"]
    assert editor.call("post.submit", id=pid)["status"] == "awaiting_approval"
    editor.call("post.comment", id=pid, text="please look")
    assert manager.call("post.approve", id=pid)["status"] == "approved"
    assert manager.call("profile.create", name="M", timezone="UTC", platforms=["x"])["id"]
