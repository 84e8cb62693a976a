"""Mail people can act on: every message, as a sendmail script receives it from the real
daemon, parsed with Python's email package (the strict default policy); times in the
recipient's zone and in words; approval links mailed to their approver without the password;
reminders before the deadline only while the post still waits for that approver."""
import datetime
import email
import email.policy
import email.utils
import glob
import os
import re
import stat
import time
import zoneinfo

import pytest

from gltest import Daemon, RpcError, wait_until
from helpers import PASSWORD, make_post, make_profile
from httputil import csrf, sign_in, text
from test_tui import new_approval_link, tuis  # noqa: F401 (fixture)

FROM = "greenlight@agency.example"
PROFILE = "Café Ørsted"
ZONE = "America/New_York"


class Mailbox:
    """The messages a sendmail script wrote, one file each (renamed into place when whole)."""

    def __init__(self, path):
        self.path = path

    def raw(self):
        out = []
        for p in sorted(glob.glob(os.path.join(self.path, "msg.*"))):
            with open(p, "rb") as f:
                out.append(f.read())
        return out

    def messages(self):
        return [email.message_from_bytes(r, policy=email.policy.default) for r in self.raw()]

    def wait(self, pred, what, timeout=15):
        found = []
        wait_until(lambda: found.extend(m for m in self.messages() if pred(m)) or found,
                   timeout=timeout, what=what)
        return found[0]

    def to(self, addr):
        return [m for m in self.messages() if m["To"] == addr]


def mail_daemon(tmpdir_path, *extra):
    box = os.path.join(tmpdir_path, "mailbox")
    os.mkdir(box)
    sendmail = os.path.join(tmpdir_path, "sendmail.sh")
    with open(sendmail, "w") as f:
        f.write(f'#!/bin/sh\nt=$(mktemp "{box}/.part.XXXXXX")\ncat > "$t"\n'
                f'mv "$t" "{box}/msg.$(date +%s%N).$$"\n')
    os.chmod(sendmail, os.stat(sendmail).st_mode | stat.S_IXUSR)
    d = Daemon(os.path.join(tmpdir_path, "data"),
               ["--sendmail", sendmail, "--mail-from", FROM, *extra]).start()
    return d, Mailbox(box)


@pytest.fixture
def mail(tmpdir_path):
    d, box = mail_daemon(tmpdir_path)
    yield d, box
    assert d.stop() == 0, d.log_tail()


def in_words(t, zone, now=None):
    """The daemon's "Thu 3 Dec, 10:00 Europe/Paris", computed here with zoneinfo."""
    z = zoneinfo.ZoneInfo(zone)
    dt = datetime.datetime.fromtimestamp(t, z)
    this_year = datetime.datetime.fromtimestamp(now or time.time(), z).year
    year = f" {dt.year}" if dt.year != this_year else ""
    return f"{dt:%a} {dt.day} {dt:%b}{year}, {dt:%H:%M} {zone}"


def assert_proper(msg, raw):
    """What mail-tester style checks look at, on the message as sendmail got it."""
    assert raw.isascii(), "8-bit bytes in a 7-bit message"
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 78 for line in lines), max(lines, key=len)
    assert b"\n" not in raw.replace(b"\r\n", b""), "a bare LF"
    assert msg["MIME-Version"] == "1.0"
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    assert msg["Content-Transfer-Encoding"] == "quoted-printable"
    assert re.fullmatch(r"<[0-9a-f]{32}@agency\.example>", msg["Message-ID"]), msg["Message-ID"]
    date = email.utils.parsedate_to_datetime(msg["Date"])
    assert date.tzinfo is not None and date.utcoffset() == datetime.timedelta(0)
    assert msg["From"].addresses[0].addr_spec == FROM
    assert not msg.defects and not any(msg[h].defects for h in ("From", "To", "Subject"))
    return msg.get_content().replace("\r\n", "\n")


