"""Sessions follow the store: a demoted, re-passworded or disabled colleague loses power at the
very next request, and idle connections are closed (the staff client logs in again by itself)."""
import os

import pytest

from gltest import Daemon, RpcError
from helpers import PASSWORD, make_profile, make_user
from test_tui import tuis  # noqa: F401  (the tmux client fixture)


def ended(c, timeout=10):
    """The daemon's last word on a connection it closes: the error of its msgid-0 notice.
    Fails (socket timeout) when the daemon leaves the connection open."""
    c.sock.settimeout(timeout)
    msg = c.read_message()
    assert msg is not None, "closed without saying why"
    assert msg[0] == 1 and msg[1] == 0 and msg[2], msg
    assert c.read_message() is None, "the connection stayed open"
    return msg[2]


def still_works(c):
    assert "profiles" in c.call("profile.list")


def test_demoted_manager_is_refused_on_the_connection_opened_before(daemon, admin):
    acme = make_profile(admin)
    mgr = make_user(daemon, admin, "mona", "manager")
    assert mgr.call("link.create", profile=acme, kind="calendar")["id"]
    admin.call("user.update", name="mona", role="viewer")
    with pytest.raises(RpcError) as e:
        mgr.call("link.create", profile=acme, kind="calendar")
    assert e.value.code == "forbidden"
    # Reads that a viewer may do still work on the same connection; a promotion counts too.
    still_works(mgr)
    admin.call("user.update", name="mona", role="manager")
    assert mgr.call("link.create", profile=acme, kind="calendar")["id"]


def test_password_change_ends_the_other_sessions_and_keeps_the_changers(daemon, admin):
    ed = make_user(daemon, admin, "ed", "editor")
    other = daemon.client("ed", PASSWORD)
    third = daemon.client("ed", PASSWORD)
    bystander = make_user(daemon, admin, "vi", "viewer")
    ed.call("user.set_password", name="ed", password="a brand new one")
    for c in (other, third):
        err = ended(c)
        assert err["code"] == "unauthorized" and "password was changed" in err["message"]
    still_works(ed)
    still_works(bystander)
    # An admin resetting it ends every session of that user, the admin's own untouched.
    admin.call("user.set_password", name="ed", password="reset by admin")
    assert "password was changed" in ended(ed)["message"]
    still_works(admin)
    assert daemon.client("ed", "reset by admin")


def test_disable_closes_connections_at_once_and_refuses_login(daemon, admin):
    vi = make_user(daemon, admin, "vi", "viewer")
    vi2 = daemon.client("vi", PASSWORD)
    vi2.call("notify.subscribe")
    assert admin.call("user.disable", name="vi")["disabled"] is True
    for c in (vi, vi2):
        err = ended(c)
        assert err["code"] == "unauthorized" and "disabled" in err["message"]
    with pytest.raises(RpcError) as e:
        daemon.client("vi", PASSWORD)
    assert e.value.code == "forbidden" and "disabled" in e.value.message
    users = {u["name"]: u for u in admin.call("user.list")["users"]}
    assert users["vi"]["disabled"] is True and users["admin"]["disabled"] is False
    admin.call("user.enable", name="vi")
    still_works(daemon.client("vi", PASSWORD))


def test_the_last_active_admin_stays(daemon, admin):
    with pytest.raises(RpcError) as e:
        admin.call("user.disable", name="admin")
    assert e.value.code == "invalid_state"
    with pytest.raises(RpcError) as e:
        admin.call("user.update", name="admin", role="manager")
    assert e.value.code == "invalid_state"
    admin.call("user.create", name="root2", password=PASSWORD, role="admin")
    root2 = daemon.client("root2", PASSWORD)
    with pytest.raises(RpcError) as e:
        root2.call("user.disable", name="root2")  # not themself
    assert e.value.code == "invalid_state"
    root2.call("user.disable", name="admin")
    with pytest.raises(RpcError) as e:
        root2.call("user.update", name="root2", role="viewer")  # now the last one
    assert e.value.code == "invalid_state"
    # A manager may not disable anyone.
    mgr = make_user(daemon, root2, "mgr", "manager")
    with pytest.raises(RpcError) as e:
        mgr.call("user.enable", name="admin")
    assert e.value.code == "forbidden"


@pytest.mark.daemon_args("--rpc-idle-seconds", "1")
def test_idle_logged_in_connection_is_closed(daemon):
    c = daemon.client()
    err = ended(c)
    assert err["code"] == "unauthorized" and "idle" in err["message"]


def test_idle_timeout_option_is_checked(tmpdir_path):
    d = Daemon(os.path.join(tmpdir_path, "data"), ["--rpc-idle-seconds", "0"])
    with pytest.raises(RuntimeError):
        d.start(timeout=10)


@pytest.mark.daemon_args("--rpc-idle-seconds", "2")
def test_tui_logs_in_again_by_itself_after_an_idle_close(daemon, tuis):  # noqa: F811
    t = tuis(daemon)
    t.wait_for(r"\| online", timeout=15)
    t.wait_for("reconnected", timeout=20)
    assert "idle" in daemon.log_tail(200)


def test_tui_asks_for_the_new_password_when_its_session_is_ended(daemon, admin, tuis):  # noqa: F811
    admin.call("user.create", name="ed", password=PASSWORD, role="editor")
    t = tuis(daemon, user="ed", password=PASSWORD)
    t.wait_for(r"ed/editor \| .* \| online", timeout=15)
    admin.call("user.set_password", name="ed", password="changed by admin")
    t.wait_for("Password:", timeout=15)  # ended, reconnected, the old password refused
    t.type("changed by admin")
    t.keys("Enter")
    t.wait_for("reconnected", timeout=15)
