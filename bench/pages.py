#!/usr/bin/python3
"""What one write costs on disk: starts greenlightd on a copy of the bench store, makes one
write at a time (approve, comment, submit, a decision through a collab link), and after each
reads data.mdb's two meta pages. LMDB 0.9 is copy-on-write: every page a commit writes gets a
page number the previous snapshot did not use, so the pages reachable from the newer meta page
and not from the older one are exactly the pages that commit wrote (plus its meta page). Each is
named by its database and kind (branch, leaf, overflow).

Usage: bench/pages.py BIN_DIR STORE_DIR [N]   (STORE_DIR: bench/out/store-..., holds data/ and meta)
Prints, per kind of write, the median over N writes of pages and bytes, and one write's pages."""
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from glrpc import RpcClient  # noqa: E402
from httputil import Web, path_of  # noqa: E402

P_BRANCH, P_LEAF, P_OVERFLOW = 0x01, 0x02, 0x04
F_BIGDATA, F_SUBDATA = 0x01, 0x02
DB_FMT = "<IHHQQQQQ"  # MDB_db: pad, flags, depth, branch, leaf, overflow, entries, root
DB_SZ = struct.calcsize(DB_FMT)


class Env:
    def __init__(self, path):
        self.f = open(path, "rb")
        head = self.page_raw(0, 4096)
        self.psize = struct.unpack_from(DB_FMT, head, 16 + 24)[0]

    def page_raw(self, pgno, size=None):
        size = size or self.psize
        self.f.seek(pgno * size)
        return self.f.read(size)

    def metas(self):
        out = []
        for i in (0, 1):
            p = self.page_raw(i)
            magic, _ver = struct.unpack_from("<II", p, 16)
            assert magic == 0xBEEFC0DE, "not an LMDB file"
            free = struct.unpack_from(DB_FMT, p, 16 + 24)
            main = struct.unpack_from(DB_FMT, p, 16 + 24 + DB_SZ)
            _last, txnid = struct.unpack_from("<QQ", p, 16 + 24 + 2 * DB_SZ)
            out.append((txnid, i, free[7], main[7]))
        return sorted(out)  # older first

    def walk(self, root, db, seen, subdbs=None):
        """Adds {pgno: (db, kind)} for every page of the tree at root."""
        if root == 0xFFFFFFFFFFFFFFFF:
            return
        stack = [root]
        while stack:
            pgno = stack.pop()
            p = self.page_raw(pgno)
            flags, lower = struct.unpack_from("<HH", p, 10)
            n = (lower - 16) // 2
            ptrs = struct.unpack_from("<%dH" % n, p, 16)
            if flags & P_BRANCH:
                seen[pgno] = (db, "branch")
                for off in ptrs:
                    lo, hi, fl = struct.unpack_from("<HHH", p, off)
                    stack.append(lo | hi << 16 | fl << 32)
            elif flags & P_LEAF:
                seen[pgno] = (db, "leaf")
                for off in ptrs:
                    lo, hi, fl, ks = struct.unpack_from("<HHHH", p, off)
                    data = off + 8 + ks
                    if fl & F_BIGDATA:
                        ov = struct.unpack_from("<Q", p, data)[0]
                        count = struct.unpack_from("<I", self.page_raw(ov), 12)[0]
                        for k in range(count):
                            seen[ov + k] = (db, "overflow")
                    elif fl & F_SUBDATA and subdbs is not None:
                        name = p[off + 8:off + 8 + ks].decode()
                        subdbs[name] = struct.unpack_from(DB_FMT, p, data)[7]
            else:
                raise SystemExit(f"page {pgno}: unexpected flags {flags:#x}")

    def snapshot(self, meta):
        _txnid, _i, free_root, main_root = meta
        seen, subdbs = {}, {}
        self.walk(free_root, "(free list)", seen)
        self.walk(main_root, "(names)", seen, subdbs)
        for name, root in subdbs.items():
            self.walk(root, name, seen)
        return seen


