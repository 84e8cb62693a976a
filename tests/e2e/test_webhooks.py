"""Webhooks end to end: endpoints configured through RPC, deliveries to a real receiver on
loopback (plain and TLS from a test CA) that verifies every signature as the Standard Webhooks
specification does, retries with the same webhook-id, a kill -9 between the event and its
delivery, pausing, and who may configure them."""
import base64
import contextlib
import os
import threading

import pytest

from gltest import Daemon, RpcError, wait_until
from helpers import make_post, make_profile, make_user
from test_tui import tuis  # noqa: F401  (the tmux client fixture)
from webhook_receiver import Receiver, free_port, make_ca, make_server_cert

FAST = ("--webhook-retry-ms", "50")


def create(admin, url, events=("post.submitted", "post.approved")):
    r = admin.call("webhook.create", url=url, events=list(events))
    return r["id"], r["secret"]


def deliveries(admin, wid):
    return admin.call("webhook.deliveries", id=wid)["deliveries"]


@contextlib.contextmanager
def own_daemon(tmpdir_path, *args):
    """A daemon of the test's own, to stop, kill and start again; killed if the test leaves it
    running."""
    d = Daemon(os.path.join(tmpdir_path, "data"), args).start()
    try:
        yield d
    finally:
        if d.alive():
            d.kill9()


def test_secret_shown_once_in_the_specification_form(daemon, admin):
    wid, secret = create(admin, "https://hooks.example.com/greenlight")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:], validate=True)) == 32
    [w] = admin.call("webhook.list")["webhooks"]
    assert w["id"] == wid and w["url"] == "https://hooks.example.com/greenlight"
    assert w["events"] == ["post.submitted", "post.approved"] and w["status"] == "active"
    assert "secret" not in w and secret not in repr(admin.call("webhook.list"))
    _, other = create(admin, "https://hooks.example.com/other")
    assert other != secret
    daemon.stop()
    log = daemon.log()
    assert secret[6:] not in log and other[6:] not in log


def test_deliveries_are_signed_and_carry_the_post(daemon, admin):
    with Receiver().start() as rx:
        wid, rx.secret = create(admin, rx.url)
        prof = make_profile(admin)
        pid = make_post(admin, prof, status="approved", caption="Launch day")
        got = rx.wait_for(lambda g: len(g) >= 2)
        assert [g["problem"] for g in got] == [None, None]
        # Sent concurrently: they may arrive in either order.
        got.sort(key=lambda g: g["body"]["type"] != "post.submitted")
        assert [g["body"]["type"] for g in got] == ["post.submitted", "post.approved"]
        post = got[1]["body"]["data"]["post"]
        assert post["id"] == pid and post["profile"] == prof and post["status"] == "approved"
        assert post["caption"] == "Launch day" and post["platforms"] == ["instagram"]
        assert got[1]["body"]["data"]["actor"] == {"name": "admin", "kind": "staff"}
        assert got[0]["id"] != got[1]["id"] and got[0]["id"].startswith("msg_")
        # post.created is not asked for: nothing else arrives once both are recorded delivered.
        wait_until(lambda: [d["status"] for d in deliveries(admin, wid)] ==
                   ["delivered", "delivered"], what="both recorded delivered")
        ds = deliveries(admin, wid)
        assert [d["msg"] for d in ds] == [got[1]["id"], got[0]["id"]]  # newest event first
        assert all(d["last_code"] == 200 and d["attempts"] == 1 for d in ds)
        [w] = admin.call("webhook.list")["webhooks"]
        assert w["last_code"] == 200 and w["failures"] == 0
        assert len(rx.got) == 2


def test_tampered_body_fails_verification():
    """The receiver's check is the specification's: a changed byte does not verify."""
    from webhook_receiver import verify
    import hashlib
    import hmac
    import time
    key = os.urandom(32)
    secret = "whsec_" + base64.b64encode(key).decode()
    ts = str(int(time.time()))
    body = b'{"type":"post.approved"}'
    sig = base64.b64encode(hmac.new(key, b"msg_1." + ts.encode() + b"." + body,
                                    hashlib.sha256).digest()).decode()
    h = {"webhook-id": "msg_1", "webhook-timestamp": ts, "webhook-signature": "v1," + sig}
    assert verify(secret, h, body) is None
    assert verify(secret, h, body.replace(b"approved", b"rejected")) is not None


