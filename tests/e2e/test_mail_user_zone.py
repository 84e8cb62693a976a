"""A user's own time zone: user.update {timezone} is checked against the system's tz database,
kept with the user, and mail to them gives times in it (else in the post's profile's zone)."""
import re
import time

import pytest

from gltest import RpcError
from helpers import PASSWORD, make_post, make_profile
from test_mail import ZONE, assert_proper, in_words, mail  # noqa: F401 (fixture)

OWN = "Asia/Tokyo"


def test_mail_uses_the_recipients_zone(mail):
    d, box = mail
    admin = d.client()
    admin.call("user.create", name="lea", password=PASSWORD, role="manager",
               email="lea@agency.example", mail="each")
    lea = d.client("lea", PASSWORD)
    got = lea.call("user.update", name="lea", timezone=OWN)
    assert got["timezone"] == OWN
    listed = [u for u in admin.call("user.list")["users"] if u["name"] == "lea"][0]
    assert listed["timezone"] == OWN
    prof = make_profile(admin, timezone=ZONE)
    at = (int(time.time()) // 3600 + 50) * 3600
    pid = make_post(admin, prof, "awaiting_approval", caption="Zone test", at=at)
    msg = box.wait(lambda m: m["To"] == "lea@agency.example", "the submission mail")
    body = assert_proper(msg, box.raw()[0])
    assert in_words(at, OWN) in body and in_words(at, ZONE) not in body
    assert re.search(rf"When: \w{{3}} \d+ \w{{3}}, \d\d:\d\d {OWN}", body)
    # Cleared, the profile's zone is used again.
    assert lea.call("user.update", name="lea", timezone="")["timezone"] is None
    admin.call("post.reject", id=pid, note="again")
    admin.call("post.update", id=pid, caption="Zone test 2")
    admin.call("post.submit", id=pid)
    msg = box.wait(lambda m: m["To"] == "lea@agency.example" and "Zone test 2" in
                   m.get_content(), "the second submission mail")
    assert in_words(at, ZONE) in msg.get_content().replace("\r\n", "\n")


def test_unknown_zones_are_refused(mail):
    d, _ = mail
    admin = d.client()
    for bad in ("Mars/Olympus", "../../etc/passwd", "Europe/Paris\n"):
        with pytest.raises(RpcError) as e:
            admin.call("user.update", name="admin", timezone=bad)
        assert e.value.code == "bad_request"
    assert admin.call("user.update", name="admin", timezone="Europe/Paris")["timezone"] == \
        "Europe/Paris"
    # Survives a restart: it is in the user's record.
    d.stop()
    d.start()
    admin = d.client()
    [me] = [u for u in admin.call("user.list")["users"] if u["name"] == "admin"]
    assert me["timezone"] == "Europe/Paris"
