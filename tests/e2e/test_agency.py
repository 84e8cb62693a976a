"""An agency installs Greenlight for real: from an empty store (no --demo) to a client's first
approval through a link, with only keys in the staff client, and the screens around it (people,
profiles, roles in words, prompts that start with a value, notifications kept for later).
Driven in tmux as tests/e2e/test_tui.py does; every step is checked through RPC."""
import re
import time

import pytest

from gltest import RpcError, wait_until
from helpers import PASSWORD, make_post, make_profile, make_user
from httputil import Web, csrf, path_of
from test_tui import TMUX, new_approval_link, tuis  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

GENERATED = r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}"


class Counted:
    """The client, counting what a person would press: each key, each character typed."""

    def __init__(self, t):
        self.t, self.pressed = t, 0

    def keys(self, *keys):
        self.pressed += len(keys)
        self.t.keys(*keys)

    def type(self, text):
        self.pressed += len(text)
        self.t.type(text)

    def __getattr__(self, name):
        return getattr(self.t, name)


def test_empty_store_to_first_client_approval(daemon, tuis):
    assert daemon.client().call("profile.list")["profiles"] == []
    t = Counted(tuis(daemon))
    t.wait_for(r"Welcome to Greenlight")
    started = time.monotonic()
    t.wait_for(r"\[ \] 1\. Choose your own password")

    # 1. The initial password is replaced.
    t.keys("Enter")
    t.wait_for(r"Your new password")
    t.type("short"); t.keys("Enter")
    t.wait_for(r"at least 8 characters")
    t.type("agency secret 1"); t.keys("Enter")
    t.wait_for(r"The same password again")
    t.type("agency secret 1"); t.keys("Enter")
    t.wait_for(r"your password is changed")
    t.wait_for(r"\[x\] 1\.")
    daemon.client("admin", "agency secret 1").call("server.ping")
    with pytest.raises(RpcError):
        daemon.client("admin", daemon.admin_password)

    # 2. The first profile: name, a zone found by searching, platforms, approval steps.
    t.keys("Enter")  # the cursor moved on to step 2
    t.wait_for(r"New profile")
    t.keys("Enter")
    t.wait_for(r"Name:")
    t.type("Acme Bakery"); t.keys("Enter")
    t.keys("Enter")  # on to the time zone: its list, searching at once
    t.wait_for(r"Search time zones: UTC")
    t.type("paris"); t.keys("Enter")  # typing replaces the UTC shown
    t.wait_for(r"Time zones: 1 of \d+ matching \"paris\"")
    t.wait_for(r"Europe/Paris +UTC\+0[12]:00")
    t.keys("Enter")
    t.wait_for(r"Time zone +Europe/Paris")
    t.keys("Enter")  # platforms, prefilled
    t.wait_for(r"Platforms: instagram, facebook")
    t.type("instagram, linkedin"); t.keys("Enter")
    t.keys("Enter")  # week start
    t.wait_for(r"Week starts on \(monday, sunday\): monday")
    t.type("tuesday"); t.keys("Enter")
    t.wait_for(r"Week starts on is one of: monday sunday")
    t.keys("C-u"); t.type("sunday"); t.keys("Enter")
    t.keys("Enter")  # approval steps: their own list
    t.wait_for(r"1\. Approval: decided by a manager, or an approval or collab link")
    t.keys("Enter")
    t.wait_for(r"Step name: Approval")
    t.type("Client"); t.keys("Enter")
    t.wait_for(r"Who \(editor, manager, admin, approver, collaborator, any\): any")
    t.type("approver"); t.keys("Enter")
    t.wait_for(r"Approver's name")
    t.type("Claire"); t.keys("Enter")
    t.wait_for(r"1\. Client: decided by the approver of an approval link, Claire")
    t.keys("q")
    t.wait_for(r"Approval steps +Client: approver Claire")
    # Reminders a quarter of an hour before: the post below is at least half an hour ahead,
    # so no reminder comes into this journey whatever the time of day (with the 60 shown, one
    # did in the first half of every hour).
    t.keys("Down")
    m = t.wait_for(r"(a post approved is scheduled at once|approvers are reminded this long)")
    if m.group(1).startswith("a post"):
        t.keys("Down")
        t.wait_for(r"approvers are reminded this long")
    t.keys("Enter")
    t.wait_for(r"Reminder \(minutes\)")
    t.type("15"); t.keys("Enter")
    t.wait_for(r"Reminder \(minutes\) +15")
    t.keys("w")
    t.wait_for(r"profile created")
    prof = daemon.client("admin", "agency secret 1").call("profile.list")["profiles"]
    assert len(prof) == 1
    p = prof[0]
    assert p["name"] == "Acme Bakery" and p["timezone"] == "Europe/Paris"
    assert p["reminder_minutes"] == 15
    assert p["platforms"] == ["instagram", "linkedin"] and p["week_start"] == "sunday"
    assert p["steps"] == [{"name": "Client", "who": "approver", "approver": "Claire"}]
    t.wait_for(r"\[x\] 2\.")

    # 3. A colleague: name, role, e-mail; the password is made by the client, shown once.
    t.keys("Enter")
    t.wait_for(r"Invite a colleague")
    t.keys("Enter")
    t.wait_for(r"Name:")
    t.type("jane"); t.keys("Enter")
    t.keys("Enter")
    t.wait_for(r"Role \(viewer, editor, manager, admin\): editor")
    t.type("manager"); t.keys("Enter")
    t.keys("Enter")
    t.wait_for(r"E-mail:")
    t.type("jane@example.com"); t.keys("Enter")
    t.keys("w")
    m = t.wait_for(rf"jane's password: ({GENERATED}) \(copied")
    jane = daemon.client("jane", m.group(1))
    users = {u["name"]: u for u in daemon.client("admin", "agency secret 1").call("user.list")["users"]}
    assert users["jane"]["role"] == "manager" and users["jane"]["email"] == "jane@example.com"
    assert users["jane"]["mail"] == "each"
    t.wait_for(r"\[x\] 3\. Invite colleagues \(1 invited")

    # 4. The calendar, a post, submitted.
    t.keys("j", "Enter")
    t.wait_for(r"Acme Bakery .* Europe/Paris")
    t.keys("n")
    t.wait_for("New post")
    t.keys("Enter")
    t.wait_for("Caption:")
    t.type("Fresh croissants every morning"); t.keys("Enter")
    t.keys("w")
    m = t.wait_for(r"saved post (\d+)")
    post = int(m.group(1))
    t.keys("u")
    t.wait_for(rf"submitted post {post}: now awaiting approval")
    assert jane.call("post.get", id=post)["status"] == "awaiting_approval"

    # 5. An approval link for Claire, its URL copied.
    t.keys("3")
    t.wait_for(r"Links of Acme Bakery")
    new_approval_link(t, "Claire")  # no e-mail: not mailed
    m = t.wait_for(r"URL: (http://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]{43})")
    t.wait_for(r"link \d+: http.*\(co")  # copied to the clipboard, as the message says
    elapsed = time.monotonic() - started
    url = m.group(1)
    pw = t.wait_for(r"Password: (\S+) \(shown once").group(1)
    links = jane.call("link.list", profile=p["id"])["links"]
    assert len(links) == 1 and links[0]["approver"] == "Claire" and links[0]["kind"] == "approval"
    print(f"\nfirst run to a link URL copied: {t.pressed} keys pressed (characters typed "
          f"included), {elapsed:.1f}s from the welcome screen")

    # 6. Claire approves in her browser.
    w = Web(daemon.http_port)
    base = path_of(url)
    page = w.get(base)[2]
    st, st2, page = w.follow(base + "/session", {"csrf": csrf(page), "name": "Claire",
                                                 "password": pw})
    assert st2 == 200 and "Fresh croissants" in page, page
    detail = w.get(f"{base}/p/{post}")[2]
    st, st2, body = w.follow(f"{base}/p/{post}", {"csrf": csrf(detail), "rev": "1",
                                                   "action": "approve", "note": "Lovely"})
    assert st == 303 and "You approved this post" in body
    assert jane.call("post.get", id=post)["status"] == "approved"

    # 7. The client shows it without a key: the message, the count, the calendar's mark; the
    # notification opens the post and is read on the daemon too.
    t.wait_for(r"\* Claire approved post")
    t.wait_for(r"\[1 new\]")
    t.keys("1")
    t.wait_for(r"\d\d:\d\d\+Fresh")
    t.keys("4")
    t.wait_for(r"Notifications: 1, 1 unread")
    t.wait_for(r"\* \d\d-\d\d \d\d:\d\d  Claire approved post")
    t.keys("Enter")
    t.wait_for(r"Fresh croissants every morning")
    t.wait_for(r"approved")
    admin = daemon.client("admin", "agency secret 1")
    wait_until(lambda: admin.call("notify.list")["unread"] == 0, what="the notification read")
    t.wait_gone(r"\[1 new\]")


