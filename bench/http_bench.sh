#!/usr/bin/env bash
# A calendar link's answers, served by greenlightd, next to nginx serving the same bytes as static
# files, in the same run on the same machine, rounds alternating: wrk at 64 connections.
#   page plain   the calendar page of a month with 50 posts (greenlightd: rendered from LMDB or
#                taken from its page cache, which every write that matters invalidates; nginx:
#                the page saved as index.html)
#   feed 304     a conditional GET of the link's .ics feed (its address is the page's "subscribe"
#                link) with If-None-Match: the feed's ETag (greenlightd: renders the feed and
#                compares its tag; nginx: the feed saved as a file, its own ETag sent back)
#   page gzip    the page with Accept-Encoding: gzip (greenlightd: compresses once and keeps the
#                compressed form in its page cache; nginx: gzip_static on, index.html.gz made
#                with gzip -9 beside index.html)
# Usage: bench/http_bench.sh [BIN_DIR] ; env: DURATION (8s), RUNS (3), THREADS (2),
# NGINX_WORKERS (1: greenlightd's loop is one thread, so is nginx's worker by default),
# ACCESS_LOG (on: both write an access line per request; off: neither does).
# Prints one line per run, then a table of medians. Reports; never fails the build on slowness:
# exits non-zero only when its tooling broke (a tool missing, a server not answering as the
# rows need: no 304, no gzip, nginx without gzip_static).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${1:-$ROOT/bin}"
DURATION="${DURATION:-8s}"
RUNS="${RUNS:-3}"
THREADS="${THREADS:-2}"
NGINX_WORKERS="${NGINX_WORKERS:-1}"
PY=/usr/bin/python3
for tool in wrk nginx curl gzip; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "http_bench: $tool is missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
fail() { echo "http_bench: $*" >&2; exit 1; }

# gzip_static is a build option (nginx -V lists its configure arguments). Debian 12's nginx has it
# (nginx-light is only a transitional package pulling nginx in); without it the gzip row is left
# out and the script ends non-zero after the other rows.
gzip_static=1
if ! "$NGINX" -V 2>&1 | grep -q -- '--with-http_gzip_static_module'; then
  gzip_static=0
  echo "http_bench: $NGINX has no gzip_static module (nginx -V shows no --with-http_gzip_static_module): the gzip row is left out; install Debian's nginx (scripts/install-deps.sh bench)" >&2
fi

