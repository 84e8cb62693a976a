"""Signed approval receipts (issue 15): decisions through RPC and through an approval link's form
each leave a receipt, exported beside the running daemon, verified offline; a changed byte or a
removed receipt is caught and named; a receipt survives kill -9 right after the decision's reply;
a key rotation keeps old receipts verifiable; receipt.list answers what the export holds."""
import base64
import copy
import hashlib
import json
import os
import subprocess
import threading
import time

import msgpack
import pytest

from gltest import BIN_DIR, RpcError
from helpers import PNG, make_post, make_profile, make_user, upload_png
from httputil import csrf, sign_in

NOW = int(time.time())
GL = os.path.join(BIN_DIR, "greenlightd")


def run(*args, check=True):
    r = subprocess.run([GL, *args], capture_output=True, text=True, timeout=60)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def export(daemon, *extra, fmt="json"):
    out = run("receipts", "--data", daemon.data_dir, "--format", fmt, *extra).stdout
    return json.loads(out) if fmt == "json" else out


def verify(tmp, doc, *extra):
    path = os.path.join(tmp, "receipts.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return run("verify", path, *extra, check=False)


def current_key(daemon):
    out = run("receipts-key", "--data", daemon.data_dir).stdout.split()
    assert out[0] == "key" and out[2] == "ed25519" and out[3] == "public_base64", out
    assert len(base64.b64decode(out[4])) == 32
    return int(out[1]), out[4]


def signed_in(daemon, link, name):
    return sign_in(daemon.http_port, link["url"], name, link["password"])


def decide(w, base, pid, action, **fields):
    detail = w.get(f"{base}/p/{pid}")[2]
    st, _, body = w.follow(f"{base}/p/{pid}", {"csrf": csrf(detail), "rev": "1", "action": action,
                                               **fields})
    assert st == 303, body
    return body


@pytest.fixture
def two_steps(admin):
    """A profile whose posts a manager approves first, then the client through a link."""
    return make_profile(admin, steps=[{"name": "Internal", "who": "manager"},
                                      {"name": "Client", "who": "approver", "approver": "Claire"}])


def canonical(r):
    """The signed bytes, rebuilt independently from protocol/README.md ("Receipts")."""
    def h(x):
        return bytes.fromhex(x)
    fields = [r["profile"], r["seq"], r["key"], r["at"], r["post"], r["revision"], r["step"],
              r["decision"], r["status"], r["scheduled_at"], h(r["shown_sha256"]),
              r["decider_kind"], r["decider"], r["link"], r["link_kind"], r["approver"], r["note"],
              r["address"], h(r["prev"])]
    return msgpack.packb(["greenlight-receipt/1", *fields], use_bin_type=True)


def shown_hash(s):
    return hashlib.sha256(msgpack.packb(
        ["greenlight-shown/1", s["caption"], s["platforms"], s["scheduled_at"], s["timezone"],
         [bytes.fromhex(m["sha256"]) for m in s["media"]]], use_bin_type=True)).hexdigest()


def test_session_of_decisions_exported_and_verified(daemon, admin, two_steps, tmpdir_path):
    """Staff over RPC and the client through the approval link's form, each step, approve, reject
    and reschedule: one receipt each, in order, naming who, what they saw and from where."""
    media = upload_png(admin)
    a = admin.call("post.create", profile=two_steps, caption="Spring sale <b>50%</b>",
                   platforms=["instagram", "x"], scheduled_at=NOW + 86400, media=[media])["id"]
    admin.call("post.submit", id=a)
    b = make_post(admin, two_steps, "awaiting_approval", caption="second", at=NOW + 2 * 86400)
    admin.call("post.approve", id=a, note="fine by us")              # step 1, staff
    admin.call("post.approve", id=b)                                 # step 1, staff
    link = admin.call("link.create", profile=two_steps, kind="approval", approver="Claire")
    w, base = signed_in(daemon, link, "Claire Dupont")
    decide(w, base, a, "approve", note="Go")                         # step 2, link
    day = time.strftime("%Y-%m-%d", time.gmtime(NOW + 20 * 86400))
    decide(w, base, b, "reschedule", date=day, time="09:30", note="weekday")
    decide(w, base, b, "reject", note="Wrong price")                 # step 2, link
    admin.call("post.comment", id=b, text="no receipt for a comment")

    doc = export(daemon)
    rs = doc["receipts"]
    assert [(r["post"], r["step"], r["decision"], r["decider_kind"]) for r in rs] == [
        (a, 1, "approve", "staff"), (b, 1, "approve", "staff"), (a, 2, "approve", "external"),
        (b, 0, "reschedule", "external"), (b, 2, "reject", "external")]
    assert [r["seq"] for r in rs] == [1, 2, 3, 4, 5] and {r["profile"] for r in rs} == {two_steps}
    staff, ext = rs[0], rs[2]
    assert (staff["decider"], staff["note"], staff["address"], staff["link"]) == (
        "admin", "fine by us", "127.0.0.1", 0)
    assert (ext["decider"], ext["link"], ext["link_kind"], ext["approver"], ext["address"]) == (
        "Claire Dupont", link["id"], "approval", "Claire", "127.0.0.1")
    assert ext["status"] == "approved" and staff["status"] == "awaiting_approval"
    # What was shown: the caption's exact bytes, platforms, time and zone, the media's SHA-256.
    sh = staff["shown"]
    assert sh["caption"] == "Spring sale <b>50%</b>" and sh["platforms"] == ["instagram", "x"]
    assert sh["scheduled_at"] == NOW + 86400 and sh["timezone"] == "Europe/Paris"
    assert sh["media"] == [{"id": media, "sha256": hashlib.sha256(PNG).hexdigest()}]
    assert staff["shown_sha256"] == shown_hash(sh) == ext["shown_sha256"]
    # The reschedule's receipt: the old time shown, the new one decided.
    rr = rs[3]
    assert rr["shown"]["scheduled_at"] == NOW + 2 * 86400
    assert rr["scheduled_at"] == admin.call("post.get", id=b)["scheduled_at"] != NOW + 2 * 86400
    # The chain and the signatures, checked here from the README alone, and by verify.
    kid, pub = current_key(daemon)
    assert doc["keys"] == [{"id": kid, "algorithm": "ed25519", "public": pub,
                            "created_at": doc["keys"][0]["created_at"], "current": True}]
    prev = "00" * 32
    for r in rs:
        body = canonical(r)
        assert hashlib.sha256(body).hexdigest() == r["hash"] and r["prev"] == prev
        prev = r["hash"]
    res = verify(tmpdir_path, doc, "--key", pub)
    assert res.returncode == 0 and "5 receipts in 1 chains verified" in res.stdout, res.stdout
    # The same through RPC, and filtered by post and time.
    assert admin.call("receipt.list", profile=two_steps) == doc
    only_b = admin.call("receipt.list", profile=two_steps, post=b)["receipts"]
    assert [r["seq"] for r in only_b] == [2, 4, 5]
    assert admin.call("receipt.list", profile=two_steps, **{"from": NOW + 10 ** 6})["receipts"] == []
    assert export(daemon, "--profile", str(two_steps), "--post", str(a))["receipts"] == [rs[0], rs[2]]
    assert export(daemon, "--from", "2000-01-01", "--to", "2000-01-02")["receipts"] == []


def test_changed_byte_and_removed_receipt_are_named(daemon, admin, tmpdir_path):
    prof = make_profile(admin)
    ids = [make_post(admin, prof, "awaiting_approval", caption=f"post {i}") for i in range(4)]
    for i in ids:
        admin.call("post.approve", id=i, note=f"ok {i}")
    doc = export(daemon)
    assert verify(tmpdir_path, doc).returncode == 0

    # One byte of the note of receipt 2.
    bad = copy.deepcopy(doc)
    bad["receipts"][1]["note"] = "ok " + str(ids[1] + 1)
    res = verify(tmpdir_path, bad)
    assert res.returncode != 0
    assert f"FAIL profile {prof} receipt 2 post {ids[1]}: bad signature" in res.stdout, res.stdout
    assert res.stdout.count("FAIL") == 1
    # One hex digit of what was shown (the caption's hash).
    bad = copy.deepcopy(doc)
    h = bad["receipts"][2]["shown_sha256"]
    bad["receipts"][2]["shown_sha256"] = ("1" if h[0] != "1" else "2") + h[1:]
    res = verify(tmpdir_path, bad)
    assert res.returncode != 0 and f"receipt 3 post {ids[2]}: bad signature" in res.stdout
    # The caption shown changed, the signed hash left alone.
    bad = copy.deepcopy(doc)
    bad["receipts"][0]["shown"]["caption"] = "post X"
    res = verify(tmpdir_path, bad)
    assert res.returncode != 0 and "receipt 1" in res.stdout and "shown" in res.stdout
    # Receipt 3 removed: its successor does not follow its predecessor.
    bad = copy.deepcopy(doc)
    del bad["receipts"][2]
    res = verify(tmpdir_path, bad)
    assert res.returncode != 0
    assert f"FAIL profile {prof} receipt 4 post {ids[3]}: chain broken" in res.stdout, res.stdout
    # Reordered: swapped receipts break the chain too.
    bad = copy.deepcopy(doc)
    bad["receipts"][1], bad["receipts"][2] = bad["receipts"][2], bad["receipts"][1]
    assert verify(tmpdir_path, bad).returncode != 0
    # Signed by a key the verifier does not trust.
    other = base64.b64encode(b"\x01" * 32).decode()
    res = verify(tmpdir_path, doc, "--key", other)
    assert res.returncode != 0 and "not a key given with --key" in res.stdout


def test_receipt_survives_kill9_right_after_the_reply(daemon, admin, tmpdir_path):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval")
    admin.call("post.approve", id=pid, note="just before the crash")
    daemon.kill9()
    daemon.start()
    doc = export(daemon)
    assert [(r["post"], r["note"]) for r in doc["receipts"]] == [(pid, "just before the crash")]
    assert verify(tmpdir_path, doc).returncode == 0
    # The chain carries on after the restart.
    c = daemon.client()
    pid2 = make_post(c, prof, "awaiting_approval")
    c.call("post.reject", id=pid2, note="after")
    doc = export(daemon)
    assert [r["seq"] for r in doc["receipts"]] == [1, 2]
    assert verify(tmpdir_path, doc).returncode == 0


def test_key_rotation_keeps_old_receipts_verifiable(daemon, admin, tmpdir_path):
    prof = make_profile(admin)
    first = make_post(admin, prof, "awaiting_approval")
    admin.call("post.approve", id=first)
    old_id, old_pub = current_key(daemon)
    # Rotated beside the running daemon: its next decision is signed with the new key.
    out = run("receipts-key", "--data", daemon.data_dir, "--rotate").stdout.split()
    new_id, new_pub = int(out[1]), out[4]
    assert new_id == old_id + 1 and new_pub != old_pub
    assert current_key(daemon) == (new_id, new_pub)
    second = make_post(admin, prof, "awaiting_approval")
    admin.call("post.approve", id=second)
    doc = export(daemon)
    assert [r["key"] for r in doc["receipts"]] == [old_id, new_id]
    assert {(k["id"], k["public"], k["current"]) for k in doc["keys"]} == {
        (old_id, old_pub, False), (new_id, new_pub, True)}
    assert verify(tmpdir_path, doc).returncode == 0
    assert verify(tmpdir_path, doc, "--key", old_pub, "--key", new_pub).returncode == 0
    res = verify(tmpdir_path, doc, "--key", new_pub)
    assert res.returncode != 0 and f"receipt 1 post {first}" in res.stdout
    # After a restart, too, and only the current key keeps a secret (the old one signs no more).
    daemon.restart()
    assert current_key(daemon) == (new_id, new_pub)


def test_export_beside_a_running_daemon_is_one_snapshot(daemon, admin, tmpdir_path):
    """Exports taken while another connection keeps deciding are each a whole chain from receipt
    1, verifiable, each at least as long as the one before."""
    prof = make_profile(admin)
    ids = [make_post(admin, prof, "awaiting_approval", caption=f"p{i}") for i in range(60)]
    decider = daemon.client()
    done = threading.Event()

    def decide_all():
        for i in ids:
            decider.call("post.approve", id=i)
        done.set()

    t = threading.Thread(target=decide_all)
    t.start()
    lengths = []
    while not done.is_set() or not lengths:
        doc = export(daemon)
        res = verify(tmpdir_path, doc)
        assert res.returncode == 0, res.stdout
        assert [r["seq"] for r in doc["receipts"]] == list(range(1, len(doc["receipts"]) + 1))
        lengths.append(len(doc["receipts"]))
    t.join()
    assert lengths == sorted(lengths)
    assert len(export(daemon)["receipts"]) == 60


def test_concurrent_deciders_share_one_unbroken_chain(daemon, admin, tmpdir_path):
    """Four staff connections and a link visitor deciding at once on one profile: their decisions
    share group commits, and the profile's chain still has every receipt once, in order."""
    prof = make_profile(admin)
    staff_posts = [make_post(admin, prof, "awaiting_approval", caption=f"s{i}") for i in range(40)]
    link_posts = [make_post(admin, prof, "awaiting_approval", caption=f"l{i}") for i in range(8)]
    link = admin.call("link.create", profile=prof, kind="approval", approver="Claire",
                      posts=link_posts)
    w, base = signed_in(daemon, link, "Claire")
    conns = [daemon.client() for _ in range(4)]
    errors = []

    def staff(c, ids):
        try:
            for i in ids:
                c.call("post.approve", id=i)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    def visitor():
        try:
            for i in link_posts:
                decide(w, base, i, "approve")
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=staff, args=(c, staff_posts[k::4])) for k, c in enumerate(conns)]
    threads.append(threading.Thread(target=visitor))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    doc = export(daemon)
    rs = doc["receipts"]
    assert [r["seq"] for r in rs] == list(range(1, 49))
    assert sorted(r["post"] for r in rs) == sorted(staff_posts + link_posts)
    assert verify(tmpdir_path, doc).returncode == 0


