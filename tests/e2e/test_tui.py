"""The ncurses client `greenlight` driven for real: in tmux (send-keys, capture-pane) against a
real greenlightd from the conftest fixtures. Every action's result is checked through RPC.

The client binary is GL_BIN/greenlight (the same directory as the daemon), or GL_TUI if set."""
import datetime
import os
import re
import shutil
import socket
import subprocess
import time
import unicodedata
import uuid
import zoneinfo

import pytest

from gltest import RpcError, wait_until
from helpers import PASSWORD, PNG, make_post, make_profile, make_user

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def client_path(daemon):
    return os.environ.get("GL_TUI") or os.path.join(daemon.bin_dir, "greenlight")


def cell_width(ch):
    """Columns a character takes in the terminal, as tmux and the client count them."""
    if unicodedata.combining(ch) or ch in "\u200d\ufe0f\ufe0e":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def columns(line):
    """The line as a list of screen cells, as tmux draws it: a wide character fills its cell and
    a '' after; a character after a ZWJ joins the one before (👩‍🍳 is one 2-column cell)."""
    out, joined = [], False
    for ch in line:
        if joined:
            joined = False
            continue
        if ch == "\u200d":
            joined = True
            continue
        w = cell_width(ch)
        if w == 0:
            continue
        out.append(ch)
        if w == 2:
            out.append("")
    return out


class Tui:
    """One client in its own tmux server (a unique socket), torn down in close()."""

    def __init__(self, daemon, tmp, width=80, height=24, user="admin", password=None,
                 password_file=True, env=None):
        self.sock = "gltui-" + uuid.uuid4().hex[:10]
        self.tmp = tmp
        self.width, self.height = width, height
        self.stderr = os.path.join(tmp, self.sock + ".err")
        args = [client_path(daemon), "--connect", f"127.0.0.1:{daemon.rpc_port}", "--user", user]
        if password_file:
            pw = os.path.join(tmp, self.sock + ".pw")
            with open(pw, "w") as f:
                f.write((password if password is not None else daemon.admin_password) + "\n")
            args += ["--password-file", pw]
        envs = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color"}
        envs.update(env or {})
        self.rc_file = os.path.join(tmp, self.sock + ".rc")
        cmd = " ".join(f"{k}={shq(v)}" for k, v in envs.items()) + " " + \
            " ".join(shq(a) for a in args) + f" 2>{shq(self.stderr)}; echo $? >{shq(self.rc_file)}"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", str(width),
                  "-y", str(height), cmd)
        self.tmux("set-option", "-g", "remain-on-exit", "on")

    def tmux(self, *args, check=True):
        return subprocess.run([TMUX, "-L", self.sock] + list(args), check=check,
                              capture_output=True, text=True).stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "main")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "main", "-l", text)

    def wait_for(self, pattern, timeout=10, flags=0):
        """Polls the screen until the regular expression matches; returns the match."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern, flags)
        while True:
            text = self.screen()
            m = rx.search(text)
            if m:
                return m
            if time.monotonic() > deadline:
                err = ""
                if os.path.exists(self.stderr):
                    err = open(self.stderr, errors="replace").read()[-2000:]
                raise AssertionError(f"timed out waiting for {pattern!r}; screen:\n{text}\n"
                                     f"stderr:\n{err}")
            time.sleep(0.02)

    def wait_gone(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        while re.search(pattern, self.screen()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} still on screen:\n{self.screen()}")
            time.sleep(0.02)

    def resize(self, width, height):
        self.width, self.height = width, height
        self.tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))

    def alive(self):
        return self.tmux("display-message", "-p", "-t", "main", "#{pane_dead}").strip() == "0"

    def close(self):
        self.tmux("kill-server", check=False)


def answer(t, prompt, text=""):
    """Waits for the prompt, types text (and waits for it shown after the prompt), presses Enter:
    an empty answer takes the prompt's default."""
    t.wait_for(prompt)
    if text:
        t.type(text)
        t.wait_for(prompt + " " + re.escape(text))
    t.keys("Enter")


def new_approval_link(t, approver, email="", days="", approver_prompt="Approver's name:"):
    """From the links view, an approval link made with keys: n, then each prompt answered
    (approver_prompt is where the demo offers the approvers it knows by number)."""
    t.keys("n")
    answer(t, r"Kind \(calendar, collab, approval\): approval")
    answer(t, approver_prompt, approver)
    answer(t, r"Approver's e-mail \(empty: not mailed\):", email)
    answer(t, r"Post ids \(comma separated, empty: all awaiting approval\):")
    answer(t, r"Password \(auto")
    answer(t, r"Valid for days \(1 to 3650, empty: 30\):", days)


