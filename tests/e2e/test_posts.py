"""Profiles and posts: creation, validation, reading, listing in scheduled order."""
import time

from helpers import make_post, make_profile, refusal, upload_png

NOW = int(time.time())


def test_profile_create_list_update(admin):
    pid = make_profile(admin, name="Acme", timezone="America/New_York",
                       platforms=["instagram", "linkedin"], week_start="sunday")
    [p] = admin.call("profile.list")["profiles"]
    assert p["id"] == pid and p["timezone"] == "America/New_York"
    assert p["week_start"] == "sunday" and p["auto_schedule"] is False
    p = admin.call("profile.update", id=pid, name="Acme Inc.", auto_schedule=True)
    assert p["name"] == "Acme Inc." and p["auto_schedule"] is True
    assert p["platforms"] == ["instagram", "linkedin"]
    for bad in (dict(timezone="Mars/Base"), dict(timezone="../../etc/passwd"),
                dict(platforms=[]), dict(week_start="friday")):
        args = dict(name="X", timezone="UTC", platforms=["x"])
        args.update(bad)
        assert refusal(admin, "profile.create", **args).code == "bad_request", bad
    assert refusal(admin, "profile.update", id=999, name="ghost").code == "not_found"


def test_post_create_get_round_trip_with_unicode(admin):
    prof = make_profile(admin)
    caption = "Café ☕ 新しいブレンド 👩‍🍳 — «quotes» & <tags>"
    media = [upload_png(admin), upload_png(admin, "second.png")]
    r = admin.call("post.create", profile=prof, caption=caption, platforms=["instagram", "x"],
                   scheduled_at=NOW + 3600, notes="Check the price", media=media)
    assert r["status"] == "draft"
    p = admin.call("post.get", id=r["id"])
    assert p["caption"] == caption and p["platforms"] == ["instagram", "x"]
    assert p["scheduled_at"] == NOW + 3600 and p["notes"] == "Check the price"
    assert p["media"] == media and p["revision"] == 1 and p["creator"] == "admin"
    assert p["comments"] == [] and p["profile"] == prof


def test_post_validation(admin):
    prof = make_profile(admin)
    base = dict(profile=prof, caption="ok", platforms=["x"])
    cases = [
        (dict(platforms=["myspace"]), "bad_request"),
        (dict(platforms=[]), "bad_request"),
        (dict(profile=999), "not_found"),
        (dict(scheduled_at=NOW - 86400), "bad_request"),
        (dict(caption="x" * 10001), "too_large"),
        (dict(caption=5), "bad_request"),
        (dict(platforms="x"), "bad_request"),
        (dict(colour="red"), "bad_request"),
        (dict(media=["a"]), "bad_request"),
        (dict(media=[424242]), "not_found"),
    ]
    for change, code in cases:
        args = dict(base)
        args.update(change)
        assert refusal(admin, "post.create", **args).code == code, change
    e = refusal(admin, "post.create", caption="no profile", platforms=["x"])
    assert e.code == "bad_request" and "profile" in e.message
    assert admin.call("post.list")["posts"] == []


def test_invalid_utf8_is_refused(daemon, admin):
    import msgpack
    prof = make_profile(admin)
    admin.msgid += 1
    frame = msgpack.packb([0, admin.msgid, "post.create",
                           [{"profile": prof, "caption": "x", "platforms": ["x"]}]])
    frame = frame.replace(b"\xa1x", b"\xa2\xff\xfe", 1)  # caption becomes invalid UTF-8
    admin.send_raw(frame)
    resp = admin.read_message()
    assert resp[2]["code"] == "bad_request" and "UTF-8" in resp[2]["message"]


def test_unknown_ids(admin):
    for method in ("post.get", "post.update", "post.delete", "post.submit", "post.history"):
        assert refusal(admin, method, id=424242).code == "not_found", method


