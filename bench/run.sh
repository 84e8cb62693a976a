#!/usr/bin/env bash
# The benchmarks of greenlightd next to redis (see bench/README.md). Usage: bench/run.sh BIN_DIR
# Reports figures; exits non-zero only when the tooling itself broke, never for a slow result.
# Knobs (environment): BENCH_ROUNDS (3), BENCH_SECS_READ (5), BENCH_SECS_WRITE (3),
# BENCH_HTTP (1; 0 skips bench/http_bench.sh).
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
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
STORE=$(store_path $POSTS $PROFILES $POOL)
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
  start_daemon "$STORE.tmp/data" "$OUT/greenlightd"
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
start_daemon "$WORK/data" "$OUT/greenlightd"
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

# ---- PostgreSQL 15, synchronous commit: a throwaway cluster on a loopback port ----
PGBIN=${BENCH_PGBIN:-/usr/lib/postgresql/15/bin}
PG_PORT=
PG_DIR=
# initdb refuses root: the cluster then belongs to nobody.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
start_pg() {
  [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pgbench" ] || { say "bench: no PostgreSQL 15 in $PGBIN (scripts/install-deps.sh bench); its rows are left out"; return 0; }
  PG_DIR=$(mktemp -d /tmp/glbench-pg.XXXXXX)
  TMPDIRS+=("$PG_DIR")
  [ "$(id -u)" = 0 ] && chown nobody "$PG_DIR"
  local port
  port=$(free_port) || broke "no free port"
  as_pg "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres -A trust >"$PG_DIR/initdb.log" 2>&1 ||
    broke "initdb failed (see $PG_DIR/initdb.log)"
  # The defaults that make a commit durable, said out loud: fsync, synchronous_commit.
  as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -o "-p $port -k $PG_DIR \
    -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=100" \
    start >/dev/null 2>&1 || broke "postgres did not start (see $PG_DIR/pg.log)"
  PG_PORT=$port
  # pgbench's scale 1 is 100,000 accounts, as many rows as the store has posts.
  as_pg "$PGBIN/pgbench" -i -q -s 1 -h 127.0.0.1 -p "$PG_PORT" -U postgres postgres \
    >"$PG_DIR/init.log" 2>&1 || broke "pgbench -i failed (see $PG_DIR/init.log)"
  printf '%s\n' '\set aid random(1, 100000)' \
    'UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;' >"$PG_DIR/update.sql"
  [ "$(id -u)" = 0 ] && chown nobody "$PG_DIR/update.sql"
}
stop_pg() {
  [ -n "$PG_PORT" ] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  PG_PORT=
}
start_pg

# Fills redis with 100k keys as redis-benchmark -r 100000 names them, values of SIZE bytes.
redis_fill() {
  local size=$1
  awk -v n=$POSTS -v size="$size" 'BEGIN {
    v = sprintf("%" size "s", ""); gsub(/ /, "x", v)
    for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$%d\r\n%s\r\n", i, size, v
  }' | redis-cli -p "$R_MEM" --pipe >/dev/null || broke "cannot fill redis"
}

# A list in redis holding COUNT values of SIZE bytes: what LRANGE answers with stands for a
# month's post.list (as many posts, as many bytes).
LIST_KEY=glbench:month
redis_fill_list() {
  local count=$1 size=$2
  redis-cli -p "$R_MEM" del "$LIST_KEY" >/dev/null || broke "cannot reach redis"
  awk -v n="$count" -v size="$size" -v key="$LIST_KEY" 'BEGIN {
    v = sprintf("%" size "s", ""); gsub(/ /, "x", v)
    for (i = 0; i < n; i++) printf "*3\r\n$5\r\nRPUSH\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(key), key, size, v
  }' | redis-cli -p "$R_MEM" --pipe >/dev/null || broke "cannot fill the redis list"
}

