"""A publisher can be a webhook: a profile whose publish_webhook names an endpoint publishes each
post by one signed POST to it (verified by the receiver as the Standard Webhooks specification
says); a 2xx answer publishes the post, keeping the "url" of its JSON answer; anything else fails
it; and it is at most once, as the command publisher is: a daemon killed while the request is out
fails the post (interrupted) at start and never sends it again."""
import json
import threading
import time

import pytest

from gltest import RpcError, wait_until
from helpers import make_post, make_profile
from webhook_receiver import Receiver


@pytest.fixture
def rx():
    r = Receiver().start()
    yield r
    if r.hold is not None:
        r.hold.set()
    r.stop()


def publishing_profile(admin, rx, name="Acme"):
    """A profile published by a new endpoint at rx (asking for an event these tests never
    make)."""
    r = admin.call("webhook.create", url=rx.url, events=["post.overdue"])
    rx.secret = r["secret"]
    prof = make_profile(admin, name=name)
    assert admin.call("profile.update", id=prof, publish_webhook=r["id"])["publish_webhook"] == \
        r["id"]
    return prof, r["id"]


def going_out(admin, prof, caption="Spring sale starts now"):
    pid = make_post(admin, prof, "approved", caption=caption, at=int(time.time()) + 2)
    assert admin.call("post.schedule", id=pid)["status"] == "scheduled"
    return pid


def status_of(admin, pid):
    return admin.call("post.get", id=pid)["status"]


def last_history(admin, pid):
    return admin.call("post.history", id=pid)["history"][-1]


def test_a_2xx_answer_publishes_the_post_with_its_live_url(daemon, admin, rx):
    rx.answer = json.dumps({"url": "https://social.example/p/42", "other": [1, 2]}).encode()
    prof, wid = publishing_profile(admin, rx)
    pid = going_out(admin, prof)
    [got] = rx.wait_for(lambda g: len(g) >= 1)
    assert got["problem"] is None, got["problem"]
    assert got["id"].startswith("msg_")
    body = got["body"]
    assert body["type"] == "post.publish"
    assert body["data"]["post"]["id"] == pid and body["data"]["post"]["profile"] == prof
    assert body["data"]["post"]["caption"] == "Spring sale starts now"
    assert body["data"]["post"]["status"] == "publishing"
    wait_until(lambda: status_of(admin, pid) == "published", what="published")
    h = last_history(admin, pid)
    assert h["type"] == "published" and h["note"] == "live at https://social.example/p/42"
    # The publisher's request is not an event delivery: nothing is listed for the endpoint.
    assert admin.call("webhook.deliveries", id=wid)["deliveries"] == []
    assert len(rx.got) == 1


def test_an_answer_without_a_url_still_publishes(daemon, admin, rx):
    rx.answer = b"not json at all"
    prof, _ = publishing_profile(admin, rx)
    pid = going_out(admin, prof)
    wait_until(lambda: status_of(admin, pid) == "published", what="published")
    assert last_history(admin, pid)["note"] in (None, "")


def test_an_error_answer_fails_the_post_and_is_not_retried(daemon, admin, rx):
    rx.status = 503
    prof, _ = publishing_profile(admin, rx)
    pid = going_out(admin, prof)
    wait_until(lambda: status_of(admin, pid) == "failed", what="failed")
    h = last_history(admin, pid)
    assert h["from"] == "publishing" and "HTTP status 503" in h["note"]
    assert len(rx.got) == 1
    # A person retries: sent again, under a new webhook-id, and this time published.
    rx.status = 200
    admin.call("post.retry", id=pid)
    got = rx.wait_for(lambda g: len(g) >= 2)
    assert got[0]["id"] != got[1]["id"]
    wait_until(lambda: status_of(admin, pid) == "published", what="published on retry")


def test_an_unreachable_endpoint_fails_the_post(daemon, admin, rx):
    prof, wid = publishing_profile(admin, rx)
    rx.stop()  # nothing listens there any more
    pid = going_out(admin, prof)
    wait_until(lambda: status_of(admin, pid) == "failed", what="failed")
    assert last_history(admin, pid)["note"].startswith("publish webhook: ")


def test_a_deleted_endpoint_fails_the_post_without_a_request(daemon, admin, rx):
    prof, wid = publishing_profile(admin, rx)
    admin.call("webhook.delete", id=wid)
    pid = going_out(admin, prof)
    wait_until(lambda: status_of(admin, pid) == "failed", what="failed")
    assert "no longer exists" in last_history(admin, pid)["note"]
    assert rx.got == []


def test_profile_names_only_an_existing_endpoint(daemon, admin, rx):
    prof, wid = publishing_profile(admin, rx)
    with pytest.raises(RpcError) as e:
        admin.call("profile.update", id=prof, publish_webhook=wid + 100)
    assert e.value.code == "not_found"
    with pytest.raises(RpcError) as e:
        admin.call("profile.update", id=prof, publish_webhook="https://x.example/")
    assert e.value.code == "bad_request"
    assert admin.call("profile.update", id=prof, publish_webhook=0)["publish_webhook"] is None
    # Back to no publisher at all: published at its time without a request.
    pid = going_out(admin, prof)
    wait_until(lambda: status_of(admin, pid) == "published", what="published")
    assert rx.got == []


def test_kill9_while_the_request_is_out_fails_the_post_once(daemon, admin, rx):
    rx.hold = threading.Event()
    prof, _ = publishing_profile(admin, rx)
    pid = going_out(admin, prof, caption="Held")
    rx.wait_for(lambda g: len(g) >= 1)
    assert status_of(admin, pid) == "publishing"
    daemon.kill9()
    rx.hold.set()  # the answer finds no one: whether it went out is unknown to the daemon
    daemon.start()
    admin = daemon.client()
    wait_until(lambda: status_of(admin, pid) == "failed", timeout=10, what="interrupted")
    h = last_history(admin, pid)
    assert h["from"] == "publishing" and "interrupted" in h["note"]
    # Another post through the same endpoint goes out and is published; the first is not sent
    # again before or with it.
    rx.hold = None
    second = going_out(admin, prof, caption="After the restart")
    wait_until(lambda: status_of(admin, second) == "published", what="second published")
    ids = [g["body"]["data"]["post"]["id"] for g in rx.got]
    assert ids == [pid, second]
    assert status_of(admin, pid) == "failed"


def test_clean_stop_while_the_request_is_out_fails_it_at_start(daemon, admin, rx):
    rx.hold = threading.Event()
    prof, _ = publishing_profile(admin, rx)
    pid = going_out(admin, prof, caption="Held over a stop")
    rx.wait_for(lambda g: len(g) >= 1)
    assert daemon.stop() == 0, daemon.log_tail()
    rx.hold.set()
    daemon.start()
    admin = daemon.client()
    wait_until(lambda: status_of(admin, pid) == "failed", timeout=10, what="interrupted")
    assert "interrupted" in last_history(admin, pid)["note"]
    assert len(rx.got) == 1