def test_list_in_scheduled_order_with_ranges_and_status(admin):
    a = make_profile(admin, name="A")
    b = make_profile(admin, name="B")
    times = [NOW + 86400 * d for d in (5, 1, 3, 2, 4)]
    ids = [make_post(admin, a, "draft", caption=f"a{i}", at=t) for i, t in enumerate(times)]
    untimed = admin.call("post.create", profile=a, caption="someday", platforms=["x"])["id"]
    other = make_post(admin, b, "awaiting_approval", at=NOW + 86400 * 2 + 60)
    posts = admin.call("post.list", profile=a)["posts"]
    expect = [i for _, i in sorted(zip(times, ids))] + [untimed]
    assert [p["id"] for p in posts] == expect
    assert posts[-1]["scheduled_at"] is None
    # from <= t < to, and bounded lists leave unscheduled posts out.
    got = admin.call("post.list", profile=a, **{"from": times[3], "to": times[4]})["posts"]
    assert [p["scheduled_at"] for p in got] == [times[3], times[2]]
    # Every profile, merged by time.
    allp = admin.call("post.list", **{"from": NOW, "to": NOW + 86400 * 10})["posts"]
    assert [p["scheduled_at"] for p in allp] == sorted(p["scheduled_at"] for p in allp)
    assert other in [p["id"] for p in allp]
    aw = admin.call("post.list", status="awaiting_approval")["posts"]
    assert [p["id"] for p in aw] == [other]
    assert refusal(admin, "post.list", status="pending").code == "bad_request"
    assert refusal(admin, "post.list", profile=99).code == "not_found"


def test_list_items_are_get_answers_field_for_field(admin):
    """post.list copies each post out of its stored record: what it sends is what post.get
    sends (its own extra fields aside), whatever the post's state, and the same through the
    status filter, which decodes instead."""
    a = make_profile(admin, name="Wire", platforms=("instagram", "x"))
    media = upload_png(admin)
    ids = [make_post(admin, a, st, caption=f"Caf\u00e9 {st} \U0001f600", at=NOW + 86400 * (i + 1),
                     platforms=("instagram", "x"), notes="n" * i, comments=[("hi", True)])
           for i, st in enumerate(("draft", "awaiting_approval", "approved", "changes_requested"))]
    admin.call("post.update", id=ids[0], media=[media])
    ids.append(admin.call("post.create", profile=a, caption="", platforms=["x"])["id"])
    listed = {p["id"]: p for p in admin.call("post.list", profile=a)["posts"]}
    assert sorted(listed) == sorted(ids)
    for pid in ids:
        got = admin.call("post.get", id=pid)
        item = listed[pid]
        assert set(item) <= set(got), set(item) - set(got)
        assert item == {k: got[k] for k in item}, pid
    assert {"id", "status", "approvals", "comment_count", "overdue"} <= set(listed[ids[2]])
    assert listed[ids[2]]["approvals"] and listed[ids[0]]["media"] == [media]
    for st in ("awaiting_approval", "approved"):
        for p in admin.call("post.list", profile=a, status=st)["posts"]:
            assert p == listed[p["id"]]


def test_reschedule_moves_post_between_ranges(admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "approved", at=NOW + 86400)
    admin.call("post.reschedule", id=pid, scheduled_at=NOW + 40 * 86400)
    first = admin.call("post.list", profile=prof, **{"from": NOW, "to": NOW + 30 * 86400})
    later = admin.call("post.list", profile=prof, **{"from": NOW + 30 * 86400,
                                                     "to": NOW + 50 * 86400})
    assert first["posts"] == [] and [p["id"] for p in later["posts"]] == [pid]


def test_describe_matches_protocol_readme(daemon):
    """server.describe comes from the method table; the README must document each method
    with the same parameters, so the two never drift apart."""
    import os
    import re
    from gltest import ROOT
    c = daemon.client(login=False)
    methods = c.call("server.describe")["methods"]
    with open(os.path.join(ROOT, "protocol", "README.md")) as f:
        doc = f.read()
    rows = dict(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|([^|]*)\|", doc, re.M))
    for m in methods:
        assert m["name"] in rows, f"{m['name']} is not documented in protocol/README.md"
        documented = re.findall(r"`([a-z_]+\??)`", rows[m["name"]])
        assert documented == m["params"], (m["name"], documented, m["params"])
        # The typed parameters are the same ones, each with a type the README names.
        assert [a["name"] + ("" if a["required"] else "?") for a in m["args"]] == m["params"]
        types = {"any", "str", "int", "id", "bool", "bin", "[str]", "[id]", "array", "map"}
        assert all(a["type"] in types and a["max"] >= 0 for a in m["args"]), m["name"]
    assert set(rows) == {m["name"] for m in methods}
    d = c.call("server.describe")
    assert [(r["name"], r["rank"]) for r in d["roles"]] == [
        ("viewer", 1), ("editor", 2), ("manager", 3), ("admin", 4)]
