#!/usr/bin/env bash
# The benchmarks of greenlightd next to redis (see bench/README.md). Usage: bench/run.sh BIN_DIR
# Reports figures; exits non-zero only when the tooling itself broke, never for a slow result.
# Knobs (environment): BENCH_ROUNDS (3), BENCH_SECS_READ (5), BENCH_SECS_WRITE (3).
set -uo pipefail

BIN=${1:?usage: bench/run.sh ABSOLUTE_BIN_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/bench/out
ROUNDS=${BENCH_ROUNDS:-3}
SECS_READ=${BENCH_SECS_READ:-5}
SECS_WRITE=${BENCH_SECS_WRITE:-3}
POSTS=100000
PROFILES=100
POOL=60000
MONTHS=24
# Bump when what fill creates changes; the store schema version is part of the key too.
FILL_VERSION=1
SCHEMA=$(sed -n 's/^#define GL_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$ROOT/server/store.h" 2>/dev/null)
STORE=$OUT/store-f$FILL_VERSION-s${SCHEMA:-x}-p$POSTS-pr$PROFILES-pool$POOL
WORK=$OUT/work
mkdir -p "$OUT"

say() { printf '%s\n' "$*" >&2; }
broke() { say "bench: $*"; exit 1; }

PIDS=()
TMPDIRS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for d in "${TMPDIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the load generator ----
RPCBENCH=$OUT/rpcbench
(cd "$ROOT" && cc -O2 -std=c11 -Wall -Wextra -Wpedantic -D_GNU_SOURCE -Icommon -Iprotocol \
   -o "$RPCBENCH" bench/rpcbench.c common/*.c protocol/*.c \
   $(pkg-config --cflags --libs libuv msgpack libsodium) -lm) || broke "cannot build rpcbench"

for tool in redis-server redis-benchmark redis-cli; do
  command -v $tool >/dev/null || broke "$tool missing (scripts/install-deps.sh bench)"
done
[ -x "$BIN/greenlightd" ] || broke "no $BIN/greenlightd"

# ---- the daemon ----
GL_PID=
GL_PORT=
# start_daemon DATA_DIR: starts greenlightd on ephemeral ports, waits for 'ready'.
start_daemon() {
  local data=$1 log=$OUT/greenlightd
  # The load generator opens 50 connections from one address and logs them in 4 at a time:
  # more than the 8 a stranger's address may hold before logging in.
  "$BIN/greenlightd" --data "$data" --rpc 127.0.0.1:0 --http 127.0.0.1:0 --anon-per-address 128 \
    >"$log.out" 2>"$log.err" &
  GL_PID=$!
  PIDS+=("$GL_PID")
  for _ in $(seq 300); do
    grep -qx ready "$log.out" 2>/dev/null && break
    kill -0 "$GL_PID" 2>/dev/null || { cat "$log.err" >&2; broke "greenlightd exited at start"; }
    sleep 0.1
  done
  grep -qx ready "$log.out" || broke "greenlightd not ready after 30 s"
  GL_PORT=$(sed -n 's/^rpc 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log.out")
  [ -n "$GL_PORT" ] || broke "no 'rpc 127.0.0.1:PORT' line from greenlightd"
}
stop_daemon() {
  [ -n "$GL_PID" ] || return 0
  kill -TERM "$GL_PID" 2>/dev/null
  wait "$GL_PID" 2>/dev/null
  GL_PID=
}

# ---- the store of 100k posts, filled once and cached ----
if [ ! -f "$STORE/complete" ]; then
  say "bench: filling a store of $POSTS posts over $PROFILES profiles and $MONTHS months (once; cached in ${STORE#$ROOT/})"
  rm -rf "$STORE" "$STORE.tmp"
  mkdir -p "$STORE.tmp"
  start_daemon "$STORE.tmp/data"
  "$RPCBENCH" fill --port "$GL_PORT" --password-file "$STORE.tmp/data/initial-admin-password" \
    --meta "$STORE.tmp/meta" --posts $POSTS --profiles $PROFILES --pool $POOL --months $MONTHS \
    --clients 64 --depth 4 || broke "fill failed"
  stop_daemon
  touch "$STORE.tmp/complete"
  mv "$STORE.tmp" "$STORE"
fi
# Each run works on a copy, so the cached store stays as filled.
rm -rf "$WORK"
cp -a --sparse=always "$STORE" "$WORK" || broke "cannot copy the store"
start_daemon "$WORK/data"
PW=$WORK/data/initial-admin-password

# ---- redis ----
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo $p; return 0; }
  done
  return 1
}
# start_redis EXTRA_ARGS...: sets REDIS_PORT.
start_redis() {
  local port dir
  port=$(free_port) || broke "no free port"
  dir=$(mktemp -d /tmp/glbench-redis.XXXXXX)
  TMPDIRS+=("$dir")
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --daemonize no \
    --logfile "$dir/redis.log" "$@" >/dev/null 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 100); do
    redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { REDIS_PORT=$port; return 0; }
    sleep 0.1
  done
  broke "redis-server did not start"
}
start_redis --appendonly no
R_MEM=$REDIS_PORT
start_redis --appendonly yes --appendfsync always
R_AOF=$REDIS_PORT

# Fills redis with 100k keys as redis-benchmark -r 100000 names them, values of SIZE bytes.
redis_fill() {
  local size=$1
  awk -v n=$POSTS -v size="$size" 'BEGIN {
    v = sprintf("%" size "s", ""); gsub(/ /, "x", v)
    for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$%d\r\n%s\r\n", i, size, v
  }' | redis-cli -p "$R_MEM" --pipe >/dev/null || broke "cannot fill redis"
}

# ---- one measurement each ----
# ours MODE CLIENTS SECS [ARGS]: sets rps p99 bytes n errs.
ours() {
  local mode=$1 clients=$2 secs=$3 line
  shift 3
  line=$("$RPCBENCH" "$mode" --port "$GL_PORT" --password-file "$PW" --meta "$WORK/meta" \
    --clients "$clients" --duration "$secs" "$@") || broke "rpcbench $mode failed"
  say "  greenlightd $line"
  read -r rps p99 bytes n errs < <(awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    print f["rps"], f["p99_us"], f["reply_bytes"], f["requests"], f["errors"] }' <<<"$line")
}
# theirs PORT TEST CLIENTS REQUESTS [ARGS]: sets rps p99.
theirs() {
  local port=$1 test=$2 clients=$3 n=$4 csv
  shift 4
  csv=$(redis-benchmark -p "$port" -t "$test" -c "$clients" -n "$n" --csv "$@" 2>/dev/null) ||
    broke "redis-benchmark failed"
  say "  redis       $(tail -1 <<<"$csv")"
  read -r rps p99 < <(tail -1 <<<"$csv" | awk -F'"' '{ printf "%s %d\n", $4, $14 * 1000 + 0.5 }')
  [ -n "$rps" ] || broke "cannot read redis-benchmark's output: $csv"
}
# Requests for redis-benchmark to run about SECS at the rate it last showed.
reqs_for() {
  local rps=$1 secs=$2 min=$3
  awk -v r="$rps" -v s="$secs" -v m="$min" 'BEGIN { n = int(r * s); print (n < m ? m : n) }'
}

declare -A RES
GET_N=250000 LIST_N=250000 SET1_N=10000 SET32_N=100000
POOL_AT=0
REDIS_FILLED=
say "bench: greenlightd on 127.0.0.1:$GL_PORT; redis on $R_MEM (no persistence) and $R_AOF (appendfsync always)"
for r in $(seq "$ROUNDS"); do
  say "bench: round $r of $ROUNDS"
  ours get 50 "$SECS_READ"
  RES[get_o_$r]="$rps $p99"
  if [ -z "$REDIS_FILLED" ]; then
    # Values as large as a post.get answer, so both move the same bytes.
    redis_fill "$bytes"
    REDIS_FILLED=$bytes
  fi
  theirs "$R_MEM" get 50 "$GET_N" -r $POSTS
  RES[get_r_$r]="$rps $p99"
  GET_N=$(reqs_for "$rps" "$SECS_READ" 20000)

  ours list 50 "$SECS_READ"
  RES[list_o_$r]="$rps $p99"
  theirs "$R_MEM" get 50 "$LIST_N" -r $POSTS
  RES[list_r_$r]="$rps $p99"
  LIST_N=$(reqs_for "$rps" "$SECS_READ" 20000)

  for c in 1 32; do
    ours approve $c "$SECS_WRITE" --pool-start $POOL_AT
    POOL_AT=$((POOL_AT + n))
    RES[app${c}_o_$r]="$rps $p99"
    [ "${errs:-0}" = 0 ] || say "bench: $errs approvals failed (see above)"
    if [ $c = 1 ]; then n=$SET1_N; else n=$SET32_N; fi
    theirs "$R_AOF" set $c "$n" -r $POSTS
    RES[app${c}_r_$r]="$rps $p99"
    if [ $c = 1 ]; then SET1_N=$(reqs_for "$rps" "$SECS_WRITE" 2000); else SET32_N=$(reqs_for "$rps" "$SECS_WRITE" 10000); fi
  done
done
stop_daemon

# ---- the table ----
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { local key=$1 i=$2 out="" r; for r in $(seq "$ROUNDS"); do out+="$(cut -d' ' -f"$i" <<<"${RES[${key}_$r]}") "; done; echo "$out"; }

TABLE=$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "$("$BIN/greenlightd" --version 2>/dev/null | head -1) on $(nproc) CPUs, $(uname -r); $(redis-server --version | awk '{ print $1, $2, $3 }')"
  echo "store: $POSTS posts, $PROFILES profiles, $MONTHS months; redis: $POSTS keys of ${REDIS_FILLED:-?} bytes (= a post.get answer)"
  echo "$ROUNDS rounds, each pair side by side (greenlightd, then redis); figures are medians over the rounds"
  echo
  printf '%-36s %12s %9s   %-28s %12s %9s   %7s %7s\n' "greenlightd" "rps" "p99 us" "redis" "rps" "p99 us" "rps x" "p99 x"
  row() {
    local label=$1 key=$2 rlabel=$3 ors op rrs rp
    ors=$(field "${key}_o" 1 | median); op=$(field "${key}_o" 2 | median)
    rrs=$(field "${key}_r" 1 | median); rp=$(field "${key}_r" 2 | median)
    awk -v l="$label" -v rl="$rlabel" -v a="$ors" -v b="$op" -v c="$rrs" -v d="$rp" 'BEGIN {
      printf "%-36s %12.0f %9.0f   %-28s %12.0f %9.0f   %7.2f %7.2f\n", l, a, b, rl, c, d,
        (c > 0 ? a / c : 0), (d > 0 ? b / d : 0) }'
  }
  row "post.get, c=50" get "GET, c=50"
  row "post.list one month, c=50" list "GET, c=50"
  row "post.approve durable, c=1" app1 "SET aof always, c=1"
  row "post.approve durable, c=32" app32 "SET aof always, c=32"
  echo
  echo "rounds (rps/p99us):"
  for key in get list app1 app32; do
    line="  $key:"
    for r in $(seq "$ROUNDS"); do line+="  ours ${RES[${key}_o_$r]/ //} redis ${RES[${key}_r_$r]/ //}"; done
    echo "$line"
  done
  echo "aims: post.get >= 0.90 x GET; post.approve c=32 >= 1.00 x SET with appendfsync always"
} | tee "$TABLE"
say "bench: table saved in ${TABLE#$ROOT/}"

# The HTTP side, when its script is there.
if [ -x "$ROOT/bench/http_bench.sh" ]; then
  "$ROOT/bench/http_bench.sh" "$BIN" || say "bench: http_bench.sh failed"
elif [ -f "$ROOT/bench/http_bench.sh" ]; then
  bash "$ROOT/bench/http_bench.sh" "$BIN" || say "bench: http_bench.sh failed"
fi
exit 0
