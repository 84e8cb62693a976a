"""A client's week as issue 14 tells it: staff set the profile's language in the staff client,
and a French-speaking approver in New York reviews a Paris post on a link in French,
rescheduling it across both daylight-saving changes in their own time."""
import datetime as dt

from helpers import make_post, make_profile
from test_browser import b, browser, press, sign_in  # noqa: F401
from test_tui import tuis  # noqa: F401
from test_visitor_time import YEAR, change_day, choose_zone, hm, instant

from selenium.webdriver.common.by import By  # noqa: E402


def test_staff_client_sets_the_profiles_language(daemon, tuis):  # noqa: F811
    admin = daemon.client()
    make_profile(admin, name="Maison", timezone="Europe/Paris")
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("p")
    t.wait_for(r"Profiles")
    t.keys("e")
    t.wait_for(r"Profile Maison")
    for _ in range(12):
        t.keys("j")
    t.keys("Enter")
    t.wait_for(r"Link pages' language:")
    t.type("klingon")
    t.keys("Enter")
    t.keys("w")
    # The daemon's refusal says which languages there are; the answer is kept to correct.
    t.wait_for(r"language is one of")
    assert admin.call("profile.list")["profiles"][0]["language"] in (None, "")
    t.keys("Enter")
    t.wait_for(r"Link pages' language:")
    t.keys("C-u")
    t.type("fr")
    t.keys("Enter")
    t.wait_for(r"Link pages' language +fr")
    t.keys("w")
    t.wait_for(r"profile saved")
    assert admin.call("profile.list")["profiles"][0]["language"] == "fr"


def reschedule_fr(d, base, post, date, time_):
    d.get(f"{base}/p/{post}")
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    d.execute_script("document.querySelector('input[name=date]').value = arguments[0];"
                     "document.querySelector('input[name=time]').value = arguments[1];",
                     date, time_)
    press(d, "reschedule")
    assert d.find_element(By.CSS_SELECTOR, ".flash").text


def test_french_link_new_york_visitor_reschedules_across_dst(daemon, admin, b):
    prof = make_profile(admin, name="Atelier", timezone="Europe/Paris")
    post = make_post(admin, prof, "awaiting_approval", caption="Collection de printemps",
                     at=instant("Europe/Paris", YEAR, 2, 1, 12, 0))
    link = admin.call("link.create", profile=prof, kind="approval", approver="Nina York",
                      language="fr")
    base = link["url"].rstrip("/")
    sign_in(b, link["url"], None, link["password"])
    choose_zone(b, base, "new_y", "America/New_York")
    b.get(f"{base}/p/{post}")
    assert b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    hint = b.find_element(By.ID, "mzone").text
    assert "America/New_York" in hint and "time zone" not in hint, hint
    us_mar, eu_mar = change_day("America/New_York", 3), change_day("Europe/Paris", 3)
    eu_oct, us_nov = change_day("Europe/Paris", 10), change_day("America/New_York", 11)
    for (mo, day, h, mi) in [(3, us_mar - 1, 10, 0), (3, us_mar + 1, 10, 0),
                             (3, eu_mar + 1, 10, 0), (3, us_mar, 2, 30),
                             (10, eu_oct + 1, 10, 0), (11, us_nov, 1, 30)]:
        # A day past the month's end runs into the next (the October change can be the 31st).
        date = dt.date(YEAR, mo, 1) + dt.timedelta(days=day - 1)
        reschedule_fr(b, base, post, date.isoformat(), f"{h:02d}:{mi:02d}")
        got = admin.call("post.get", id=post)["scheduled_at"]
        want = instant("America/New_York", date.year, date.month, date.day, h, mi, fold=0)
        assert got == want, (date, h, mi)
        h1 = b.find_element(By.CSS_SELECTOR, ".detail h1").text
        # Both times, both zones, in French words (no English left in the heading).
        assert hm("America/New_York", got) in h1 and hm("Europe/Paris", got) in h1, h1
        assert "America/New_York" in h1 and "Europe/Paris" in h1, h1
        assert "your time" not in h1, h1
    # 20:00 in New York is 02:00 in Paris: the check before deciding speaks French too (staff
    # get the same warning in English from post.get).
    date = dt.date(YEAR, 12, 1)
    reschedule_fr(b, base, post, date.isoformat(), "20:00")
    b.get(f"{base}/p/{post}")
    page = b.find_element(By.TAG_NAME, "main").text
    assert "en pleine nuit" in page and "middle of the night" not in page, page
    [night] = [w for w in admin.call("post.get", id=post)["warnings"]
               if w["code"] == "scheduled_at_night"]
    assert "middle of the night" in night["message"], night
