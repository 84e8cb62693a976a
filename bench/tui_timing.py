#!/usr/bin/python3
"""Times the ncurses client with a month of 500 posts: start to first full screen, login to
first full screen, and the redraw after each keystroke, as the client itself measures them
(GL_TUI_TIMING: from reading the key to doupdate() returning); with 1,000 stored notifications,
login to them loaded and drawn, and the key that opens their screen; and the whole first run
(an empty store to a link URL copied, tests/e2e/test_agency.py driving the client as a person
would) with its keystroke count. Drives the real client in tmux against a real daemon.

Usage: bench/tui_timing.py [BIN_DIR] [--posts N] [--keys N] [--size WxH] [--notifications N]
                           [--no-first-run]"""
import re
import argparse
import calendar
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zoneinfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from glrpc import RpcClient  # noqa: E402

CAPTIONS = ["Monday mornings call for a double espresso ☕", "抹茶の季節です 🍵 new matcha",
            "Trail tip: pack a headlamp 🏔️", "Weekend flash sale: 20% off 🌸",
            "Why we switched to compostable pods ♻️"]


def start_daemon(bin_dir, data):
    proc = subprocess.Popen([os.path.join(bin_dir, "greenlightd"), "--data", data, "--rpc",
                             "127.0.0.1:0", "--http", "127.0.0.1:0"], stdout=subprocess.PIPE,
                            stderr=open(os.path.join(data + ".log"), "ab"))
    info = {}
    ready = threading.Event()

    def drain():
        for raw in proc.stdout:
            line = raw.decode(errors="replace").strip()
            if line.startswith("rpc "):
                info["rpc"] = int(line.rsplit(":", 1)[1])
            if line == "ready":
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(30) or "rpc" not in info:
        proc.kill()
        sys.exit("greenlightd did not start")
    return proc, info["rpc"]


def fill(rpc, n):
    zone = "Europe/Paris"
    prof = rpc.call("profile.create", name="Bench Co", timezone=zone,
                    platforms=["instagram", "x"])["id"]
    # The daemon refuses times in the past: the posts go on what is left of this month, spread
    # evenly, from a few minutes from now to its last minute (on the last evening, all on today).
    tz = zoneinfo.ZoneInfo(zone)
    now = datetime.datetime.now(tz)
    last = calendar.monthrange(now.year, now.month)[1]
    lo = int(now.timestamp()) + 300
    hi = int(datetime.datetime(now.year, now.month, last, 23, 59, tzinfo=tz).timestamp())
    if hi - lo < 600:
        sys.exit("this month ends within minutes: run the benchmark a little later")
    t0 = time.monotonic()
    days = set()
    for i in range(n):
        at = lo + (hi - lo) * i // max(1, n - 1)
        days.add(datetime.datetime.fromtimestamp(at, tz).day)
        pid = rpc.call("post.create", profile=prof, caption=f"{CAPTIONS[i % 5]} #{i}",
                       platforms=["instagram"], scheduled_at=at)["id"]
        if i % 3:
            rpc.call("post.submit", id=pid)
    days = len(days)
    return prof, time.monotonic() - t0, days


def store_notifications(rpc, port, n):
    """n notifications for admin, kept by the daemon: a colleague mentions @admin n times on an
    unscheduled post (so the month's posts stay as they are)."""
    rpc.call("user.create", name="benchbot", password="bench password 1", role="editor")
    bot = RpcClient("127.0.0.1", port)
    bot.call("auth.login", user="benchbot", password="bench password 1")
    prof = rpc.call("profile.list")["profiles"][0]["id"]
    pid = bot.call("post.create", profile=prof, caption="Notes for admin",
                   platforms=["instagram"])["id"]
    t0 = time.monotonic()
    for i in range(n):
        bot.call("post.comment", id=pid, text=f"@admin have a look, #{i}", shared=False)
    return time.monotonic() - t0


def first_run(bin_dir):
    """The agency test's first run, timed and counted by the test itself."""
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                          os.path.join(ROOT, "tests", "e2e", "test_agency.py") +
                          "::test_empty_store_to_first_client_approval"],
                         env=dict(os.environ, GL_BIN=bin_dir), capture_output=True, text=True,
                         cwd=ROOT)
    m = re.search(r"first run to a link URL copied: (\d+) keys pressed .*?, ([\d.]+)s", out.stdout)
    if not m:
        return None
    return int(m.group(1)), float(m.group(2))


def read_timings(path):
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path):
        k, v = line.split()
        out.setdefault(k, []).append(float(v))
    return out


