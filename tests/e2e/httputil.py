"""HTTP helpers for the link tests: raw sockets for the responder's edge cases, and a small
cookie-keeping client for the pages (forms, redirects) without a browser."""
import html
import http.client
import re
import socket
import time
import urllib.parse


def raw(port, data, timeout=5, until_close=True, source="127.0.0.1"):
    """Sends data as is and returns every byte the daemon sends until it closes (or timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    try:
        s.sendall(data)
        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
            if not until_close and b"\r\n\r\n" in out:
                resps = parse_responses(out)
                if resps:
                    break
        return out
    finally:
        s.close()


def raw_from(source, port, data, **kw):
    """raw() from another loopback address: another client, as the daemon sees it."""
    return raw(port, data, source=source, **kw)


def parse_responses(data, no_body=()):
    """Splits a byte stream into [(status, headers, body)] using Content-Length; the answers
    whose indexes are in no_body (to HEAD) have none."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.setdefault(k.strip().lower(), []).append(v.strip())
        if status == 100:
            data = rest
            continue
        n = 0 if len(out) in no_body else int(headers.get("content-length", ["0"])[0])
        out.append((status, headers, rest[:n]))
        data = rest[n:]
    return out


def status_of(data):
    r = parse_responses(data)
    return r[0][0] if r else None


class Web:
    """A browser-less visitor: keeps cookies, follows nothing on its own."""

    def __init__(self, port, address_header=None, source=None):
        self.port = port
        self.cookies = {}
        self.extra = address_header or {}
        self.source = (source, 0) if source else None  # another loopback address: another visitor

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                       source_address=self.source)
        h = dict(self.extra)
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            if isinstance(body, dict) or isinstance(body, list):
                body = urllib.parse.urlencode(body, doseq=True)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data.decode("utf-8", "replace")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, fields, **kw):
        return self.request("POST", path, body=fields, **kw)

    def follow(self, path, fields):
        """POST then GET the redirect; returns (post status, final status, final body)."""
        st, h, body = self.post(path, fields)
        if st == 303:
            loc = h["location"]
            st2, h2, body2 = self.get(loc)
            return st, st2, body2
        return st, st, body


def sign_in(port, url, name="Claire", password=None):
    """A visitor signed in to the link at url through its page's form (the password sent when
    given), checked to land on the link's page: (their client, the link's base path)."""
    w = Web(port)
    base = path_of(url)
    fields = {"csrf": csrf(w.get(base)[2]), "name": name}
    if password is not None:
        fields["password"] = password
    st, st2, body = w.follow(base + "/session", fields)
    assert (st, st2) == (303, 200), body
    return w, base


def csrf(page):
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "no CSRF token in the page"
    return m.group(1)


def path_of(url):
    return urllib.parse.urlsplit(url).path


def text(page):
    """The page's text, tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))
