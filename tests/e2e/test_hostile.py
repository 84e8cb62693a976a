"""Hostile input while a well-behaved client keeps working: garbage and oversized RPC frames,
HTTP heads too many and too long, smuggling attempts, slowloris on both sides, thousands of idle
connections, password guessing on a link, a login flood. After each: the daemon is alive, its
memory is back near where it started, and the store is intact.

Each test prints a FIGURES line (run with -s to see them; docs/hardening.md quotes them): the
well-behaved client's latency during the attack, memory before, at peak and after, and what was
held or refused. Timings are reported, never asserted: CI machines vary too much."""
import os
import re
import resource
import socket
import threading
import time

import msgpack
import pytest

from gltest import RpcError, wait_until
from helpers import count_closed, make_post, make_profile
from httputil import Web, csrf, parse_responses, path_of, raw, status_of

MIB = 1024


@pytest.fixture(scope="module", autouse=True)
def many_files():
    """Room for thousands of sockets in this process and in the daemons it starts."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 8192) if hard != resource.RLIM_INFINITY else 8192
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class Watch:
    """A well-behaved client on both sides (RPC post.get, HTTP calendar page) in a loop, timing
    each round trip, and the daemon's RSS sampled as it goes."""

    def __init__(self, daemon, client, pid, page):
        self.daemon, self.client, self.pid, self.page = daemon, client, pid, page
        self.lat, self.errors = [], []
        self.rss_before = daemon.rss_kib()
        self.rss_peak = self.rss_before
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        # From its own address: the attacks come from 127.0.0.1, and a visitor who shares the
        # attacker's address may lose a connection that has not sent its request yet.
        web = Web(self.daemon.http_port, source="127.0.0.3")
        while not self.stop_flag.is_set():
            t0 = time.monotonic()
            try:
                assert self.client.call("post.get", id=self.pid)["id"] == self.pid
                st = web.get(self.page)[0]
                assert st == 200, st
            except Exception as e:  # noqa: BLE001  (reported, then asserted empty)
                self.errors.append(repr(e))
            self.lat.append(time.monotonic() - t0)
            self.rss_peak = max(self.rss_peak, self.daemon.rss_kib())
            self.stop_flag.wait(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join(30)

    def report(self, name, **extra):
        lat = sorted(self.lat) or [0]
        after = self.daemon.rss_kib()
        fig = dict(rounds=len(self.lat), p50_ms=round(lat[len(lat) // 2] * 1000, 1),
                   p99_ms=round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1),
                   max_ms=round(lat[-1] * 1000, 1), rss_before_mib=round(self.rss_before / MIB, 1),
                   rss_peak_mib=round(self.rss_peak / MIB, 1), rss_after_mib=round(after / MIB, 1),
                   **extra)
        print(f"\nFIGURES {name}: " + " ".join(f"{k}={v}" for k, v in fig.items()))
        assert not self.errors, self.errors[:5]
        assert self.lat, "the well-behaved client never got through"
        return after


@pytest.fixture
def world(daemon):
    """A profile with posts, a calendar link, and a logged-in client with its own post."""
    c = daemon.client()
    prof = make_profile(c)
    pids = [make_post(c, prof, s) for s in ("draft", "awaiting_approval", "scheduled")]
    link = c.call("link.create", profile=prof, kind="calendar")
    w = type("World", (), {})()
    w.client, w.prof, w.pids, w.link, w.page = c, prof, pids, link, path_of(link["url"])
    w.snapshot = snapshot(c, prof)
    watcher = daemon.client()
    w.watch = lambda: Watch(daemon, watcher, pids[1], w.page)
    return w


def snapshot(c, prof):
    posts = c.call("post.list", profile=prof)["posts"]
    return sorted((p["id"], p["status"], p["revision"], p["caption"]) for p in posts)


def instrumented(pid):
    """ASAN keeps freed memory in quarantine (256 MiB) and valgrind has its own: RSS then
    measures the tool as much as the daemon."""
    try:
        with open(f"/proc/{pid}/maps") as f:
            maps = f.read()
        return "libasan" in maps or "vgpreload" in maps or "valgrind" in maps
    except OSError:
        return False


def intact(daemon, world, rss_before, slack_mib=48, fresh_login=True):
    """Alive, memory back near where it started (the allocator may keep some), store unchanged."""
    assert daemon.alive(), daemon.log_tail()
    if instrumented(daemon.proc.pid):
        slack_mib += 320
    limit = rss_before + slack_mib * MIB
    wait_until(lambda: daemon.rss_kib() < limit, timeout=20,
               what=f"RSS back under {limit // MIB} MiB (now {daemon.rss_kib() // MIB})")
    c = daemon.client() if fresh_login else world.client
    assert snapshot(c, world.prof) == world.snapshot
    assert c.call("server.ping")["now"] > 0


def closed_by_peer(s, timeout):
    """True when the daemon closes s within timeout (whatever it answered first)."""
    s.settimeout(timeout)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


# ---- RPC ----

def test_garbage_truncated_oversized_and_nested_frames(daemon, world):
    refused = 0
    with world.watch() as w:
        for i in range(60):
            s = socket.create_connection(("127.0.0.1", daemon.rpc_port))
            kind = i % 6
            if kind == 0:  # 0xc1 is never MessagePack: random bytes behind it
                s.sendall(b"\xc1" + os.urandom(3000))
            elif kind == 1:  # truncated: half a login frame, then gone
                s.sendall(msgpack.packb([0, 1, "auth.login", [{"user": "admin"}]])[:9])
                s.close()
                continue
            elif kind == 2:  # over the 4 KiB limit before login
                s.sendall(msgpack.packb([0, 1, "auth.login", [{"user": "a", "password": "x" * 9000}]]))
            elif kind == 3:  # deeper than 8
                s.sendall(b"\x94\x00\x01\xabserver.ping\x91" + b"\x91" * 100 + b"\xc0")
            elif kind == 4:  # a count no frame could hold
                s.sendall(b"\xdd\x7f\xff\xff\xff" + b"\x00" * 100)
            else:  # a million tiny elements, claimed and partly sent
                s.sendall(b"\x94\x00\x01\xa9post.list\x91\x81\xa1x\xdd\x00\x0f\x42\x40" + b"\x00" * 3000)
            refused += closed_by_peer(s, 10)
            s.close()
        # After login: 13 MiB (over 12), and 200,000 tiny elements (over 100,000).
        big = world.client.__class__("127.0.0.1", daemon.rpc_port)
        big.call("auth.login", user="admin", password=daemon.admin_password)
        big.send_raw(msgpack.packb([0, 2, "post.create", [{"caption": "x" * (13 << 20)}]]))
        msg = big.read_message()
        assert msg[2]["code"] == "too_large"
        big.close()
        many = world.client.__class__("127.0.0.1", daemon.rpc_port)
        many.call("auth.login", user="admin", password=daemon.admin_password)
        many.send_raw(msgpack.packb([0, 3, "post.list", [{"x": [0] * 200000}]]))
        assert many.read_message()[2]["code"] == "too_large"
        many.close()
    assert refused == 50, "every hostile connection was closed by the daemon"
    before = w.rss_before
    w.report("frames", hostile_connections=60, closed_by_daemon=refused)
    intact(daemon, world, before)


def test_login_flood(daemon, world):
    """300 wrong logins from 30 connections, each from its own address (one address keeps only
    8 connections that have not logged in): refused (unauthorized, then rate_limited), the hash
    queue bounded, and nobody else notices."""
    from gltest import RpcClient
    codes = {}
    waits = []
    lock = threading.Lock()

    def flood(i):
        source = f"127.0.2.{i + 1}"
        c = RpcClient("127.0.0.1", daemon.rpc_port, source=source)
        for _ in range(10):
            while True:
                try:
                    c.call("auth.login", user="admin", password="not the password")
                except RpcError as e:
                    with lock:
                        codes[e.code] = codes.get(e.code, 0) + 1
                        m = re.search(r"retry in (-?\d+) s", e.message)
                        if m:
                            waits.append(int(m.group(1)))
                    break
                except (ConnectionError, OSError):
                    # Failed logins are slowed down, so a connection still not logged in at
                    # the login timeout is closed between two attempts: come back, as a
                    # guesser would.
                    with lock:
                        codes["closed"] = codes.get("closed", 0) + 1
                    c.close()
                    c = RpcClient("127.0.0.1", daemon.rpc_port, source=source)
        c.close()

    with world.watch() as w:
        threads = [threading.Thread(target=flood, args=(i,)) for i in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    answered = codes.get("unauthorized", 0) + codes.get("rate_limited", 0)
    assert answered == 300 and set(codes) <= {"unauthorized", "rate_limited", "closed"}, codes
    assert codes.get("rate_limited", 0) > 0
    # Regression: the limit's clock read 0 at admission, so the window never ended and the
    # answer said "retry in 1795333940 s".
    assert waits and all(0 < x <= 300 for x in waits), sorted(set(waits))[:5]
    w.report("login_flood", attempts=300, **{f"refused_{k}": v for k, v in codes.items()})
    # admin is locked out for five minutes now: check with the clients logged in.
    intact(daemon, world, w.rss_before, fresh_login=False)


# ---- HTTP ----

HEAD_ABUSE = [
    ("too_many_headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
     b"".join(b"X-%d: y\r\n" % i for i in range(60)) + b"\r\n", {431}),
    ("header_too_long", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
     {431}),
    ("url_too_long", b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414}),
    ("cl_and_te", b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    ("te_and_cl", b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"Content-Length: 5\r\n\r\n0\r\n\r\n", {400}),
    ("duplicate_cl", b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
     b"Content-Length: 6\r\n\r\nhello!", {400}),
    ("duplicate_cl_same", b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
     b"Content-Length: 5\r\n\r\nhello", {400}),
    ("te_not_chunked", b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
     b"\r\n0\r\n\r\n", {400}),
    ("two_te", b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400}),
    ("te_obs_fold", b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"
     b"0\r\n\r\n", {400}),
    ("bare_lf", b"GET /healthz HTTP/1.1\nHost: x\n\n", {400}),
    ("space_before_colon", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc",
     {400}),
    ("two_hosts", b"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", {400}),
    ("body_too_large", b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n",
     {413}),
    ("nul_in_header", b"GET /healthz HTTP/1.1\r\nHost: x\x00y\r\n\r\n", {400}),
]


def test_http_head_abuse_and_smuggling(daemon, world):
    statuses = {}
    with world.watch() as w:
        for _ in range(5):
            for name, req, want in HEAD_ABUSE:
                out = raw(daemon.http_port, req, timeout=10)
                resps = parse_responses(out)
                # Exactly one answer, the refusal: nothing smuggled behind it was served.
                assert len(resps) == 1 and resps[0][0] in want, (name, out[:300])
                statuses[resps[0][0]] = statuses.get(resps[0][0], 0) + 1
    w.report("http_heads", requests=5 * len(HEAD_ABUSE),
             **{f"refused_{k}": v for k, v in sorted(statuses.items())})
    intact(daemon, world, w.rss_before)


def test_form_and_query_fields_without_equals_sign(daemon, world):
    """Regression (found by fuzz_http): a form or query field without '=' made the form parser
    write into a string literal, and the daemon died on a plain GET /l/TOKEN?x."""
    base = world.page
    assert status_of(raw(daemon.http_port, b"GET " + base.encode() +
                         b"?x&month HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")) == 200
    link = world.client.call("link.create", profile=world.prof, kind="collab", password="pw for the test")
    w = Web(daemon.http_port)
    page = path_of(link["url"])
    token = csrf(w.get(page)[2])
    st, _, _ = w.request("POST", page + "/session", body=f"csrf={token}&name&password")
    assert st in (401, 422)
    assert daemon.alive()
    assert Web(daemon.http_port).get(base)[0] == 200


def test_slowloris_rpc_and_http(daemon, world):
    """Connections that dribble a byte a second: HTTP ones get 408 within the 10 s request
    timeout, RPC ones by the 10 s login timeout or, past 8 from the address, as newer ones come.
    Meanwhile others are served."""
    http_socks = [socket.create_connection(("127.0.0.1", daemon.http_port)) for _ in range(40)]
    rpc_socks = [socket.create_connection(("127.0.0.1", daemon.rpc_port)) for _ in range(40)]
    http_req = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 100
    rpc_req = msgpack.packb([0, 1, "auth.login", [{"user": "admin", "password": "y" * 100}]])
    alive = {id(s): s for s in http_socks + rpc_socks}
    http_status = {}
    closed_at = {}
    t0 = time.monotonic()
    with world.watch() as w:
        i = 0
        while alive and time.monotonic() - t0 < 45:
            for s in list(alive.values()):
                data = http_req if s in http_socks else rpc_req
                try:
                    s.sendall(data[i % len(data):i % len(data) + 1])
                except OSError:
                    pass
                s.setblocking(False)
                try:
                    chunk = s.recv(65536)
                    if chunk and s in http_socks:
                        http_status[id(s)] = status_of(chunk)
                    if not chunk:
                        closed_at[id(s)] = time.monotonic() - t0
                        del alive[id(s)]
                except BlockingIOError:
                    pass
                except OSError:
                    closed_at[id(s)] = time.monotonic() - t0
                    del alive[id(s)]
                s.setblocking(True)
            i += 1
            w.stop_flag.wait(1.0)  # the dribble's pace, not a wait for a condition
    assert not alive, f"{len(alive)} slow connections were never closed"
    assert set(http_status.values()) == {408}, http_status
    http_t = [closed_at[id(s)] for s in http_socks]
    rpc_t = [closed_at[id(s)] for s in rpc_socks]
    w.report("slowloris", http_conns=40, http_closed_after_s=f"{min(http_t):.0f}-{max(http_t):.0f}",
             rpc_conns=40, rpc_closed_after_s=f"{min(rpc_t):.0f}-{max(rpc_t):.0f}")
    for s in http_socks + rpc_socks:
        s.close()
    intact(daemon, world, w.rss_before)


def test_thousands_of_idle_connections(daemon, world):
    """2000 idle HTTP connections and 1100 idle RPC ones, all from one address (64 HTTP and 8
    anonymous RPC connections per address: the oldest idle ones are closed as new ones come);
    the clients already connected keep working and a new HTTP request is answered."""
    with world.watch() as w:
        http_socks = [socket.create_connection(("127.0.0.1", daemon.http_port))
                      for _ in range(2000)]
        rpc_socks = [socket.create_connection(("127.0.0.1", daemon.rpc_port)) for _ in range(1100)]
        # Logged in already, world's client and the watcher are not in the anonymous pool.
        held_max = 8

        refused = wait_until(lambda: (lambda n: n if n >= 1100 - held_max else 0)(
            count_closed(rpc_socks)),
                             timeout=30, what="the RPC connections over the cap closed")
        assert refused >= 1100 - held_max, refused  # the login timeout may have closed more
        # The HTTP side holds 64 of them and still answers a new request.
        assert status_of(raw(daemon.http_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                               b"Connection: close\r\n\r\n")) == 200
        peak = daemon.rss_kib()
        w.rss_peak = max(w.rss_peak, peak)
        for s in http_socks + rpc_socks:
            s.close()
    w.report("idle_connections", http_opened=2000, http_held_max=64, rpc_opened=1100,
             rpc_closed=refused)
    wait_until(lambda: daemon.client() is not None, what="RPC accepting again")
    intact(daemon, world, w.rss_before)


def test_password_guessing_on_a_link(daemon, world):
    """Guessing a collab link's password from one address: ten failures, then 429 for all."""
    link = world.client.call("link.create", profile=world.prof, kind="collab",
                             password="the real password")
    page = path_of(link["url"])
    statuses = {}
    with world.watch() as w:
        web = Web(daemon.http_port)
        token = csrf(web.get(page)[2])
        for i in range(60):
            st = web.post(page + "/session", {"csrf": token, "name": "Mallory",
                                              "password": f"guess {i}"})[0]
            statuses[st] = statuses.get(st, 0) + 1
    assert statuses.get(401) == 10 and statuses.get(429) == 50, statuses
    w.report("password_guessing", attempts=60, refused_401=statuses[401],
             refused_429=statuses[429])
    intact(daemon, world, w.rss_before)


# ---- resource limits ----

def fill_until_unavailable(c, prof, limit=2000, size=9000):
    """Writes posts with large captions until the store refuses; returns the ids written."""
    ids = []
    for i in range(limit):
        try:
            ids.append(c.call("post.create", profile=prof, caption=f"{i} " + "x" * size,
                              platforms=["x"])["id"])
        except RpcError as e:
            assert e.code == "unavailable", e
            assert e.message == STORE_FULL, e.message
            return ids
    pytest.fail(f"{limit} large posts and the store never filled")


# What a writer hears when the map is at its ceiling or the disk is full or failing (it heard
# "store error: Input/output error" from a full tmpfs).
STORE_FULL = "the store is full or the disk failed; nothing was written"


def refusals_logged_once(d):
    """Each episode of refused writes is logged once with its cause, not once per write."""
    assert d.log_tail(2000).count("store: writes refused") == 1, d.log_tail(60)


def check_cmd(data_dir):
    import subprocess
    from gltest import BIN_DIR
    r = subprocess.run([os.path.join(BIN_DIR, "greenlightd"), "check", "--data", data_dir],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_writers_racing_a_growing_map_are_all_answered(tmpdir_path, monkeypatch):
    """A 1 MiB map with no ceiling and 16 connections creating posts at once: the map grows
    several times under them. A commit can need room past the map itself (the free list it
    writes); it grows the map and runs its writes again, so no writer is ever refused."""
    from gltest import Daemon
    monkeypatch.setenv("GREENLIGHT_MAP_SIZE_MIB", "1")
    data = os.path.join(tmpdir_path, "data")
    d = Daemon(data).start()
    try:
        prof = make_profile(d.client())
        writers, per_writer = 16, 120
        clients = [d.client() for _ in range(writers)]
        made, refused = [], []

        def write(n):
            for i in range(per_writer):
                try:
                    made.append(clients[n].call("post.create", profile=prof, platforms=["x"],
                                                caption=f"{n}-{i} " + "x" * 3000)["id"])
                except RpcError as e:
                    refused.append(e)
                    return

        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log = d.log()
        assert not refused, (refused[:3], log[-2000:])
        assert log.count("map grown") >= 2 and "writes refused" not in log
        listed = clients[0].call("post.list", profile=prof)["posts"]
        assert sorted(p["id"] for p in listed) == sorted(made)
        assert len(made) == writers * per_writer
        assert d.stop() == 0
        check_cmd(data)
    finally:
        d.stop()


def test_full_map_answers_unavailable_and_stays_readable(tmpdir_path, monkeypatch):
    """A 1 MiB map that may grow to 4 MiB (GREENLIGHT_MAP_SIZE_MIB, GREENLIGHT_MAP_MAX_MIB):
    writes go on while it grows, then answer unavailable; reads, the other connections and a
    restart without the ceiling all work, and nothing half-written is left."""
    from gltest import Daemon
    monkeypatch.setenv("GREENLIGHT_MAP_SIZE_MIB", "1")
    monkeypatch.setenv("GREENLIGHT_MAP_MAX_MIB", "4")
    data = os.path.join(tmpdir_path, "data")
    d = Daemon(data).start()
    try:
        c = d.client()
        prof = make_profile(c)
        ids = fill_until_unavailable(c, prof)
        assert len(ids) > 100, len(ids)  # the map grew past 1 MiB before it was full
        with pytest.raises(RpcError) as e:  # an 8 MiB image cannot fit either
            c.call("media.upload", name="big.png", type="image/png",
                   data=b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * (4 << 20))
        assert e.value.code in ("unavailable", "bad_request"), e.value
        for _ in range(3):  # refused again, and not logged again
            with pytest.raises(RpcError) as e:
                c.call("post.create", profile=prof, caption="y" * 9000, platforms=["x"])
            assert e.value.message == STORE_FULL, e.value
        refusals_logged_once(d)
        assert d.alive()
        listed = [p["id"] for p in c.call("post.list", profile=prof)["posts"]]
        assert sorted(listed) == sorted(ids)
        other = d.client()
        assert other.call("post.get", id=ids[-1])["caption"].startswith(f"{len(ids) - 1} ")
        assert "map grown" in d.log_tail(400)
        assert d.stop() == 0
        check_cmd(data)
        monkeypatch.delenv("GREENLIGHT_MAP_MAX_MIB")
        d.start()
        c = d.client()
        more = c.call("post.create", profile=prof, caption="after the ceiling", platforms=["x"])
        assert c.call("post.get", id=more["id"])["caption"] == "after the ceiling"
        print(f"\nFIGURES full_map: posts_before_full={len(ids)} map_mib=1..4")
    finally:
        assert d.stop() == 0, d.log_tail()


def test_full_disk_answers_unavailable_and_stays_readable(tmpdir_path):
    """The store on a 3 MiB tmpfs: writes answer unavailable once the disk is full, the daemon
    keeps serving reads, and the store is consistent afterwards."""
    import subprocess
    from gltest import Daemon
    data = os.path.join(tmpdir_path, "data")
    os.makedirs(data)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs",
                                            data], capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        d = Daemon(data).start()
        try:
            c = d.client()
            prof = make_profile(c)
            ids = fill_until_unavailable(c, prof)
            assert ids
            for _ in range(5):  # and again: refused each time, never an abort
                with pytest.raises(RpcError) as e:
                    c.call("post.create", profile=prof, caption="y" * 9000, platforms=["x"])
                assert e.value.code == "unavailable"
                assert e.value.message == STORE_FULL, e.value
            refusals_logged_once(d)
            assert d.alive()
            listed = sorted(p["id"] for p in c.call("post.list", profile=prof)["posts"])
            assert listed == sorted(ids)
            assert d.client().call("post.get", id=ids[0])["status"] == "draft"
            print(f"\nFIGURES full_disk: posts_before_full={len(ids)} tmpfs_mib=3")
        finally:
            assert d.stop() == 0, d.log_tail()
        check_cmd(data)
    finally:
        subprocess.run(["umount", data], check=False)