def test_prefilled_prompt_is_replaced_by_typing(daemon, tuis):
    admin = daemon.client()
    prof = make_profile(admin, name="Acme")
    link = admin.call("link.create", profile=prof, kind="calendar", ttl_days=7)
    expires = link["expires_at"]
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("3")
    t.wait_for(r"Links of Acme: 1")
    # Typing replaces the 30 shown: 14, not 3014.
    t.keys("e")
    t.wait_for(r"Extend by days \(1 to 3650\): 30")
    t.type("14")
    t.keys("Enter")
    t.wait_for(rf"link {link['id']} updated")
    got = admin.call("link.list", profile=prof)["links"][0]["expires_at"]
    assert got == expires + 14 * 86400
    # An arrow keeps the value for editing: Right, then 0, makes 300.
    t.keys("e")
    t.wait_for(r"Extend by days \(1 to 3650\): 30")
    t.keys("Right")
    t.type("0")
    t.wait_for(r"Extend by days \(1 to 3650\): 300")
    t.keys("Enter")
    wait_until(lambda: admin.call("link.list", profile=prof)["links"][0]["expires_at"] ==
               expires + 314 * 86400, what="extended by 300 more")
    # Out of range is refused where it is typed, the range said, the text kept; Esc cancels
    # and stays on the screen.
    t.keys("e")
    t.wait_for(r"Extend by days \(1 to 3650\): 30")
    t.type("5000")
    t.keys("Enter")
    t.wait_for(r"'5000': a number of days from 1 to 3650")
    t.wait_for(r"Extend by days \(1 to 3650\): 5000")
    t.keys("Escape")
    t.wait_gone(r"Extend by days")
    t.wait_for(r"Links of Acme: 1")
    assert admin.call("link.list", profile=prof)["links"][0]["expires_at"] == expires + 314 * 86400