work="$(mktemp -d /tmp/gl-httpbench.XXXXXX)"
gl_pid=""; ng_pid=""
cleanup() {
  [ -n "$gl_pid" ] && kill "$gl_pid" 2>/dev/null && wait "$gl_pid" 2>/dev/null || true
  [ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ACCESS_LOG="${ACCESS_LOG:-on}"
gl_log="$work/err"
ng_access="$work/nginx/access.log"
if [ "$ACCESS_LOG" = off ]; then gl_log=/dev/null; ng_access=off; fi
"$BIN/greenlightd" --data "$work/data" --rpc 127.0.0.1:0 --http 127.0.0.1:0 >"$work/out" 2>"$gl_log" &
gl_pid=$!
for _ in $(seq 100); do grep -q '^ready$' "$work/out" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready$' "$work/out" || fail "greenlightd did not start"
rpc_port=$(sed -n 's/^rpc .*:\([0-9]*\)$/\1/p' "$work/out")
http_port=$(sed -n 's/^http .*:\([0-9]*\)$/\1/p' "$work/out")

# 50 posts next month, in the statuses a calendar link shows; then a calendar link.
url=$(PYTHONPATH="$ROOT/tests/e2e" $PY - "$rpc_port" "$work/data/initial-admin-password" <<'PY'
import sys, time, calendar
from glrpc import RpcClient
port, pwfile = int(sys.argv[1]), sys.argv[2]
c = RpcClient("127.0.0.1", port)
c.call("auth.login", user="admin", password=open(pwfile).read().strip())
prof = c.call("profile.create", name="Acme Coffee", timezone="Europe/Paris",
              platforms=["instagram", "facebook", "linkedin"])["id"]
t = time.gmtime()
y, m = (t.tm_year + (t.tm_mon == 12), t.tm_mon % 12 + 1)
days = calendar.monthrange(y, m)[1]
for i in range(50):
    at = calendar.timegm((y, m, 1 + i % days, 7 + i % 12, (i * 17) % 60, 0))
    pid = c.call("post.create", profile=prof, platforms=["instagram", "facebook"][: 1 + i % 2],
                 caption=f"Post {i}: new autumn blend, notes of fig, cocoa & toasted hazelnut <3",
                 scheduled_at=at)["id"]
    c.call("post.submit", id=pid)
    if i % 3:
        c.call("post.approve", id=pid)
    if i % 3 == 2:
        c.call("post.schedule", id=pid)
link = c.call("link.create", profile=prof, kind="calendar")
print(f"{link['url']}?month={y:04d}-{m:02d}")
PY
)
gl="http://127.0.0.1:$http_port"
path="/${url#http://*/}"
curl -sf "$gl$path" -o "$work/page.html" || fail "greenlightd did not serve the calendar page"
posts=$(grep -o 'class="post ' "$work/page.html" | wc -l)
bytes=$(wc -c <"$work/page.html")

# The feed's address is the page's "subscribe" link (docs/http.md: /l/{token}/calendar.ics).
feed=$(grep -o '<p class="subscribe"><a href="[^"]*"' "$work/page.html" | head -1 | sed 's/.*href="//; s/"$//' || true)
case "$feed" in http://* | https://*) feed="/${feed#http*://*/}" ;; esac
case "$feed" in */calendar.ics) ;; *) fail "no feed link (class=\"subscribe\") on the calendar page" ;; esac
curl -sf -D "$work/feed.hdr" "$gl$feed" -o "$work/feed.ics" || fail "greenlightd did not serve the feed $feed"
gl_etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\(.*[^[:space:]]\)[[:space:]]*$/\1/p' "$work/feed.hdr")
[ -n "$gl_etag" ] || fail "greenlightd's feed has no ETag"
feed_bytes=$(wc -c <"$work/feed.ics")

