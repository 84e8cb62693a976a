"""The staff client with links and the queue together, and failed posts: driven for real in
tmux against a real greenlightd, every result checked through RPC afterwards."""
import os
import re
import time

import pytest

from gltest import Daemon, wait_until
from helpers import link_expiring_soon, make_post, make_profile
from httputil import sign_in
from test_tui import TMUX, columns, new_approval_link, open_queue
from test_tui import queue_setup, tuis  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

FAILURE = "Instagram said: the access token has expired"


@pytest.fixture
def failing_daemon(tmpdir_path):
    """A daemon whose publisher fails its first run with a message, then succeeds."""
    script = os.path.join(tmpdir_path, "publisher.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n"
                f"n=$(cat '{script}.count' 2>/dev/null || echo 0)\n"
                f"echo $((n + 1)) > '{script}.count'\n"
                f"if [ \"$n\" = 0 ]; then echo '{FAILURE}' >&2; exit 3; fi\n"
                "exit 0\n")
    os.chmod(script, 0o755)
    d = Daemon(os.path.join(tmpdir_path, "data"), ["--publisher", script]).start()
    yield d
    code = d.stop()
    assert code == 0, f"greenlightd exited with {code}:\n{d.log_tail()}"


def test_failed_post_says_why_and_retries(failing_daemon, tuis):
    admin = failing_daemon.client()
    prof = make_profile(admin, name="Failing Co", timezone="UTC")
    at = int(time.time()) + 2
    pid = make_post(admin, prof, "approved", caption="Out it goes", at=at)
    admin.call("post.schedule", id=pid)
    wait_until(lambda: admin.call("post.get", id=pid)["status"] == "failed", timeout=20,
               what="the first publish to fail")
    note = [h for h in admin.call("post.history", id=pid)["history"] if h["to"] == "failed"]
    assert FAILURE in note[-1]["note"]

    t = tuis(failing_daemon)
    t.wait_for(r"\[month\]")
    t.keys("Enter")  # today's posts
    t.wait_for(rf"Post {pid}\s+failed")
    t.wait_for(re.escape(FAILURE))
    t.wait_for(r"F retries it")
    t.keys("F")
    # The message "retried post N" may already be replaced by the publish that follows.
    wait_until(lambda: admin.call("post.get", id=pid)["status"] == "published", timeout=20,
               what="the retried post to be published")
    types = [h["type"] for h in admin.call("post.history", id=pid)["history"]]
    assert "post.retried" in types or any("retr" in x for x in types), types
    t.wait_for(rf"Post {pid}\s+published")
    t.wait_gone(r"F retries it")


APPROVER = "Zoë Ørsted 👩‍🍳"


def test_link_for_tagged_posts_then_its_page(daemon, tuis, queue_setup):
    """Tag two posts in the queue, L: an approval link for them, for the approver of an earlier
    link chosen by number; its page lists the posts with their status, its opens, and a
    decision a visitor makes through it."""
    from httputil import csrf
    admin, prof, ids = queue_setup
    earlier = admin.call("link.create", profile=prof, kind="approval", approver=APPROVER,
                         posts=[ids[4]])
    t = open_queue(daemon, tuis, 5)
    t.wait_for(rf"Post {ids[0]}\s+awaiting")
    t.keys("Space", "Space", "L")  # tags ids[0] and ids[1] (Space moves down)
    t.wait_for(r"Approver \(1 Zoë Ørsted 👩‍🍳; or a new name\):")
    t.keys("Enter")  # the offered "1"
    t.wait_for("Approver's e-mail")
    t.keys("Enter")
    t.wait_for(r"Password \(auto")
    t.keys("Enter")
    t.wait_for(r"Valid for days")
    t.keys("Enter")
    lid = int(t.wait_for(r"link (\d+): http").group(1))
    url = t.wait_for(r"URL: (http\S+)").group(1)
    links = {l["id"]: l for l in admin.call("link.list", profile=prof)["links"]}
    assert set(links) == {earlier["id"], lid}
    assert links[lid]["approver"] == APPROVER and links[lid]["kind"] == "approval"
    assert sorted(links[lid]["posts"]) == sorted(ids[:2])
    password = t.wait_for(r"Password: (\S+) \(shown once").group(1)

    # Its page: the posts with their status, no opens, no decisions yet.
    t.keys("Enter")
    t.wait_for(rf"Link {lid}: approval link for Zoë Ørsted 👩‍🍳\s+active")
    t.wait_for(r"Posts \(2\)")
    for pid in ids[:2]:
        t.wait_for(rf"{pid} \? awaiting approval\s+Queue post")
    t.wait_for(r"Opened 0 times")
    t.wait_for(r"Decisions through this link \(0\)")

    # A visitor opens it and approves the first post: the page follows.
    w, base = sign_in(daemon.http_port, url, APPROVER, password)
    detail = w.get(f"{base}/p/{ids[0]}")[2]
    st, _, _ = w.follow(f"{base}/p/{ids[0]}", {"csrf": csrf(detail), "rev": "1",
                                               "action": "approve", "note": "Lovely"})
    assert st == 303
    assert admin.call("post.get", id=ids[0])["status"] != "awaiting_approval"
    t.wait_for(r"Decisions through this link \(1\)")
    t.wait_for(rf"Zoë Ørsted 👩‍🍳 approved post {ids[0]}: Lovely")
    opens = [l for l in admin.call("link.list", profile=prof)["links"] if l["id"] == lid][0]
    assert opens["opens"] >= 1
    t.keys("C-r")
    t.wait_for(rf"Opened {opens['opens']} times?")


