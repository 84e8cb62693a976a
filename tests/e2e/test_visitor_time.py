"""The visitor's own time zone on the link pages, in a real browser: the searchable list of
zones (no JavaScript), the choice remembered for the link, every time shown in both zones, and
rescheduling entered in the visitor's zone across the daylight-saving changes of March and
October, west of UTC (a visitor in New York, a Paris profile) and east of it (the reverse),
including the hour that does not exist and the hour that happens twice. Expected instants come
from Python's zoneinfo (the system tzdata). Screenshots at 1280x800 and 375x812 go under the
test's tmp dir, whose path is printed."""
import datetime as dt
import urllib.request
from zoneinfo import ZoneInfo

from helpers import make_post, make_profile
from test_browser import b, browser, press, sign_in, submit, viewport  # noqa: F401

from selenium.webdriver.common.by import By  # noqa: E402

YEAR = dt.datetime.now().year + 1


def instant(zone, *parts, fold=0):
    return int(dt.datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold).timestamp())


def hm(zone, t):
    return dt.datetime.fromtimestamp(t, ZoneInfo(zone)).strftime("%H:%M")


def change_day(zone, month):
    """The day of month in YEAR when zone's offset changes."""
    z = ZoneInfo(zone)
    d = dt.datetime(YEAR, month, 1, 12, tzinfo=z)
    while True:
        nxt = d + dt.timedelta(days=1)
        if nxt.utcoffset() != d.utcoffset():
            return nxt.day
        d = nxt


def choose_zone(d, base, search, zone):
    """Finds zone through the chooser's search and picks it; back on the page it came from."""
    d.get(base + "/zone")
    field = d.find_element(By.NAME, "q")
    field.clear()
    field.send_keys(search)
    submit(d, "form[role=search] button")
    buttons = d.find_elements(By.CSS_SELECTOR, "ul.zonelist button")
    assert zone in [x.get_attribute("value") for x in buttons], [x.text for x in buttons]
    submit(d, f"ul.zonelist button[value='{zone}']")


def reschedule(d, base, post, date, time_):
    d.get(f"{base}/p/{post}")
    d.execute_script("document.querySelector('input[name=date]').value = arguments[0];"
                     "document.querySelector('input[name=time]').value = arguments[1];",
                     date, time_)
    press(d, "reschedule")
    assert "moved" in d.find_element(By.CSS_SELECTOR, ".flash").text


def run_reschedules(admin, b, base, post, team, visitor, cases):
    """Each case is (month, day, hour, minute); a day past the month's end runs into the next."""
    for (mo, day, h, mi) in cases:
        date = dt.date(YEAR, mo, 1) + dt.timedelta(days=day - 1)
        reschedule(b, base, post, date.isoformat(), f"{h:02d}:{mi:02d}")
        got = admin.call("post.get", id=post)["scheduled_at"]
        # fold=0: a repeated time is its first instant, and a time in a gap is read with the
        # offset from before the change, as the daemon does.
        want = instant(visitor, date.year, date.month, date.day, h, mi, fold=0)
        assert got == want, (mo, day, h, mi, got, want)
        h1 = b.find_element(By.CSS_SELECTOR, ".detail h1").text
        assert f"{hm(visitor, got)} your time ({visitor})" in h1, h1
        assert f"{hm(team, got)} {team}" in h1, h1


