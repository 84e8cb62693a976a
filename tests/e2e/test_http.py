"""The HTTP/1.1 responder through raw sockets: framing that request smuggling relies on is
refused, limits answer the right status, keep-alive, pipelining and HEAD work, and every answer
carries the security headers."""
import os
import socket
import time

import pytest

from gltest import ROOT
from httputil import parse_responses, raw, status_of

GOOD = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


def test_healthz(daemon):
    r = parse_responses(raw(daemon.http_port, GOOD, until_close=False))
    assert r[0][0] == 200 and r[0][2] == b"ok\n"


@pytest.mark.parametrize("req", [
    b"GET /healthz HTTP/1.1\nHost: x\n\n",                                # bare LF
    b"GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n",                   # bare CR
    b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n",                          # space before colon
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",           # folded line
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",                # two Hosts
    b"GET /healthz HTTP/1.1\r\n\r\n",                                      # no Host
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX\x01Y: z\r\n\r\n",              # control in name
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",            # NUL in value
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX(A): b\r\n\r\n",                # not a token
    b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n",                          # unknown method
    b"GET healthz HTTP/1.1\r\nHost: x\r\n\r\n",                            # not origin-form
    b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",                        # CL and TE
    b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
])
def test_malformed_requests_get_400_and_close(daemon, req):
    out = raw(daemon.http_port, req + GOOD)
    r = parse_responses(out)
    assert [x[0] for x in r] == [400], out[:300]
    assert r[0][1]["connection"] == ["close"]
    assert daemon.alive()