def test_csv_and_html_are_escaped(daemon, admin):
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval", caption='<script>alert("x")</script>, "q"')
    admin.call("post.reject", id=pid, note='<img src=x onerror=alert(1)>, "quoted"\nline')
    html = export(daemon, "--post", str(pid), fmt="html")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;" in html
    csv_text = export(daemon, fmt="csv")
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == 1 and rows[0]["note"] == '<img src=x onerror=alert(1)>, "quoted"\nline'
    assert rows[0]["caption"] == '<script>alert("x")</script>, "q"'
    assert run("receipts", "--data", daemon.data_dir, "--format", "html", check=False).returncode == 2


def test_receipt_list_roles_and_refusals(daemon, admin):
    prof = make_profile(admin)
    viewer = make_user(daemon, admin, "vera", "viewer")
    assert viewer.call("receipt.list", profile=prof)["receipts"] == []
    with pytest.raises(RpcError) as e:
        viewer.call("receipt.list", profile=0)
    assert e.value.code == "not_found"
    with pytest.raises(RpcError) as e:
        viewer.call("receipt.list", profile="one")
    assert e.value.code == "bad_request"
    anon = daemon.client(login=False)
    with pytest.raises(RpcError) as e:
        anon.call("receipt.list", profile=prof)
    assert e.value.code == "unauthorized"