def wait(pred, timeout=20):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.01)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir", nargs="?", default=os.path.join(ROOT, "bin"))
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--keys", type=int, default=60)
    ap.add_argument("--size", default="80x24")
    ap.add_argument("--runs", type=int, default=5, help="client starts to time")
    ap.add_argument("--notifications", type=int, default=1000)
    ap.add_argument("--no-first-run", action="store_true")
    args = ap.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    tmux = shutil.which("tmux") or sys.exit("tmux is needed")
    tmp = tempfile.mkdtemp(prefix="gl-tui-bench-")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    proc, port = start_daemon(args.bin_dir, data)
    sock = "gltui-bench-" + uuid.uuid4().hex[:8]
    try:
        password = open(os.path.join(data, "initial-admin-password")).read().strip()
        rpc = RpcClient("127.0.0.1", port)
        rpc.call("auth.login", user="admin", password=password)
        prof, fill_s, ndays = fill(rpc, args.posts)
        notes_s = store_notifications(rpc, port, args.notifications)
        stored = rpc.call("notify.list")
        month_posts = len(rpc.call("post.list", profile=prof)["posts"])
        pwfile = os.path.join(tmp, "pw")
        with open(pwfile, "w") as f:
            f.write(password + "\n")
        print(f"greenlight timing: {args.posts} posts over the {ndays} day(s) left of this month "
              f"({month_posts} listed), terminal {width}x{height}, filled in {fill_s:.1f} s; "
              f"{args.notifications} notifications stored in {notes_s:.1f} s "
              f"({stored['unread']} unread, notify.list sends {len(stored['notifications'])})")

        starts = []
        for run in range(args.runs):
            timing = os.path.join(tmp, f"timing-{run}")
            cmd = (f"LANG=C.UTF-8 GL_TUI_TIMING={timing} {args.bin_dir}/greenlight "
                   f"--connect 127.0.0.1:{port} --user admin --password-file {pwfile}")
            subprocess.run([tmux, "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s",
                            f"r{run}", "-x", str(width), "-y", str(height), cmd], check=True)
            wait(lambda: "first_full_screen_from_start_ms" in read_timings(timing) and
                 "notifications_drawn_from_login_ms" in read_timings(timing))
            starts.append(read_timings(timing))
            # The previous client goes once this one runs: killing the only session would end
            # the tmux server while the next new-session connects to it.
            if run:
                subprocess.run([tmux, "-L", sock, "kill-session", "-t", f"r{run - 1}"])
        last = f"r{args.runs - 1}"

        def keys_timed(keys, metric):
            before = len(read_timings(timing).get(metric, []))
            for i, k in enumerate(keys):
                subprocess.run([tmux, "-L", sock, "send-keys", "-t", last, k], check=True)
                wait(lambda: len(read_timings(timing).get(metric, [])) >= before + i + 1)
            return read_timings(timing)[metric][before:]

        moves = ["l", "l", "j", "h", "k", "Right", "Down", "Left", "Up", "w", "l", "m"]
        key_ms = keys_timed([moves[i % len(moves)] for i in range(args.keys)], "key_redraw_ms")
        month_ms = keys_timed(["]", "[", "]", "["] * 3, "month_switch_full_ms")
        screen = subprocess.run([tmux, "-L", sock, "capture-pane", "-p", "-t", last],
                                capture_output=True, text=True).stdout
        # The queue holds the two thirds of them that were submitted.
        queue_ms = keys_timed(["2"] + ["j", "j", "k", "Space"] * 10, "key_redraw_ms")
        # The notifications screen, from the key that opens it (its list is loaded at login).
        notify_ms = keys_timed(["4", "1"] * 5, "key_redraw_ms")[0::2]

        def row(name, values):
            print(f"  {name:38s} median {statistics.median(values):7.2f} ms   "
                  f"p95 {pct(values, 95):7.2f} ms   max {max(values):7.2f} ms   (n={len(values)})")

        row("start -> first full month screen", [s["first_full_screen_from_start_ms"][0]
                                                 for s in starts])
        row("login -> first full month screen", [s["first_full_screen_from_login_ms"][0]
                                                 for s in starts])
        row("start -> logged in", [s["login_from_start_ms"][0] for s in starts])
        row("key -> redraw done (moves, views)", key_ms)
        row("month key -> month drawn with data", month_ms)
        row("queue keys (open, j/k, tag) -> redraw", queue_ms)
        row(f"login -> {args.notifications} notifications drawn",
            [s["notifications_drawn_from_login_ms"][0] for s in starts])
        row("key 4 -> notifications screen drawn", notify_ms)
        if not args.no_first_run:
            fr = first_run(args.bin_dir)
            if fr:
                print(f"  first run, empty store -> link URL copied: {fr[1]:.1f} s, {fr[0]} keys "
                      "pressed (characters typed included; the test waits for each screen)")
            else:
                print("  first run: the agency test did not report (failed?)")
        print("aim: first full screen within 100 ms of login; a redraw within 10 ms")
        print("last screen:")
        print(screen)
    finally:
        subprocess.run([tmux, "-L", sock, "kill-server"], capture_output=True)
        proc.terminate()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