@pytest.mark.daemon_args(*FAST)
def test_receiver_down_then_up_gets_it_with_the_same_id(daemon, admin):
    port = free_port()
    with Receiver(port=port) as rx:
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        prof = make_profile(admin)
        make_post(admin, prof, status="awaiting_approval")
        wait_until(lambda: deliveries(admin, wid)[0]["attempts"] >= 2, what="failed attempts")
        [d] = deliveries(admin, wid)
        assert d["status"] == "pending" and d["last_code"] == 0 and d["last_error"]
        rx.start()
        got = rx.wait_for(lambda g: len(g) >= 1)
        assert got[0]["id"] == d["msg"] and got[0]["problem"] is None
        wait_until(lambda: deliveries(admin, wid)[0]["status"] == "delivered", what="delivered")


@pytest.mark.daemon_args(*FAST)
def test_error_statuses_are_retried_with_the_same_id(daemon, admin):
    with Receiver().start() as rx:
        rx.status = lambda n: 503 if n <= 2 else 204
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        got = rx.wait_for(lambda g: len(g) >= 3)
        assert len({g["id"] for g in got}) == 1 and all(g["problem"] is None for g in got)
        wait_until(lambda: deliveries(admin, wid)[0]["status"] == "delivered", what="delivered")
        [d] = deliveries(admin, wid)
        assert d["attempts"] == 3 and d["last_code"] == 204 and d["last_error"] is None
        assert len(rx.got) == 3


def test_kill9_between_the_reply_and_the_delivery(tmpdir_path):
    """The event's write is acknowledged, its delivery is on the wire but not answered, and the
    daemon dies: after the restart the receiver gets it again, with the same webhook-id."""
    with own_daemon(tmpdir_path, *FAST) as d, Receiver().start() as rx:
        rx.hold = threading.Event()
        admin = d.client()
        wid, rx.secret = create(admin, rx.url, ["post.submitted", "post.approved"])
        prof = make_profile(admin)
        pid = make_post(admin, prof, status="awaiting_approval")  # acknowledged
        first = rx.wait_for(lambda g: len(g) >= 1)[0]
        d.kill9()
        # An event acknowledged while the receiver was down: never tried before the kill.
        rx.hold.set()
        rx.hold = None
        d.start()
        admin = d.client()
        admin.call("post.approve", id=pid)
        got = rx.wait_for(lambda g: len({x["id"] for x in g}) >= 2 and
                          sum(x["id"] == first["id"] for x in g) >= 2)
        assert all(g["problem"] is None for g in got)
        by_type = {g["body"]["type"] for g in got}
        assert by_type == {"post.submitted", "post.approved"}
        wait_until(lambda: [x["status"] for x in deliveries(admin, wid)] ==
                   ["delivered", "delivered"], what="both delivered")
        assert d.stop() == 0


def test_kill9_before_sending_delivers_after_restart(tmpdir_path):
    """Deliveries enqueued while the receiver is down survive a kill -9 and go at start."""
    with own_daemon(tmpdir_path, "--webhook-retry-ms", "3600000") as d, \
            Receiver(port=free_port()) as rx:
        admin = d.client()
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        prof = make_profile(admin)
        for i in range(5):
            make_post(admin, prof, status="awaiting_approval", caption=f"post {i}")
        wait_until(lambda: all(x["attempts"] == 1 for x in deliveries(admin, wid)),
                   what="one failed attempt each")
        msgs = {x["msg"] for x in deliveries(admin, wid)}
        assert len(msgs) == 5
        d.kill9()
        rx.start()
        d.start()  # the retries are an hour away, but a start sends what is due...
        admin = d.client()
        # ...and redeliver makes each due now.
        for x in deliveries(admin, wid):
            admin.call("webhook.redeliver", delivery=x["id"])
        got = rx.wait_for(lambda g: {x["id"] for x in g} == msgs)
        assert all(g["problem"] is None for g in got)
        assert sorted(g["body"]["data"]["post"]["caption"] for g in got) == \
            [f"post {i}" for i in range(5)]
        assert d.stop() == 0


