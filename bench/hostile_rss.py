#!/usr/bin/python3
"""The hostile-input figures of docs/hardening.md: the daemon's RSS before, at the peak of and
after each attack, and how long a staff login (a new connection and auth.login) takes while it
is held. Runs a real daemon on ephemeral loopback ports with a temporary data directory.

Attacks: 1,030 idle anonymous RPC sockets (from one address, then spread over 129), 2,100 idle
HTTP sockets from one address, 8 and then 64 logged-in viewers pipelining media.get of an 8 MiB
image without reading, 60 visitors asking a link for that image without reading, and 300 wrong
logins from 30 connections.

The peak is the kernel's VmHWM, reset just before the attack (clear_refs, needs root or the
daemon's owner) and read before the staff logins (each login's argon2id takes 64 MiB of its own).

Usage: bench/hostile_rss.py [BIN_DIR] [--only NAME]"""
import argparse
import os
import resource
import socket
import statistics
import sys
import tempfile
import time

import msgpack

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("GL_BIN", os.path.join(ROOT, "bin"))

MIB = 1 << 20
IMAGE = b"\x89PNG\r\n\x1a\n" + b"\0" * (8 * MIB - 8)


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def logins(d, n=5):
    """n staff logins on fresh connections: their latencies in ms (a refused one is None)."""
    from gltest import RpcClient
    out = []
    for _ in range(n):
        t0 = time.monotonic()
        try:
            c = RpcClient("127.0.0.1", d.rpc_port, timeout=60)
            c.call("auth.login", user="admin", password=d.admin_password)
            out.append((time.monotonic() - t0) * 1000)
            c.close()
        except Exception:  # noqa: BLE001  (a refused login is a figure too)
            out.append(None)
    return out


def round_trips(c, n=2):
    """Round trips on a logged-in connection and to the HTTP side: what was sent before them
    has been read and answered as far as it will be."""
    from httputil import raw_from
    for _ in range(n):
        c.call("server.ping")
        raw_from("127.0.5.1", c.http_port,
                 b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")


def idle_rpc(d, spread):
    socks = []
    for i in range(1030):
        s = socket.socket()
        if spread:
            s.bind((f"127.0.1.{2 + i // 8}", 0))
        s.connect(("127.0.0.1", d.rpc_port))
        socks.append(s)
    return f"1,030 idle RPC sockets, {'129 addresses' if spread else 'one address'}", socks


def idle_http(d):
    socks = [socket.create_connection(("127.0.0.1", d.http_port)) for _ in range(2100)]
    return "2,100 idle HTTP sockets, one address", socks


def slow_viewers(d, media_id, n):
    viewers = [d.client() for _ in range(n)]
    frame = b"".join(msgpack.packb([0, 1000 + i, "media.get", [{"id": media_id}]])
                     for i in range(200))
    return viewers, frame


def login_guesses(d):
    """300 wrong logins from 30 connections, pipelined 10 each, every answer awaited (so the
    peak covers the hashing); the staff logins then come while the rate limits hold."""
    from gltest import RpcClient
    conns = [RpcClient("127.0.0.1", d.rpc_port, timeout=120) for _ in range(30)]
    for i, c in enumerate(conns):
        c.send_raw(b"".join(msgpack.packb([0, j, "auth.login",
                                           [{"user": "admin", "password": f"guess{i}-{j}"}]])
                            for j in range(10)))
    for c in conns:
        for _ in range(10):
            if c.read_message() is None:
                break
    return conns


def measure(name, d, probe, attack, release):
    """Runs attack(), reads the peak, times logins, runs release(); prints one table row."""
    pid = d.proc.pid
    round_trips(probe)
    before = status_kib(pid, "VmRSS")
    reset_peak(pid)
    label, held = attack()
    round_trips(probe)
    peak = status_kib(pid, "VmHWM")
    lat = logins(d)
    release(held)
    round_trips(probe)
    after = status_kib(pid, "VmRSS")
    ok = [x for x in lat if x is not None]
    lat_s = (f"{statistics.median(ok):.0f} / {max(ok):.0f} ms" if ok else "none") + \
        (f", {len(lat) - len(ok)} of {len(lat)} refused" if len(ok) < len(lat) else "")
    print(f"| {label} | {before / 1024:.1f} → {peak / 1024:.1f} → {after / 1024:.1f} MiB "
          f"| {lat_s} |", flush=True)
    return name


def close_all(socks):
    for s in socks:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir", nargs="?", default=os.environ["GL_BIN"])
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    os.environ["GL_BIN"] = os.path.abspath(args.bin_dir)
    import gltest
    gltest.BIN_DIR = os.environ["GL_BIN"]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 16384), hard))
    with tempfile.TemporaryDirectory(prefix="gl-bench-") as tmp:
        d = gltest.Daemon(os.path.join(tmp, "data"))
        d.bin_dir = gltest.BIN_DIR
        d.start()
        try:
            admin = d.client()
            probe = d.client()
            probe.http_port = d.http_port
            media_id = admin.call("media.upload", name="big.png", type="image/png",
                                  data=IMAGE)["id"]
            print(f"daemon: {d.bin_dir}/greenlightd")
            print("| attack | RSS before → peak → after | staff login p50 / max during it |")
            print("|---|---|---|")
            runs = {
                "idle_rpc": lambda: measure("idle_rpc", d, probe, lambda: idle_rpc(d, False),
                                            close_all),
                "idle_rpc_spread": lambda: measure("idle_rpc_spread", d, probe,
                                                   lambda: idle_rpc(d, True), close_all),
                "idle_http": lambda: measure("idle_http", d, probe, lambda: idle_http(d),
                                             close_all),
            }
            for n in (8, 64):
                def attack(n=n):
                    viewers, frame = slow_viewers(d, media_id, n)
                    reset_peak(d.proc.pid)  # their logins are not the attack
                    for v in viewers:
                        v.sock.sendall(frame)
                    return f"{n} viewers pipelining 200 media.get of 8 MiB, not reading", viewers
                runs[f"slow_{n}"] = lambda attack=attack, n=n: measure(
                    f"slow_{n}", d, probe, attack, lambda vs: [v.close() for v in vs])

            from helpers import make_post, make_profile
            from httputil import path_of
            prof = make_profile(admin)
            pid = make_post(admin, prof, "scheduled", at=int(time.time()) + 86400)
            admin.call("post.update", id=pid, media=[media_id])
            link = admin.call("link.create", profile=prof, kind="calendar")
            image_req = (f"GET {path_of(link['url'])}/p/{pid}/m/{media_id} HTTP/1.1\r\n"
                         "Host: x\r\n\r\n").encode()

            def http_readers():
                socks = []
                for i in range(60):
                    s = socket.create_connection(("127.0.0.1", d.http_port),
                                                 source_address=(f"127.0.3.{1 + i}", 0))
                    s.sendall(image_req)
                    socks.append(s)
                return "60 visitors asking a link for the 8 MiB image, not reading", socks
            runs["slow_http"] = lambda: measure("slow_http", d, probe, http_readers, close_all)

            def guesses():
                return "300 wrong logins from 30 connections", login_guesses(d)

            runs["login_guesses"] = lambda: measure("login_guesses", d, probe, guesses,
                                                    lambda cs: [c.close() for c in cs])
            for name, run in runs.items():
                if args.only and name != args.only:
                    continue
                run()
        finally:
            d.stop()


if __name__ == "__main__":
    main()
