"""Logs: one line per event (time, level, key=value fields), an access line per HTTP answer with
its status and duration, and never a token, password, cookie or CSRF token in any line."""
import re
import time

from helpers import PASSWORD, make_post, make_profile, make_user
from httputil import Web, csrf, path_of

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info|warn|error) \S")


def test_a_realistic_session_leaves_no_secret_in_the_log(daemon, admin):
    secrets = {daemon.admin_password, PASSWORD}
    editor = make_user(daemon, admin, "edith", "editor")
    p = make_profile(admin)
    posts = [make_post(editor, p, "awaiting_approval", caption="post %d" % i,
                       at=int(time.time()) + (i + 1) * 86400) for i in range(3)]
    collab = admin.call("link.create", profile=p, kind="collab", password="open sesame 42")
    appr = admin.call("link.create", profile=p, kind="approval", approver="Claire")
    secrets |= {"open sesame 42", collab["token"], appr["token"], appr["password"]}

    def visit(link, name, password):
        w = Web(daemon.http_port)
        base = path_of(link["url"])
        page = w.get(base)[2]
        secrets.add(csrf(page))
        st, st2, page = w.follow(base + "/session", {"csrf": csrf(page), "name": name,
                                                     "password": password})
        assert st == 303 and st2 == 200, page
        secrets.update(w.cookies.values())
        return w, base

    w, base = visit(collab, "Paula", "open sesame 42")
    detail = w.get(f"{base}/p/{posts[0]}")[2]
    secrets.add(csrf(detail))
    st, _, _ = w.follow(f"{base}/p/{posts[0]}", {"csrf": csrf(detail), "rev": "1",
                                                 "action": "approve", "note": "ok"})
    assert st == 303
    # a wrong password and a bad token are logged as events, without what was typed
    bad = Web(daemon.http_port)
    page = bad.get(path_of(appr["url"]))[2]
    bad.post(path_of(appr["url"]) + "/session", {"csrf": csrf(page), "name": "Claire",
                                                 "password": "not-the-password-xyz"})
    secrets.add("not-the-password-xyz")
    assert Web(daemon.http_port).get("/l/" + "A" * 43)[0] == 404

    w2, base2 = visit(appr, "Claire", appr["password"])
    detail = w2.get(f"{base2}/p/{posts[1]}")[2]
    secrets.add(csrf(detail))
    st, _, _ = w2.follow(f"{base2}/p/{posts[1]}", {"csrf": csrf(detail), "rev": "1",
                                                   "action": "approve"})
    assert st == 303
    new = admin.call("link.regenerate", id=appr["id"])
    secrets.add(new["token"])
    if new.get("password"):
        secrets.add(new["password"])
    visit(new, "Claire", new.get("password") or appr["password"])
    editor.call("post.comment", id=posts[2], text="fine")
    assert daemon.stop() == 0

    log = daemon.log()
    lines = log.splitlines()
    assert lines
    for line in lines:
        assert LINE.match(line), "not a log line: %r" % line
    access = [l for l in lines if "http: access " in l]
    # one access line per answer, with its fields; the token never shows, its place does
    assert len(access) >= 12
    for l in access:
        assert re.search(r' method=[A-Z]+ path="[^"]*" status=\d{3} bytes=\d+ '
                         r'duration_ms=\d+\.\d peer=\S+', l), l
    assert any('path="/l/<redacted>/session" status=303' in l for l in access)
    assert any('path="/l/<redacted>" status=404' in l for l in access)
    leaked = sorted(s for s in secrets if s and s in log)
    assert not leaked, "secrets in the log: %r" % leaked
    assert len(secrets) >= 12
    daemon.start()