def test_pending_deliveries_go_at_start(tmpdir_path):
    """Due deliveries left in the outbox are sent by the next daemon, without any new event."""
    with own_daemon(tmpdir_path, "--webhook-retry-ms", "200") as d, \
            Receiver(port=free_port()) as rx:
        admin = d.client()
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        wait_until(lambda: deliveries(admin, wid)[0]["attempts"] >= 1, what="a failed attempt")
        msg = deliveries(admin, wid)[0]["msg"]
        d.kill9()
        rx.start()
        d.start()
        got = rx.wait_for(lambda g: len(g) >= 1)
        assert got[0]["id"] == msg and got[0]["problem"] is None
        assert d.stop() == 0


@pytest.mark.parametrize("url", [
    "http://example.com/hook", "http://10.0.0.1/hook", "http://192.168.1.1:8080/",
    "http://localhost.example.com/", "http://127.0.0.1.nip.io/", "ftp://127.0.0.1/",
    "file:///etc/passwd", "gopher://127.0.0.1/", "not a url", "https://"])
def test_urls_refused(admin, url):
    with pytest.raises(RpcError) as e:
        admin.call("webhook.create", url=url, events=["post.approved"])
    assert e.value.code == "bad_request"
    assert admin.call("webhook.list")["webhooks"] == []


def test_urls_accepted_and_refused_on_update(admin):
    for url in ("https://example.com/h", "http://127.0.0.1:9/h", "http://localhost:9/h",
                "http://[::1]:9/h", "http://127.8.9.10/h"):
        create(admin, url)
    wid = admin.call("webhook.list")["webhooks"][0]["id"]
    with pytest.raises(RpcError) as e:
        admin.call("webhook.update", id=wid, url="http://example.com/")
    assert e.value.code == "bad_request" and "https" in e.value.message
    with pytest.raises(RpcError) as e:
        admin.call("webhook.create", url="https://example.com/", events=["post.nonsense"])
    assert e.value.code == "bad_request" and "post.approved" in e.value.message
    with pytest.raises(RpcError):
        admin.call("webhook.create", url="https://example.com/", events=[])
    assert admin.call("webhook.update", id=wid, events=["post.failed"])["events"] == \
        ["post.failed"]


@pytest.fixture
def pki(tmpdir_path):
    d = os.path.join(tmpdir_path, "pki")
    os.makedirs(d)
    ca = make_ca(d, "test-ca")
    other = make_ca(d, "other-ca")
    return {"ca": ca[0], "other": other[0], "server": make_server_cert(d, ca)}


def test_tls_with_the_test_ca(tmpdir_path, pki):
    with own_daemon(tmpdir_path, "--webhook-ca-file", pki["ca"]) as d, \
            Receiver(tls=pki["server"]).start() as rx:
        admin = d.client()
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        assert rx.url.startswith("https://")
        make_post(admin, make_profile(admin), status="awaiting_approval")
        got = rx.wait_for(lambda g: len(g) >= 1)
        assert got[0]["problem"] is None
        wait_until(lambda: deliveries(admin, wid)[0]["status"] == "delivered", what="delivered")
        assert d.stop() == 0


def test_tls_with_the_wrong_ca_fails_and_retries(tmpdir_path, pki):
    with own_daemon(tmpdir_path, "--webhook-ca-file", pki["other"], *FAST) as d, \
            Receiver(tls=pki["server"]).start() as rx:
        admin = d.client()
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        wait_until(lambda: deliveries(admin, wid)[0]["attempts"] >= 3, what="retries")
        [x] = deliveries(admin, wid)
        assert x["status"] == "pending" and x["last_code"] == 0
        assert "certificate" in x["last_error"].lower() or "ssl" in x["last_error"].lower()
        assert rx.got == []  # the handshake failed: no request was ever read
        assert d.stop() == 0


@pytest.mark.daemon_args("--webhook-retry-ms", "20", "--webhook-pause-failures", "3",
                         "--webhook-pause-seconds", "0")
