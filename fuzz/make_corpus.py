#!/usr/bin/python3
"""Writes the seed corpus of each fuzz target under fuzz/corpus/<target>/ (committed; run again
after a format change). Seeds are small, valid or nearly valid inputs that reach deep paths;
the fuzzer mutates from there. Needs python3-msgpack, as the e2e tests do."""
import os
import struct

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def p(o):
    return msgpack.packb(o, use_bin_type=True)


def rpc():
    req = lambda i, m, a: p([0, i, m, [a]])
    seeds = {
        "login": req(1, "auth.login", {"user": "admin", "password": "secret"}),
        "ping": p([0, 2, "server.ping", []]),
        "post_create": req(3, "post.create", {"profile": 1, "caption": "Hello ✓", "platforms":
                                              ["x", "linkedin"], "scheduled_at": 1900000000,
                                              "notes": "n", "media": [1, 2]}),
        "post_list": req(4, "post.list", {"profile": 1, "status": "scheduled", "from": 0,
                                          "to": 2000000000}),
        "post_reject": req(5, "post.reject", {"id": 7, "note": "no"}),
        "link_create": req(6, "link.create", {"profile": 1, "kind": "approval", "approver":
                                              "Claire", "posts": [1, 2, 3], "password": "pw",
                                              "ttl_days": 7}),
        "media_upload": req(7, "media.upload", {"name": "a.png", "type": "image/png",
                                                "data": b"\x89PNG\r\n\x1a\n" + b"\0" * 16}),
        "notify_read": req(8, "notify.read", {"ids": [1, 2, 3]}),
        "profile_create": req(9, "profile.create", {"name": "P", "timezone": "Europe/Paris",
                                                    "steps": [{"name": "Legal", "who": "manager"}]}),
        "unknown_arg": req(10, "post.get", {"id": 1, "idd": 2}),
        "wrong_type": req(11, "post.get", {"id": "1"}),
        "response": p([1, 12, {"code": "not_found", "message": "no"}, None]),
        "notify": p([2, "event", [{"type": "post.created"}]]),
        "two_frames": req(13, "server.ping", {}) + req(14, "post.get", {"id": 1}),
        "deep": b"\x91" * 12 + b"\xc0",
        "huge_count": b"\xdd\x7f\xff\xff\xff",
        "str32": b"\x94\x00\x01\xdb\x00\x00\x00\x0bserver.ping\x90",
        "ext_float": p([0, 15, "post.get", [{"id": 1.5}]]) + b"\xd4\x01\x02\xcb" + b"\0" * 8,
    }
    for name, data in seeds.items():
        write("fuzz_rpc", name, data)


def records():
    user = {"v": 1, "name": "alice", "role": "editor", "email": "a@example.org", "mail": "each",
            "pwhash": "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", "created_at": 1700000000}
    profile = {"v": 1, "name": "Acme", "timezone": "Europe/Paris", "platforms": ["x", "ig"],
               "auto_schedule": True, "week_start": "sunday", "created_at": 1700000000,
               "steps": [{"name": "Legal", "who": "manager"}, {"name": "Client", "who": "external"}],
               "reminder_minutes": 60}
    approval = {"step": 0, "decision": "approved", "by": "Claire", "link": 3, "at": 1700000100,
                "revision": 2}
    post = {"v": 1, "id": 7, "profile": 1, "caption": "Launch day! <b>&</b>", "platforms": ["x"],
            "scheduled_at": 1900000000, "notes": "check", "media": [1], "status": "scheduled",
            "revision": 2, "rev_open": False, "creator": "alice", "created_at": 1700000000,
            "updated_at": 1700000050, "comment_count": 3, "approvals": [approval],
            "overdue": False, "reminded": True, "publishing_since": 0}
    link = {"v": 1, "id": 3, "kind": "approval", "profile": 1, "approver": "Claire",
            "posts": [7, 8], "pwhash": None, "token_hash": bytes(range(32)), "created_by": "admin",
            "created_at": 1700000000, "expires_at": 1900000000, "revoked": False,
            "revoked_at": 0, "last_opened": 0, "opens": 5, "requested_at": 0, "generation": 1}
    for i, (name, rec) in enumerate([("user", user), ("profile", profile), ("post", post),
                                     ("link", link)]):
        write("fuzz_records", name, bytes([i]) + p(rec))
        write("fuzz_records", name + "_minimal", bytes([i]) + p({"v": 1}))
    write("fuzz_records", "post_bad_types", bytes([2]) + p(dict(post, status=5, platforms="x",
                                                                approvals=[1, None])))
    shown = {"caption": "Launch day!", "platforms": ["x", None], "scheduled_at": None,
             "timezone": "Europe/Paris", "media": [{"id": 1, "sha256": bytes(32)}]}
    receipt = {"v": 1, "body": p(["greenlight-receipt/1", 1, 2]), "sig": bytes(64),
               "hash": bytes(range(32)), "shown": shown}
    key = {"v": 1, "id": 1, "created_at": 1700000000, "public": bytes(32), "secret": bytes(64)}
    for i, (name, rec) in enumerate([("receipt", receipt), ("receipt_key", key)], start=4):
        write("fuzz_records", name, bytes([i]) + p(rec))
        write("fuzz_records", name + "_minimal", bytes([i]) + p({"v": 1}))