def test_zone_search_choice_and_dual_times(daemon, admin, b, tmp_path):
    prof = make_profile(admin, name="Paris Atelier", timezone="Europe/Paris")
    at = instant("Europe/Paris", YEAR, 1, 12, 16, 0)  # a Tuesday, 10:00 in New York
    post = make_post(admin, prof, "scheduled", caption="Winter collection", at=at)
    link = admin.call("link.create", profile=prof, kind="calendar")
    base = link["url"].rstrip("/")
    b.get(f"{base}?month={YEAR}-01")
    assert "Times in Europe/Paris." in b.find_element(By.CSS_SELECTOR, ".tz").text
    assert not b.find_elements(By.CSS_SELECTOR, ".tmv")
    # The chooser: all zones, then a search ("new york" finds the underscore name).
    b.get(base + "/zone")
    assert "All " in b.find_element(By.CSS_SELECTOR, "main h2").text
    assert len(b.find_elements(By.CSS_SELECTOR, "ul.zonelist button")) == 60
    b.find_element(By.NAME, "q").send_keys("new york")
    submit(b, "form[role=search] button")
    names = [x.get_attribute("value") for x in b.find_elements(By.CSS_SELECTOR,
                                                              "ul.zonelist button")]
    assert names == ["America/New_York"], names
    b.find_element(By.NAME, "q").clear()
    b.find_element(By.NAME, "q").send_keys("zzzz")
    submit(b, "form[role=search] button")
    assert "No zone matches" in b.find_element(By.TAG_NAME, "main").text
    choose_zone(b, base, "york", "America/New_York")
    # Remembered for the link: the calendar and the detail show both zones.
    b.get(f"{base}?month={YEAR}-01")
    assert "your zone (America/New_York)" in b.find_element(By.CSS_SELECTOR, ".tz").text
    cell = b.find_element(By.CSS_SELECTOR, f"a[href$='/p/{post}']").text
    assert "16:00" in cell and "10:00 your time" in cell, cell
    b.get(f"{base}/p/{post}")
    h1 = b.find_element(By.CSS_SELECTOR, ".detail h1").text
    assert h1 == (f"Tue 12 Jan {YEAR}, 10:00 your time (America/New_York) · 16:00 "
                  "Europe/Paris"), h1
    assert "Time zone: America/New_York" in b.find_element(By.CSS_SELECTOR, "footer").text
    shots = tmp_path / "shots"
    shots.mkdir()
    b.save_screenshot(str(shots / "dual-detail-1280x800.png"))
    viewport(b, 375, 812)
    b.get(f"{base}?month={YEAR}-01")
    assert b.execute_script("return document.documentElement.scrollWidth") <= 376
    b.save_screenshot(str(shots / "dual-calendar-375x812.png"))
    b.get(base + "/zone?q=europe")
    b.save_screenshot(str(shots / "zones-375x812.png"))
    viewport(b, 1280, 800)
    b.save_screenshot(str(shots / "zones-1280x800.png"))
    # The calendar page is cached for everyone: a visitor without the choice (and one with a
    # forged cookie) still gets the team's times only.
    for cookie in (None, "gl_tz=../../../etc/passwd", "gl_tz=Not/AZone"):
        req = urllib.request.Request(f"{base}?month={YEAR}-01")
        if cookie:
            req.add_header("Cookie", cookie)
        page = urllib.request.urlopen(req).read().decode()
        assert "your time" not in page and "Times in Europe/Paris." in page, cookie
    # Back to the team's zone: the cookie goes.
    b.get(base + "/zone")
    submit(b, "ul.zonelist button[value='']")
    b.get(f"{base}/p/{post}")
    assert "your time" not in b.find_element(By.CSS_SELECTOR, ".detail h1").text
    assert b.get_cookie("gl_tz") is None
    print(f"\nscreenshots in {shots}")


def test_new_york_visitor_reschedules_a_paris_post_across_dst(daemon, admin, b, tmp_path):
    """West of UTC: the visitor enters New York times; the US and the EU change on different
    Sundays, so the distance is 5 h, then 4 h, then 5 h again, in March and in October/November."""
    prof = make_profile(admin, name="Paris Atelier", timezone="Europe/Paris")
    post = make_post(admin, prof, "awaiting_approval", caption="Spring drop",
                     at=instant("Europe/Paris", YEAR, 2, 1, 12, 0))
    link = admin.call("link.create", profile=prof, kind="approval", approver="Nina York")
    base = link["url"].rstrip("/")
    sign_in(b, link["url"], None, link["password"])
    choose_zone(b, base, "new_y", "America/New_York")
    b.get(f"{base}/p/{post}")
    hint = b.find_element(By.ID, "mzone").text
    assert "in your time zone, America/New_York" in hint and "first of the two" in hint, hint
    us_mar, eu_mar = change_day("America/New_York", 3), change_day("Europe/Paris", 3)
    eu_oct, us_nov = change_day("Europe/Paris", 10), change_day("America/New_York", 11)
    cases = [
        (3, us_mar - 1, 10, 0),   # both on winter time: 16:00 in Paris
        (3, us_mar + 1, 10, 0),   # New York on summer time, Paris not yet: 15:00
        (3, eu_mar + 1, 10, 0),   # both on summer time: 16:00 again
        (3, us_mar, 2, 30),       # does not exist in New York: 03:30 EDT
        (10, eu_oct - 1, 10, 0),  # both on summer time
        (10, eu_oct + 1, 10, 0),  # Paris back on winter time, New York not yet: 15:00
        (11, us_nov, 1, 30),      # happens twice in New York: the first, EDT
        (11, us_nov + 1, 10, 0),  # both on winter time
    ]
    run_reschedules(admin, b, base, post, "Europe/Paris", "America/New_York", cases)
    b.save_screenshot(str(tmp_path / "ny-reschedule-1280x800.png"))
    viewport(b, 375, 812)
    b.get(f"{base}/p/{post}")
    b.save_screenshot(str(tmp_path / "ny-reschedule-375x812.png"))
    viewport(b, 1280, 800)
    print(f"\nscreenshots in {tmp_path}")


