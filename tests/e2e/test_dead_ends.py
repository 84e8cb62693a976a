"""The addresses a visitor is left with: a regenerated link's old address says it was replaced
and lets the visitor ask the team for the new one (the link.requested event staff get for an
expired link), a revoked link's says it was withdrawn and offers nothing, and neither opens
anything of the link; an approver who decided everything sees what they decided; the comment
box says who reads a comment. Real daemon, real sockets, a real browser for the request."""
import json
import os
import re
import subprocess
import time

import pytest

from gltest import BIN_DIR, wait_until
from helpers import make_post, make_profile
from httputil import Web, csrf, path_of

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402

from test_browser import browser, submit  # noqa: E402,F401  (the module's browser fixture)

NOW = int(time.time())


@pytest.fixture
def acme(admin):
    return make_profile(admin, platforms=("instagram", "x"))


def check_store(daemon):
    r = subprocess.run([os.path.join(BIN_DIR, "greenlightd"), "check", "--data",
                        daemon.data_dir], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_replaced_link_asks_the_team_in_a_browser(daemon, admin, acme, browser):
    sub = daemon.client()
    sub.call("notify.subscribe")
    link = admin.call("link.create", profile=acme, kind="approval", approver="Claire")
    old = path_of(link["url"])
    new = admin.call("link.regenerate", id=link["id"])
    browser.delete_all_cookies()
    browser.get(f"http://127.0.0.1:{daemon.http_port}{old}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "This link was replaced"
    assert browser.find_elements(By.TAG_NAME, "main")
    submit(browser, "form[action$='/request'] button")
    wait_until(lambda: "The team has been told" in browser.page_source, what="thanks")
    ev = sub.wait_event(lambda e: e["type"] == "link.requested", timeout=10)
    assert ev["link"] == link["id"] and ev["actor"] == "Claire" and ev["post"] is None
    listed = [l for l in admin.call("link.list")["links"] if l["id"] == link["id"]][0]
    assert listed["requested_at"] and listed["status"] == "active"
    # Asked once: the page says so on every later visit, and the new link is untouched.
    w = Web(daemon.http_port)
    st, _, page = w.get(old)
    assert st == 410 and "The team has been told" in page and "Ask for the new link" not in page
    st, _, page = w.get(path_of(new["url"]))
    assert st == 200 and "This link has expired" not in page
    # Any visitor of the old address now reads the thanks, not the form.
    assert "The team has been told" in Web(daemon.http_port).get(old)[2]


def test_old_and_revoked_tokens_open_nothing(daemon, admin, acme):
    pid = make_post(admin, acme, "awaiting_approval", caption="Secret caption", at=NOW + 86400)
    link = admin.call("link.create", profile=acme, kind="collab")
    olds = [path_of(link["url"])]
    for _ in range(2):
        olds.append(path_of(admin.call("link.regenerate", id=link["id"])["url"]))
    current = olds.pop()
    w = Web(daemon.http_port)
    for old in olds:
        for sub in ("", f"/p/{pid}", "/calendar.ics", "/anything"):
            st, _, page = w.get(old + sub)
            assert st == 410 and "This link was replaced" in page, (old, sub)
            assert "Secret caption" not in page
        # A decision sent to the old address does nothing: it has no such route.
        page = w.get(old)[2]
        st, _, body = w.post(f"{old}/p/{pid}", {"csrf": csrf(page), "action": "approve",
                                                "rev": "1"})
        assert st == 410 and "This link was replaced" in body
    assert admin.call("post.get", id=pid)["status"] == "awaiting_approval"
    assert w.get(current)[0] == 200
    # Kept across a restart: the old tokens are in the store, not in memory.
    daemon.restart()
    w = Web(daemon.http_port)
    assert all("This link was replaced" in w.get(o)[2] for o in olds)
    check_store(daemon)
    # Revoked: every token of the link says it was withdrawn and offers nothing.
    admin = daemon.client()
    admin.call("link.revoke", id=link["id"])
    for path in olds + [current]:
        st, _, page = w.get(path)
        assert st == 410 and "This link was withdrawn" in page and "<form" not in page
        st, _, page = w.post(path + "/request", {"csrf": "x"})
        assert st == 410 and "This link was withdrawn" in page
    assert not [l for l in admin.call("link.list")["links"] if l["requested_at"]]
    check_store(daemon)


def test_only_the_last_old_tokens_are_kept(daemon, admin, acme):
    link = admin.call("link.create", profile=acme, kind="calendar")
    paths = [path_of(link["url"])]
    for _ in range(9):
        paths.append(path_of(admin.call("link.regenerate", id=link["id"])["url"]))
    w = Web(daemon.http_port)
    assert w.get(paths[0])[0] == 404, "the ninth old token is forgotten: a plain 404"
    assert all(w.get(p)[0] == 410 for p in paths[1:-1])
    assert w.get(paths[-1])[0] == 200
    check_store(daemon)


def test_a_replaced_address_cannot_ask_once_revoked_meanwhile(daemon, admin, acme):
    """The page was shown before the revoke; the form sent after it is refused."""
    link = admin.call("link.create", profile=acme, kind="collab")
    old = path_of(link["url"])
    admin.call("link.regenerate", id=link["id"])
    w = Web(daemon.http_port)
    page = w.get(old)[2]
    admin.call("link.revoke", id=link["id"])
    st, _, body = w.post(old + "/request", {"csrf": csrf(page)})
    assert st == 410 and "withdrawn" in body
    assert not admin.call("link.list")["links"][0]["requested_at"]


def test_decided_list_and_the_words_of_the_comment_box(daemon, admin, acme):
    a = make_post(admin, acme, "awaiting_approval", caption="First of two", at=NOW + 86400)
    b = make_post(admin, acme, "awaiting_approval", caption="Second of two", at=NOW + 2 * 86400)
    link = admin.call("link.create", profile=acme, kind="approval", approver="Claire",
                      posts=[a, b])
    base = path_of(link["url"])
    w = Web(daemon.http_port)
    w.follow(base + "/session", {"csrf": csrf(w.get(base)[2]), "name": "Claire",
                                 "password": link["password"]})
    page = w.get(f"{base}/p/{a}")[2]
    assert "(seen by the team)" in page and "everyone this calendar" not in page
    for pid, action, note in ((a, "approve", "Lovely"), (b, "reject", "Shorter, please")):
        page = w.get(f"{base}/p/{pid}")[2]
        rev = page.split('name="rev" value="')[1].split('"')[0]
        st, _, _ = w.post(f"{base}/p/{pid}", {"csrf": csrf(page), "rev": rev, "action": action,
                                              "note": note})
        assert st == 303
    page = w.get(base)[2]
    assert "What was decided through this link" in page
    decided = page.split("What was decided through this link")[1]
    assert "First of two" in decided and "Approved" in decided and "Lovely" in decided
    assert "Second of two" in decided and "Requested changes" in decided
    assert "Shorter, please" in decided
    # Each decision links to its signed receipt: a receipts export holding it alone, which
    # greenlightd verify accepts as downloaded.
    hrefs = re.findall(r'href="([^"]+/receipt/\d+)" download', decided)
    assert len(hrefs) == 2, decided
    st, headers, body = w.get(hrefs[0])
    assert st == 200 and headers["content-type"].startswith("application/json")
    assert "attachment" in headers["content-disposition"]
    doc = json.loads(body)
    assert [r["link"] for r in doc["receipts"]] == [link["id"]]
    assert doc["receipts"][0]["post"] == a and doc["receipts"][0]["decision"] == "approve"
    assert doc["receipts"][0]["note"] == "Lovely"
    path = os.path.join(daemon.data_dir, "..", "receipt.json")
    with open(path, "w") as fh:
        fh.write(body)
    r = subprocess.run([os.path.join(BIN_DIR, "greenlightd"), "verify", path],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    # Another link of the same profile lists none of it.
    other = admin.call("link.create", profile=acme, kind="approval", approver="Claire",
                       posts=[a])
    w2 = Web(daemon.http_port)
    ob = path_of(other["url"])
    w2.follow(ob + "/session", {"csrf": csrf(w2.get(ob)[2]), "name": "Claire",
                                "password": other["password"]})
    assert "What was decided through this link" not in w2.get(ob)[2]
    # ...and cannot download its receipts, though the post is one it shows.
    assert w2.get(ob + hrefs[0][len(base):])[0] == 404
    st, _, page = Web(daemon.http_port).get(hrefs[0])
    assert st == 200 and "Sign in" in page and "greenlight-receipts" not in page
    c = make_post(admin, acme, "awaiting_approval", caption="Third", at=NOW + 3 * 86400)
    collab = admin.call("link.create", profile=acme, kind="collab")
    cb, w3 = path_of(collab["url"]), Web(daemon.http_port)
    w3.follow(cb + "/session", {"csrf": csrf(w3.get(cb)[2]), "name": "Bob"})
    cpage = w3.get(f"{cb}/p/{c}")[2]
    assert "everyone this calendar is shared with" in cpage
