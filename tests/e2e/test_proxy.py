"""TLS behind a reverse proxy, for real: Debian's nginx with a self-signed certificate in front
of the daemon (the configuration of docs/proxy.md). Through it the link pages load, the session
cookie carries Secure, and the address in a decision's receipt comes from X-Forwarded-For, only
because the proxy is trusted; sent straight to the daemon, the same header is not believed."""
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse

import pytest

from gltest import Daemon, wait_until
from helpers import make_post, make_profile
from httputil import csrf

pytestmark = pytest.mark.skipif(not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"))
                                or not shutil.which("openssl"),
                                reason="needs nginx-light and openssl (scripts/install-deps.sh test)")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """\
{user}
worker_processes 1;
pid {p}/nginx.pid;
error_log {p}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {p}/access.log;
    client_body_temp_path {p}/tmp/body;
    proxy_temp_path {p}/tmp/proxy;
    fastcgi_temp_path {p}/tmp/fastcgi;
    uwsgi_temp_path {p}/tmp/uwsgi;
    scgi_temp_path {p}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {p}/cert.pem;
        ssl_certificate_key {p}/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """Keeps cookies; speaks HTTPS to the proxy or HTTP to the daemon, from a chosen loopback
    source address so the test can tell who the daemon believes the client is."""

    def __init__(self, port, tls, source):
        self.port, self.tls, self.source = port, tls, source
        self.cookies, self.set_cookies = {}, []

    def request(self, method, path, fields=None, headers=None):
        if self.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            c = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=ctx,
                                            source_address=(self.source, 0))
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                           source_address=(self.source, 0))
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                self.set_cookies.append(v)
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data


@pytest.fixture
def proxied(tmpdir_path):
    prefix = os.path.join(tmpdir_path, "nginx")
    os.makedirs(os.path.join(prefix, "tmp"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", os.path.join(prefix, "key.pem"),
                    "-out", os.path.join(prefix, "cert.pem")], check=True, capture_output=True)
    port = free_port()
    d = Daemon(os.path.join(tmpdir_path, "data"),
               ["--public-url", "https://127.0.0.1:%d" % port, "--trusted-proxy", "127.0.0.1"])
    d.start()
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(p=prefix, port=port, upstream=d.http_port,
                                  user="user root;" if os.geteuid() == 0 else ""))
    ng = subprocess.Popen([NGINX, "-c", conf, "-p", prefix, "-g", "daemon off;"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def listening():
        if ng.poll() is not None:
            raise RuntimeError("nginx exited: " + ng.stderr.read().decode())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    try:
        wait_until(listening, timeout=15, what="nginx listening")
        yield d, port
    finally:
        ng.terminate()
        ng.wait(15)
        assert d.stop() == 0


def test_links_through_tls_proxy(proxied):
    d, port = proxied
    admin = d.client()
    p = make_profile(admin)
    a = make_post(admin, p, "awaiting_approval", caption="via the proxy", at=int(time.time()) + 86400)
    b = make_post(admin, p, "awaiting_approval", caption="straight in", at=int(time.time()) + 2 * 86400)
    link = admin.call("link.create", profile=p, kind="collab", password="open sesame")
    assert link["url"].startswith("https://127.0.0.1:%d/l/" % port)
    base = urllib.parse.urlsplit(link["url"]).path

    # Through nginx, from 127.0.0.2, with a forged X-Forwarded-For the proxy appends to.
    w = Client(port, True, "127.0.0.2")
    forged = {"X-Forwarded-For": "198.51.100.7"}
    st, _, page = w.request("GET", base, headers=forged)
    assert st == 200 and 'name="csrf"' in page
    st, h, _ = w.request("POST", base + "/session", {"csrf": csrf(page), "name": "Paula",
                                                     "password": "open sesame"}, forged)
    assert st == 303
    session = [c for c in w.set_cookies if c.startswith("gl_s=")]
    assert session and "Secure" in [x.strip() for x in session[-1].split(";")]
    assert "HttpOnly" in session[-1]
    st, _, detail = w.request("GET", "%s/p/%d" % (base, a), headers=forged)
    assert st == 200 and "via the proxy" in detail
    st, _, _ = w.request("POST", "%s/p/%d" % (base, a), {"csrf": csrf(detail), "rev": "1",
                                                         "action": "approve"}, forged)
    assert st == 303
    got = [e for e in admin.call("post.history", id=a)["history"] if e["type"] == "approved"]
    # nginx's address (127.0.0.1) is trusted, so the address it saw is believed; the forged
    # entry before it is not.
    assert got and got[-1]["address"] == "127.0.0.2", got

    # Straight to the daemon from 127.0.0.3: the peer is not a trusted proxy, so the
    # X-Forwarded-For it sends is not believed.
    direct = Client(d.http_port, False, "127.0.0.3")
    direct.cookies = dict(w.cookies)
    st, _, detail = direct.request("GET", "%s/p/%d" % (base, b), headers=forged)
    assert st == 200
    st, _, _ = direct.request("POST", "%s/p/%d" % (base, b),
                              {"csrf": csrf(detail), "rev": "1", "action": "reject",
                               "note": "no"}, {"X-Forwarded-For": "198.51.100.7, 127.0.0.2"})
    assert st == 303
    got = [e for e in admin.call("post.history", id=b)["history"] if e["type"] == "rejected"]
    assert got and got[-1]["address"] == "127.0.0.3", got


def test_browser_through_tls_proxy(proxied, tmpdir_path):
    """The browser test's sign-in and approval, in headless chromium, through nginx."""
    selenium = pytest.importorskip("selenium")  # noqa: F841
    if not (os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")):
        pytest.skip("chromium and chromedriver are needed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from test_browser import press, sign_in

    d, port = proxied
    admin = d.client()
    p = make_profile(admin)
    a = make_post(admin, p, "awaiting_approval", caption="approve me over TLS",
                  at=int(time.time()) + 86400)
    link = admin.call("link.create", profile=p, kind="approval", approver="Claire")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--ignore-certificate-errors", "--no-first-run", "--disable-sync",
                "--user-data-dir=" + os.path.join(tmpdir_path, "chromium")):
        opts.add_argument(arg)
    b = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        b.set_page_load_timeout(30)
        sign_in(b, link["url"], password=link["password"])
        assert b.current_url.startswith("https://127.0.0.1:%d/" % port)
        cookie = b.get_cookie("gl_s")
        assert cookie and cookie["secure"] and cookie["httpOnly"]
        b.get("%s/p/%d" % (link["url"], a))
        assert "approve me over TLS" in b.find_element(By.TAG_NAME, "body").text
        press(b, "approve")
        assert "approved" in b.find_element(By.TAG_NAME, "body").text.lower()
    finally:
        b.quit()
    assert admin.call("post.get", id=a)["status"] in ("approved", "scheduled")
    got = [e for e in admin.call("post.history", id=a)["history"] if e["type"] == "approved"]
    assert got and got[-1]["actor"] == "Claire" and got[-1]["address"] == "127.0.0.1"