def test_link_prompts_check_what_is_typed_and_keep_the_rest(daemon, tuis):
    admin = daemon.client()
    prof = make_profile(admin, name="Acme")
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("3")
    t.wait_for(r"Links of Acme: 0")
    t.keys("n")
    t.wait_for(r"Kind \(calendar, collab, approval\): approval")
    t.type("collab")
    t.keys("Enter")
    t.wait_for(r"Password \(auto.*: none")
    t.type("short")
    t.keys("Enter")
    t.wait_for(r"a link password has at least 8 characters")
    t.wait_for(r"Password \(auto.*: short")
    t.type(" enough")  # the text is kept for editing: "short enough"
    t.keys("Enter")
    t.wait_for(r"Valid for days \(1 to 3650, empty: no expiry\)")
    t.type("0")
    t.keys("Enter")
    t.wait_for(r"'0': a number of days from 1 to 3650")
    t.keys("BSpace")
    t.type("9")
    t.keys("Enter")
    t.wait_for(r"URL: http")
    links = admin.call("link.list", profile=prof)["links"]
    assert len(links) == 1 and links[0]["kind"] == "collab" and links[0]["password"] is True
    assert abs(links[0]["expires_at"] - (time.time() + 9 * 86400)) < 120


def test_forbidden_screens_are_explained_in_words(daemon, tuis):
    admin = daemon.client()
    prof = make_profile(admin, name="Acme")
    make_user(daemon, admin, "vera", "viewer")
    t = tuis(daemon, user="vera", password=PASSWORD)
    t.wait_for(r"vera/viewer \| Acme \| online")
    # A screen the role may not use says who may, before anything is asked.
    t.keys("3")
    t.wait_for(r"Links are managed by managers and admins\. You are a viewer\.")
    t.keys("n")
    t.wait_gone(r"Kind \(")
    # An action: refused in words, no prompt.
    t.keys("1")
    t.wait_for(r"\[month\]")
    t.keys("n")
    t.wait_for(r"Posts are written by editors, managers and admins\.")
    assert "New post" not in t.screen()
    t.keys("p")
    t.wait_for(r"Profiles")
    t.keys("n")
    t.wait_for(r"Profiles are created and changed by managers and admins\.")
    assert "forbidden" not in t.screen()
    assert admin.call("post.list", profile=prof)["posts"] == []
    # Their own account: the password, typed twice, hidden.
    t.keys("5")
    t.wait_for(r"Your account")
    t.wait_for(r"vera is a viewer: reads calendars")
    t.keys("o")
    t.wait_for(r"Roles are changed by admins\.")
    t.keys("P")
    t.wait_for(r"Your new password")
    t.type("vera's new secret")
    t.keys("Enter")
    t.wait_for(r"The same password again")
    t.type("vera's new secret")
    t.keys("Enter")
    t.wait_for(r"your password is changed")
    daemon.client("vera", "vera's new secret").call("profile.list")