def test_request_for_a_new_link_shows_and_is_answered(daemon, tuis, queue_setup):
    """A visitor of an expired link asks for a new one: the links screen says so next to the
    link, the notification opens the link, and r gives it a new URL."""
    from httputil import Web, csrf, path_of
    admin, prof, ids = queue_setup
    link = link_expiring_soon(admin, 2, profile=prof, kind="approval", approver="Claire",
                              posts=[ids[3]])
    base = path_of(link["url"])
    w = Web(daemon.http_port)
    wait_until(lambda: w.get(base)[0] == 410, timeout=10, what="expiry")
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("3")
    t.wait_for(rf"{link['id']} approval\s+Claire\s+expired")
    page = w.get(base)[2]
    st, st2, _ = w.follow(base + "/request", {"csrf": csrf(page)})
    assert st == 303
    assert admin.call("link.list", profile=prof)["links"][0]["requested_at"]
    # Next to the link, at once (the event reloads the screen).
    t.wait_for(rf"{link['id']} approval\s+Claire\s+ASKED")
    t.wait_for(r"Claire asked for a new link on .*: r gives a new URL, e extends")
    # The notification opens the link.
    t.keys("4")
    t.wait_for(r"Claire")
    t.keys("Enter")
    t.wait_for(rf"Link {link['id']}: approval link for Claire\s+expired")
    t.wait_for(r"Claire asked for a new link on .*: r gives a new URL")
    t.keys("r")
    t.wait_for(rf"link {link['id']} has a new URL \(copied\)")
    after = admin.call("link.list", profile=prof)["links"][0]
    assert after["status"] == "active" and not after["requested_at"]
    assert w.get(base)[0] == 410  # the old address says the link was replaced
    t.wait_for(rf"Link {link['id']}: approval link for Claire\s+active")
    t.wait_for(r"URL: http")


def test_names_with_clusters_in_prompt_and_list(daemon, tuis, queue_setup):
    """A name with an accent, a ZWJ emoji and a flag, typed on the prompt line, is shown as
    typed there, saved as typed, and cut only between whole characters in the list, whose later
    columns stay in place."""
    admin, prof, ids = queue_setup
    name = "Chloé 👩‍🍳 🇫🇷 Dupont-Lagarde"
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("3")
    t.wait_for(r"No links yet")
    new_approval_link(t, name)  # waits for the name shown as typed on the prompt line
    lid = int(t.wait_for(r"link (\d+): http").group(1))
    link = admin.call("link.list", profile=prof)["links"][0]
    assert link["id"] == lid and link["approver"] == name
    lines = t.screen().split("\n")
    header = [l for l in lines if "approver" in l and "status" in l][0]
    row = [l for l in lines if re.match(rf"\s+{lid} approval", l)][0]
    hc, rc = columns(header), columns(row)
    at = "".join(hc).index("status")
    assert "".join(rc[at:at + 6]) == "active", row
    # The name is cut at 12 columns between whole clusters: "Chloé 👩‍🍳 🇫🇷 " (12).
    assert "Chloé 👩‍🍳 🇫🇷  active" in row and "Dupont" not in row, row