# ---- one measurement each ----
# ours MODE CLIENTS SECS [ARGS]: sets rps p99 bytes n errs.
ours() {
  local mode=$1 clients=$2 secs=$3 line
  shift 3
  # rpcbench reports the daemon's CPU and what it wrote to the store over the measured phase
  # (daemon_cpu_us_per_req, daemon_store_bytes_per_req).
  line=$("$RPCBENCH" "$mode" --port "$GL_PORT" --password-file "$PW" --meta "$WORK/meta" \
    --clients "$clients" --duration "$secs" --daemon-pid "$GL_PID" "$@") || broke "rpcbench $mode failed"
  say "  greenlightd $line"
  read -r rps p99 bytes n errs items stored < <(awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    print f["rps"], f["p99_us"], f["reply_bytes"], f["requests"], f["errors"], f["reply_items"] + 0,
      f["daemon_store_bytes_per_req"] + 0 }' <<<"$line")
}
# theirs PORT TEST CLIENTS REQUESTS [ARGS]: sets rps p99. TEST "-" runs the command in ARGS.
theirs() {
  local port=$1 test=$2 clients=$3 n=$4 csv t=()
  shift 4
  [ "$test" = - ] || t=(-t "$test")
  csv=$(redis-benchmark -p "$port" "${t[@]}" -c "$clients" -n "$n" --csv "$@" 2>/dev/null) ||
    broke "redis-benchmark failed"
  say "  redis       $(tail -1 <<<"$csv")"
  read -r rps p99 < <(tail -1 <<<"$csv" | awk -F'"' '{ printf "%s %d\n", $4, $14 * 1000 + 0.5 }')
  [ -n "$rps" ] || broke "cannot read redis-benchmark's output: $csv"
}
# pg CLIENTS SECS: a single-row UPDATE by primary key, prepared, each its own synchronous
# commit; sets rps p99 (pgbench reports the mean latency, not p99: p99 is left 0).
pg() {
  local clients=$1 secs=$2 out
  out=$(as_pg "$PGBIN/pgbench" -n -M prepared -c "$clients" -j "$(( clients < 2 ? 1 : 2 ))" \
    -T "$secs" -f "$PG_DIR/update.sql" -h 127.0.0.1 -p "$PG_PORT" -U postgres postgres 2>&1) ||
    broke "pgbench failed: $out"
  rps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" | tail -1)
  p99=0
  say "  postgres    clients=$clients tps=$rps $(grep '^latency average' <<<"$out")"
  [ -n "$rps" ] || broke "cannot read pgbench's output: $out"
}
# Requests for redis-benchmark to run about SECS at the rate it last showed.
reqs_for() {
  local rps=$1 secs=$2 min=$3
  awk -v r="$rps" -v s="$secs" -v m="$min" 'BEGIN { n = int(r * s); print (n < m ? m : n) }'
}

declare -A RES
GET_N=250000 LIST_N=100000 SET1_N=10000 SET32_N=100000
POOL_AT=0
REDIS_FILLED=
LIST_FILLED=
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
  if [ -z "$LIST_FILLED" ]; then
    # As many values as a month's posts, each as large as one post's share of the answer.
    [ "${items:-0}" -gt 0 ] || items=1
    redis_fill_list "$items" $(( bytes / items ))
    LIST_FILLED="$items values of $(( bytes / items )) bytes"
  fi
  theirs "$R_MEM" - 50 "$LIST_N" LRANGE "$LIST_KEY" 0 -1
  RES[list_r_$r]="$rps $p99"
  LIST_N=$(reqs_for "$rps" "$SECS_READ" 20000)

  for c in 1 32; do
    ours approve $c "$SECS_WRITE" --pool-start $POOL_AT
    POOL_AT=$((POOL_AT + n))
    RES[app${c}_o_$r]="$rps $p99"
    RES[app${c}_n_$r]="$n"
    # The pages a commit wrote: one approval's at c=1; at c=32 a batch's, 32 approvals.
    RES[app${c}_pages_$r]=$(( (stored * c + 4095) / 4096 ))
    [ "${errs:-0}" = 0 ] || say "bench: $errs approvals failed (see above)"
    if [ $c = 1 ]; then n=$SET1_N; else n=$SET32_N; fi
    theirs "$R_AOF" set $c "$n" -r $POSTS
    RES[app${c}_r_$r]="$rps $p99"
    if [ $c = 1 ]; then SET1_N=$(reqs_for "$rps" "$SECS_WRITE" 2000); else SET32_N=$(reqs_for "$rps" "$SECS_WRITE" 10000); fi
    if [ -n "$PG_PORT" ]; then
      pg $c "$SECS_WRITE"
      RES[app${c}_p_$r]="$rps $p99"
      # Side by side: the pair's ratio is what the table's medians are taken of.
      RES[app${c}_x_$r]="$(awk -v a="${RES[app${c}_o_$r]%% *}" -v b="$rps" 'BEGIN { print (b > 0 ? a / b : 0) }') 0"
    fi
  done
  # What the disk alone allows the same commits, and redis's append, in this round.
  line=$(/usr/bin/python3 "$ROOT/bench/disk.py" "$STORE/data/data.mdb" "$OUT" \
    "${RES[app1_pages_$r]:-15},${RES[app32_pages_$r]:-190}") || broke "bench/disk.py failed"
  say "  disk        $line"
  RES[disk_$r]=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[i] = kv[2] } print v[1], v[2], v[3] }' <<<"$line")