def written(env):
    """The pages the newest commit wrote, and how many commits it is past the older meta."""
    older, newer = env.metas()
    a, b = env.snapshot(older), env.snapshot(newer)
    return {p: k for p, k in b.items() if p not in a}, newer[0] - older[0]


class Daemon:
    def __init__(self, bin_dir, data):
        self.p = subprocess.Popen([os.path.join(bin_dir, "greenlightd"), "--data", data,
                                   "--rpc", "127.0.0.1:0", "--http", "127.0.0.1:0",
                                   "--login-timeout-seconds", "300"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.rpc = self.http = None
        for line in self.p.stdout:
            m = re.match(r"(rpc|http) 127\.0\.0\.1:(\d+)$", line.strip())
            if m:
                setattr(self, m.group(1), int(m.group(2)))
            if line.strip() == "ready":
                break
        self.pw = open(os.path.join(data, "initial-admin-password")).read().strip()

    def stop(self):
        self.p.terminate()
        self.p.wait()


def csrf(page):
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def main():
    bin_dir, store = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    meta = dict(line.strip().split("=", 1) for line in open(os.path.join(store, "meta")))
    tmp = tempfile.mkdtemp(prefix="glpages.")
    try:
        data = os.path.join(tmp, "data")
        shutil.copytree(os.path.join(store, "data"), data)
        d = Daemon(bin_dir, data)
        c = RpcClient("127.0.0.1", d.rpc)
        c.call("auth.login", user="admin", password=d.pw)
        env = Env(os.path.join(data, "data.mdb"))
        pool = iter(range(int(meta["pool_lo"]), int(meta["pool_hi"])))
        drafts = iter(range(int(meta["id_lo"]) + 1000, int(meta["pool_lo"])))
        profile = int(meta["profile_lo"])
        # A collab link and its visitor's session, made before anything is measured.
        link = c.call("link.create", profile=profile, kind="collab")
        w = Web(d.http)
        base = path_of(link["url"])
        st, _, _ = w.follow(base + "/session", {"csrf": csrf(w.get(base)[2]), "name": "Bench"})
        assert st == 303
        on_profile = [p["id"] for p in c.call("post.list", status="awaiting_approval",
                                              profile=profile)["posts"]]

        def decide():
            pid = on_profile.pop()
            page = w.get(f"{base}/p/{pid}")[2]
            rev = re.search(r'name="rev" value="(\d+)"', page).group(1)
            st, _, _ = w.post(f"{base}/p/{pid}", {"csrf": csrf(page), "rev": rev,
                                                  "action": "approve", "note": ""})
            assert st == 303, st

        kinds = [
            ("post.approve", lambda: c.call("post.approve", id=next(pool))),
            ("post.comment", lambda: c.call("post.comment", id=next(pool), text="a comment of about forty bytes, say")),
            ("post.submit", lambda: c.call("post.submit", id=next(drafts))),
            ("link approve (HTTP)", decide),
        ]
        report = []
        for name, op in kinds:
            runs = []
            for _ in range(n):
                for _try in range(5):
                    time.sleep(0.05)  # nothing else in flight
                    op()
                    time.sleep(0.05)
                    pages, gap = written(env)
                    if gap == 1:
                        break
                runs.append(pages)
            counts = sorted(runs, key=len)
            mid = counts[len(counts) // 2]
            by = {}
            for db, kind in mid.values():
                by[(db, kind)] = by.get((db, kind), 0) + 1
            med = statistics.median(len(r) for r in runs)
            report.append((name, med, by))
        d.stop()
        for name, med, by in report:
            # +1: the meta page (LMDB writes only its changed part, but one more page is flushed).
            print(f"{name}: {med:.0f} pages + meta = {(med + 1) * env.psize / 1024:.0f} KiB "
                  f"(median of {n}); one of them:")
            for (db, kind), k in sorted(by.items(), key=lambda x: -x[1]):
                print(f"    {k:3d} {db} {kind}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