def test_staff_mail_is_mime_with_time_in_words_in_the_profile_zone(mail):
    d, box = mail
    admin = d.client()
    admin.call("user.create", name="lea", password=PASSWORD, role="manager",
               email="lea@agency.example", mail="each")
    prof = make_profile(admin, name=PROFILE, timezone=ZONE)
    at = (int(time.time()) // 3600 + 50) * 3600
    caption = "Le menu d’été 🍓 arrive: fraises, crème, " + "et encore " * 20 + "la fin"
    pid = make_post(admin, prof, "awaiting_approval", caption=caption, at=at)
    msg = box.wait(lambda m: m["To"] == "lea@agency.example", "the submission mail")
    [raw] = box.raw()
    body = assert_proper(msg, raw)
    # The subject is the event with the caption's start, non-ASCII, back as it was.
    want = f"[Greenlight] admin submitted post {pid} \"Le menu d’été 🍓"
    assert msg["Subject"].startswith(want)
    assert msg["From"].addresses[0].display_name == "Greenlight"
    assert in_words(at, ZONE) in body and "Unix" not in body
    assert f"Post {pid} of {PROFILE}: \"Le menu d’été 🍓 arrive" in body
    assert "Status: awaiting approval" in body
    assert caption not in body and "…" in body  # the start, not a 200-character caption
    assert re.search(r"When: \w{3} \d+ \w{3}, \d\d:\d\d America/New_York", body)


def test_approval_link_mailed_with_the_url_never_the_password(mail):
    d, box = mail
    admin = d.client()
    prof = make_profile(admin, name=PROFILE, timezone=ZONE)
    at = int(time.time()) + 3 * 86400
    pid = make_post(admin, prof, "awaiting_approval", caption="Rentrée ✏️ sale", at=at)
    link = admin.call("link.create", profile=prof, kind="approval", approver="Zoë Ørsted",
                      posts=[pid], email="zoe@client.example")
    assert link["password"]  # an approval link always has one, shown to staff only
    msg = box.wait(lambda m: m["To"] == "zoe@client.example", "the link mail")
    [raw] = box.raw()
    body = assert_proper(msg, raw)
    assert "via Greenlight" in msg["From"].addresses[0].display_name
    assert msg["From"].addresses[0].display_name == f"{PROFILE} via Greenlight"
    assert msg["Subject"] == f"{PROFILE}: posts for you to review"
    assert body.startswith("Hello Zoë Ørsted,")
    assert link["url"] in body and link["token"] in body
    assert link["password"] not in raw.decode() and link["password"] not in body
    assert "password" in body and "separately" in body and "not in this mail" in body
    assert f'Post {pid} of {PROFILE}: "Rentrée ✏️ sale"' in body
    assert in_words(at, ZONE) in body
    listed = [l for l in admin.call("link.list")["links"] if l["id"] == link["id"]][0]
    assert listed["email"] == "zoe@client.example" and listed["reminded_at"] is None
    # A new token (the approver asked for one, or staff fear a leak) is mailed the same way.
    new = admin.call("link.regenerate", id=link["id"])
    again = box.wait(lambda m: "no longer works" in m.get_content(), "the new link's mail")
    body = again.get_content()
    assert again["To"] == "zoe@client.example" and new["url"] in body
    assert link["url"] not in body and new["password"] not in body and "separately" in body


def test_link_without_password_mail_and_bad_addresses_refused(mail):
    d, box = mail
    admin = d.client()
    prof = make_profile(admin, name=PROFILE, timezone=ZONE)
    link = admin.call("link.create", profile=prof, kind="collab", email="team@client.example")
    msg = box.wait(lambda m: m["To"] == "team@client.example", "the collab link mail")
    body = assert_proper(msg, box.raw()[0])
    assert link["url"] in body and "password" not in body.lower()
    assert body.startswith("Hello,")
    for bad in ("claire", "claire@client.example\r\nBcc: all@example.com",
                "Claire <c@client.example>", "a@client.example, b@client.example", 42):
        with pytest.raises(RpcError) as e:
            admin.call("link.create", profile=prof, kind="collab", email=bad)
        assert e.value.code == "bad_request", bad
    # A link without an address sends nothing; the only mail is the first.
    admin.call("link.create", profile=prof, kind="approval", approver="Claire")
    admin.call("link.create", profile=prof, kind="approval", approver="Claire", email="")
    assert len(admin.call("link.list")["links"]) == 3
    assert [m["To"] for m in box.messages()] == ["team@client.example"]


def signed_in(d, link, name):
    return sign_in(d.http_port, link["url"], name, link["password"])


def decide(w, base, pid, action, note=""):
    detail = w.get(f"{base}/p/{pid}")[2]
    fields = {"csrf": csrf(detail), "rev": "1", "action": action}
    if note:
        fields["note"] = note
    assert w.post(f"{base}/p/{pid}", fields)[0] == 303


def link_of(admin, lid):
    return [l for l in admin.call("link.list")["links"] if l["id"] == lid][0]


def test_reminder_mailed_before_the_deadline_and_shown_on_the_page(mail):
    d, box = mail
    admin = d.client()
    admin.call("notify.subscribe")
    prof = make_profile(admin, name=PROFILE, timezone=ZONE, reminder_minutes=120,
                        steps=[{"name": "Client", "who": "approver"}])
    # Due in an hour: inside the two-hour lead as soon as it awaits approval.
    at = int(time.time()) + 3600
    pid = make_post(admin, prof, "draft", caption="Soldes d’hiver ❄️ -30 %", at=at)
    link = admin.call("link.create", profile=prof, kind="approval", approver="Zoë",
                      posts=[pid], email="zoe@client.example")
    box.wait(lambda m: m["To"] == "zoe@client.example", "the link mail")
    assert link_of(admin, link["id"])["reminded_at"] is None
    admin.call("post.submit", id=pid)
    rem = box.wait(lambda m: m["Subject"].startswith("Reminder:"), "the reminder")
    ev = admin.wait_event(lambda e: e["type"] == "post.reminder" and e["post"] == pid)
    [raw] = [r for r, m in zip(box.raw(), box.messages()) if m["Subject"].startswith("Rem")]
    body = assert_proper(rem, raw)
    assert rem["To"] == "zoe@client.example"
    assert rem["Subject"] == "Reminder: \"Soldes d’hiver ❄️ -30 %\" waits for your decision"
    assert "still waits for your decision" in body and in_words(at, ZONE) in body
    assert "Status: awaiting approval" in body and f"(link {link['id']})" in body
    assert link["password"] not in body and link["url"] not in body
    reminded = link_of(admin, link["id"])["reminded_at"]
    assert reminded is not None and abs(reminded - ev["at"]) <= 1
    # The approver's page says when.
    w, base = signed_in(d, link, "Zoë")
    page = text(w.get(base)[2])
    assert "You were reminded by mail on" in page
    dt = datetime.datetime.fromtimestamp(reminded, zoneinfo.ZoneInfo(ZONE))
    assert f"{dt:%a} {dt.day} {dt:%b} {dt.year}, {dt:%H:%M}" in page
    # Kept across a restart; the approver still decides, and is reminded once.
    d.restart()
    admin = d.client()
    assert link_of(admin, link["id"])["reminded_at"] == reminded
    decide(*signed_in(d, link, "Zoë"), pid, "approve")
    assert admin.call("post.get", id=pid)["status"] in ("approved", "scheduled")
    assert sum(m["Subject"].startswith("Reminder:") for m in box.messages()) == 1


def test_no_reminder_once_the_approver_decided(mail):
    """Decisions interleaved with the reminder check: three posts, a link each, the same
    approver. A is approved at the client's step (then waits for the team), C rejected, B left
    waiting. Reminders are switched on only after, and reach the approver for B alone."""
    d, box = mail
    admin = d.client()
    admin.call("notify.subscribe")
    prof = make_profile(admin, name=PROFILE, timezone=ZONE, reminder_minutes=0,
                        steps=[{"name": "Client", "who": "approver"},
                               {"name": "Team", "who": "manager"}])
    at = int(time.time()) + 3600
    posts, links = {}, {}
    for key, caption in (("a", "Apricots 🍑"), ("b", "Blueberries 🫐"), ("c", "Cherries 🍒")):
        posts[key] = make_post(admin, prof, "awaiting_approval", caption=caption, at=at)
        links[key] = admin.call("link.create", profile=prof, kind="approval", approver="Zoë",
                                posts=[posts[key]], email=f"{key}@client.example")
    wait_until(lambda: len(box.messages()) == 3, what="the three link mails")
    decide(*signed_in(d, links["a"], "Zoë"), posts["a"], "approve")
    decide(*signed_in(d, links["c"], "Zoë"), posts["c"], "reject", "Not cherries")
    assert admin.call("post.get", id=posts["a"])["status"] == "awaiting_approval"
    assert admin.call("post.get", id=posts["c"])["status"] == "changes_requested"
    admin.call("profile.update", id=prof, reminder_minutes=120)
    # The team is reminded of A and B (both still await approval).
    for key in ("a", "b"):
        admin.wait_event(lambda e, k=key: e["type"] == "post.reminder" and e["post"] == posts[k])
    # The link record is written in the same transaction as the reminder mail is queued.
    assert link_of(admin, links["b"]["id"])["reminded_at"] is not None
    assert link_of(admin, links["a"]["id"])["reminded_at"] is None
    assert link_of(admin, links["c"]["id"])["reminded_at"] is None
    rem = box.wait(lambda m: m["Subject"].startswith("Reminder:"), "B's reminder")
    assert rem["To"] == "b@client.example" and "Blueberries 🫐" in rem["Subject"]
    # Whatever else was sent by now went out in the same write: no reminder for A or C.
    d.stop()
    assert [m["To"] for m in box.messages() if m["Subject"].startswith("Reminder:")] == [
        "b@client.example"]
    d.start()


def test_digest_lines_say_time_profile_and_status(tmpdir_path):
    d, box = mail_daemon(tmpdir_path, "--mail-digest-seconds", "1")
    try:
        admin = d.client()
        admin.call("user.create", name="dora", password=PASSWORD, role="manager",
                   email="dora@agency.example", mail="digest")
        prof = make_profile(admin, name=PROFILE, timezone="Asia/Tokyo")
        at = int(time.time()) + 5 * 86400
        pid = make_post(admin, prof, "awaiting_approval", caption="Ramen 🍜 night", at=at)
        msg = box.wait(lambda m: m["To"] == "dora@agency.example", "the digest")
        body = assert_proper(msg, box.raw()[0])
        assert msg["Subject"] == "[Greenlight] 1 notification"
        assert f'* admin submitted post {pid} "Ramen 🍜 night" (' in body
        assert f"Post {pid} of {PROFILE}\nStatus: awaiting approval\n" in body
        assert f"Scheduled: {in_words(at, 'Asia/Tokyo')}" in body
    finally:
        assert d.stop() == 0


def test_staff_client_mails_a_new_link_to_its_approver(mail, tuis):
    """The client's link form takes the approver's address; the mail has the URL the client
    shows, and not the password it shows once."""
    from test_tui import TMUX
    if TMUX is None:
        pytest.skip("tmux is not installed")
    d, box = mail
    admin = d.client()
    prof = make_profile(admin, name=PROFILE, timezone=ZONE)
    make_post(admin, prof, "awaiting_approval", caption="Galette des rois 👑")
    t = tuis(d)
    t.wait_for(r"\| online")
    t.keys("3")
    t.wait_for(r"No links yet")
    new_approval_link(t, "Zoë", email="zoe@client.example")
    lid = int(t.wait_for(r"link (\d+): http").group(1))
    password = t.wait_for(r"Password: (\S+) \(shown once").group(1)
    [link] = admin.call("link.list", profile=prof)["links"]
    assert link["id"] == lid and link["email"] == "zoe@client.example"
    msg = box.wait(lambda m: m["To"] == "zoe@client.example", "the link mail")
    body = assert_proper(msg, box.raw()[0])
    url = re.search(r"http://\S+/l/[A-Za-z0-9_-]{43}", body).group(0)
    assert url[-20:] in t.screen()  # the token's end, as the detail shows it (maybe wrapped)
    assert password not in body and "separately" in body
    assert "Galette des rois 👑" not in body  # no posts listed: all awaiting, said in words
    assert f"It shows the posts of {PROFILE}" in body


def test_address_that_would_add_recipients_gets_no_mail(mail):
    """user.update checks an address loosely (an @); the mailer refuses anything but one
    address, so a line break cannot add a Bcc."""
    d, box = mail
    admin = d.client()
    for name, addr in (("eve", "eve@agency.example\r\nBcc: everyone@elsewhere.example"),
                       ("lea", "lea@agency.example")):
        admin.call("user.create", name=name, password=PASSWORD, role="manager", email=addr,
                   mail="each")
    prof = make_profile(admin, name=PROFILE, timezone=ZONE)
    make_post(admin, prof, "awaiting_approval", caption="Hello")
    box.wait(lambda m: m["To"] == "lea@agency.example", "lea's mail")
    wait_until(lambda: "mail: not sent: the recipient is not one address" in d.log_tail(200),
               what="the refusal in the log")
    assert [m["To"] for m in box.messages()] == ["lea@agency.example"]
    assert all(b"elsewhere" not in r for r in box.raw())


def test_a_disabled_colleague_gets_no_notification_or_mail(tmpdir_path):
    """A disabled account hears nothing more: not in the client, not by mail (each event or
    digest), while the active colleagues beside it still do; enabled again, it does not find
    what happened meanwhile."""
    d, box = mail_daemon(tmpdir_path, "--mail-digest-seconds", "1")
    try:
        admin = d.client()
        for name, mode in (("lea", "each"), ("max", "each"), ("zoe", "digest"), ("dora", "digest")):
            admin.call("user.create", name=name, password=PASSWORD, role="manager",
                       email=f"{name}@agency.example", mail=mode)
        for name in ("max", "dora"):
            admin.call("user.disable", name=name)
        prof = make_profile(admin, name=PROFILE, timezone=ZONE)
        first = make_post(admin, prof, "awaiting_approval", caption="First")
        box.wait(lambda m: m["To"] == "lea@agency.example" and str(first) in m["Subject"],
                 "lea's mail of the first")
        box.wait(lambda m: m["To"] == "zoe@agency.example", "zoe's digest")
        # The outbox sends in order: once lea has the second post's mail, anything queued for
        # the first would have gone too.
        second = make_post(admin, prof, "awaiting_approval", caption="Second")
        box.wait(lambda m: m["To"] == "lea@agency.example" and str(second) in m["Subject"],
                 "lea's mail of the second")
        assert box.to("max@agency.example") == [] and box.to("dora@agency.example") == []
        for name in ("max", "dora"):
            admin.call("user.enable", name=name)
            assert d.client(name, PASSWORD).call("notify.list") == {"unread": 0,
                                                                    "notifications": []}
        assert d.client("lea", PASSWORD).call("notify.list")["unread"] == 2
    finally:
        assert d.stop() == 0
