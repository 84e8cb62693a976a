#!/usr/bin/env python3
"""Writes server/static/favicon.ico: the default icon at /favicon.ico, a 32x32 PNG (a white
tick on the pages' green, --brand) inside an ICO container. Run embed.py after it."""
import os, struct, zlib
here = os.path.dirname(os.path.abspath(__file__))
N = 32
green, white = (0x1f, 0x7a, 0x4d, 255), (255, 255, 255, 255)

def inside_rounded(x, y, r=6):
    cx = min(max(x, r), N - 1 - r); cy = min(max(y, r), N - 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def near_segment(x, y, a, b, w):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0, min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= w * w

rows = b""
for y in range(N):
    row = b"\x00"
    for x in range(N):
        c = (0, 0, 0, 0)
        if inside_rounded(x, y):
            c = green
            if near_segment(x, y, (8, 17), (13, 22), 2.2) or near_segment(x, y, (13, 22), (24, 10), 2.2):
                c = white
        row += bytes(c)
    rows += row

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
ico = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", N, N, 0, 0, 1, 32, len(png), 22) + png
open(os.path.join(here, "favicon.ico"), "wb").write(ico)