def test_failing_endpoint_is_paused_and_admins_told(daemon, admin):
    with Receiver().start() as rx:
        rx.status = 500
        manager = make_user(daemon, admin, "maria", "manager")
        other_admin = make_user(daemon, admin, "ada", "admin")
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        wait_until(lambda: admin.call("webhook.list")["webhooks"][0]["status"] == "paused",
                   what="paused")
        n = len(rx.got)
        assert n == 3
        [w] = admin.call("webhook.list")["webhooks"]
        assert w["failures"] == 3 and w["last_code"] == 500
        kinds = [x["type"] for x in other_admin.call("notify.list")["notifications"]]
        assert "webhook.paused" in kinds
        assert "webhook.paused" not in \
            [x["type"] for x in manager.call("notify.list")["notifications"]]
        # Resumed once the receiver is fixed: the pending delivery goes, with its first id.
        rx.status = 200
        admin.call("webhook.update", id=wid, paused=False)
        got = rx.wait_for(lambda g: len(g) > n)
        assert len({g["id"] for g in got}) == 1
        wait_until(lambda: deliveries(admin, wid)[0]["status"] == "delivered", what="delivered")
        assert admin.call("webhook.list")["webhooks"][0]["status"] == "active"


def test_redeliver_sends_the_same_message_again(daemon, admin):
    with Receiver().start() as rx:
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        first = rx.wait_for(lambda g: len(g) >= 1)[0]
        wait_until(lambda: deliveries(admin, wid)[0]["status"] == "delivered", what="delivered")
        [x] = deliveries(admin, wid)
        assert admin.call("webhook.redeliver", delivery=x["id"])["status"] == "pending"
        got = rx.wait_for(lambda g: len(g) >= 2)
        assert got[1]["id"] == first["id"] and got[1]["raw"] == first["raw"]
        assert got[1]["problem"] is None
        with pytest.raises(RpcError) as e:
            admin.call("webhook.redeliver", delivery=999999)
        assert e.value.code == "not_found"


def test_paused_and_deleted_endpoints_get_nothing(daemon, admin):
    with Receiver().start() as rx:
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        admin.call("webhook.update", id=wid, paused=True)
        prof = make_profile(admin)
        make_post(admin, prof, status="awaiting_approval")
        assert [x["status"] for x in deliveries(admin, wid)] == ["pending"]
        admin.call("webhook.delete", id=wid)
        assert admin.call("webhook.list")["webhooks"] == []
        with pytest.raises(RpcError) as e:
            deliveries(admin, wid)
        assert e.value.code == "not_found"
        # A second endpoint still gets its own, and only its own.
        wid2, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, prof, status="awaiting_approval")
        got = rx.wait_for(lambda g: len(g) >= 1)
        assert len(got) == 1 and got[0]["problem"] is None
        wait_until(lambda: deliveries(admin, wid2)[0]["status"] == "delivered", what="delivered")
        assert len(rx.got) == 1


@pytest.mark.parametrize("role", ["manager", "editor", "viewer"])
def test_only_admins_configure_webhooks(daemon, admin, role):
    wid, _ = create(admin, "https://example.com/h")
    c = make_user(daemon, admin, "someone", role)
    calls = [("webhook.list", {}), ("webhook.create", {"url": "https://e.com/", "events":
                                                        ["post.approved"]}),
             ("webhook.update", {"id": wid, "paused": True}), ("webhook.delete", {"id": wid}),
             ("webhook.deliveries", {"id": wid}), ("webhook.redeliver", {"delivery": 1})]
    for method, params in calls:
        with pytest.raises(RpcError) as e:
            c.call(method, **params)
        assert e.value.code == "forbidden", method
    assert admin.call("webhook.list")["webhooks"][0]["status"] == "active"