def shq(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


@pytest.fixture
def tuis(tmpdir_path):
    made = []

    def make(daemon, **kw):
        t = Tui(daemon, tmpdir_path, **kw)
        made.append(t)
        return t

    yield make
    reports = []
    for t in made:
        t.close()
        # A sanitizer build (make asan) reports to stderr: any report fails the test.
        if os.path.exists(t.stderr):
            err = open(t.stderr, errors="replace").read()
            if "runtime error:" in err or "Sanitizer" in err:
                reports.append(err[-4000:])
    assert not reports, "\n".join(reports)


# ---- the month grid, read back from the screen ----

def column_spans(cols):
    """(x, width) of the 7 day columns, as the client lays them out (view_calendar.c)."""
    usable = cols - 6
    base, extra = divmod(usable, 7)
    out = []
    for c in range(7):
        x = c * base + min(c, extra) + c
        out.append((x, base + (1 if c < extra else 0)))
    return out


def parse_grid(screen, cols):
    """{day-of-month: [text lines of the cell]} for the shown month, plus the day-number rows.
    Day-number rows are those whose column separators are crosses."""
    lines = [columns(l) for l in screen.split("\n")]
    spans = column_spans(cols)
    starts = [i for i, l in enumerate(lines) if i >= 2 and len(l) > spans[0][1] and
              l[spans[0][1]] == "┼"]
    cells = []
    # The grid ends where the column separators do (the status bar is below).
    last = starts[-1] if starts else 0
    while last + 1 < len(lines) and len(lines[last + 1]) > spans[0][1] and \
            lines[last + 1][spans[0][1]] in "│┼":
        last += 1
    for bi, start in enumerate(starts):
        end = starts[bi + 1] if bi + 1 < len(starts) else last + 1
        for c, (x, w) in enumerate(spans):
            rows = ["".join(l[x:x + w]) for l in lines[start:end]]
            m = re.match(r"(\d+)", rows[0])
            cells.append((int(m.group(1)) if m else None, rows[1:]))
    month = {}
    inside = False
    for day, rows in cells:
        if day == 1:
            inside = not inside and not month
        if inside:
            month[day] = rows
    return month, starts


def assert_grid_whole(screen, cols, rows):
    """Every line of every week has its six separators exactly in place: nothing (not a wide
    character, not an emoji) pushed a cell out of line."""
    lines = [columns(l) for l in screen.split("\n")][:rows - 2]  # bar and message below
    spans = column_spans(cols)
    _, starts = parse_grid(screen, cols)
    assert len(starts) >= 4, screen
    for i in range(starts[0], rows - 2):
        line = lines[i]
        for x, w in spans[:6]:
            sep = line[x + w] if len(line) > x + w else " "
            assert sep in "│┼", f"line {i} column {x + w}: {sep!r}\n{screen}"


def month_posts(client, profile, zone, year, month):
    tz = zoneinfo.ZoneInfo(zone)
    start = int(datetime.datetime(year, month, 1, tzinfo=tz).timestamp())
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    end = int(datetime.datetime(ny, nm, 1, tzinfo=tz).timestamp())
    posts = client.call("post.list", profile=profile, **{"from": start, "to": end})["posts"]
    by_day = {}
    for p in posts:
        local = datetime.datetime.fromtimestamp(p["scheduled_at"], tz)
        by_day.setdefault(local.day, []).append(local.strftime("%H:%M"))
    return by_day


def check_month(screen, cols, by_day):
    grid, _ = parse_grid(screen, cols)
    assert grid, screen
    for day, times in by_day.items():
        assert day in grid, f"day {day} missing\n{screen}"
        text = "\n".join(grid[day])
        shown = [t for t in times if t in text]
        if len(shown) < len(times):
            assert "+" in text, f"day {day}: {times} not shown in {grid[day]}\n{screen}"
        assert shown, f"day {day}: none of {times} in {grid[day]}\n{screen}"
    # And no post shows on a day that has none.
    for day, rows in grid.items():
        if day not in by_day:
            assert not re.search(r"\d\d:\d\d", "\n".join(rows)), f"day {day}: {rows}\n{screen}"


def first_profile(client):
    return client.call("profile.list")["profiles"][0]


def now_in(zone):
    return datetime.datetime.now(zoneinfo.ZoneInfo(zone))


# ---- tests ----

def test_version_and_help(demo_daemon):
    out = subprocess.run([client_path(demo_daemon), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("greenlight ")
    out = subprocess.run([client_path(demo_daemon), "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--password-file" in out.stdout
    out = subprocess.run([client_path(demo_daemon), "--connect", "nonsense"],
                         capture_output=True, text=True)
    assert out.returncode == 2


def test_login_shows_month_grid_with_demo_posts(demo_daemon, tuis):
    rpc = demo_daemon.client()
    prof = first_profile(rpc)
    now = now_in(prof["timezone"])
    t = tuis(demo_daemon)
    title = f"{prof['name']}  {MONTHS[now.month - 1]} {now.year}  {prof['timezone']}"
    t.wait_for(re.escape(title) + r" \(UTC[+-]\d\d:\d\d\)")
    t.wait_gone("loading")
    t.wait_for(r"admin \| " + re.escape(prof["name"]) + r" \| online")
    by_day = month_posts(rpc, prof["id"], prof["timezone"], now.year, now.month)
    assert by_day, "the demo has posts this month"
    check_month(t.screen(), 80, by_day)
    assert_grid_whole(t.screen(), 80, 24)


def test_interactive_login_hides_the_password(demo_daemon, tuis):
    t = tuis(demo_daemon, password_file=False)
    t.wait_for("Password:")
    t.type(demo_daemon.admin_password)
    assert demo_daemon.admin_password not in t.screen()
    assert "*" * 8 in t.screen()
    t.keys("Enter")
    t.wait_for(r"\| online")
    t.wait_for(r"Mon\s+Tue\s+Wed")


def test_wrong_password_asks_again(demo_daemon, tuis):
    t = tuis(demo_daemon, password="not the password")
    t.wait_for("login failed")
    t.wait_for("Password:")
    t.type(demo_daemon.admin_password)
    t.keys("Enter")
    t.wait_for(r"\| online")


def test_move_months_and_back(demo_daemon, tuis):
    rpc = demo_daemon.client()
    prof = first_profile(rpc)
    now = now_in(prof["timezone"])
    t = tuis(demo_daemon)
    t.wait_for(f"{MONTHS[now.month - 1]} {now.year}")
    t.keys("]")
    ny, nm = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    t.wait_for(f"{MONTHS[nm - 1]} {ny}")
    t.wait_gone("loading")
    check_month(t.screen(), 80, month_posts(rpc, prof["id"], prof["timezone"], ny, nm))
    t.keys("[", "[")
    py, pm = (now.year - 1, 12) if now.month == 1 else (now.year, now.month - 1)
    t.wait_for(f"{MONTHS[pm - 1]} {py}")
    t.keys("t")
    t.wait_for(f"{MONTHS[now.month - 1]} {now.year}")
    # The week view lists the same week's posts, one column per day.
    t.keys("w")
    t.wait_for(r"\[week\]")
    t.keys("m")
    t.wait_for(r"\[month\]")


def test_open_day_then_post(demo_daemon, tuis):
    rpc = demo_daemon.client()
    prof = first_profile(rpc)
    zone = zoneinfo.ZoneInfo(prof["timezone"])
    now = now_in(prof["timezone"])
    posts = rpc.call("post.list", profile=prof["id"])["posts"]
    post = min((p for p in posts if p["scheduled_at"]),
               key=lambda p: abs(p["scheduled_at"] - time.time()))
    day = datetime.datetime.fromtimestamp(post["scheduled_at"], zone).date()
    delta = (day - now.date()).days
    t = tuis(demo_daemon)
    t.wait_for(r"\| online")
    t.wait_gone("loading")
    for _ in range(abs(delta)):
        t.keys("l" if delta > 0 else "h")
    t.keys("Enter")
    t.wait_for(day.strftime("%Y-%m-%d") + r"\s+\d+ posts?")
    t.wait_for(re.escape(post["caption"][:15]))
    # The day list is sorted by time; go to our post.
    same_day = [p for p in posts if p["scheduled_at"] and
                datetime.datetime.fromtimestamp(p["scheduled_at"], zone).date() == day]
    for _ in range([p["id"] for p in same_day].index(post["id"])):
        t.keys("j")
    t.keys("Enter")
    t.wait_for(rf"Post {post['id']}\s+{post['status']}")
    t.wait_for(r"Caption\s+" + re.escape(post["caption"][:12]))
    t.wait_for("History")
    t.keys("q")
    t.wait_for(day.strftime("%Y-%m-%d"))
    t.keys("q")
    t.wait_for(r"\[month\]")


@pytest.fixture
def queue_setup(daemon):
    """A profile with five posts awaiting approval at known times, soonest first."""
    admin = daemon.client()
    prof = make_profile(admin, name="Queue Co", timezone="Europe/Paris")
    base = int(time.time()) + 2 * 86400
    ids = [make_post(admin, prof, "awaiting_approval", caption=f"Queue post {i} ☕ 抹茶",
                     at=base + i * 3600) for i in range(5)]
    return admin, prof, ids


def open_queue(daemon, tuis, n):
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("2")
    t.wait_for(rf"Approval queue: {n} posts?")
    return t


def test_queue_approve(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    t.wait_for(rf"Post {ids[0]}\s+awaiting approval")
    t.keys("a")
    t.wait_for(rf"approved post {ids[0]}")
    assert admin.call("post.get", id=ids[0])["status"] in ("approved", "scheduled")
    t.wait_for(r"Approval queue: 4 posts")
    assert admin.call("post.get", id=ids[1])["status"] == "awaiting_approval"


def test_queue_reject_with_note(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    t.keys("j")
    t.wait_for(rf"Post {ids[1]}\s+awaiting approval")
    t.keys("r")
    t.wait_for(rf"Reject post {ids[1]}, note:")
    t.type("Shorter caption, please 🙏")
    t.keys("Enter")
    t.wait_for(rf"post {ids[1]}: now changes requested")
    post = admin.call("post.get", id=ids[1])
    assert post["status"] == "changes_requested"
    hist = admin.call("post.history", id=ids[1])["history"]
    assert hist[-1]["type"] == "rejected" and hist[-1]["note"] == "Shorter caption, please 🙏"
    # Still in the queue (changes requested), now with the changes mark.
    t.wait_for(r"! changes")


def test_reject_needs_a_note_and_keeps_a_failed_one(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    t.wait_for(rf"Post {ids[0]}")
    t.keys("r")
    t.wait_for("note:")
    t.keys("Enter")
    t.wait_for("a rejection needs a note")
    assert admin.call("post.get", id=ids[0])["status"] == "awaiting_approval"


def test_bulk_approve_tagged(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    t.wait_for(rf"Post {ids[0]}")
    t.keys("Space", "j", "Space")  # tags 0 (Space moves on), skips 1, tags 2
    t.wait_for(r"\[2 tagged\]")
    t.keys("A")
    t.wait_for(r"Approve 2 tagged posts\? \(y/n\)")
    t.keys("y")  # one key: many posts at once
    t.wait_for(r"approved 2 posts")
    statuses = {i: admin.call("post.get", id=i)["status"] for i in ids}
    assert statuses[ids[0]] in ("approved", "scheduled")
    assert statuses[ids[2]] in ("approved", "scheduled")
    assert statuses[ids[1]] == statuses[ids[3]] == statuses[ids[4]] == "awaiting_approval"
    t.wait_for(r"Approval queue: 3 posts")


def test_reschedule_from_queue(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    t.wait_for(rf"Post {ids[0]}")
    t.keys("s")
    t.wait_for(rf"Reschedule post {ids[0]} \(Europe/Paris\): \d{{4}}-\d\d-\d\d \d\d:\d\d")
    target = (now_in("Europe/Paris") + datetime.timedelta(days=9)).replace(
        hour=7, minute=45, second=0, microsecond=0)
    t.keys("C-u")
    t.type(target.strftime("%Y-%m-%d %H:%M"))
    t.keys("Enter")
    t.wait_for(rf"rescheduled post {ids[0]}")
    assert admin.call("post.get", id=ids[0])["scheduled_at"] == int(target.timestamp())
    # Now the latest: the queue re-sorts it to the bottom.
    t.wait_for(r"07:45 \? awaiting")


def test_comment_and_search(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    t.keys("/")
    t.type("post 3")
    t.keys("Enter")
    t.wait_for(rf"Post {ids[3]}\s+awaiting")
    t.keys("c")
    t.type("Looks good to me")
    t.keys("Enter")
    t.wait_for(rf"commented on post {ids[3]}")
    comments = admin.call("post.get", id=ids[3])["comments"]
    assert comments[-1]["text"] == "Looks good to me"
    t.wait_for("Looks good to me")


def test_edit_caption_in_editor(daemon, tuis, queue_setup, tmpdir_path):
    admin, _, ids = queue_setup
    editor = os.path.join(tmpdir_path, "editor.sh")
    with open(editor, "w") as f:
        f.write("#!/bin/sh\nprintf 'Edited in the editor ✍\\n' > \"$1\"\n")
    os.chmod(editor, 0o755)
    t = tuis(daemon, env={"EDITOR": editor, "VISUAL": ""})
    t.wait_for(r"\| online")
    t.keys("2")
    t.wait_for(rf"Post {ids[0]}")
    t.keys("E")
    t.wait_for(rf"saved the caption of post {ids[0]}")
    assert admin.call("post.get", id=ids[0])["caption"] == "Edited in the editor ✍"


def test_create_post_in_editor(daemon, tuis, queue_setup):
    admin, prof, _ = queue_setup
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.wait_for(r"\[month\]")
    t.keys("n")
    t.wait_for("New post")
    t.keys("Enter")  # the caption field is selected first
    t.wait_for("Caption:")
    t.type("Made in the terminal")
    t.keys("Enter")
    t.keys("w")
    m = t.wait_for(r"saved post (\d+)")
    post = admin.call("post.get", id=int(m.group(1)))
    assert post["caption"] == "Made in the terminal" and post["status"] == "draft"
    assert post["profile"] == prof
    # 10:00 on the cursor's day (today) while that is still ahead; later in the
    # day, the next whole hour at least half an hour away, never the past.
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    local = datetime.datetime.fromtimestamp(post["scheduled_at"], paris)
    opened = now_in("Europe/Paris")
    ten = opened.replace(hour=10, minute=0, second=0, microsecond=0)
    if ten.timestamp() > time.time() + 30 * 60:
        assert local == ten
    else:
        assert local.minute == 0 and local.second == 0
        assert time.time() + 25 * 60 < post["scheduled_at"] <= time.time() + 90 * 60
    t.keys("u")
    t.wait_for(rf"submitted post {post['id']}: now awaiting approval")


def test_links_create_and_read_url(demo_daemon, tuis):
    rpc = demo_daemon.client()
    try:
        rpc.call("link.list", profile=1)
    except RpcError as e:
        if e.code == "unknown_method":
            pytest.skip("the daemon has no link methods yet")
        raise
    before = {l["id"] for l in rpc.call("link.list", profile=1)["links"]}
    t = tuis(demo_daemon)
    t.wait_for(r"\| online")
    t.keys("3")
    t.wait_for(r"Links of")
    # The demo has links already: their approvers are offered by number, a name typed anew.
    new_approval_link(t, "Claire", days="7",
                      approver_prompt=r"Approver('s name:| \(1 .*; or a new name\):)")
    m = t.wait_for(r"URL: (http://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]+)")
    url = m.group(1)
    assert f":{demo_daemon.http_port}/" in url
    t.wait_for(r"Password: \S+ \(shown once")
    links = rpc.call("link.list", profile=1)["links"]
    new = [l for l in links if l["id"] not in before]
    assert len(new) == 1 and new[0]["kind"] == "approval" and new[0]["approver"] == "Claire"
    assert new[0]["status"] == "active" and new[0]["password"] is True
    assert abs(new[0]["expires_at"] - (time.time() + 7 * 86400)) < 120
    # Revoke it from the screen.
    t.keys("x")
    t.wait_for(r"Revoke link")
    t.keys("y")  # one key answers a y/n question
    t.wait_for(rf"link {new[0]['id']} updated")
    status = {l["id"]: l["status"] for l in rpc.call("link.list", profile=1)["links"]}
    assert status[new[0]["id"]] == "revoked"


def test_resize_keeps_the_grid_whole(demo_daemon, tuis):
    t = tuis(demo_daemon)
    t.wait_for(r"\| online")
    t.wait_gone("loading")
    t.wait_for(r"\[month\]")
    assert_grid_whole(t.screen(), 80, 24)
    t.resize(200, 60)
    t.wait_for(r" {100}\[month\]")  # the title bar spans the new width
    assert_grid_whole(t.screen(), 200, 60)
    rpc = demo_daemon.client()
    prof = first_profile(rpc)
    now = now_in(prof["timezone"])
    check_month(t.screen(), 200, month_posts(rpc, prof["id"], prof["timezone"], now.year,
                                            now.month))
    # Far too small: nothing sensible fits, but the client must survive it.
    t.resize(24, 8)
    t.keys("w", "l", "m")
    wait_until(lambda: len(columns(t.screen().split("\n")[0])) <= 24, what="tiny")
    assert t.alive()
    t.resize(80, 24)
    wait_until(lambda: len(t.screen().split("\n")[0]) <= 80 and
               len(columns(t.screen().split("\n")[0])) <= 80, what="shrink")
    t.wait_for(r"\[month\]")
    assert_grid_whole(t.screen(), 80, 24)


def test_second_client_change_shows_without_a_key(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    t.wait_for(rf"Post {ids[0]}\s+awaiting approval")
    # Another person: one's own doing is no notification (protocol/README.md).
    other = make_user(daemon, admin, "mona", "manager")
    other.call("post.approve", id=ids[0])
    # No key is pressed: the event alone updates the queue, the status bar and the message.
    t.wait_for(r"Approval queue: 4 posts")
    t.wait_for(r"\[1 new\]")
    t.wait_for(rf"mona approved post {ids[0]}")
    t.keys("4")
    t.wait_for(r"Notifications: 1, ")
    t.wait_for(rf"approved post {ids[0]}")
    t.keys("m")  # read, on the daemon too
    t.wait_gone(r"\[1 new\]")
    wait_until(lambda: admin.call("notify.list")["unread"] == 0, what="marked read")


def test_reconnects_and_keeps_the_screen(daemon, tuis, queue_setup):
    admin, _, ids = queue_setup
    t = open_queue(daemon, tuis, 5)
    port = daemon.rpc_port
    daemon.stop()
    t.wait_for("OFFLINE")
    t.wait_for(r"Approval queue: 5 posts")  # the screen stays
    daemon.extra_args = ["--rpc", f"127.0.0.1:{port}"]
    daemon.start()
    t.wait_for(r"\| online", timeout=15)
    t.wait_for("reconnected")
    # Re-subscribed: a change made elsewhere shows up again.
    daemon.client().call("post.approve", id=ids[1])
    t.wait_for(r"Approval queue: 4 posts")


def test_help_lists_the_screen_keys(demo_daemon, tuis):
    t = tuis(demo_daemon)
    t.wait_for(r"\[month\]")
    t.keys("?")
    t.wait_for("Keys of the calendar screen")
    screen = t.screen()
    for text in ("previous month", "next month", "go to today", "week view", "Everywhere",
                 "approval queue"):
        assert text in screen, screen
    t.keys("q")
    t.keys("2")
    t.wait_for("Approval queue")
    t.keys("?")
    t.wait_for("Keys of the queue screen")
    for text in ("approve all tagged", "reject (asks for a note)", "search"):
        assert text in t.screen()


def test_quit_leaves_cleanly(demo_daemon, tuis):
    t = tuis(demo_daemon)
    t.wait_for(r"\[month\]")
    t.keys("q")
    # The shell around the client writes its exit status (tmux's own is racy).
    wait_until(lambda: os.path.exists(t.rc_file) and open(t.rc_file).read().strip(),
               what="client exit")
    assert open(t.rc_file).read().strip() == "0"


def test_sigterm_restores_the_terminal(demo_daemon, tuis):
    t = tuis(demo_daemon)
    t.wait_for(r"\[month\]")
    shell = t.tmux("display-message", "-p", "-t", "main", "#{pane_pid}").strip()
    pid = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
    assert pid
    os.kill(int(pid[0]), 15)
    wait_until(lambda: os.path.exists(t.rc_file) and open(t.rc_file).read().strip(),
               what="client exit")
    assert open(t.rc_file).read().strip() == "0"


def test_no_color_still_shows_marks(demo_daemon, tuis):
    t = tuis(demo_daemon, env={"NO_COLOR": "1"})
    t.wait_for(r"\[month\]")
    t.wait_gone("loading")
    assert re.search(r"\d\d:\d\d[~?!+>*X]", t.screen())


def test_run_demo_script(tmpdir_path):
    """make run's script: starts its own demo daemon, prints the links, opens the client as
    admin, and stops the daemon when the client exits."""
    from gltest import BIN_DIR, ROOT
    sock = "gltui-" + uuid.uuid4().hex[:10]
    data = os.path.join(tmpdir_path, "demo")
    script = os.path.join(ROOT, "scripts", "run-demo.sh")
    cmd = (f"LANG=C.UTF-8 GL_DEMO_DATA={shq(data)} GL_DEMO_NO_PAUSE=1 "
           f"{shq(script)} {shq(BIN_DIR)}; echo EXITED $?")

    def tmux(*a):
        return subprocess.run([TMUX, "-L", sock] + list(a), capture_output=True, text=True).stdout

    tmux("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "100", "-y", "30",
         "sh", "-c", cmd + "; sleep 60")
    try:
        wait_until(lambda: "| online" in tmux("capture-pane", "-p", "-t", "main"), timeout=20,
                   what="client online")
        screen = tmux("capture-pane", "-p", "-t", "main")
        assert "admin/admin" in screen and "[month]" in screen, screen
        tmux("send-keys", "-t", "main", "Q")
        wait_until(lambda: "EXITED" in tmux("capture-pane", "-p", "-t", "main"), timeout=20,
                   what="script exit")
        out = tmux("capture-pane", "-p", "-t", "main", "-S", "-")
        assert "EXITED 0" in out, out
        assert "External links of the demo" in out or "printed no external links" in out, out
        if "External links" in out:
            assert re.search(r"calendar http://127\.0\.0\.1:\d+/l/", out), out
        # The daemon it started is gone: its LMDB lock is free and no process has the dir.
        pids = subprocess.run(["pgrep", "-f", f"greenlightd --demo --data {data}"],
                              capture_output=True, text=True).stdout.split()
        assert not pids, pids
    finally:
        tmux("kill-server")


def test_docs_list_the_keys_of_the_table(demo_daemon):
    """docs/tui.md's key section is the output of greenlight --keys: the docs cannot drift."""
    from gltest import ROOT
    out = subprocess.run([client_path(demo_daemon), "--keys"], capture_output=True, text=True,
                         check=True).stdout
    doc = open(os.path.join(ROOT, "docs", "tui.md")).read()
    block = doc.split("<!-- keys:begin -->\n", 1)[1].split("<!-- keys:end -->", 1)[0]
    assert block.strip() == out.strip()


def test_profile_picker_switches_zone_and_posts(demo_daemon, tuis):
    rpc = demo_daemon.client()
    profiles = rpc.call("profile.list")["profiles"]
    tokyo = next(p for p in profiles if p["timezone"] == "Asia/Tokyo")
    t = tuis(demo_daemon)
    # Switching profile keeps the month on screen (near a month's end it is not
    # 'this month' in Tokyo), and shows it in the new profile's zone.
    shown = t.wait_for(r"  ([A-Z][a-z]+) (\d{4})  \S+ \(UTC.*\[month\]")
    month, year = MONTHS.index(shown.group(1)) + 1, int(shown.group(2))
    t.keys("p")
    t.wait_for("Profiles")
    for _ in range([p["id"] for p in profiles].index(tokyo["id"])):
        t.keys("j")
    t.keys("Enter")
    t.wait_for(re.escape(f"{tokyo['name']}  {MONTHS[month - 1]} {year}  Asia/Tokyo "
                         "(UTC+09:00)"))
    t.wait_for(r"\| " + re.escape(tokyo["name"]) + r" \|")
    t.wait_gone("loading")
    check_month(t.screen(), 80, month_posts(rpc, tokyo["id"], "Asia/Tokyo", year, month))


def test_week_view_shows_the_weeks_posts(demo_daemon, tuis):
    rpc = demo_daemon.client()
    prof = first_profile(rpc)
    zone = zoneinfo.ZoneInfo(prof["timezone"])
    today = now_in(prof["timezone"]).date()
    t = tuis(demo_daemon)
    t.wait_for(r"\[month\]")
    t.keys("w")
    t.wait_for(r"\[week\]")
    t.wait_gone("loading")
    monday = today - datetime.timedelta(days=today.weekday())
    start = int(datetime.datetime.combine(monday, datetime.time(), zone).timestamp())
    posts = rpc.call("post.list", profile=prof["id"],
                     **{"from": start, "to": start + 7 * 86400})["posts"]
    screen = t.screen()
    assert f"Mon {monday.day}" in screen, screen
    for p in posts:
        hm = datetime.datetime.fromtimestamp(p["scheduled_at"], zone).strftime("%H:%M")
        assert hm in screen, (hm, screen)


def form_caption(screen):
    """The caption field's first line on the post screen."""
    m = re.search(r"^\s*Caption\s+(.*?)\s*$", screen, re.M)
    return m.group(1) if m else None


def test_saved_post_form_shows_what_the_daemon_holds(daemon, tuis, queue_setup, tmpdir_path):
    """After 'saved post N' every field shows the daemon's answer to the save, never the post
    as fetched before it: here the caption is changed by a colleague while the form is open,
    then the caption and an image are saved at once; then a colleague changes the caption
    while only the notes are being edited, and the save must not write the old caption back."""
    admin, _, ids = queue_setup
    pid = ids[0]
    colleague = make_user(daemon, admin, "colleague", "editor")
    image = os.path.join(tmpdir_path, "pixel.png")
    with open(image, "wb") as f:
        f.write(PNG)
    t = open_queue(daemon, tuis, 5)
    t.wait_for(rf"Post {pid}\s+awaiting")
    t.keys("Enter")
    t.wait_for(rf"^ Post {pid}\s+awaiting approval", flags=re.M)
    wait_until(lambda: form_caption(t.screen()) == "Queue post 0 ☕ 抹茶", what="the caption")

    # A colleague changes the caption: the form, holding no edits, follows.
    colleague.call("post.update", id=pid, caption="Changed elsewhere")
    wait_until(lambda: form_caption(t.screen()) == "Changed elsewhere",
               what="the form to follow the colleague's caption")

    # Caption and image saved together.
    t.keys("Enter")  # the caption field is selected
    t.wait_for("Caption:")
    t.type("Mine, with a picture")
    t.keys("Enter", "j", "j", "Enter")  # caption -> notes -> media
    t.wait_for("Media file path:")
    t.type(image)
    t.keys("Enter", "w")
    t.wait_for(rf"saved post {pid}")
    post = admin.call("post.get", id=pid)
    assert post["caption"] == "Mine, with a picture" and len(post["media"]) == 1
    wait_until(lambda: "1 image attached" in t.screen(), what="the image in the form")
    screen = t.screen()
    assert form_caption(screen) == "Mine, with a picture", screen
    assert "[modified" not in screen, screen

    # Only the notes are edited; meanwhile the colleague changes the caption again.
    t.keys("k", "Enter")  # media -> notes
    t.wait_for("Notes for approvers:")
    t.type("See the brief")
    t.keys("Enter")
    t.wait_for(r"\[modified: w saves\]")
    colleague.call("post.update", id=pid, caption="Colleague's last word")
    wait_until(lambda: admin.call("post.get", id=pid)["caption"] == "Colleague's last word")
    t.keys("w")
    t.wait_for(rf"saved post {pid}")
    post = admin.call("post.get", id=pid)
    assert post["caption"] == "Colleague's last word" and post["notes"] == "See the brief"
    wait_until(lambda: form_caption(t.screen()) == "Colleague's last word",
               what="the form to show the daemon's caption")
    assert re.search(r"^\s*Notes\s+See the brief", t.screen(), re.M), t.screen()


def test_new_post_with_an_image(daemon, tuis, queue_setup, tmpdir_path):
    admin, prof, _ = queue_setup
    try:
        admin.call("media.get", id=1)
    except RpcError as e:
        if e.code == "unknown_method":
            pytest.skip("the daemon has no media methods yet")
    image = os.path.join(tmpdir_path, "tiny.png")
    with open(image, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    t = tuis(daemon)
    t.wait_for(r"\[month\]")
    t.keys("n")
    t.wait_for("New post")
    t.keys("Enter")
    t.type("With a picture")
    t.keys("Enter", "j", "j", "Enter")  # caption -> notes -> media
    t.wait_for("Media file path:")
    t.type(image)
    t.keys("Enter", "w")
    m = t.wait_for(r"saved post (\d+)")
    post = admin.call("post.get", id=int(m.group(1)))
    assert post["caption"] == "With a picture" and len(post["media"]) == 1
    assert admin.call("media.get", id=post["media"][0])["type"] == "image/png"
    t.wait_for(r"1 image attached")
