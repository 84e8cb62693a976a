#!/usr/bin/python3
"""Event to webhook delivered, at a steady rate: a real greenlightd (BIN_DIR) on a temporary
store, one endpoint asking for post.submitted on a loopback receiver that verifies every
signature (tests/e2e/webhook_receiver.py), and post.submit sent at RATE per second. The latency
of one event is from the moment its post.submit request is sent to the moment the receiver has
read the delivery; p50 and p99 over all of them, and the two parts: the durable answer to
post.submit (its commit), and from that answer to the delivery read. Usage:
    bench/webhook_latency.py BIN_DIR [RATE=100] [EVENTS=2000]"""
import os
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("GL_BIN", os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "bin"))

from gltest import Daemon  # noqa: E402
from webhook_receiver import Receiver  # noqa: E402

RATE = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
EVENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
SENDERS = 4  # connections, each sending RATE/SENDERS per second on its own schedule


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    with tempfile.TemporaryDirectory(prefix="gl-bench-hooks-") as tmp:
        d = Daemon(os.path.join(tmp, "data")).start()
        rx = Receiver().start()
        try:
            admin = d.client()
            r = admin.call("webhook.create", url=rx.url, events=["post.submitted"])
            rx.secret = r["secret"]
            prof = admin.call("profile.create", name="Bench", timezone="UTC",
                              platforms=["x"])["id"]
            at = int(time.time()) + 30 * 86400
            posts = [admin.call("post.create", profile=prof, caption=f"bench {i}",
                                platforms=["x"], scheduled_at=at)["id"] for i in range(EVENTS)]
            sent, acked = {}, {}
            clients = [d.client() for _ in range(SENDERS)]
            t0 = time.monotonic() + 0.2
            behind = [0]

            def send(k):
                c = clients[k]
                for i in range(k, EVENTS, SENDERS):
                    due = t0 + i / RATE
                    now = time.monotonic()
                    if due > now:
                        time.sleep(due - now)
                    elif now - due > 0.005:
                        behind[0] += 1
                    sent[posts[i]] = time.monotonic()
                    c.call("post.submit", id=posts[i])
                    acked[posts[i]] = time.monotonic()

            threads = [threading.Thread(target=send, args=(k,)) for k in range(SENDERS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took = time.monotonic() - t0
            got = rx.wait_for(lambda g: len(g) >= EVENTS, timeout=120)
            bad = [g for g in got if g["problem"]]
            ids = [g["body"]["data"]["post"]["id"] for g in got]
            lat = [(g["at"] - sent[i]) * 1000 for g, i in zip(got, ids)]
            after_ack = [(g["at"] - acked[i]) * 1000 for g, i in zip(got, ids)]
            rtt = [(acked[i] - sent[i]) * 1000 for i in ids]
            print(f"events {EVENTS} at {RATE:.0f}/s (sent in {took:.1f} s, {behind[0]} late "
                  f"by >5 ms), deliveries {len(got)}, bad signatures {len(bad)}")
            print(f"event->delivered ms: p50 {pct(lat, 50):.1f}  p99 {pct(lat, 99):.1f}  "
                  f"max {max(lat):.1f}")
            print(f"  of which post.submit answered (durable) ms: p50 {pct(rtt, 50):.1f}  "
                  f"p99 {pct(rtt, 99):.1f}; answer->delivered ms: p50 {pct(after_ack, 50):.1f}  "
                  f"p99 {pct(after_ack, 99):.1f}")
            assert d.stop() == 0
        finally:
            rx.stop()
            if d.alive():
                d.kill9()


if __name__ == "__main__":
    main()
