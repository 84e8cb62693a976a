"""The checks before approval and the network previews, through a real daemon: every warning
produced by the post that causes it (and gone once fixed), the alt text of media set through
RPC and kept across a restart, and the client showing warnings, counts, cut points and taking
an alt text, in a real terminal (tmux)."""
import datetime
import os
import struct
import time
import zlib
import zoneinfo

import pytest

from gltest import RpcError, wait_until
from helpers import make_profile, make_user
from test_tui import TMUX, Tui

PLATFORMS = ("instagram", "x", "threads", "mastodon", "facebook", "bluesky")


def png(width, height):
    """A real PNG of that size (black), as a camera or an editor would write it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    rows = b"".join(b"\0" + b"\0\0\0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def upload(c, width, height, name="photo.png", alt=None):
    mid = c.call("media.upload", name=name, type="image/png", data=png(width, height))["id"]
    if alt is not None:
        c.call("media.update", id=mid, alt=alt)
    return mid


def paris_at(days, hour, minute=0):
    zone = zoneinfo.ZoneInfo("Europe/Paris")
    d = datetime.datetime.now(zone).date() + datetime.timedelta(days=days)
    return int(datetime.datetime(d.year, d.month, d.day, hour, minute, tzinfo=zone).timestamp())


def day_time():
    return paris_at(3, 11)


@pytest.fixture
def acme(admin):
    return admin, make_profile(admin, name="Acme", timezone="Europe/Paris", platforms=PLATFORMS)


def warnings_of(c, pid):
    return [(w["code"], w["platform"]) for w in c.call("post.get", id=pid)["warnings"]]


def create(c, prof, caption="Fresh beans today.", platforms=("instagram",), media=(), at=None):
    return c.call("post.create", profile=prof, caption=caption, platforms=list(platforms),
                  media=list(media), scheduled_at=at if at is not None else day_time())["id"]


# Each case: what the post is, and the warning it must give (with its platform).
CASES = {
    "caption_too_long": (dict(caption="a" * 281, platforms=["x"]), "x"),
    "too_many_hashtags": (dict(caption=" ".join(f"#tag{i}" for i in range(6))), "instagram"),
    "too_many_mentions": (dict(caption=" ".join(f"@user{i}" for i in range(21))), "instagram"),
    "too_many_links": (dict(caption=" ".join(f"https://e{i}.example" for i in range(6)),
                            platforms=["threads"]), "threads"),
    "link_not_clickable": (dict(caption="Shop now at https://acme.example/shop"), "instagram"),
    "too_many_images": ("five images on x", "x"),
    "image_without_alt": ("an image without alt", None),
    "image_too_small": ("a 200 px image", "instagram"),
    "image_ratio": ("a 1:3 image", "instagram"),
    "image_size_unknown": ("a PNG with no header size", "instagram"),
    "platform_unknown": (dict(platforms=["bluesky"]), "bluesky"),
    "scheduled_at_night": (dict(at=paris_at(3, 2, 30)), None),
}


def build(c, prof, code):
    spec, _ = CASES[code]
    if isinstance(spec, dict):
        return create(c, prof, **spec)
    if code == "too_many_images":
        return create(c, prof, platforms=["x"],
                      media=[upload(c, 1200, 1200, alt="A cup") for _ in range(5)])
    if code == "image_without_alt":
        return create(c, prof, media=[upload(c, 1080, 1080)])
    if code == "image_too_small":
        return create(c, prof, media=[upload(c, 200, 200, alt="A small cup")])
    if code == "image_ratio":
        return create(c, prof, media=[upload(c, 400, 1200, alt="A tall tower")])
    if code == "image_size_unknown":
        mid = c.call("media.upload", name="odd.png", type="image/png",
                     data=b"\x89PNG\r\n\x1a\n" + b"\0" * 64)["id"]
        c.call("media.update", id=mid, alt="Something")
        return create(c, prof, media=[mid])
    raise AssertionError(code)


def test_a_clean_post_has_no_warnings(acme):
    admin, prof = acme
    pid = create(admin, prof, platforms=["instagram", "x", "threads", "mastodon", "facebook"],
                 media=[upload(admin, 1080, 1080, alt="A cup of coffee on a table")])
    assert warnings_of(admin, pid) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_warning(acme, code):
    admin, prof = acme
    pid = build(admin, prof, code)
    post = admin.call("post.get", id=pid)
    got = [(w["code"], w["platform"]) for w in post["warnings"]]
    assert (code, CASES[code][1]) in got, got
    for w in post["warnings"]:
        # A sentence a person reads, every placeholder filled, saying what to do.
        assert "{" not in w["message"] and w["message"].endswith("."), w
        assert ":" in w["message"], w
    # Warnings never block: the post goes for approval and is approved as it is.
    admin.call("post.submit", id=pid)
    assert admin.call("post.approve", id=pid)["status"] in ("approved", "scheduled")


def test_scheduled_in_the_past(acme):
    admin, prof = acme
    pid = create(admin, prof, at=int(time.time()) + 2)
    wait_until(lambda: ("scheduled_in_past", None) in warnings_of(admin, pid), timeout=15,
               what="the post's time to pass")
    msg = next(w["message"] for w in admin.call("post.get", id=pid)["warnings"]
               if w["code"] == "scheduled_in_past")
    assert "(Europe/Paris)" in msg and "choose a new time" in msg


def test_previews_of_a_long_caption_with_twenty_hashtags(acme):
    admin, prof = acme
    caption = "Our autumn blend is here: caramel, hazelnut and a hint of 🍂. Ask for it in " \
        "any of our shops this week. " + " ".join(f"#coffee{i}" for i in range(20)) + \
        " https://acme.example/autumn"
    tall = upload(admin, 1000, 3000, alt="The bag, upright")
    square = upload(admin, 1080, 1080, alt="A cup")
    pid = create(admin, prof, caption=caption, platforms=["instagram", "x", "mastodon"],
                 media=[tall, square])
    post = admin.call("post.get", id=pid)
    assert [m["id"] for m in post["media_info"]] == [tall, square]
    assert post["media_info"][0]["width"] == 1000 and post["media_info"][0]["alt"] == "The bag, upright"
    ig, x, masto = post["previews"]
    assert ig["platform"] == "instagram" and ig["approximate"] and ig["known"]
    assert ig["hashtags"] == 20 and ig["max_hashtags"] == 5 and not ig["links_clickable"]
    assert ig["truncated"] and caption.startswith(ig["before_more"])
    assert len(ig["before_more"]) <= ig["more_at"] + 1
    assert [s["text"] for s in ig["spans"] if s["kind"] == "link"] == ["https://acme.example/autumn"]
    raw = caption.encode()
    for s in ig["spans"]:
        assert raw[s["start"]:s["start"] + s["length"]].decode() == s["text"]
    # The tall image: the feed shows a centred 4:5 band, the grid a 3:4 one.
    assert ig["images"][0]["feed"] == {"x": 0, "y": 875, "w": 1000, "h": 1250}
    assert ig["images"][0]["feed_cropped"] and not ig["images"][1]["feed_cropped"]
    assert ig["images"][1]["grid"] == {"x": 135, "y": 0, "w": 810, "h": 1080}
    # X counts the link as 23 and the emoji as 2; Mastodon the emoji as 1.
    link = len("https://acme.example/autumn")
    assert x["count"] == len(caption) - link + 23 + 1 and x["count"] > 280
    assert masto["count"] == len(caption) - link + 23
    assert x["more_at"] is None and x["before_more"] == caption and not x["truncated"]
    assert x["images"][0]["grid"] is None  # X has no profile grid
    codes = {(w["code"], w["platform"]) for w in post["warnings"]}
    assert {("too_many_hashtags", "instagram"), ("link_not_clickable", "instagram"),
            ("caption_too_long", "x"), ("image_ratio", "instagram")} <= codes


def test_alt_text_is_kept_and_checked(daemon, acme):
    admin, prof = acme
    mid = upload(admin, 1080, 1080)
    pid = create(admin, prof, media=[mid])
    assert ("image_without_alt", None) in warnings_of(admin, pid)
    info = admin.call("media.update", id=mid, alt="A cup of coffee, steam rising")
    assert info == {"id": mid, "name": "photo.png", "type": "image/png", "size": info["size"],
                    "width": 1080, "height": 1080, "alt": "A cup of coffee, steam rising"}
    assert warnings_of(admin, pid) == []
    # Setting it is no content edit: the post stays where it was.
    assert admin.call("post.get", id=pid)["revision"] == 1
    # Acknowledged means durable.
    daemon.kill9()
    daemon.restart()
    admin = daemon.client()
    assert admin.call("media.get", id=mid)["alt"] == "A cup of coffee, steam rising"
    assert admin.call("post.get", id=pid)["media_info"][0]["alt"] == "A cup of coffee, steam rising"
    # Blank is none.
    admin.call("media.update", id=mid, alt="   ")
    assert ("image_without_alt", None) in warnings_of(admin, pid)
    # Refused: too long, no such media, a viewer.
    with pytest.raises(RpcError) as e:
        admin.call("media.update", id=mid, alt="x" * 1501)
    assert e.value.code == "too_large"
    with pytest.raises(RpcError) as e:
        admin.call("media.update", id=99999, alt="x")
    assert e.value.code == "not_found"
    viewer = make_user(daemon, admin, "vera", "viewer")
    with pytest.raises(RpcError) as e:
        viewer.call("media.update", id=mid, alt="mine")
    assert e.value.code == "forbidden"


def test_sizes_come_from_the_image_not_the_client(admin):
    mid = admin.call("media.upload", name="wide.png", type="image/png", data=png(1910, 1000))["id"]
    got = admin.call("media.get", id=mid)
    assert (got["width"], got["height"], got["alt"]) == (1910, 1000, "")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_client_shows_warnings_and_previews_and_sets_alt(daemon, tmpdir_path):
    admin = daemon.client()
    prof = make_profile(admin, name="Acme", timezone="Europe/Paris",
                        platforms=("instagram", "x", "bluesky"))
    mid = upload(admin, 400, 1200, name="tower.png")
    caption = "Autumn is here. " + " ".join(f"#fall{i}" for i in range(6)) + \
        " Shop https://acme.example " + "and more words " * 20
    pid = create(admin, prof, caption=caption, platforms=["instagram", "x", "bluesky"],
                 media=[mid], at=paris_at(4, 2, 30))
    admin.call("post.submit", id=pid)
    expected = admin.call("post.get", id=pid)
    t = Tui(daemon, tmpdir_path, width=230, height=90)
    try:
        t.wait_for(r"\| online")
        t.keys("2")
        t.wait_for(r"Approval queue: 1 post")
        t.keys("Enter")
        t.wait_for(rf"Post {pid}\s+awaiting approval")
        t.wait_for(r"Warnings \(\d+\): they do not block")
        screen = t.screen()
        for w in expected["warnings"]:
            line = ("! " + (w["platform"] + ": " if w["platform"] else "") + w["message"])
            assert line[:200] in screen, (line, screen)
        ig = expected["previews"][0]
        assert f"Instagram: {ig['count']} / 2200 UTF-16 code units, 6/5 hashtags, 0/20 mentions, 1 link (not clickable)" in screen, screen
        x = expected["previews"][1]
        assert f"X: {x['count']} / 280 weighted characters OVER" in screen, screen
        assert 'before "more" (about 125): ' + ig["before_more"][:60] in screen, screen
        assert "bluesky: " in screen and "no known limit" in screen
        assert "1. tower.png 400x1200  alt: (none)" in screen, screen
        # The image gets its alternative text from the client.
        t.keys("i")
        t.wait_for(r"Alternative text of tower.png")
        t.type("The old tower at dusk")
        t.keys("Enter")
        wait_until(lambda: admin.call("media.get", id=mid)["alt"] == "The old tower at dusk",
                   what="the alt text to be saved")
        t.wait_for(r"alt: The old tower at dusk")
        t.wait_gone(r"has no alternative text")
        # The help screen lists the key.
        t.keys("?")
        t.wait_for(r"describe an image: its alternative text")
    finally:
        t.close()


def test_two_editors_setting_alt_text_at_once(daemon, acme):
    """Two editors set the same image's alt text in turns, concurrently: every acknowledged
    write is whole, and media.get and post.get agree on the last one."""
    import threading
    admin, prof = acme
    mid = upload(admin, 1080, 1080)
    pid = create(admin, prof, media=[mid])
    editors = [make_user(daemon, admin, f"ed{i}", "editor") for i in range(2)]
    done = []

    def run(c, who):
        for n in range(15):
            c.call("media.update", id=mid, alt=f"{who} take {n}")
        done.append(who)

    threads = [threading.Thread(target=run, args=(c, f"ed{i}")) for i, c in enumerate(editors)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(done) == ["ed0", "ed1"]
    alt = admin.call("media.get", id=mid)["alt"]
    assert alt in ("ed0 take 14", "ed1 take 14")
    assert admin.call("post.get", id=pid)["media_info"][0]["alt"] == alt
    assert admin.call("media.get", id=mid)["width"] == 1080  # the rest of the record intact
    daemon.restart()
    assert daemon.client().call("media.get", id=mid)["alt"] == alt


def test_hostile_alt_text_and_captions(acme):
    admin, prof = acme
    mid = upload(admin, 1080, 1080)
    # Bytes that are not UTF-8, sent as a string; then as binary.
    import msgpack
    admin.send_raw(msgpack.packb([0, 9000, "media.update", [{"id": mid, "alt": b"\xff\xfe x"}]],
                                 use_bin_type=False))
    resp = admin.read_message()
    assert resp[1] == 9000 and resp[2]["code"] == "bad_request", resp
    resp = admin.call_raw("media.update", {"id": mid, "alt": b"\xff\xfe x"})
    assert resp[2]["code"] == "bad_request", resp
    with pytest.raises(RpcError) as e:
        admin.call("media.update", id=mid)
    assert e.value.code == "bad_request"
    # The longest caption, all tags, on every platform with twenty images: answered whole.
    caption = ("#a" + " #a" * 3332)[:10000]
    media = [mid] * 20
    pid = create(admin, prof, caption=caption, platforms=list(PLATFORMS), media=media)
    post = admin.call("post.get", id=pid)
    assert len(post["previews"]) == len(PLATFORMS)
    assert post["previews"][0]["hashtags"] == caption.count("#")
    assert admin.call("server.ping")["now"] > 0
