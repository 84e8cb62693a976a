"""Time zones: months, weeks and days of a profile's calendar are ranges in its own zone,
stored as UTC. Checked across daylight-saving changes, east and west of UTC, and 'today' near
midnight, against Python's zoneinfo (the system tzdata) as the reference."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from helpers import make_profile


def utc(zone, *parts):
    return int(dt.datetime(*parts, tzinfo=ZoneInfo(zone)).timestamp())


def month_range(zone, year, month):
    nxt = (year + (month == 12), month % 12 + 1)
    return utc(zone, year, month, 1), utc(zone, *nxt, 1)


ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
         "America/Los_Angeles"]


def create_at(admin, prof, when):
    return admin.call("post.create", profile=prof, caption=str(when), platforms=["x"],
                      scheduled_at=when)["id"]


@pytest.mark.parametrize("zone", ZONES)
def test_month_edges_in_the_profiles_zone(admin, zone):
    """Posts at local 00:00 on the 1st and 23:59 on the last day belong to their local month,
    whatever the UTC date, including the months where summer time starts or ends."""
    prof = make_profile(admin, timezone=zone, platforms=["x"])
    year = dt.datetime.now().year + 1
    for month in (3, 4, 10, 11):  # DST changes in the north (3, 10/11) and south (4, 10)
        lo, hi = month_range(zone, year, month)
        first = create_at(admin, prof, lo)
        last = create_at(admin, prof, hi - 60)
        after = create_at(admin, prof, hi)
        got = [p["id"] for p in admin.call("post.list", profile=prof,
                                           **{"from": lo, "to": hi})["posts"]]
        assert first in got and last in got and after not in got, (zone, month)


def test_days_across_daylight_saving(admin):
    prof = make_profile(admin, timezone="Europe/Paris", platforms=["x"])
    year = dt.datetime.now().year + 1
    # The last Sunday of March has 23 hours, of October 25.
    for month in (3, 10):
        last_sunday = max(d for d in range(25, 32)
                          if dt.date(year, month, d).weekday() == 6)
        day = dt.date(year, month, last_sunday)
        nxt = day + dt.timedelta(days=1)
        start = utc("Europe/Paris", day.year, day.month, day.day)
        end = utc("Europe/Paris", nxt.year, nxt.month, nxt.day)
        assert end - start == (23 if month == 3 else 25) * 3600
        inside = create_at(admin, prof, end - 1800)  # 23:30 local
        got = [p["id"] for p in admin.call("post.list", profile=prof,
                                           **{"from": start, "to": end})["posts"]]
        assert inside in got


def test_today_near_midnight_differs_by_zone(admin):
    """One instant, 23:30 UTC, is 'tomorrow' in Tokyo and 'today' in Los Angeles: the post
    falls in each profile's own day."""
    instant = int(dt.datetime(dt.datetime.now().year + 1, 6, 15, 23, 30,
                              tzinfo=dt.timezone.utc).timestamp())
    tokyo = make_profile(admin, name="T", timezone="Asia/Tokyo", platforms=["x"])
    la = make_profile(admin, name="L", timezone="America/Los_Angeles", platforms=["x"])
    t = create_at(admin, tokyo, instant)
    la_post = create_at(admin, la, instant)
    y = dt.datetime.now().year + 1
    tokyo_16 = (utc("Asia/Tokyo", y, 6, 16), utc("Asia/Tokyo", y, 6, 17))
    la_15 = (utc("America/Los_Angeles", y, 6, 15), utc("America/Los_Angeles", y, 6, 16))
    assert [p["id"] for p in admin.call("post.list", profile=tokyo,
                                        **{"from": tokyo_16[0], "to": tokyo_16[1]})["posts"]] == [t]
    assert [p["id"] for p in admin.call("post.list", profile=la,
                                        **{"from": la_15[0], "to": la_15[1]})["posts"]] == [la_post]
