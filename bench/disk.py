#!/usr/bin/python3
"""What this machine's disk allows a durable write, with no database in the way: the ceiling
under greenlightd's and redis's durable writes, measured beside them (bench/run.sh).

  append  redis's appendfsync always: a small append to a log, then fdatasync (one flush).
  commit  LMDB 0.9's commit (mdb_txn_commit, see docs/hardening.md): N scattered 4 KiB
          pwrites into the data file, fdatasync, then the meta page's write through an O_DSYNC
          descriptor (a second flush); for each N of PAGES (bench/run.sh passes what one
          approval's commit wrote, and what a batch of 32 wrote).

The data file is a fresh copy of the bench store's data.mdb, as bench/run.sh copies the store
before each run, so its pages sit in the page cache much as the daemon's do.

Usage: bench/disk.py DATA_MDB WORK_DIR [PAGES [COMMITS]]   (PAGES: N[,N...], 15 unless given)
Prints one line: append_us=A commit_N_us=C ... (the median over COMMITS (300) of each)."""
import os
import random
import shutil
import statistics
import sys
import time

PAGE = 4096


def main():
    src, work = sys.argv[1], sys.argv[2]
    pages = [int(n) for n in sys.argv[3].split(",")] if len(sys.argv) > 3 else [15]
    commits = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    data = os.path.join(work, "disk-probe.mdb")
    log = os.path.join(work, "disk-probe.aof")
    shutil.copyfile(src, data)
    fd = os.open(data, os.O_RDWR)
    meta_fd = os.open(data, os.O_RDWR | os.O_DSYNC)
    log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC, 0o600)
    os.fsync(fd)
    npages = os.fstat(fd).st_size // PAGE
    page, meta, record = b"p" * PAGE, b"m" * 160, b"a" * 100
    rnd = random.Random(1)

    def commit(n):
        t = time.perf_counter()
        for _ in range(n):
            os.pwrite(fd, page, rnd.randrange(2, npages) * PAGE)
        os.fdatasync(fd)
        os.pwrite(meta_fd, meta, 0)
        return time.perf_counter() - t

    def append():
        t = time.perf_counter()
        os.write(log_fd, record)
        os.fdatasync(log_fd)
        return time.perf_counter() - t

    def median_us(fn):
        return statistics.median(fn() for _ in range(commits)) * 1e6

    try:
        out = {"append_us": median_us(append)}
        for n in pages:
            out[f"commit_{n}_us"] = median_us(lambda: commit(n))
    finally:
        for f in (fd, meta_fd, log_fd):
            os.close(f)
        os.unlink(data)
        os.unlink(log)
    print(" ".join(f"{k}={v:.0f}" for k, v in out.items()))


if __name__ == "__main__":
    main()
