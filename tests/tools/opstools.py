"""Helpers for the operations tests: the raw LMDB editor (lmdbtool.c, built on first use) and
running greenlightd's subcommands."""
import os
import subprocess

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))


def lmdbtool_path(build_dir):
    """Builds tests/tools/lmdbtool.c into build_dir (once) and returns the binary's path."""
    out = os.path.join(build_dir, "lmdbtool")
    src = os.path.join(HERE, "lmdbtool.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(build_dir, exist_ok=True)
        subprocess.run(["cc", "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", src, "-o",
                        out + ".tmp", "-llmdb"], check=True)
        os.replace(out + ".tmp", out)
    return out


class Store:
    """Raw access to a stopped daemon's store."""

    def __init__(self, tool, data_dir):
        self.tool, self.dir = tool, data_dir

    def dump(self, db):
        out = subprocess.run([self.tool, self.dir, "dump", db], check=True,
                             capture_output=True, text=True).stdout
        pairs = []
        for line in out.splitlines():
            k, _, v = line.partition(" ")
            pairs.append((bytes.fromhex(k), bytes.fromhex(v)))
        return pairs

    def records(self, db):
        return [(k, msgpack.unpackb(v, raw=False, strict_map_key=False))
                for k, v in self.dump(db)]

    def post_records(self):
        """The posts' records as [(id key, record)]: since schema 4 they are kept in
        posts_by_time under (profile, time, id), and posts maps each id to that key."""
        return [(k[16:24], msgpack.unpackb(v, raw=False, strict_map_key=False))
                for k, v in self.dump("posts_by_time")]

    def to_schema3_posts(self):
        """Puts the posts back where schema 3 and earlier kept them: each record in posts
        under its id, the time index holding nothing. (The schema version is the caller's.)"""
        for k, v in self.dump("posts_by_time"):
            self.put("posts", k[16:24], v)
            self.put("posts_by_time", k, b"")

    def put(self, db, key, value):
        if not isinstance(value, (bytes, bytearray)):
            value = msgpack.packb(value, use_bin_type=True)
        subprocess.run([self.tool, self.dir, "put", db, key.hex(), bytes(value).hex()],
                       check=True)

    def delete(self, db, key):
        subprocess.run([self.tool, self.dir, "del", db, key.hex()], check=True)


def run_sub(bin_dir, *args, timeout=60):
    """Runs greenlightd SUBCOMMAND ...; returns the CompletedProcess."""
    return subprocess.run([os.path.join(bin_dir, "greenlightd")] + list(args),
                          capture_output=True, text=True, timeout=timeout)