mkdir -p "$work/www" "$work/nginx"
# As root, nginx's workers run as nobody: they must reach the files (the store stays 0700).
chmod 755 "$work" "$work/www"
cp "$work/page.html" "$work/www/index.html"
gzip -9 -n -c "$work/page.html" >"$work/www/index.html.gz"
cp "$work/feed.ics" "$work/www/calendar.ics"
chmod 644 "$work/www"/*
ng_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ "$gzip_static" = 1 ]; then
  gz_location="location = /index.html {
      gzip_static on;
      gzip_vary on;
      add_header Cache-Control \"private, no-cache\";
      add_header Referrer-Policy no-referrer;
      add_header X-Content-Type-Options nosniff;
    }"
else
  gz_location=""
fi
cat >"$work/nginx/nginx.conf" <<NG
worker_processes $NGINX_WORKERS;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
  # greenlightd writes an access line per request (to its log, unbuffered): so does nginx here,
  # as in its default configuration. ACCESS_LOG=off turns both off for a pure serving figure.
  access_log $ng_access;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { text/html html; text/calendar ics; }
  server {
    listen 127.0.0.1:$ng_port;
    root $work/www;
    # The plain page, as before this script measured 304 and gzip.
    location = / {
      try_files /index.html =404;
      add_header Cache-Control no-store;
      add_header Referrer-Policy no-referrer;
      add_header X-Content-Type-Options nosniff;
    }
    # The feed: etag on is nginx's default, so If-None-Match with its tag is a 304.
    location = /calendar.ics {
      add_header Cache-Control "private, no-cache";
      add_header Referrer-Policy no-referrer;
      add_header X-Content-Type-Options nosniff;
    }
    # The page pre-compressed: index.html.gz when the request accepts gzip.
    $gz_location
  }
}
NG
"$NGINX" -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/stderr" &
ng_pid=$!
ng="http://127.0.0.1:$ng_port"
for _ in $(seq 50); do curl -sf "$ng/" -o /dev/null && break; sleep 0.1; done
curl -sf "$ng/" -o /dev/null || fail "nginx did not start: $(cat "$work/nginx/stderr" "$work/nginx/error.log" 2>/dev/null | tail -3)"

# ---- once, before timing: each server answers as its row needs ----
header() { sed -n "s/^$2: *\(.*[^[:space:]]\)[[:space:]]*\$/\1/Ip" "$1" | head -1; }
curl -sf -D "$work/ng.hdr" "$ng/calendar.ics" -o "$work/ng.ics" || fail "nginx did not serve the feed"
ng_etag=$(header "$work/ng.hdr" etag)
[ -n "$ng_etag" ] || fail "nginx's feed has no ETag"
check_304() { # name url etag
  local got
  got=$(curl -s -o "$work/c.body" -D "$work/c.hdr" -w '%{http_code} %{size_download}' -H "If-None-Match: $3" "$2")
  [ "$got" = "304 0" ] || fail "$1 answered '$got' (status, body bytes) to If-None-Match: $3 at $2, not a 304 without a body"
}
check_304 greenlightd "$gl$feed" "$gl_etag"
check_304 nginx "$ng/calendar.ics" "$ng_etag"
check_gzip() { # name url
  curl -s -o "$work/c.gz" -D "$work/c.hdr" -H 'Accept-Encoding: gzip' "$2" || fail "$1: curl failed on $2"
  [ "$(header "$work/c.hdr" content-encoding)" = gzip ] || fail "$1 did not answer Content-Encoding: gzip at $2"
  gzip -dc "$work/c.gz" | cmp -s - "$work/page.html" || echo "http_bench: $1's gzip answer does not decode to the page" >&2
  wc -c <"$work/c.gz"
}
gl_gz_bytes=""; ng_gz_bytes=""
if [ "$gzip_static" = 1 ]; then
  gl_gz_bytes=$(check_gzip greenlightd "$gl$path")
  ng_gz_bytes=$(check_gzip nginx "$ng/index.html")
fi

# wrk --latency: "Requests/sec: N", the "99%" line (us, ms or s), "N requests in Ts, X read":
# prints rps, p99 in us, bytes read per request, non-2xx/3xx answers.
run_wrk() { # url [header]
  local url=$1; shift
  wrk -t"$THREADS" -c64 -d"$DURATION" --latency "$@" "$url" >"$work/wrk.txt" 2>&1 || true
  $PY - "$work/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
try:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    v, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", t, re.M).groups()
    n, size, u = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", t).groups()
except AttributeError:
    print("wrk output not understood:", t.replace("\n", " | "), file=sys.stderr)
    print("0 0 0 -1")
    sys.exit()
us = float(v) * {"us": 1.0, "ms": 1000.0, "s": 1e6}[unit]
read = float(size) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[u]
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(f"{rps:.0f} {us:.0f} {read / max(int(n), 1):.0f} {errs.group(1) if errs else 0}")
PY
}

rows="plain 304"
[ "$gzip_static" = 1 ] && rows="$rows gzip"
echo "http_bench: calendar page of a month with $posts posts ($bytes bytes; gzip: greenlightd ${gl_gz_bytes:-?}, nginx's gzip -9 ${ng_gz_bytes:-?}), feed $feed_bytes bytes"
echo "http_bench: wrk -t$THREADS -c64 -d$DURATION, nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') worker_processes $NGINX_WORKERS, access logs $ACCESS_LOG, $(nproc) CPUs, $RUNS rounds"
: >"$work/results"
for run in $(seq "$RUNS"); do
  for row in $rows; do
    case $row in
      plain) gl_args=("$gl$path"); ng_args=("$ng/") ;;
      304) gl_args=("$gl$feed" -H "If-None-Match: $gl_etag"); ng_args=("$ng/calendar.ics" -H "If-None-Match: $ng_etag") ;;
      gzip) gl_args=("$gl$path" -H "Accept-Encoding: gzip"); ng_args=("$ng/index.html" -H "Accept-Encoding: gzip") ;;
    esac
    read -r r p b e < <(run_wrk "${gl_args[@]}")
    read -r r2 p2 b2 e2 < <(run_wrk "${ng_args[@]}")
    [ "$e" = -1 ] || [ "$e2" = -1 ] && fail "wrk gave no figures (above)"
    [ "$e" = 0 ] || echo "http_bench: greenlightd gave $e answers neither 2xx nor 3xx ($row)" >&2
    [ "$e2" = 0 ] || echo "http_bench: nginx gave $e2 answers neither 2xx nor 3xx ($row)" >&2
    echo "$row $r $p $b $r2 $p2 $b2" >>"$work/results"
    printf 'round %d %-6s greenlightd %8.0f req/s p99 %6.0f us %6d B/answer | nginx %8.0f req/s p99 %6.0f us %6d B/answer\n' \
      "$run" "$row" "$r" "$p" "$b" "$r2" "$p2" "$b2"
  done
done

$PY - "$work/results" "$feed_bytes" "$bytes" <<'PY'
import statistics, sys
feed_bytes, page_bytes = int(sys.argv[2]), int(sys.argv[3])
res = {}
for line in open(sys.argv[1]):
    row, *v = line.split()
    res.setdefault(row, []).append([float(x) for x in v])
label = {"plain": ("calendar page", "index.html"),
         "304": ("feed If-None-Match -> 304", "calendar.ics, its ETag -> 304"),
         "gzip": ("calendar page, gzip", "index.html.gz, gzip_static")}
aim = {"plain": (0.80, 1.50), "304": (1.00, None), "gzip": (0.90, 1.50)}
print()
print(f"{'greenlightd':<28} {'rps':>9} {'p99 us':>8}   {'nginx':<30} {'rps':>9} {'p99 us':>8}"
      f"   {'rps x':>6} {'p99 x':>6}   aim")
for row in ("plain", "304", "gzip"):
    if row not in res:
        continue
    rs = res[row]
    med = [statistics.median(r[i] for r in rs) for i in range(6)]
    # Each round's pair ran side by side: the ratios are the median of the rounds' ratios.
    x = statistics.median(r[0] / r[3] for r in rs if r[3] > 0)
    px = statistics.median(r[1] / r[4] for r in rs if r[4] > 0)
    a_r, a_p = aim[row]
    met = x >= a_r and (a_p is None or px <= a_p)
    want = f"rps >= {a_r:.2f}" + (f", p99 <= {a_p:.2f}x" if a_p else "")
    print(f"{label[row][0]:<28} {med[0]:>9.0f} {med[1]:>8.0f}   {label[row][1]:<30} {med[3]:>9.0f}"
          f" {med[4]:>8.0f}   {x:>6.2f} {px:>6.2f}   {want}: {'met' if met else 'not met'}")
# A timed 304 row that read whole feeds was not measuring 304s: say so (not a tooling failure).
for row, limit, what in (("304", feed_bytes / 2, "whole feeds, not 304s"),
                         ("gzip", page_bytes * 0.9, "answers as large as the plain page")):
    for r in res.get(row, []):
        for side, b in (("greenlightd", r[2]), ("nginx", r[5])):
            if b > limit:
                print(f"warning: {side} read {b:.0f} bytes per answer in the {row} row: {what}")
print("rps x: greenlightd's rate over nginx's; p99 x: greenlightd's p99 over nginx's; both the "
      "median of each round's ratio")
PY
[ "$gzip_static" = 1 ] || fail "the gzip row was left out: nginx has no gzip_static module"
exit 0
