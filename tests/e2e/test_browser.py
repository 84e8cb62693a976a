"""The link pages in a real browser (selenium, headless chromium): each kind of link, signing in
with a name and password, approving, requesting changes with a note, rescheduling, deciding on
two posts at once; then the statuses, history receipts and staff events through RPC. Writes
screenshots of the calendar page at 1280x800 and 375x812 to a folder it prints."""
import os
import shutil
import tempfile
import time

import pytest

from helpers import make_post, make_profile

pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
NOW = int(time.time())

if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
    pytest.skip("chromium and chromedriver are needed", allow_module_level=True)

SHOTS = os.environ.get("GL_SCREENSHOTS") or tempfile.mkdtemp(prefix="gl-screenshots-")


@pytest.fixture(scope="module")
def browser():
    profile_dir = tempfile.mkdtemp(prefix="gl-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", f"--user-data-dir={profile_dir}", "--window-size=1280,800",
              "--lang=en-US"):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    d.set_page_load_timeout(30)
    yield d
    d.quit()
    shutil.rmtree(profile_dir, ignore_errors=True)


@pytest.fixture
def b(browser):
    browser.delete_all_cookies()
    viewport(browser, 1280, 800)
    return browser


def viewport(d, width, height):
    """Sets the page's viewport (not the window's outer size) for a faithful screenshot."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def no_alert(d):
    try:
        d.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def sign_in(d, url, name=None, password=None):
    d.get(url)
    if name is not None:
        field = d.find_element(By.NAME, "name")
        field.clear()
        field.send_keys(name)
    if password is not None:
        d.find_element(By.NAME, "password").send_keys(password)
    submit(d, "form[action$='/session'] button")


def gone(element):
    """Like staleness_of, but Chromium sometimes reports a node of a replaced page as "does
    not belong to the document" (a plain WebDriverException) instead of a stale element."""
    def check(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:  # StaleElementReferenceException is one of these
            return True
    return check


def submit(d, selector):
    """Clicks what selector names (a submit button or a link) and waits for the next page to
    replace this one. Chromium now and then reports a click on a page still settling as an error; the
    click is retried only while the page is still the same one."""
    for _ in range(5):
        old = d.find_element(By.TAG_NAME, "html")
        try:
            d.find_element(By.CSS_SELECTOR, selector).click()
        except WebDriverException:
            if gone(old)(d):
                return
            time.sleep(0.1)
            continue
        break
    WebDriverWait(d, 15).until(gone(old))


def press(d, value):
    submit(d, f"button[name=action][value={value}]")


def month_of_posts(admin, profile):
    """Fills this month (in Paris time) with posts in every external status, a few per day."""
    lt = time.gmtime(NOW)
    statuses = ["published", "scheduled", "approved", "awaiting_approval", "changes_requested",
                "draft"]
    captions = ["Monday mornings call for a double espresso. What's in your cup today?",
                "New autumn blend drops Friday: fig, cocoa and toasted hazelnut",
                "Behind the scenes at the roastery: meet Léa, our head roaster",
                "Weekend flash sale: 20% off every tea set, code SAKURA20",
                "Holiday gift guide: five picks under 30 €",
                "Why we switched to compostable pods (and what it cost us)"]
    ids = []
    for i in range(14):
        day = 1 + (i * 2) % 28
        at = int(time.mktime((lt.tm_year, lt.tm_mon, day, 9 + i % 8, (i % 2) * 30, 0, 0, 0, 0)))
        st = statuses[i % len(statuses)]
        if st == "published":
            st = "scheduled"  # only the daemon publishes; the demo store has past ones
        if at <= time.time() + 60:
            at = int(time.time()) + 3600 * (2 + 11 * i)
        ids.append(make_post(admin, profile, st, caption=captions[i % len(captions)], at=at,
                             platforms=("instagram", "facebook")[: 1 + i % 2]))
    return ids


def test_calendar_link_and_screenshots(demo_daemon, b):
    """On the demo store (its first profile, Acme Coffee, has published posts in the past)."""
    daemon = demo_daemon
    admin = daemon.client()
    prof = 1
    admin.call("profile.update", id=prof, auto_schedule=False)
    month_of_posts(admin, prof)
    evil = make_post(admin, prof, "scheduled", at=NOW + 2 * 3600,
                     caption='<script>alert("x")</script><img src=x onerror=alert(1)> Caption')
    link = admin.call("link.create", profile=prof, kind="calendar")
    b.get(link["url"])
    assert "Acme Coffee" in b.title
    assert b.find_elements(By.CSS_SELECTOR, "td[aria-current=date]"), "today is marked"
    headers = [th.text for th in b.find_elements(By.CSS_SELECTOR, "table.cal th")]
    assert headers[0] == "Mon" and len(headers) == 7
    badges = {e.text.lower() for e in b.find_elements(By.CSS_SELECTOR, ".badge")}
    assert badges <= {"pre-scheduled", "scheduled", "published"} and badges
    assert no_alert(b)
    os.makedirs(SHOTS, exist_ok=True)
    viewport(b, 1280, 800)
    b.save_screenshot(os.path.join(SHOTS, "calendar-1280x800.png"))
    viewport(b, 375, 812)
    b.get(link["url"])
    # On a phone the month is an agenda: nothing wider than the screen.
    width = b.execute_script("return document.documentElement.scrollWidth")
    assert width <= 375 + 1, width
    b.save_screenshot(os.path.join(SHOTS, "calendar-375x812.png"))
    viewport(b, 1280, 800)
    # The post with HTML in its caption: shown as text, nothing runs.
    b.get(link["url"].rstrip("/") + f"/p/{evil}")
    cap = b.find_element(By.CSS_SELECTOR, ".caption").text
    assert cap.startswith('<script>alert("x")</script>')
    assert no_alert(b) and not b.find_elements(By.CSS_SELECTOR, ".caption img, .caption script")
    b.save_screenshot(os.path.join(SHOTS, "detail-1280x800.png"))
    # Next month and back.
    b.get(link["url"])
    submit(b, "a[rel=next]")
    submit(b, "a[rel=prev]")
    assert b.find_elements(By.CSS_SELECTOR, "td[aria-current=date]")
    print(f"\nscreenshots in {SHOTS}")


def test_collab_link_in_browser(daemon, admin, b):
    prof = make_profile(admin, name="Northwind", timezone="America/New_York",
                        platforms=("instagram", "x"))
    a = make_post(admin, prof, "awaiting_approval", caption="Trail tip: pack a headlamp",
                  at=NOW + 86400)
    r = make_post(admin, prof, "awaiting_approval", caption="Giveaway! Tag a friend",
                  at=NOW + 2 * 86400)
    draft = make_post(admin, prof, "draft", caption="Secret draft", at=NOW + 86400)
    admin.call("post.comment", id=r, text="Internal only", shared=False)
    sub = daemon.client()
    sub.call("notify.subscribe")
    link = admin.call("link.create", profile=prof, kind="collab", password=True)
    sign_in(b, link["url"], "Paula Partner", link["password"])
    assert "Paula Partner" in b.find_element(By.CSS_SELECTOR, ".who").text
    queue = b.find_element(By.CSS_SELECTOR, ".queue").text
    assert "Trail tip" in queue and "Giveaway" in queue and "Secret draft" not in b.page_source
    b.save_screenshot(os.path.join(SHOTS, "collab-1280x800.png"))
    submit(b, f".queue a[href$='/p/{a}']")
    b.find_element(By.ID, "anote").send_keys("Looks great")
    press(b, "approve")
    assert "You approved this post" in b.find_element(By.CSS_SELECTOR, ".flash").text
    b.get(link["url"].rstrip("/") + f"/p/{r}")
    assert "Internal only" not in b.page_source
    b.find_element(By.ID, "rnote").send_keys("Please add the closing date")
    press(b, "reject")
    assert "You requested changes" in b.find_element(By.CSS_SELECTOR, ".flash").text, \
        b.find_element(By.TAG_NAME, "main").text
    b.find_element(By.ID, "ctext").send_keys("Otherwise fine!")
    press(b, "comment")
    assert "Otherwise fine!" in b.find_element(By.CSS_SELECTOR, ".comments").text
    assert "Please add the closing date" in b.find_element(By.CSS_SELECTOR, ".reviews").text
    assert admin.call("post.get", id=a)["status"] == "approved"
    assert admin.call("post.get", id=r)["status"] == "changes_requested"
    assert admin.call("post.get", id=draft)["status"] == "draft"
    for pid, typ in ((a, "approved"), (r, "rejected")):
        h = [e for e in admin.call("post.history", id=pid)["history"] if e["type"] == typ][0]
        assert (h["actor"], h["actor_kind"], h["link"], h["address"], h["revision"]) == (
            "Paula Partner", "external", link["id"], "127.0.0.1", 1)
    for typ, pid in (("post.approved", a), ("post.rejected", r), ("post.commented", r)):
        ev = sub.wait_event(lambda e: e["type"] == typ and e["post"] == pid)
        assert ev["link"] == link["id"] and ev["actor"] == "Paula Partner"


def test_approval_link_in_browser(daemon, admin, b):
    prof = make_profile(admin, name="Sakura Tea", timezone="Asia/Tokyo",
                        platforms=("instagram", "tiktok"))
    ids = [make_post(admin, prof, "awaiting_approval", caption=f"Matcha post {i}",
                     at=NOW + (i + 1) * 86400) for i in range(4)]
    sub = daemon.client()
    sub.call("notify.subscribe")
    link = admin.call("link.create", profile=prof, kind="approval", approver="Claire Dubois")
    b.get(link["url"])
    assert b.find_element(By.NAME, "name").get_attribute("value") == "Claire Dubois"
    sign_in(b, link["url"], None, "wrong password")
    assert "not right" in b.find_element(By.CSS_SELECTOR, ".alert").text
    sign_in(b, link["url"], None, link["password"])
    b.save_screenshot(os.path.join(SHOTS, "approval-1280x800.png"))
    # Two at once.
    b.find_element(By.ID, f"sel{ids[0]}").click()
    b.find_element(By.ID, f"sel{ids[1]}").click()
    press(b, "approve")
    assert "You approved 2 posts" in b.find_element(By.CSS_SELECTOR, ".flash").text
    # Reschedule one (date and time in Tokyo time).
    b.get(link["url"].rstrip("/") + f"/p/{ids[2]}")
    day = time.strftime("%Y-%m-%d", time.gmtime(NOW + 10 * 86400))
    b.execute_script("document.querySelector('input[name=date]').value = arguments[0];"
                     "document.querySelector('input[name=time]').value = '18:45';", day)
    press(b, "reschedule")
    assert "moved" in b.find_element(By.CSS_SELECTOR, ".flash").text
    moved = admin.call("post.get", id=ids[2])
    tokyo = time.gmtime(moved["scheduled_at"] + 9 * 3600)
    assert time.strftime("%Y-%m-%d %H:%M", tokyo) == f"{day} 18:45"
    # Reject one with a note; the browser refuses an empty note by itself.
    b.get(link["url"].rstrip("/") + f"/p/{ids[3]}")
    assert b.find_element(By.ID, "rnote").get_attribute("required") is not None
    b.find_element(By.ID, "rnote").send_keys("The kanji in the first line is wrong")
    press(b, "reject")
    viewport(b, 375, 812)
    b.get(link["url"].rstrip("/") + f"/p/{ids[3]}")
    b.save_screenshot(os.path.join(SHOTS, "detail-375x812.png"))
    viewport(b, 1280, 800)
    statuses = [admin.call("post.get", id=i)["status"] for i in ids]
    assert statuses == ["approved", "approved", "awaiting_approval", "changes_requested"]
    for pid, typ in ((ids[0], "approved"), (ids[1], "approved"), (ids[2], "rescheduled"),
                     (ids[3], "rejected")):
        h = [e for e in admin.call("post.history", id=pid)["history"] if e["type"] == typ][-1]
        assert (h["actor"], h["actor_kind"], h["link"], h["address"], h["revision"]) == (
            "Claire Dubois", "external", link["id"], "127.0.0.1", 1)
    assert [e for e in admin.call("post.history", id=ids[3])["history"]
            if e["type"] == "rejected"][0]["note"] == "The kanji in the first line is wrong"
    for typ, pid in (("post.approved", ids[0]), ("post.approved", ids[1]),
                     ("post.rescheduled", ids[2]), ("post.rejected", ids[3])):
        sub.wait_event(lambda e: e["type"] == typ and e["post"] == pid)
    # Sign out: the link asks for the password again.
    submit(b, ".who button")
    assert b.find_elements(By.NAME, "password")