def test_stored_notifications_shown_at_next_login(daemon, tuis):
    admin = daemon.client()
    prof = make_profile(admin, name="Acme")
    post = make_post(admin, prof, "awaiting_approval", caption="While you were away")
    mona = make_user(daemon, admin, "mona", "manager")
    # Nobody has a client open: the approval is kept for admin, the post's creator.
    mona.call("post.approve", id=post)
    stored = admin.call("notify.list")
    assert stored["unread"] >= 1
    t = tuis(daemon)
    t.wait_for(rf"\[{stored['unread']} new\]")
    t.keys("4")
    t.wait_for(rf"Notifications: {len(stored['notifications'])}, {stored['unread']} unread")
    t.wait_for(r"\* \d\d-\d\d \d\d:\d\d  mona approved post")
    # Nothing of admin's own doing (the post was created and submitted by admin).
    assert "admin submitted" not in t.screen()
    t.keys("x")
    wait_until(lambda: admin.call("notify.list")["unread"] == stored["unread"] - 1,
               what="one marked read")
    t.keys("m")
    wait_until(lambda: admin.call("notify.list")["unread"] == 0, what="all marked read")
    t.wait_for(r"Notifications: \d+, 0 unread")


def test_people_screen_for_admins(daemon, tuis):
    admin = daemon.client()
    make_profile(admin, name="Acme")
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("5")
    t.wait_for(r"People: 1")
    t.keys("n")
    t.wait_for(r"Invite a colleague")
    t.keys("Enter")
    t.type("bob")
    t.keys("Enter", "Enter")
    t.wait_for(r"Role \(viewer, editor, manager, admin\): editor")
    t.type("boss")
    t.keys("Enter")
    t.wait_for(r"Role is one of: viewer editor manager admin")
    t.keys("C-u")
    t.type("viewer")
    t.keys("Enter", "w")
    m = t.wait_for(rf"bob's password: ({GENERATED})")
    daemon.client("bob", m.group(1))
    t.wait_for(r"People: 2")
    t.wait_for(r"Password of bob: " + m.group(1))
    # The cursor to bob (names sorted as the daemon lists them), then a role.
    names = [u["name"] for u in admin.call("user.list")["users"]]
    for _ in range(names.index("bob")):
        t.keys("j")
    t.keys("o")
    t.wait_for(r"Role of bob \(viewer, editor, manager, admin\): viewer")
    t.type("manager")
    t.keys("Enter")
    t.wait_for(r"role changed")
    wait_until(lambda: {u["name"]: u for u in admin.call("user.list")["users"]}["bob"]["role"]
               == "manager", what="bob a manager")
    t.keys("@")
    t.wait_for(r"E-mail address:")
    t.type("bob.example.com")
    t.keys("Enter")
    t.wait_for(r"an e-mail address has an @")
    t.keys("C-u")
    t.type("bob@example.com")
    t.keys("Enter")
    t.wait_for(r"e-mail address changed")
    t.keys("m")
    t.wait_for(r"Mail \(each, digest, none\): each")
    t.type("digest")
    t.keys("Enter")
    t.wait_for(r"mail preference changed")
    bob = {u["name"]: u for u in admin.call("user.list")["users"]}["bob"]
    assert bob["email"] == "bob@example.com" and bob["mail"] == "digest"
    # A new password for bob: asked first (one key), generated, shown once, copyable.
    t.keys("P")
    t.wait_for(r"Give bob a new password\? The old one stops working \(y/n\)")
    t.keys("y")
    m = t.wait_for(rf"bob's password: ({GENERATED})")
    daemon.client("bob", m.group(1))
    t.keys("y")
    t.wait_for(r"copied the password of bob")
    # Disable and enable, where the daemon has them.
    methods = {m["name"] for m in admin.call("server.describe")["methods"]}
    if "user.disable" not in methods:
        return
    t.keys("x")
    t.wait_for(r"Disable bob\? .*\(y/n\)")
    t.keys("y")
    t.wait_for(r"user disabled")
    wait_until(lambda: {u["name"]: u for u in admin.call("user.list")["users"]}["bob"].get(
        "disabled") is True, what="bob disabled")
    with pytest.raises(RpcError):
        daemon.client("bob", m.group(1))
    t.wait_for(r"\(disabled\)")
    t.keys("x")
    t.wait_for(r"Enable bob\?")
    t.keys("y")
    t.wait_for(r"user enabled")
    daemon.client("bob", m.group(1))