def test_key_is_made_at_first_start_and_kept_in_backups(daemon, admin, tmpdir_path):
    kid, pub = current_key(daemon)
    prof = make_profile(admin)
    pid = make_post(admin, prof, "awaiting_approval")
    admin.call("post.approve", id=pid)
    backup = os.path.join(tmpdir_path, "backup.mdb")
    run("backup", "--data", daemon.data_dir, backup)
    assert os.stat(os.path.join(daemon.data_dir, "data.mdb")).st_mode & 0o077 == 0
    daemon.stop()
    restored = os.path.join(tmpdir_path, "restored")
    run("restore", "--data", restored, backup)
    out = run("receipts-key", "--data", restored).stdout.split()
    assert (int(out[1]), out[4]) == (kid, pub)
    doc = json.loads(run("receipts", "--data", restored, "--format", "json").stdout)
    assert len(doc["receipts"]) == 1 and verify(tmpdir_path, doc, "--key", pub).returncode == 0
    daemon.start()


@pytest.mark.skipif(__import__("shutil").which("tmux") is None, reason="tmux is not installed")
def test_client_key_writes_the_profile_export(demo_daemon, tmpdir_path):
    """X in the staff client (in tmux) writes the current profile's export to the path typed;
    the file is the export itself, and verifies."""
    from test_tui import Tui, first_profile
    rpc = demo_daemon.client()
    prof = first_profile(rpc)
    pid = make_post(rpc, prof["id"], "awaiting_approval", caption="from the client test")
    rpc.call("post.reject", id=pid, note="needs a photo")
    t = Tui(demo_daemon, tmpdir_path)
    try:
        t.wait_for(r"admin \| .* \| online")
        t.keys("X")
        t.wait_for(r"Write the receipts of .*greenlight-receipts-")
        path = os.path.join(tmpdir_path, "client-export.json")
        t.type(path)
        t.keys("Enter")
        t.wait_for(r"\d+ receipts? written to")
    finally:
        t.close()
    with open(path) as f:
        doc = json.load(f)
    assert doc == rpc.call("receipt.list", profile=prof["id"])
    assert any(r["post"] == pid and r["note"] == "needs a photo" for r in doc["receipts"])
    assert os.stat(path).st_mode & 0o077 == 0
    assert run("verify", path, check=False).returncode == 0
