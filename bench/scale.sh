#!/usr/bin/env bash
# Reads at scale (bench/README.md, "Scale"): a one-month post.list on a store of 1M posts next
# to one of 10k posts with as many posts per profile-month (about 40: 24 months, 10 and 1000
# profiles), in alternating rounds; then, with bench/scale.py, the daemon's start to 'ready'
# (median of 3 starts) and its memory idle and with 1,000 signed-in link visitors, on the 10k,
# run.sh's 100k and the 1M store. Both stores are filled once and cached in
# bench/out/ as run.sh caches its 100k store.
# Usage: bench/scale.sh ABSOLUTE_BIN_DIR
# Reports figures; exits non-zero only when the tooling itself broke, never for a slow result.
# Knobs (environment): SCALE_ROUNDS (3), SCALE_SECS (4), SCALE_CLIENTS (50),
# SCALE_SESSIONS (1000), SCALE_STARTS (3).
set -uo pipefail

# The whole script is one function, read before it runs: editing this file while a long fill
# runs does not change what the running copy does.
main() {
BIN=${1:?usage: bench/scale.sh ABSOLUTE_BIN_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/bench/out
ROUNDS=${SCALE_ROUNDS:-3}
SECS=${SCALE_SECS:-4}
CLIENTS=${SCALE_CLIENTS:-50}
SESSIONS=${SCALE_SESSIONS:-1000}
STARTS=${SCALE_STARTS:-3}
MONTHS=24
# What run.sh's FILL_VERSION says, kept in step with it: the same fill makes these stores.
FILL_VERSION=2
SCHEMA=$(sed -n 's/^#define GL_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$ROOT/server/store.h" 2>/dev/null)
# posts profiles pool: 10 and 1000 profiles over 24 months, about 42 posts a profile-month as in
# run.sh's 100k store (100 profiles). A tenth of the posts await approval (the 100k store has
# 60%: approve rounds need them; a list reads posts whatever their status).
SMALL=(10000 10 1000)
LARGE=(1000000 1000 100000)
MID=(100000 100 60000)
mkdir -p "$OUT"

PIDS=()
WORKS=()
trap cleanup EXIT
trap 'exit 130' INT TERM

RPCBENCH=$OUT/rpcbench-scale
(cd "$ROOT" && cc -O2 -std=c11 -Wall -Wextra -Wpedantic -D_GNU_SOURCE -Icommon -Iprotocol \
   -o "$RPCBENCH" bench/rpcbench.c common/*.c protocol/*.c \
   $(pkg-config --cflags --libs libuv msgpack libsodium) -lm) || broke "cannot build rpcbench"
[ -x "$BIN/greenlightd" ] || broke "no $BIN/greenlightd"
[ -x /usr/bin/python3 ] || broke "no /usr/bin/python3"

SMALL_STORE=$(store_path "${SMALL[@]}")
LARGE_STORE=$(store_path "${LARGE[@]}")
MID_STORE=$(store_path "${MID[@]}")
fill_store "$SMALL_STORE" "${SMALL[@]}"
fill_store "$LARGE_STORE" "${LARGE[@]}"
# run.sh's 100k store for its column, filled here as run.sh fills it when run.sh has not.
fill_store "$MID_STORE" "${MID[@]}"

# ---- post.list, one month, alternating rounds on two daemons running side by side ----
start_work small "$SMALL_STORE"
S_PID=$GL_PID S_PORT=$GL_PORT
start_work large "$LARGE_STORE"
L_PID=$GL_PID L_PORT=$GL_PORT
declare -A RES
for r in $(seq "$ROUNDS"); do
  say "scale: round $r of $ROUNDS"
  list small "$S_PID" "$S_PORT"
  RES[s_$r]="$rps $cpu $items"
  list large "$L_PID" "$L_PORT"
  RES[l_$r]="$rps $cpu $items"
done
stop_all

# ---- start to ready and memory, bench/scale.py ----
declare -A MEM
for which in small mid large; do
  case $which in
    small) st=$SMALL_STORE ;;
    mid) st=$MID_STORE ;;
    large) st=$LARGE_STORE ;;
  esac
  say "scale: scale.py on ${st#$ROOT/}: $STARTS starts, then $SESSIONS link visitors"
  line=$(/usr/bin/python3 "$ROOT/bench/scale.py" "$BIN" "$st" "$SESSIONS" "$STARTS") ||
    broke "scale.py failed on $st"
  say "  $line"
  MEM[$which]=$line
done

# ---- the table ----
TABLE=$OUT/scale-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "$("$BIN/greenlightd" --version 2>/dev/null | head -1) on $(nproc) CPUs, $(uname -r); load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
  echo "stores: ${SMALL[0]} posts / ${SMALL[1]} profiles, ${LARGE[0]} / ${LARGE[1]}, 100000 / 100; $MONTHS months (~40 posts a profile-month)"
  echo "post.list: $ROUNDS alternating rounds of $SECS s, $CLIENTS clients; medians (ratio: median of each round's 1M/10k)"
  [ -n "${LARGE_FILL_SECS:-}" ] && echo "the 1M store was filled in this run in $LARGE_FILL_SECS s"
  echo
  printf '%-44s %14s %14s %14s %9s   %s\n' "" "10k posts" "100k posts" "1M posts" "1M/10k" "aim"
  lrow "post.list one month: daemon CPU us/req" 2 "<= 1.5 x"
  lrow "post.list one month: rps" 1 ">= 1/1.5 x"
  lrow "post.list one month: posts per answer" 3 ""
  mrow "start to ready, s (median of $STARTS)" start_to_ready_s "%.3f" 1 "< 1 s at 1M"
  mrow "idle: RSS MiB" idle_rss_kib "%.1f" 1024 ""
  mrow "idle: private MiB (smaps)" idle_private_kib "%.1f" 1024 ""
  mrow "idle: anonymous MiB" idle_anon_kib "%.1f" 1024 ""
  mrow "$SESSIONS link sessions: RSS MiB" rss_kib "%.1f" 1024 ""
  mrow "$SESSIONS link sessions: private MiB (smaps)" private_kib "%.1f" 1024 "< 32 MiB at 1M"
  mrow "$SESSIONS link sessions: anonymous MiB" anon_kib "%.1f" 1024 ""
  echo
  echo "rounds (rps / daemon CPU us per request):"
  for r in $(seq "$ROUNDS"); do
    read -r a b _ <<<"${RES[s_$r]}"; read -r c d _ <<<"${RES[l_$r]}"
    echo "  $r: 10k $a / $b   1M $c / $d"
  done
  for which in small mid large; do
    [ -n "${MEM[$which]:-}" ] && echo "  scale.py $which: ${MEM[$which]}"
  done
} | tee "$TABLE"
say "scale: table saved in ${TABLE#$ROOT/}"
return 0
}

say() { printf '%s\n' "$*" >&2; }
broke() { say "scale: $*"; exit 1; }

cleanup() {
  local p d
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for d in "${WORKS[@]}"; do rm -rf "$d"; done
}

# store_path POSTS PROFILES POOL: the cache key, as run.sh's (fill version, schema version).
store_path() { echo "$OUT/store-f$FILL_VERSION-s${SCHEMA:-x}-p$1-pr$2-pool$3"; }

GL_PID=
GL_PORT=
# start_daemon DATA_DIR LOG: greenlightd on ephemeral ports, as run.sh starts it (50 clients
# from one address log in 4 at a time), waits for 'ready' (up to 120 s: a 1M store).
start_daemon() {
  local data=$1 log=$2
  "$BIN/greenlightd" --data "$data" --rpc 127.0.0.1:0 --http 127.0.0.1:0 --anon-per-address 128 \
    --login-timeout-seconds 300 >"$log.out" 2>"$log.err" &
  GL_PID=$!
  PIDS+=("$GL_PID")
  for _ in $(seq 1200); do
    grep -qx ready "$log.out" 2>/dev/null && break
    kill -0 "$GL_PID" 2>/dev/null || { cat "$log.err" >&2; broke "greenlightd exited at start"; }
    sleep 0.1
  done
  grep -qx ready "$log.out" || broke "greenlightd not ready after 120 s"
  GL_PORT=$(sed -n 's/^rpc 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log.out")
  [ -n "$GL_PORT" ] || broke "no 'rpc 127.0.0.1:PORT' line from greenlightd"
}
stop_all() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  PIDS=()
}

# fill_store DIR POSTS PROFILES POOL: fills DIR once (in DIR.tmp, then moved) unless complete.
fill_store() {
  local dir=$1 posts=$2 profiles=$3 pool=$4 t0 t1
  [ -f "$dir/complete" ] && return 0
  say "scale: filling a store of $posts posts over $profiles profiles and $MONTHS months (once; cached in ${dir#$ROOT/})"
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp"
  t0=$(date +%s.%N)
  # The map starts at 4 GiB (only address space until used), not 256 MiB doubled on the way:
  # a commit that finds the map full is refused with "unavailable" (the writes of its batch
  # fail, the map grows for the next), which would stop the fill near 256 MiB.
  GREENLIGHT_MAP_SIZE_MIB=4096 start_daemon "$dir.tmp/data" "$OUT/scale-fill"
  "$RPCBENCH" fill --port "$GL_PORT" --password-file "$dir.tmp/data/initial-admin-password" \
    --meta "$dir.tmp/meta" --posts "$posts" --profiles "$profiles" --pool "$pool" \
    --months $MONTHS --clients 64 --depth 4 || broke "fill failed"
  stop_all
  t1=$(date +%s.%N)
  touch "$dir.tmp/complete"
  mv "$dir.tmp" "$dir"
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
  say "scale: filled ${dir#$ROOT/} in $secs s"
  [ "$posts" = "${LARGE[0]}" ] && LARGE_FILL_SECS=$secs
  return 0
}

# start_work NAME STORE: a daemon on a copy of STORE (the cached store stays as filled).
start_work() {
  local work=$OUT/scale-work-$1
  rm -rf "$work"
  WORKS+=("$work")
  cp -a --sparse=always "$2" "$work" || broke "cannot copy $2"
  start_daemon "$work/data" "$OUT/scale-$1"
}

# list NAME PID PORT: one measured round; sets rps cpu items.
list() {
  local name=$1 pid=$2 port=$3 work=$OUT/scale-work-$1 line
  line=$("$RPCBENCH" list --port "$port" --password-file "$work/data/initial-admin-password" \
    --meta "$work/meta" --clients "$CLIENTS" --duration "$SECS" --daemon-pid "$pid") ||
    broke "rpcbench list failed on the $name store"
  say "  $name: $line"
  read -r rps cpu items < <(awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    print f["rps"] + 0, f["daemon_cpu_us_per_req"] + 0, f["reply_items"] + 0 }' <<<"$line")
}

median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ a[NR] = $1 } END { if (!NR) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# col KEY I: field I of every round of KEY (s or l).
col() { local r out=""; for r in $(seq "$ROUNDS"); do out+="$(cut -d' ' -f"$2" <<<"${RES[${1}_$r]}") "; done; echo "$out"; }
# lrow LABEL FIELD AIM: a post.list row (10k, 1M and their ratio; nothing at 100k).
lrow() {
  local s l x="" r
  s=$(col s "$2" | median); l=$(col l "$2" | median)
  for r in $(seq "$ROUNDS"); do
    x+="$(awk -v a="$(cut -d' ' -f"$2" <<<"${RES[l_$r]}")" -v b="$(cut -d' ' -f"$2" <<<"${RES[s_$r]}")" \
      'BEGIN { print (b > 0 ? a / b : 0) }') "
  done
  x=$(median <<<"$x")
  awk -v l="$1" -v s="$s" -v g="$l" -v x="$x" -v aim="$3" 'BEGIN {
    printf "%-44s %14.1f %14s %14.1f %9.2f   %s\n", l, s, "-", g, x, aim }'
}
# mkey WHICH KEY: KEY's value in scale.py's line for WHICH, empty when not measured.
mkey() { tr ' ' '\n' <<<"${MEM[$1]:-}" | sed -n "s/^$2=//p"; }
# mrow LABEL KEY FORMAT DIVISOR AIM: a scale.py row, with the 1M/10k ratio.
mrow() {
  local s m l
  s=$(mkey small "$2"); m=$(mkey mid "$2"); l=$(mkey large "$2")
  awk -v lab="$1" -v s="$s" -v m="$m" -v g="$l" -v f="$3" -v d="$4" -v aim="$5" '
    function cell(v) { return v == "" ? "-" : sprintf(f, v / d) }
    BEGIN { printf "%-44s %14s %14s %14s %9s   %s\n", lab, cell(s), cell(m), cell(g),
      (s > 0 && g != "" ? sprintf("%.2f", g / s) : "-"), aim }'
}

# One line: bash has read all of it before main runs.
main "$@"; exit 0