def test_profile_edit_steps_and_checks(daemon, tuis):
    admin = daemon.client()
    prof = make_profile(admin, name="Acme", timezone="Europe/Paris")
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("p")
    t.wait_for(r"Profiles")
    t.wait_for(r"Approval steps: Approval: any")
    t.keys("e")
    t.wait_for(r"Profile Acme")
    for _ in range(4):
        t.keys("j")
    t.keys("Enter")
    t.wait_for(r"1\. Approval: decided by")
    t.keys("Enter")
    t.wait_for(r"Step name: Approval")
    t.type("Review")
    t.keys("Enter")
    t.type("boss")
    t.keys("Enter")
    t.wait_for(r"'boss': a step is decided by editor, manager, admin, approver")
    t.keys("C-u")
    t.type("manager")
    t.keys("Enter")
    t.wait_for(r"1\. Review: decided by a manager or admin")
    t.keys("n")
    t.wait_for(r"Step name:")
    t.type("Client")
    t.keys("Enter")
    t.type("approver")
    t.keys("Enter")
    t.wait_for(r"Approver's name")
    t.type("Jane Client")
    t.keys("Enter")
    t.wait_for(r"2\. Client: decided by the approver of an approval link, Jane Client")
    t.keys("n")
    t.type("Final")
    t.keys("Enter")
    t.type("admin")
    t.keys("Enter")
    t.wait_for(r"3\. Final: decided by an admin")
    t.keys("K")  # earlier: before Client
    t.wait_for(r"2\. Final: decided by an admin")
    t.keys("x")
    t.wait_gone(r"Final")
    t.wait_for(r"2\. Client: decided by")
    t.keys("q")
    t.wait_for(r"Approval steps +Review: manager; Client: approver Jane Client")
    t.keys("j")
    t.keys("Enter")  # approval schedules: Enter toggles
    t.wait_for(r"Approval schedules +yes")
    t.keys("j", "Enter")
    t.wait_for(r"Reminder \(minutes\): 60")
    t.type("99999")
    t.keys("Enter")
    t.wait_for(r"Reminder \(minutes\): a number from 0 to 10080")
    t.keys("C-u")
    t.type("30")
    t.keys("Enter")
    # Esc on a field cancels that field and stays on the form. (The answer moved on to the
    # brand's first field, Display name: seven up is Name.)
    t.keys("k", "k", "k", "k", "k", "k", "k", "Enter")
    t.wait_for(r"Name: Acme")
    t.keys("Escape")
    t.wait_gone(r"Name: Acme")
    t.wait_for(r"Profile Acme")
    # Leaving with answers typed asks one key first; n stays.
    t.keys("q")
    t.wait_for(r"Leave without saving what you typed\? \(y/n\)")
    t.keys("n")
    t.wait_gone(r"Leave without saving")
    t.wait_for(r"Profile Acme")
    t.keys("w")
    t.wait_for(r"profile saved")
    p = admin.call("profile.list")["profiles"][0]
    assert p["id"] == prof and p["name"] == "Acme"
    assert p["steps"] == [{"name": "Review", "who": "manager"},
                          {"name": "Client", "who": "approver", "approver": "Jane Client"}]
    assert p["auto_schedule"] is True and p["reminder_minutes"] == 30


