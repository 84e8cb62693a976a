"""A set of link pages of every kind, made through the real RPC and HTTP paths, for the browser
tests of the pages (test_pages_a11y.py, test_previews_pages.py): a profile, a post awaiting
approval with a long caption, twenty hashtags, mentions, a link and two images (one tall with
alternative text, one small without), scheduled in the night; the links of each kind; and the
dead ends (expired, replaced, revoked)."""
import struct
import time
import zlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gltest import wait_until
from helpers import link_expiring_soon, make_post, make_profile
from httputil import Web, csrf, path_of

ZONE = "Europe/Paris"
HASHTAGS = " ".join(f"#tag{i}" for i in range(20))
CAPTION = ("Our autumn collection is here, made by hand in our Lyon workshop with @claire and "
           "@studio@mastodon.social. " + "Every piece is cut, sewn and checked by one person, "
           "from the first sketch to the last button. " * 6 +
           "See it all at https://example.com/autumn " + HASHTAGS)


def png(width, height):
    """A real RGB PNG of width x height: a gradient, so a crop shows."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width)
                                     for v in (x * 255 // width, y * 255 // height, 128))
                    for y in range(height))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def night_time():
    """03:00 in the profile's zone, eight days from now: a night the warnings name."""
    d = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=8)
    return int(datetime(d.year, d.month, d.day, 3, 0, tzinfo=ZoneInfo(ZONE)).timestamp())


class Scene:
    def __init__(self, daemon, admin):
        self.port = daemon.http_port
        self.admin = admin
        self.prof = make_profile(admin, "Atelier Lumen", timezone=ZONE,
                                 platforms=("instagram", "x", "mastodon"))
        tall = admin.call("media.upload", name="tall.png", type="image/png",
                          data=png(540, 800))["id"]
        admin.call("media.update", id=tall, alt="A wool coat on a hanger in the workshop")
        small = admin.call("media.upload", name="small.png", type="image/png",
                           data=png(200, 200))["id"]
        self.media = (tall, small)
        pid = admin.call("post.create", profile=self.prof, caption=CAPTION,
                         platforms=["instagram", "x", "mastodon"], scheduled_at=night_time(),
                         media=[tall, small])["id"]
        admin.call("post.submit", id=pid)
        self.post = pid
        self.other = make_post(admin, self.prof, "awaiting_approval", caption="A short one",
                               at=int(time.time()) + 10 * 86400)
        self.sched = make_post(admin, self.prof, "scheduled", caption="Already planned",
                               at=int(time.time()) + 3 * 86400)
        self.approval = admin.call("link.create", profile=self.prof, kind="approval",
                                   approver="Claire", posts=[pid])
        self.decided = admin.call("link.create", profile=self.prof, kind="approval",
                                  approver="Claire", posts=[self.other])
        self.calendar = admin.call("link.create", profile=self.prof, kind="calendar")
        self.collab = admin.call("link.create", profile=self.prof, kind="collab")
        # A calendar link: no password to hash first, so "2 s from now" is still ahead when
        # the daemon reads it (an approval link's argon2id can take longer on a busy machine).
        self.expired = link_expiring_soon(admin, 2, profile=self.prof, kind="calendar")
        replaced = admin.call("link.create", profile=self.prof, kind="collab")
        admin.call("link.regenerate", id=replaced["id"])
        self.replaced = replaced
        revoked = admin.call("link.create", profile=self.prof, kind="calendar")
        admin.call("link.revoke", id=revoked["id"])
        self.revoked = revoked
        w = Web(self.port)
        wait_until(lambda: w.get(path_of(self.expired["url"]))[0] == 410, timeout=10,
                   what="expiry")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def pages(self):
        """(name, path, sign-in) of every page kind; sign-in is (name, password) for the
        pages behind it (password None: the link asks only a name), else None."""
        a, d = path_of(self.approval["url"]), path_of(self.decided["url"])
        c, k = path_of(self.calendar["url"]), path_of(self.collab["url"])
        claire = ("Claire", self.approval["password"])
        return [
            ("calendar", c, None),
            ("calendar-post", f"{c}/p/{self.sched}", None),
            ("sign-in", a, None),
            ("collab", k, ("Bob", None)),
            ("collab-post", f"{k}/p/{self.post}", ("Bob", None)),
            ("approval", a, claire),
            ("approval-post", f"{a}/p/{self.post}", claire),
            ("decided", d, ("Claire", self.decided["password"])),
            ("expired", path_of(self.expired["url"]), None),
            ("replaced", path_of(self.replaced["url"]), None),
            ("revoked", path_of(self.revoked["url"]), None),
            ("not-found", "/nothing-here", None),
            ("not-found-link", "/l/" + "Q" * 43, None),
        ]

    def web_signed_in(self, path, who):
        """A browser-less visitor of path, signed in as who (pages())."""
        w = Web(self.port)
        if who:
            base = "/".join(path.split("/")[:3])
            fields = {"csrf": csrf(w.get(base)[2]), "name": who[0]}
            if who[1]:
                fields["password"] = who[1]
            assert w.follow(base + "/session", fields)[1] == 200
        return w

    def decide_other(self, w):
        """Claire approves the other post through its own link, so that link lists a decision."""
        base = path_of(self.decided["url"])
        w.follow(base + "/session", {"csrf": csrf(w.get(base)[2]), "name": "Claire",
                                     "password": self.decided["password"]})
        page = w.get(f"{base}/p/{self.other}")[2]
        rev = page.split('name="rev" value="')[1].split('"')[0]
        st, _, _ = w.post(f"{base}/p/{self.other}", {"csrf": csrf(page), "rev": rev,
                                                     "action": "approve", "note": "Lovely"})
        assert st == 303