def test_client_screen_adds_pauses_redelivers_and_deletes(demo_daemon, tuis):
    """The staff client's webhooks screen, in tmux: the endpoint it adds gets events signed with
    the secret it showed; pause, redeliver and delete act through the daemon."""
    with Receiver().start() as rx:
        admin = demo_daemon.client()
        prof = admin.call("profile.list")["profiles"][0]["id"]
        t = tuis(demo_daemon, width=140, height=30)
        t.wait_for(r"admin \| .* \| online")
        t.keys("6")
        t.wait_for(r"Webhooks: 0 endpoints")
        t.keys("n")
        t.wait_for("URL")
        t.type(rx.url)
        t.keys("Enter")
        t.wait_for("Events")
        t.keys("Enter")  # the suggested events
        rx.secret = t.wait_for(r"secret: (whsec_[A-Za-z0-9+/=]+)").group(1)
        [w] = admin.call("webhook.list")["webhooks"]
        assert w["url"] == rx.url and "post.submitted" in w["events"]
        t.wait_for(r"active +" + rx.url.replace(".", r"\."))
        make_post(admin, prof, status="awaiting_approval")
        first = rx.wait_for(lambda g: len(g) >= 1)[0]
        assert first["problem"] is None
        wait_until(lambda: admin.call("webhook.list")["webhooks"][0]["last_code"] == 200,
                   what="recorded")
        t.keys("C-r")
        t.wait_for(r"HTTP 200")
        t.keys("s")
        wait_until(lambda: admin.call("webhook.list")["webhooks"][0]["status"] == "paused",
                   what="paused")
        t.wait_for(r"PAUSED")
        t.keys("s")
        wait_until(lambda: admin.call("webhook.list")["webhooks"][0]["status"] == "active",
                   what="resumed")
        t.keys("r")
        got = rx.wait_for(lambda g: len(g) >= 2)
        assert got[1]["id"] == first["id"] and got[1]["problem"] is None
        t.keys("x")
        t.wait_for(r"Delete webhook \d+")
        t.keys("y")
        wait_until(lambda: admin.call("webhook.list")["webhooks"] == [], what="deleted")
        t.wait_for(r"Webhooks: 0 endpoints")
        t.keys("?")
        t.wait_for(r"pause / resume the endpoint")


@pytest.mark.daemon_args(*FAST)
def test_redirects_are_not_followed(daemon, admin):
    """An endpoint that redirects elsewhere fails: nothing leaves for an address the admin did
    not configure."""
    with Receiver().start() as elsewhere, Receiver().start() as rx:
        rx.status = 307
        rx.headers = {"location": elsewhere.url}
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        wait_until(lambda: deliveries(admin, wid)[0]["attempts"] >= 2, what="retries")
        [x] = deliveries(admin, wid)
        assert x["status"] == "pending" and x["last_code"] == 307
        assert elsewhere.got == []


def test_a_huge_answer_is_cut_and_counts_by_its_status(daemon, admin):
    """The daemon reads at most 16 KiB of an answer: a 64 MiB one neither stalls nor fails it."""
    with Receiver().start() as rx:
        rx.body_size = 64 << 20
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        rx.wait_for(lambda g: len(g) >= 1)
        wait_until(lambda: deliveries(admin, wid)[0]["status"] == "delivered", what="delivered")
        assert deliveries(admin, wid)[0]["last_code"] == 200
        assert admin.call("server.ping")  # still serving


def test_clean_stop_with_a_delivery_in_flight(tmpdir_path):
    """SIGTERM while a request waits for its answer: the daemon stops cleanly (every handle
    closed), and the next start sends it again with the same webhook-id."""
    with own_daemon(tmpdir_path) as d, Receiver().start() as rx:
        rx.hold = threading.Event()
        admin = d.client()
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        first = rx.wait_for(lambda g: len(g) >= 1)[0]
        assert d.stop() == 0
        rx.hold.set()
        rx.hold = None
        d.start()
        got = rx.wait_for(lambda g: len(g) >= 2)
        assert got[1]["id"] == first["id"] and got[1]["problem"] is None
        admin = d.client()
        wait_until(lambda: deliveries(admin, wid)[0]["status"] == "delivered", what="delivered")
        assert d.stop() == 0


def test_endpoint_deleted_while_its_delivery_is_in_flight(daemon, admin):
    with Receiver().start() as rx:
        rx.hold = threading.Event()
        wid, rx.secret = create(admin, rx.url, ["post.submitted"])
        make_post(admin, make_profile(admin), status="awaiting_approval")
        rx.wait_for(lambda g: len(g) >= 1)
        admin.call("webhook.delete", id=wid)
        rx.hold.set()
        wid2, _ = create(admin, "https://example.com/h", ["post.approved"])
        assert [w["id"] for w in admin.call("webhook.list")["webhooks"]] == [wid2]
        assert deliveries(admin, wid2) == []
        assert admin.call("server.ping")
