"""greenlightd check verifies each profile's receipt chain in the store: consecutive seq, prev
the hash of the one before, signatures valid; a removed or changed receipt is reported."""
import os
import sys

from gltest import BIN_DIR, Daemon
from helpers import make_post, make_profile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tools"))
from opstools import Store, lmdbtool_path, run_sub  # noqa: E402


def decided_store(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    d = Daemon(data).start()
    admin = d.client()
    for name in ("Acme", "Globex"):
        prof = make_profile(admin, name=name)
        for i in range(3):
            make_post(admin, prof, "approved", caption=f"{name} {i}")
    assert d.stop() == 0
    return data, Store(lmdbtool_path(os.path.join(tmpdir_path, "tools")), data)


def check(data):
    return run_sub(BIN_DIR, "check", "--data", data)


def test_sound_chains_are_consistent(tmpdir_path):
    data, store = decided_store(tmpdir_path)
    assert len(store.dump("receipts")) == 6
    r = check(data)
    assert r.returncode == 0, r.stderr


def test_a_removed_receipt_breaks_the_chain(tmpdir_path):
    data, store = decided_store(tmpdir_path)
    key, _ = store.dump("receipts")[1]
    store.delete("receipts", key)
    r = check(data)
    assert r.returncode == 1
    assert "chain broken" in r.stderr and "receipt 3 follows 1" in r.stderr, r.stderr


def test_a_changed_receipt_fails_its_signature(tmpdir_path):
    data, store = decided_store(tmpdir_path)
    key, value = store.dump("receipts")[4]
    # The decider's name is one of the signed fields.
    assert b"admin" in value
    store.put("receipts", key, value.replace(b"admin", b"Admin", 1))
    r = check(data)
    assert r.returncode == 1
    assert "bad signature" in r.stderr or "does not match" in r.stderr, r.stderr