def test_errors_are_said_in_words(daemon, tuis):
    admin = daemon.client()
    prof = make_profile(admin, name="Acme")
    post = make_post(admin, prof, "awaiting_approval", caption="Not yet approved")
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("2")
    t.wait_for(r"Approval queue: 1 post")
    # Statuses as people say them, in the detail and its history.
    t.wait_for(rf"Post {post}\s+awaiting approval")
    t.wait_for(r"submitted by admin: draft -> awaiting approval")
    assert "_" not in t.screen()
    t.keys("S")  # schedule: only an approved post can be
    m = t.wait_for(rf"post {post} not scheduled: (.*)")
    said = m.group(1)
    assert "awaiting approval" in said and "_" not in said and "invalid" not in said, said
    assert admin.call("post.get", id=post)["status"] == "awaiting_approval"


def cell_of(line, text):
    """The screen column where text starts on line (wide characters count two), or -1."""
    from test_tui import columns
    cells, want = columns(line), list(text)
    for x in range(len(cells) - len(want) + 1):
        if cells[x:x + len(want)] == want:
            return x
    return -1


def test_new_screens_measure_wide_names_and_redraw_on_resize(daemon, tuis):
    from test_tui import columns
    admin = daemon.client()
    admin.call("profile.create", name="抹茶 Café ☕", timezone="Asia/Tokyo", platforms=["x"])
    admin.call("profile.create", name="Plain", timezone="Europe/Paris", platforms=["x"])
    admin.call("user.create", name="lei", password=PASSWORD, role="editor")
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("p")
    # Both rows of the profile list: the calendar's title alone already shows Asia/Tokyo.
    t.wait_for(r"Europe/Paris")
    lines = t.screen().split("\n")
    tokyo = [cell_of(l, "Asia/Tokyo") for l in lines if "Asia/Tokyo" in l and "|" not in l]
    paris = [cell_of(l, "Europe/Paris") for l in lines if "Europe/Paris" in l and "|" not in l]
    assert tokyo == paris and tokyo[0] > 0, t.screen()  # the wide name kept its zone in line
    t.keys("5")
    t.wait_for(r"People: 2")
    lines = t.screen().split("\n")
    roles = [cell_of(l, "editor") for l in lines if l.startswith("  lei")] + \
        [10 + cell_of(l[10:], "admin") for l in lines if l.startswith("  admin")]
    assert len(roles) == 2 and len(set(roles)) == 1, t.screen()
    # Resized, the screen is drawn again for the new size, and back.
    t.resize(100, 30)
    t.wait_for(r"People: 2")
    assert max(len(columns(l)) for l in t.screen().split("\n")) <= 100
    t.resize(80, 24)
    t.wait_for(r"People: 2")
    assert len(t.screen().rstrip("\n").split("\n")) <= 24
