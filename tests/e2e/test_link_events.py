"""link.opened and link.expired reach webhooks (and live subscribers): opened once per visitor
session, not per page; expired once when a link passes its expiry, also when the daemon was
down at that moment."""
import time

from gltest import wait_until
from helpers import link_expiring_soon, make_profile
from httputil import sign_in
from webhook_receiver import Receiver


def endpoint(admin, events):
    rx = Receiver().start()
    r = admin.call("webhook.create", url=rx.url, events=list(events))
    rx.secret = r["secret"]
    return rx


def delivery_statuses(admin):
    """The statuses of the only webhook's deliveries, the newest first."""
    wid = admin.call("webhook.list")["webhooks"][0]["id"]
    return [d["status"] for d in admin.call("webhook.deliveries", id=wid)["deliveries"]]


def test_link_opened_once_per_session(daemon, admin):
    with endpoint(admin, ["link.opened"]) as rx:
        prof = make_profile(admin)
        link = admin.call("link.create", profile=prof, kind="approval", approver="Claire")
        w, base = sign_in(daemon.http_port, link["url"], password=link["password"])
        for _ in range(3):
            assert w.get(base)[0] == 200  # more pages of the same session
        [got] = rx.wait_for(lambda g: len(g) >= 1)
        assert got["problem"] is None
        assert got["body"]["type"] == "link.opened"
        assert got["body"]["data"]["link"] == {"id": link["id"]}
        assert got["body"]["data"]["actor"] == {"name": "Claire", "kind": "external"}
        # A second session (another browser) opens it again.
        sign_in(daemon.http_port, link["url"], name="Claire", password=link["password"])
        got = rx.wait_for(lambda g: len(g) >= 2)
        # Nothing else came: the deliveries of both are recorded, and there are two.
        wait_until(lambda: delivery_statuses(admin) == ["delivered", "delivered"],
                   what="both delivered")
        assert len(rx.got) == 2


def test_link_expired_once(daemon, admin):
    with endpoint(admin, ["link.expired"]) as rx:
        prof = make_profile(admin)
        soon = link_expiring_soon(admin, 2, profile=prof, kind="approval", approver="Claire")
        admin.call("link.create", profile=prof, kind="approval", approver="Paul", ttl_days=3)
        [got] = rx.wait_for(lambda g: len(g) >= 1)
        assert got["problem"] is None
        assert got["body"]["type"] == "link.expired"
        assert got["body"]["data"]["link"] == {"id": soon["id"]}
        assert got["body"]["data"]["actor"]["kind"] == "system"
        assert time.time() >= soon["expires_at"]
        wait_until(lambda: delivery_statuses(admin)[0] == "delivered", what="delivered")
        # Restarted, it is not announced again: a later link's expiry is the next one to come.
        daemon.stop()
        daemon.start()
        admin = daemon.client()
        later = link_expiring_soon(admin, 2, profile=prof, kind="approval", approver="Anna")
        got = rx.wait_for(lambda g: len(g) >= 2)
        assert [g["body"]["data"]["link"]["id"] for g in got] == [soon["id"], later["id"]]


def test_link_expired_while_the_daemon_was_down(daemon, admin):
    with endpoint(admin, ["link.expired"]) as rx:
        prof = make_profile(admin)
        # A first expiry sets the watermark the daemon continues from.
        first = link_expiring_soon(admin, 2, profile=prof, kind="approval", approver="A")
        rx.wait_for(lambda g: len(g) >= 1)
        link = link_expiring_soon(admin, 2, profile=prof, kind="approval", approver="B")
        daemon.kill9()
        wait_until(lambda: time.time() > link["expires_at"] + 1, timeout=10,
                   what="the expiry to pass")
        daemon.start()
        got = rx.wait_for(lambda g: len(g) >= 2)
        assert [g["body"]["data"]["link"]["id"] for g in got] == [first["id"], link["id"]]
