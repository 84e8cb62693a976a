"""What browsers and calendar programs may cache: ETag and 304 on link pages and the feed, gzip
when asked (decoded equal to the identity answer), CSRF tokens masked afresh in every answer
(BREACH) and only the masked form accepted, and the stylesheet under its content hash."""
import base64
import gzip
import hashlib
import pathlib
import re
import time

import pytest

from helpers import make_post, make_profile
from httputil import Web, csrf, path_of, raw, parse_responses

NOW = int(time.time())
ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def acme(admin):
    return make_profile(admin, platforms=("instagram", "x"))


def get_raw(port, path, headers=()):
    """One GET on a raw socket: the answer as the daemon sent it, body not decoded."""
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers)
    data = raw(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{lines}Connection: close\r\n\r\n"
               .encode())
    st, h, body = parse_responses(data)[0]
    return st, {k: v[0] for k, v in h.items()}, body, data


def collab(daemon, admin, acme):
    link = admin.call("link.create", profile=acme, kind="collab")
    w = Web(daemon.http_port)
    base = path_of(link["url"])
    st, st2, body = w.follow(base + "/session", {"csrf": csrf(w.get(base)[2]), "name": "Paula"})
    assert st == 303 and st2 == 200, body
    return w, base


def test_feed_and_page_answer_304_to_their_etag(daemon, admin, acme):
    make_post(admin, acme, "approved", caption="feed item", at=NOW + 86400)
    link = admin.call("link.create", profile=acme, kind="calendar")
    base = path_of(link["url"])
    for path in (base, base + "/calendar.ics"):
        st, h, body, _ = get_raw(daemon.http_port, path)
        assert st == 200 and body and h["cache-control"] == "private, no-cache"
        tag = h["etag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', tag), "a strong tag"
        st, h2, body2, data = get_raw(daemon.http_port, path, [("If-None-Match", tag)])
        assert st == 304 and body2 == b"" and h2["etag"] == tag
        assert b"content-length" not in data.lower(), "a 304 claims no body"
        # In a list, or weak: the same (If-None-Match compares weakly).
        assert get_raw(daemon.http_port, path, [("If-None-Match", f'"x", W/{tag}')])[0] == 304
        assert get_raw(daemon.http_port, path, [("If-None-Match", '"other"')])[0] == 200
    # A change to what the feed shows is a new tag: the old one gets the whole answer.
    st, h, _, _ = get_raw(daemon.http_port, base + "/calendar.ics")
    make_post(admin, acme, "approved", caption="second item", at=NOW + 2 * 86400)
    st, h2, body, _ = get_raw(daemon.http_port, base + "/calendar.ics",
                              [("If-None-Match", h["etag"])])
    assert st == 200 and b"second item" in body and h2["etag"] != h["etag"]


def test_gzip_when_asked_decodes_to_the_identity_answer(daemon, admin, acme):
    for i in range(6):
        make_post(admin, acme, "approved", caption=f"post number {i} " + "words " * 30,
                  at=NOW + (i + 1) * 3600)
    link = admin.call("link.create", profile=acme, kind="calendar")
    for path in (path_of(link["url"]), path_of(link["url"]) + "/calendar.ics"):
        st, h, plain, _ = get_raw(daemon.http_port, path)
        assert st == 200 and "content-encoding" not in h and len(plain) >= 1024
        assert h["vary"] == "Accept-Encoding"
        st, hz, packed, _ = get_raw(daemon.http_port, path,
                                    [("Accept-Encoding", "br;q=1, gzip;q=0.8")])
        assert st == 200 and hz["content-encoding"] == "gzip" and hz["vary"] == "Accept-Encoding"
        assert len(packed) < len(plain) and gzip.decompress(packed) == plain
        assert hz["etag"] != h["etag"], "each coding its own tag"
        assert get_raw(daemon.http_port, path, [("Accept-Encoding", "gzip"),
                                                ("If-None-Match", hz["etag"])])[0] == 304
        # Refused outright, or only "identity": no gzip.
        for ae in ("gzip;q=0", "identity", "*;q=0", "deflate"):
            assert "content-encoding" not in get_raw(daemon.http_port, path,
                                                     [("Accept-Encoding", ae)])[1]
        assert get_raw(daemon.http_port, path, [("Accept-Encoding", "*")])[1][
            "content-encoding"] == "gzip"


def test_csrf_is_masked_per_answer_and_only_the_masked_form_counts(daemon, admin, acme):
    post = make_post(admin, acme, "awaiting_approval", caption="to discuss", at=NOW + 86400)
    w, base = collab(daemon, admin, acme)
    pages = [w.get(f"{base}/p/{post}")[2] for _ in range(2)]
    tokens = [csrf(p) for p in pages]
    assert tokens[0] != tokens[1], "a fresh mask in every answer"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)
    # The page's other bytes are the same: the ETag names the page, not its mask.
    assert w.get(f"{base}/p/{post}")[1]["etag"] == w.get(f"{base}/p/{post}")[1]["etag"]

    def comment(token, text):
        return w.post(f"{base}/p/{post}", {"csrf": token, "rev": "1", "action": "comment",
                                           "text": text})[0]

    # The token under the mask, sent bare (as an older page carried it): refused.
    both = base64.urlsafe_b64decode(tokens[0] + "=")
    bare = base64.urlsafe_b64encode(bytes(a ^ b for a, b in zip(both[:16], both[16:]))) \
        .decode().rstrip("=")
    assert comment(bare, "bare token") == 403
    # One bit of the masked half changed: refused; mask and all changed alike: refused.
    flipped = bytearray(both)
    flipped[20] ^= 1
    assert comment(base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip("="), "flip") == 403
    assert comment("A" * 43, "forged") == 403
    # Either masked form, even replayed: accepted.
    assert comment(tokens[0], "first") == 303
    assert comment(tokens[0], "again") == 303
    assert comment(tokens[1], "second") == 303
    texts = [c["text"] for c in admin.call("post.get", id=post)["comments"]]
    assert texts == ["first", "again", "second"]