def test_limits(daemon):
    port = daemon.http_port
    big = b"POST /l/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"
    assert status_of(raw(port, big)) == 413
    # The body cap holds while a chunked body arrives, too.
    chunked = (b"POST /l/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
               (b"8000\r\n" + b"a" * 0x8000 + b"\r\n") * 3)
    assert status_of(raw(port, chunked)) == 413
    long_url = b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert status_of(raw(port, long_url)) == 414
    huge_line = b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert status_of(raw(port, huge_line)) == 414
    many = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(
        b"X-%d: y\r\n" % i for i in range(60)) + b"\r\n"
    assert status_of(raw(port, many)) == 431
    fat = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n"
    assert status_of(raw(port, fat)) == 431
    assert status_of(raw(port, b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n")) in (400, 505)
    assert daemon.alive()


def test_methods_and_not_found(daemon):
    port = daemon.http_port
    r = parse_responses(raw(port, b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                                  b"Connection: close\r\n\r\n"))
    assert r[0][0] == 405 and "GET" in r[0][1]["allow"][0]
    r = parse_responses(raw(port, b"DELETE /static/style.css HTTP/1.1\r\nHost: x\r\n"
                                  b"Connection: close\r\n\r\n"))
    assert r[0][0] == 405
    for path in (b"/", b"/nothing", b"/l/", b"/l/short", b"/l/" + b"A" * 43,
                 b"/l/" + b"A" * 43 + b"/p/1", b"/l/../etc/passwd"):
        r = parse_responses(raw(port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n"
                                      b"Connection: close\r\n\r\n"))
        assert r[0][0] == 404, path


def test_keep_alive_pipelining_and_head(daemon):
    port = daemon.http_port
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    # Two requests in one write, then a third on the same connection.
    s.sendall(GOOD + b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while data.count(b"HTTP/1.1") < 2:
        data += s.recv(65536)
    time.sleep(0.05)
    s.sendall(b"GET /static/style.css HTTP/1.1\r\nHost: x\r\n\r\n")
    css = open(os.path.join(ROOT, "server", "static", "style.css"), "rb").read()
    while len(data) < len(css):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    r = parse_responses(data, no_body={1})
    assert [x[0] for x in r] == [200, 200, 200]
    assert r[0][2] == b"ok\n"
    # HEAD: the length of the GET body, no body.
    assert r[1][1]["content-length"] == ["3"] and r[1][2] == b""
    assert r[2][2] == css, "the served stylesheet is server/static/style.css (run embed.py)"
    assert r[2][1]["content-type"][0].startswith("text/css")
    # HTTP/1.0 closes unless asked otherwise.
    out = raw(port, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert status_of(out) == 200


def test_security_headers_everywhere(daemon):
    for req in (GOOD, b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /healthz HTTP/1.1\nHost: x\n\n"):
        h = parse_responses(raw(daemon.http_port, req, until_close=False))[0][1]
        csp = h["content-security-policy"][0]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src" not in csp and "unsafe-inline" not in csp
        assert h["referrer-policy"] == ["no-referrer"]
        assert h["x-content-type-options"] == ["nosniff"]


def test_expect_continue_and_chunked_body(daemon):
    # A form POST with a chunked body reaches the router (404: no such link).
    req = (b"POST /l/" + b"A" * 43 + b"/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
           b"\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n4\r\nname\r\n0\r\n\r\n")
    out = raw(daemon.http_port, req)
    assert out.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert status_of(out) == 404


def test_slow_client_is_timed_out(daemon):
    """A request that does not complete in time gets 408 and the connection closes."""
    s = socket.create_connection(("127.0.0.1", daemon.http_port), timeout=20)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    t0 = time.monotonic()
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    assert status_of(data) == 408
    assert 8 < time.monotonic() - t0 < 16


def test_connection_flood_then_still_serving(daemon):
    socks = [socket.create_connection(("127.0.0.1", daemon.http_port)) for _ in range(200)]
    for s in socks[:100]:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    assert status_of(raw(daemon.http_port, GOOD, until_close=False)) == 200
    for s in socks:
        s.close()


def closed_by_daemon(s, timeout=10):
    """Reads until the daemon closes s: its bytes, and whether it closed (not the timeout)."""
    s.settimeout(timeout)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out, True
            out += chunk
    except ConnectionResetError:
        return out, True
    except socket.timeout:
        return out, False


@pytest.mark.parametrize("host", [b"a b", b"a/b", b"x@y", b"[::1", b"[zz::1]", b"h:80x",
                                  b"a%zz", b"a\"b", b"[]", b"a:b:c"])
def test_invalid_host_values_get_400(daemon, host):
    """RFC 9112 section 3.2: a Host that is not uri-host [":" port] is a 400 (it was a 200)."""
    out = raw(daemon.http_port, b"GET /healthz HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
    r = parse_responses(out)
    assert [x[0] for x in r] == [400], (host, out[:200])
    assert r[0][1]["connection"] == ["close"]


@pytest.mark.parametrize("host", [b"example.com", b"example.com:8080", b"127.0.0.1:7412",
                                  b"[::1]:7412", b"[v1.fe]", b"", b"a%20b", b"xn--bcher-kva.ch",
                                  b"h:"])
def test_valid_host_values_are_served(daemon, host):
    out = raw(daemon.http_port, b"GET /healthz HTTP/1.1\r\nHost: " + host + b"\r\n"
              b"Connection: close\r\n\r\n")
    assert status_of(out) == 200, (host, out[:200])


def test_http10_keep_alive_is_answered_and_closed(daemon):
    """An HTTP/1.0 request asking for keep-alive is answered with Connection: close and the
    connection closes after the answer (it was held open, the answer not saying keep-alive)."""
    s = socket.create_connection(("127.0.0.1", daemon.http_port))
    try:
        s.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        out, closed = closed_by_daemon(s)
    finally:
        s.close()
    r = parse_responses(out)
    assert [x[0] for x in r] == [200] and r[0][2] == b"ok\n", out[:200]
    assert r[0][1]["connection"] == ["close"]
    assert closed, "the daemon kept an HTTP/1.0 connection open after its answer"


@pytest.mark.parametrize("target", [b"http://x/healthz", b"HTTP://x:7412/healthz?a=1",
                                    b"https://example.com/healthz"])
def test_absolute_form_targets_are_served_by_their_path(daemon, target):
    """RFC 9112 section 3.2.2: a server must accept absolute-form; the path is what is served."""
    out = raw(daemon.http_port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n"
              b"Connection: close\r\n\r\n")
    r = parse_responses(out)
    assert r and r[0][0] == 200 and r[0][2] == b"ok\n", (target, out[:200])


def test_absolute_form_without_path_and_other_schemes(daemon):
    out = raw(daemon.http_port, b"GET http://x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    root = raw(daemon.http_port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(out) == status_of(root) != 400, out[:200]
    bracketed = raw(daemon.http_port, b"GET http://[::1]:7412 HTTP/1.1\r\nHost: x\r\n"
                    b"Connection: close\r\n\r\n")
    assert status_of(bracketed) == status_of(root), bracketed[:200]
    for target in (b"ftp://x/healthz", b"http:/healthz", b"http://", b"http://a b/",
                   b"http://user@x/healthz"):
        out = raw(daemon.http_port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_of(out) == 400, (target, out[:200])