def http():
    def req(method, path, headers=(), body=b""):
        h = [f"{method} {path} HTTP/1.1", "Host: localhost"] + list(headers)
        if body or method == "POST":
            h.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(h) + "\r\n\r\n").encode() + body
    form = "application/x-www-form-urlencoded"
    seeds = {
        "healthz": req("GET", "/healthz"),
        "style": req("HEAD", "/static/style.css"),
        "calendar": req("GET", "/l/@C?month=2026-11"),
        "calendar_detail": req("GET", "/l/@C/p/3"),
        "ics": req("GET", "/l/@C/calendar.ics"),
        "collab_signed_in": req("GET", "/l/@K", ["Cookie: a=b; gl_s=@k"]),
        "collab_detail": req("GET", "/l/@K/p/5", ["Cookie: gl_s=@k"]),
        "collab_ics_basic": req("GET", "/l/@K/calendar.ics",
                                ["Authorization: Basic eDpmdXp6IHBhc3M="]),
        "collab_comment": req("POST", "/l/@K/p/5", ["Cookie: gl_s=@k", "Content-Type: " + form],
                              b"action=comment&text=Looks+good%21&rev=1&csrf=@x"),
        "collab_approve": req("POST", "/l/@K/p/5", ["Cookie: gl_s=@k", "Content-Type: " + form],
                              b"action=approve&note=ok&rev=1&csrf=@x"),
        "approval_bulk": req("POST", "/l/@A/bulk", ["Cookie: gl_s=@a", "Content-Type: " + form],
                             b"action=reject&note=no&post=5&post=6&rev5=1&rev6=1&csrf=@y"),
        "approval_reschedule": req("POST", "/l/@A/p/6", ["Cookie: gl_s=@a",
                                                         "Content-Type: " + form],
                                   b"action=reschedule&date=2027-01-02&time=09%3A30&rev=1&csrf=@y"),
        "signin": req("POST", "/l/@K/session", ["Content-Type: " + form],
                      b"name=Bob&password=wrong&csrf=@c"),
        "signout": req("POST", "/l/@K/signout", ["Cookie: gl_s=@k", "Content-Type: " + form],
                       b"csrf=@x"),
        "media": req("GET", "/l/@K/p/1/m/1", ["Cookie: gl_s=@k"]),
        "request": req("POST", "/l/@A/request", ["Content-Type: " + form], b"csrf=@c"),
        "pipelined": req("GET", "/healthz") + req("GET", "/l/@C") + req("GET", "/robots.txt"),
        "chunked": b"POST /l/@K/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   b"Content-Type: " + form.encode() + b"\r\n\r\n5\r\nname=\r\n0\r\n\r\n",
        "smuggle": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "expect": req("POST", "/l/@K/session", ["Expect: 100-continue", "Content-Type: " + form],
                      b"name=a"),
        "forwarded": req("GET", "/l/@C", ["X-Forwarded-For: 1.2.3.4, 5.6.7.8"]),
        "http10": b"GET /healthz HTTP/1.0\r\n\r\n",
        "bad_percent": req("GET", "/l/@C?month=%zz&x=%C3%28"),
    }
    for name, data in seeds.items():
        write("fuzz_http", name, data)


def pages():
    def s(*parts):
        return b"\xff".join(parts)
    sel_detail_seen = bytes([0x85])
    write("fuzz_pages", "collab_seen", sel_detail_seen + s(
        b"Visitor", b"Acme & <Co>", bytes([2, 5, 3, 2, 0, 0, 0x10, 0x20, 0]),
        "Caption with words, 🎉 and <script>alert(1)</script>".encode(), b"notes; with, commas\\",
        b"alice", bytes([2]), b"x", b"linkedin", bytes([1, 1, 1, 1, 0, 2]), b"Claire",
        bytes([0, 0, 0, 5]), "Caption with other words ✓".encode(), bytes([1]), b"x", b"flash!"))
    write("fuzz_pages", "calendar_month", bytes([0x00]) + s(b"", b"Cal", bytes([4])) +
          b"A long caption " * 20)
    write("fuzz_pages", "approval", bytes([0x02, 0]) + s(b"Claire", b"P", bytes([3, 1, 1, 1, 9])))
    write("fuzz_pages", "fold_utf8", bytes([0x03]) + s(b"v", b"p", bytes([1, 4, 1, 0, 0, 1, 2, 3, 0]))
          + "é".encode() * 200)


if __name__ == "__main__":
    rpc()
    records()
    http()
    pages()