def test_gzip_pages_with_a_form_carry_no_stable_token(daemon, admin, acme):
    post = make_post(admin, acme, "awaiting_approval", caption="x " * 600, at=NOW + 86400)
    w, base = collab(daemon, admin, acme)
    cookie = "; ".join(f"{k}={v}" for k, v in w.cookies.items())
    seen, packed_bodies = set(), set()
    for _ in range(3):
        st, h, packed, _ = get_raw(daemon.http_port, f"{base}/p/{post}",
                                   [("Cookie", cookie), ("Accept-Encoding", "gzip")])
        assert st == 200 and h["content-encoding"] == "gzip"
        packed_bodies.add(packed)
        seen.add(csrf(gzip.decompress(packed).decode()))
    assert len(seen) == 3 and len(packed_bodies) == 3, "a fresh mask in every compressed answer"


def test_stylesheet_under_its_hash_is_immutable(daemon, admin, acme):
    css = (ROOT / "server/static/style.css").read_bytes()
    digest = hashlib.sha256(css).hexdigest()[:16]
    link = admin.call("link.create", profile=acme, kind="calendar")
    page = get_raw(daemon.http_port, path_of(link["url"]))[2].decode()
    assert f'href="/static/style.{digest}.css"' in page
    st, h, body, _ = get_raw(daemon.http_port, f"/static/style.{digest}.css")
    assert st == 200 and body == css
    assert h["cache-control"] == "public, max-age=31536000, immutable"
    assert h["content-type"].startswith("text/css")
    st, hz, packed, _ = get_raw(daemon.http_port, f"/static/style.{digest}.css",
                                [("Accept-Encoding", "gzip")])
    assert hz["content-encoding"] == "gzip" and gzip.decompress(packed) == css
    # Another hash is not this stylesheet: not found, never the current one under an old name.
    assert get_raw(daemon.http_port, "/static/style.0000000000000000.css")[0] == 404
    assert get_raw(daemon.http_port, f"/static/style.{digest}x.css")[0] == 404
    # The old address still works, for pages cached before.
    assert get_raw(daemon.http_port, "/static/style.css")[2] == css


def test_an_empty_answer_says_its_length_and_keeps_the_connection(daemon, admin, acme):
    """A 303 has no body: it says Content-Length: 0, so a client keeping the connection open
    reads its end at once (a header without a number left a browser waiting for the close)."""
    link = admin.call("link.create", profile=acme, kind="collab")
    base = path_of(link["url"])
    page = Web(daemon.http_port).get(base)[2]
    form = f"csrf={csrf(page)}&name=Paula".encode()
    data = raw(daemon.http_port,
               f"POST {base}/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(form)}\r\n\r\n".encode() + form, until_close=False)
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    assert head.startswith("HTTP/1.1 303"), head
    assert re.search(r"(?im)^content-length: 0\r?$", head), head
    assert not re.search(r"(?im)^connection: close\r?$", head), head


def test_feed_keeps_its_etag_while_nothing_changes(daemon, admin, acme):
    """A calendar program polls the feed with its ETag: an unchanged feed must be a 304 a
    moment later too, so nothing in it may depend on the second it was rendered at."""
    make_post(admin, acme, "approved", caption="feed item", at=NOW + 86400)
    link = admin.call("link.create", profile=acme, kind="calendar")
    feed = path_of(link["url"]) + "/calendar.ics"
    st, h, body, _ = get_raw(daemon.http_port, feed)
    assert st == 200 and b"BEGIN:VEVENT" in body
    time.sleep(1.2)
    st, h2, body2, _ = get_raw(daemon.http_port, feed)
    assert st == 200 and body2 == body and h2["etag"] == h["etag"]
    assert get_raw(daemon.http_port, feed, [("If-None-Match", h["etag"])])[0] == 304
