#!/usr/bin/env bash
# The calendar page of a month with 50 posts, served by greenlightd (rendered from LMDB, or from
# its page cache, which every write that matters invalidates), next to nginx serving the same
# page saved as a static file, in the same run on the same machine: wrk at 64 connections.
# Usage: bench/http_bench.sh [BIN_DIR] ; env: DURATION (10s), RUNS (3), THREADS (2),
# NGINX_WORKERS (1: greenlightd's loop is one thread, so is nginx's worker by default),
# ACCESS_LOG (on: both write an access line per request; off: neither does).
# Prints one line per run and the medians. Reports; never fails the build on slowness.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${1:-$ROOT/bin}"
DURATION="${DURATION:-10s}"
RUNS="${RUNS:-3}"
THREADS="${THREADS:-2}"
NGINX_WORKERS="${NGINX_WORKERS:-1}"
PY=/usr/bin/python3
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "http_bench: $tool is missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

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
path="/${url#http://*/}"
curl -sf "http://127.0.0.1:$http_port$path" -o "$work/page.html"
posts=$(grep -o 'class="post ' "$work/page.html" | wc -l)
bytes=$(wc -c <"$work/page.html")

mkdir -p "$work/www" "$work/nginx"
cp "$work/page.html" "$work/www/index.html"
ng_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
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
  types { text/html html; }
  server {
    listen 127.0.0.1:$ng_port;
    root $work/www;
    location / {
      try_files /index.html =404;
      add_header Cache-Control no-store;
      add_header Referrer-Policy no-referrer;
      add_header X-Content-Type-Options nosniff;
    }
  }
}
NG
"$NGINX" -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/stderr" &
ng_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$ng_port/" -o /dev/null && break; sleep 0.1; done

# wrk --latency: "Requests/sec: N" and the "99%" line (us, ms or s).
run_wrk() {
  wrk -t"$THREADS" -c64 -d"$DURATION" --latency "$1" >"$work/wrk.txt" 2>&1
  $PY - "$work/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
v, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", t, re.M).groups()
ms = float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(f"{rps:.0f} {ms:.3f} {errs.group(1) if errs else 0}")
PY
}

echo "http_bench: calendar page of a month with $posts posts ($bytes bytes), wrk -t$THREADS -c64 -d$DURATION, nginx worker_processes $NGINX_WORKERS, access logs $ACCESS_LOG, $(nproc) CPUs"
gl_r=(); gl_p=(); ng_r=(); ng_p=()
for run in $(seq "$RUNS"); do
  read -r r p e < <(run_wrk "http://127.0.0.1:$http_port$path")
  gl_r+=("$r"); gl_p+=("$p")
  [ "$e" = 0 ] || echo "http_bench: greenlightd gave $e non-2xx answers" >&2
  read -r r2 p2 e2 < <(run_wrk "http://127.0.0.1:$ng_port/")
  ng_r+=("$r2"); ng_p+=("$p2")
  printf 'run %d: greenlightd %8.0f req/s p99 %7.3f ms | nginx %8.0f req/s p99 %7.3f ms\n' "$run" "$r" "$p" "$r2" "$p2"
done
$PY - "${gl_r[*]}" "${gl_p[*]}" "${ng_r[*]}" "${ng_p[*]}" <<'PY'
import statistics, sys
gr, gp, nr, np_ = ([float(x) for x in a.split()] for a in sys.argv[1:5])
mg, mgp, mn, mnp = (statistics.median(x) for x in (gr, gp, nr, np_))
print(f"median: greenlightd {mg:.0f} req/s p99 {mgp:.3f} ms | nginx {mn:.0f} req/s p99 {mnp:.3f} ms")
print(f"ratio: rps {mg / mn:.2f} of nginx (aim >= 0.80), p99 {mgp / mnp:.2f}x nginx's (aim <= 1.50)")
PY