done
stop_daemon
stop_pg
# The batch sizes, when the daemon logs them as it stops (a build that does not: nothing).
BATCHES=$(grep -o 'store: batches .*' "$OUT/greenlightd.err" | tail -1 || true)

# ---- the table ----
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { local key=$1 i=$2 out="" r; for r in $(seq "$ROUNDS"); do out+="$(cut -d' ' -f"$i" <<<"${RES[${key}_$r]}") "; done; echo "$out"; }

TABLE=$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "$("$BIN/greenlightd" --version 2>/dev/null | head -1) on $(nproc) CPUs, $(uname -r); $(redis-server --version | awk '{ print $1, $2, $3 }')"
  echo "store: $POSTS posts, $PROFILES profiles, $MONTHS months; redis: $POSTS keys of ${REDIS_FILLED:-?} bytes (= a post.get answer), a list of ${LIST_FILLED:-?} (= a month's post.list)"
  echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
  echo "$ROUNDS rounds, each pair side by side (greenlightd, then redis); figures are medians over the rounds, ratios the medians of each round's ratio"
  echo
  printf '%-36s %12s %9s   %-28s %12s %9s   %7s %7s\n' "greenlightd" "rps" "p99 us" "redis" "rps" "p99 us" "rps x" "p99 x"
  # The ratios are each round's, side by side; the table shows their median.
  ratios() {
    local key=$1 i=$2 out="" r
    for r in $(seq "$ROUNDS"); do
      out+="$(awk -v a="$(cut -d' ' -f"$i" <<<"${RES[${key}_o_$r]}")" \
        -v b="$(cut -d' ' -f"$i" <<<"${RES[${key}_r_$r]}")" 'BEGIN { print (b > 0 ? a / b : 0) }') "
    done
    echo "$out"
  }
  row() {
    local label=$1 key=$2 rlabel=$3 ors op rrs rp x px
    ors=$(field "${key}_o" 1 | median); op=$(field "${key}_o" 2 | median)
    rrs=$(field "${key}_r" 1 | median); rp=$(field "${key}_r" 2 | median)
    x=$(ratios "$key" 1 | median); px=$(ratios "$key" 2 | median)
    awk -v l="$label" -v rl="$rlabel" -v a="$ors" -v b="$op" -v c="$rrs" -v d="$rp" -v x="$x" \
      -v px="$px" 'BEGIN {
      printf "%-36s %12.0f %9.0f   %-28s %12.0f %9.0f   %7.2f %7.2f\n", l, a, b, rl, c, d, x, px }'
  }
  row "post.get, c=50" get "GET, c=50"
  row "post.list one month, c=50" list "LRANGE whole list, c=50"
  row "post.approve durable, c=1" app1 "SET aof always, c=1"
  row "post.approve durable, c=32" app32 "SET aof always, c=32"
  if [ -n "${RES[app1_p_1]:-}" ]; then
    echo
    printf '%-36s %12s %9s   %-28s %12s %9s   %7s\n' "greenlightd" "rps" "" "postgres 15" "tps" "" "rps x"
    prow() {
      local label=$1 key=$2 ors prs x
      ors=$(field "${key}_o" 1 | median); prs=$(field "${key}_p" 1 | median)
      x=$(field "${key}_x" 1 | median)
      awk -v l="$label" -v a="$ors" -v c="$prs" -v x="$x" 'BEGIN {
        printf "%-36s %12.0f %9s   %-28s %12.0f %9s   %7.2f\n", l, a, "", "UPDATE 1 row, sync commit", c, "", x }'
    }
    prow "post.approve durable, c=1" app1
    prow "post.approve durable, c=32" app32
    echo "(postgres: pgbench -M prepared, synchronous_commit=on; rps x is the median of each round's ratio)"
  fi
  [ -n "$BATCHES" ] && echo "$BATCHES"
  if [ -n "${RES[disk_1]:-}" ]; then
    # A durable write cannot be answered faster than its commit reaches the disk: these are
    # the ceilings the disk sets, with no database in the way (bench/disk.py).
    echo
    echo "what the disk alone allows (bench/disk.py, each round after its approvals: the same number of scattered 4 KiB pages, fdatasync, then a meta write through O_DSYNC, as LMDB commits; redis's append + fdatasync)"
    printf '%-36s %12s %9s %12s %12s\n' "durable write" "pages" "us" "ceiling/s" "measured/s"
    app1=$(field app1_o 1 | median); app32=$(field app32_o 1 | median)
    aof1=$(field app1_r 1 | median); pg32=$(field app32_p 1 | median)
    a=$(field disk 1 | median); c1=$(field disk 2 | median); c32=$(field disk 3 | median)
    p1=$(field app1_pages 1 | median); p32=$(field app32_pages 1 | median)
    awk -v a="$a" -v c1="$c1" -v c32="$c32" -v p1="$p1" -v p32="$p32" -v m1="$app1" \
      -v m32="$app32" -v r1="$aof1" -v pg="${pg32:-0}" 'BEGIN {
      printf "%-36s %12.0f %9.0f %12.0f %12.0f\n", "post.approve c=1: its commit", p1, c1, 1e6 / c1, m1
      printf "%-36s %12s %9.0f %12.0f %12.0f\n", "SET aof always c=1: one append", "-", a, 1e6 / a, r1
      printf "%-36s %12.0f %9.0f %12.0f %12.0f\n", "post.approve c=32: a batch of 32", p32, c32, 32e6 / c32, m32
      printf "ceilings: c=1 %.2f x redis'"'"'s (aim 0.50); c=32 %.2f x postgres'"'"'s measured tps (aim 1.00)\n",
        a / c1, (pg > 0 ? 32e6 / c32 / pg : 0) }'
  fi
  echo
  echo "rounds (rps/p99us):"
  for key in get list app1 app32; do
    line="  $key:"
    for r in $(seq "$ROUNDS"); do
      line+="  ours ${RES[${key}_o_$r]/ //} redis ${RES[${key}_r_$r]/ //}"
      [ -n "${RES[${key}_p_$r]:-}" ] && line+=" postgres ${RES[${key}_p_$r]%% *}"
    done
    echo "$line"
  done
  echo "aims: post.get >= 0.90 x GET; post.list >= 0.80 x LRANGE; post.approve c=32 >= 1.00 x SET with appendfsync always and >= 1.00 x postgres; c=1 >= 0.50 x SET"
} | tee "$TABLE"
say "bench: table saved in ${TABLE#$ROOT/}"

# The HTTP side, when its script is there.
if [ "${BENCH_HTTP:-1}" = 0 ]; then
  :
elif [ -x "$ROOT/bench/http_bench.sh" ]; then
  "$ROOT/bench/http_bench.sh" "$BIN" || say "bench: http_bench.sh failed"
elif [ -f "$ROOT/bench/http_bench.sh" ]; then
  bash "$ROOT/bench/http_bench.sh" "$BIN" || say "bench: http_bench.sh failed"
fi
[ "${BENCH_SCALE:-1}" = 0 ] || bash "$ROOT/bench/scale.sh" "$BIN" || say "bench: scale.sh failed"
exit 0
