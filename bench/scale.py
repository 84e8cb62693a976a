#!/usr/bin/python3
"""Scale figures of bench/README.md on a copy of a filled bench store: the daemon's time from
exec to its 'ready' line, its RSS and private memory idle, then with N signed-in link visitors
each holding a kept-alive HTTP connection (sessions in the store, connections in the daemon).

Usage: bench/scale.py BIN_DIR STORE_DIR [N [STARTS]]   (STORE_DIR: bench/out/store-..., as run.sh
or scale.sh fills). With STARTS (1), the daemon is started and stopped STARTS - 1 times first on
the same copy; start_to_ready_s is the median of the STARTS starts, starts_s lists them."""
import os
import shutil
import statistics
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from glrpc import RpcClient  # noqa: E402


def memory(pid):
    """(RSS, private, anonymous, the store's private) in KiB, from smaps_rollup and smaps.
    Private counts every page no other process maps: the daemon's heap and stacks (anonymous),
    the store's mapped pages (data.mdb: page cache, read in as the daemon reads or LMDB writes
    them) and the program's and its libraries' pages when no other process maps them too."""
    f = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":"):
            f[parts[0][:-1]] = int(parts[1])
    store, path = 0, ""
    for line in open(f"/proc/{pid}/smaps"):
        parts = line.split()
        if parts and not parts[0].endswith(":"):
            path = parts[5] if len(parts) > 5 else ""
        elif path.endswith("/data.mdb") and parts[0] in ("Private_Clean:", "Private_Dirty:"):
            store += int(parts[1])
    return (f.get("Rss", 0), f.get("Private_Clean", 0) + f.get("Private_Dirty", 0),
            f.get("Anonymous", 0), store)


def http(sock, req):
    """Sends one request on a kept-alive socket and reads one answer (Content-Length framed)."""
    sock.sendall(req)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?i)content-length: *(\d+)", head)
    n = int(m.group(1)) if m else 0
    while len(body) < n:
        body += sock.recv(65536)
    return head.decode("latin-1"), body.decode("utf-8", "replace")


def start(bin_dir, work):
    """Starts the daemon on work/data: (process, {"rpc": port, "http": port}, seconds from exec
    to its 'ready' line)."""
    t0 = time.monotonic()
    d = subprocess.Popen([os.path.join(bin_dir, "greenlightd"), "--data",
                          os.path.join(work, "data"), "--rpc", "127.0.0.1:0", "--http",
                          "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    ports = {}
    for line in d.stdout:
        line = line.strip()
        if line == "ready":
            break
        kind, _, addr = line.partition(" ")
        if kind in ("rpc", "http"):
            ports[kind] = int(addr.rpartition(":")[2])
    else:
        sys.exit(f"scale.py: greenlightd exited before 'ready' (status {d.wait()})")
    return d, ports, time.monotonic() - t0


def main():
    bin_dir, store = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    nstarts = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    work = tempfile.mkdtemp(prefix="glscale.")
    d = None
    try:
        shutil.copytree(os.path.join(store, "data"), os.path.join(work, "data"))
        starts = []
        for k in range(nstarts):
            d, ports, secs = start(bin_dir, work)
            starts.append(secs)
            if k < nstarts - 1:
                d.terminate()
                d.wait(60)
        start_s = statistics.median(starts)
        rss0, priv0, anon0, store0 = memory(d.pid)
        pw = open(os.path.join(work, "data", "initial-admin-password")).read().strip()
        c = RpcClient("127.0.0.1", ports["rpc"])
        c.call("auth.login", user="admin", password=pw)
        prof = c.call("profile.list")["profiles"][0]["id"]
        url = c.call("link.create", profile=prof, kind="collab")["url"]
        base = urllib.parse.urlsplit(url).path
        socks = []
        for i in range(n):
            # At most 64 connections per address: spread over 127.0.0.2.. as other visitors.
            s = socket.create_connection(("127.0.0.1", ports["http"]), timeout=30,
                                         source_address=(f"127.0.{1 + i // 60}.{2 + i % 60}", 0))
            host = f"Host: 127.0.0.1\r\n"
            _, page = http(s, f"GET {base} HTTP/1.1\r\n{host}\r\n".encode())
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            form = urllib.parse.urlencode({"csrf": token, "name": f"Visitor {i}"})
            head, _ = http(s, (f"POST {base}/session HTTP/1.1\r\n{host}Content-Type: "
                               f"application/x-www-form-urlencoded\r\nContent-Length: "
                               f"{len(form)}\r\n\r\n{form}").encode())
            assert head.startswith("HTTP/1.1 303"), head.splitlines()[0]
            socks.append(s)
        rss1, priv1, anon1, store1 = memory(d.pid)
        print(f"start_to_ready_s={start_s:.3f} starts_s={','.join(f'{x:.3f}' for x in starts)} "
              f"idle_rss_kib={rss0} idle_private_kib={priv0} "
              f"idle_anon_kib={anon0} idle_store_private_kib={store0} sessions={n} rss_kib={rss1} "
              f"private_kib={priv1} anon_kib={anon1} store_private_kib={store1}")
        for s in socks:
            s.close()
        d.terminate()
        d.wait(30)
    finally:
        if d is not None and d.poll() is None:
            d.kill()
            d.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