def test_paris_visitor_reschedules_a_new_york_post_across_dst(daemon, admin, b):
    """East of UTC: the visitor enters Paris times for a New York profile, at the Paris
    changes: 02:30 on the March Sunday does not exist, 02:30 on the October Sunday happens
    twice (the first, still CEST)."""
    prof = make_profile(admin, name="Hudson Goods", timezone="America/New_York")
    post = make_post(admin, prof, "awaiting_approval", caption="Fall drop",
                     at=instant("America/New_York", YEAR, 2, 1, 12, 0))
    link = admin.call("link.create", profile=prof, kind="approval", approver="Paul Paris")
    base = link["url"].rstrip("/")
    sign_in(b, link["url"], None, link["password"])
    choose_zone(b, base, "paris", "Europe/Paris")
    eu_mar, eu_oct = change_day("Europe/Paris", 3), change_day("Europe/Paris", 10)
    cases = [(3, eu_mar, 2, 30), (3, eu_mar, 3, 30), (10, eu_oct, 2, 30),
             (10, eu_oct, 3, 30), (10, eu_oct - 1, 2, 30)]
    run_reschedules(admin, b, base, post, "America/New_York", "Europe/Paris", cases)
    # The gap and the repeat, said in UTC: 02:30 in the gap is 01:30 UTC (shown 03:30 CEST),
    # the repeated 02:30 is 00:30 UTC (the first, CEST).
    reschedule(b, base, post, f"{YEAR}-03-{eu_mar:02d}", "02:30")
    assert admin.call("post.get", id=post)["scheduled_at"] == instant("UTC", YEAR, 3, eu_mar, 1, 30)
    assert "03:30 your time" in b.find_element(By.CSS_SELECTOR, ".detail h1").text
    reschedule(b, base, post, f"{YEAR}-10-{eu_oct:02d}", "02:30")
    assert admin.call("post.get", id=post)["scheduled_at"] == \
        instant("UTC", YEAR, 10, eu_oct, 0, 30)
    # A form sent back with a zone that is no zone is refused, not read in another zone.
    b.get(f"{base}/p/{post}")
    b.execute_script("document.querySelector('input[name=zone]').value = 'Mars/Olympus';"
                     "document.querySelector('input[name=date]').value = arguments[0];",
                     f"{YEAR}-06-01")
    press(b, "reschedule")
    assert "Please check the date" in b.find_element(By.TAG_NAME, "h1").text
    assert admin.call("post.get", id=post)["scheduled_at"] == \
        instant("UTC", YEAR, 10, eu_oct, 0, 30)


def test_zone_form_refuses_unknown_zones(daemon, admin, b):
    prof = make_profile(admin, name="Paris Atelier", timezone="Europe/Paris")
    link = admin.call("link.create", profile=prof, kind="calendar")
    base = link["url"].rstrip("/")
    b.get(base + "/zone?q=tokyo")
    b.execute_script("document.querySelector('ul.zonelist button').value = '../../etc/passwd'")
    submit(b, "ul.zonelist button")
    assert "Unknown time zone" in b.find_element(By.TAG_NAME, "h1").text
    assert "not a time zone we know" in b.find_element(By.TAG_NAME, "main").text
    assert b.get_cookie("gl_tz") is None
