#!/usr/bin/env bash
# Reads at scale (bench/README.md, "Scale"). Three stores with as many posts per profile-month
# (about 42: 24 months; 10k posts over 10 profiles, run.sh's 100k over 100, 1M over 1000), each
# filled once and cached in bench/out/ as run.sh caches its 100k store:
#  - a one-month post.list on each, in alternating rounds (10k, 100k, 1M, 10k, ...), each store
#    served by its own daemon on a copy, all three up side by side; the cost at 1M against 10k
#    (daemon CPU per request, and rps) is the figure, its aim 1.5 x or less;
#  - with bench/scale.py, start to 'ready' (median of 3 starts) and the daemon's memory idle and
#    with 1,000 signed-in link visitors, on each store.
# Usage: bench/scale.sh ABSOLUTE_BIN_DIR
# Reports figures; exits non-zero only when the tooling itself broke, never for a slow result.
# Knobs (environment): SCALE_ROUNDS (3), SCALE_SECS (4), SCALE_WARM_SECS (3; an unmeasured round
# first on each store, 0: none), SCALE_CLIENTS (50), SCALE_SESSIONS (1000), SCALE_STARTS (3).
set -uo pipefail

# The whole script is one function, read before it runs: editing this file while a long fill
# runs does not change what the running copy does.
main() {
BIN=${1:?usage: bench/scale.sh ABSOLUTE_BIN_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/bench/out
# store_path (the cache key, as run.sh's) and start_daemon.
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
ROUNDS=${SCALE_ROUNDS:-3}
SECS=${SCALE_SECS:-4}
WARM=${SCALE_WARM_SECS:-3}
CLIENTS=${SCALE_CLIENTS:-50}
SESSIONS=${SCALE_SESSIONS:-1000}
STARTS=${SCALE_STARTS:-3}
MONTHS=24
# posts, profiles, pool (posts left awaiting approval). The 100k store is run.sh's (60% await
# approval: its approve rounds use them); the others leave 10%, to fill faster (a list answers
# posts whatever their status).
declare -A SPEC=([s]="10000 10 1000" [m]="100000 100 60000" [l]="1000000 1000 100000")
declare -A LABEL=([s]=10k [m]=100k [l]=1M)
NAMES=(s m l)
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

declare -A STORE PID PORT FILLED
for w in "${NAMES[@]}"; do
  # shellcheck disable=SC2086
  STORE[$w]=$(store_path ${SPEC[$w]})
  # shellcheck disable=SC2086
  fill_store "${STORE[$w]}" ${SPEC[$w]}
  FILLED[$w]=$(cat "${STORE[$w]}/fill-seconds" 2>/dev/null || echo "?")
done

# ---- post.list, one month, alternating rounds on three daemons running side by side ----
for w in "${NAMES[@]}"; do
  start_work "$w" "${STORE[$w]}"
  PID[$w]=$GL_PID PORT[$w]=$GL_PORT
done
declare -A RES
if [ "$WARM" != 0 ]; then
  say "scale: a warm-up round of $WARM s on each store (not counted: the first reads of a fresh"
  say "       daemon map the store's pages in)"
  for w in "${NAMES[@]}"; do list "$w" "$WARM"; RES[${w}_0]="$rps $cpu $items"; done
fi
for r in $(seq "$ROUNDS"); do
  say "scale: round $r of $ROUNDS"
  for w in "${NAMES[@]}"; do list "$w" "$SECS"; RES[${w}_$r]="$rps $cpu $items"; done
done
stop_all

# ---- start to ready and memory, bench/scale.py ----
declare -A MEM
for w in "${NAMES[@]}"; do
  say "scale: scale.py on ${STORE[$w]#$ROOT/}: $STARTS starts, then $SESSIONS link visitors"
  line=$(/usr/bin/python3 "$ROOT/bench/scale.py" "$BIN" "${STORE[$w]}" "$SESSIONS" "$STARTS") ||
    broke "scale.py failed on ${STORE[$w]}"
  say "  $line"
  MEM[$w]=$line
done

# ---- the table ----
TABLE=$OUT/scale-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "$("$BIN/greenlightd" --version 2>/dev/null | head -1) on $(nproc) CPUs, $(uname -r); load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
  echo "stores (posts/profiles/awaiting approval, $MONTHS months, ~42 posts a profile-month; fill time): $(for w in "${NAMES[@]}"; do printf '%s %s s; ' "${SPEC[$w]// //}" "${FILLED[$w]}"; done)"
  echo "post.list: $ROUNDS alternating rounds of $SECS s after a warm-up of $WARM s, $CLIENTS clients; figures are medians"
  echo "1M:10k is the median of each round's ratio: 1M's figure over 10k's, for rps 10k's over 1M's (a cost too)"
  echo
  printf '%-44s %12s %12s %12s %8s   %s\n' "" "10k posts" "100k posts" "1M posts" "1M:10k" "aim"
  lrow "post.list one month: daemon CPU us/req" 2 "<= 1.5"
  lrow "post.list one month: rps" 1 "<= 1.5"
  lrow "post.list one month: posts per answer" 3 ""
  mrow "start to ready, s (median of $STARTS)" start_to_ready_s "%.3f" 1 "1M: < 1 s"
  mrow "idle: RSS MiB" idle_rss_kib "%.1f" 1024 ""
  mrow "idle: private MiB (smaps)" idle_private_kib "%.1f" 1024 ""
  mrow "idle: anonymous MiB" idle_anon_kib "%.1f" 1024 ""
  mrow "idle: private, the store's pages, MiB" idle_store_private_kib "%.1f" 1024 ""
  mrow "$SESSIONS link sessions: RSS MiB" rss_kib "%.1f" 1024 ""
  mrow "$SESSIONS link sessions: private MiB (smaps)" private_kib "%.1f" 1024 "1M: < 32 MiB"
  mrow "$SESSIONS link sessions: anonymous MiB" anon_kib "%.1f" 1024 ""
  mrow "$SESSIONS sessions: private, the store's pages" store_private_kib "%.1f" 1024 ""
  echo "(private: pages no other process maps: anonymous, the store's mapped pages (page cache), and"
  echo " the program's and libraries' pages when nothing else on the machine maps them)"
  echo
  echo "post.list rounds (rps / daemon CPU us per request; round 0 the warm-up):"
  local r0=1 line
  [ "$WARM" != 0 ] && r0=0
  for r in $(seq "$r0" "$ROUNDS"); do
    line="  $r:"
    for w in "${NAMES[@]}"; do
      read -r a b _ <<<"${RES[${w}_$r]}"
      line+="  ${LABEL[$w]} $a / $b"
    done
    echo "$line"
  done
  for w in "${NAMES[@]}"; do echo "  scale.py ${LABEL[$w]}: ${MEM[$w]}"; done
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

stop_all() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  PIDS=()
}

# fill_store DIR POSTS PROFILES POOL: fills DIR once (in DIR.tmp, then moved) unless complete;
# the seconds it took are kept in DIR/fill-seconds.
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
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", b - a }' >"$dir.tmp/fill-seconds"
  touch "$dir.tmp/complete"
  mv "$dir.tmp" "$dir"
  say "scale: filled ${dir#$ROOT/} in $(cat "$dir/fill-seconds") s"
}

# start_work NAME STORE: a daemon on a copy of STORE (the cached store stays as filled).
start_work() {
  local work=$OUT/scale-work-$1
  rm -rf "$work"
  WORKS+=("$work")
  cp -a --sparse=always "$2" "$work" || broke "cannot copy $2"
  start_daemon "$work/data" "$OUT/scale-$1"
}

# list NAME SECS: one round on NAME's daemon; sets rps cpu items.
list() {
  local w=$1 work=$OUT/scale-work-$1 line
  line=$("$RPCBENCH" list --port "${PORT[$w]}" --password-file "$work/data/initial-admin-password" \
    --meta "$work/meta" --clients "$CLIENTS" --duration "$2" --daemon-pid "${PID[$w]}" 2> >(grep -v "^rpcbench: measuring" >&2)) ||
    broke "rpcbench list failed on the ${LABEL[$w]} store"
  say "  ${LABEL[$w]}: $line"
  read -r rps cpu items < <(awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    print f["rps"] + 0, f["daemon_cpu_us_per_req"] + 0, f["reply_items"] + 0 }' <<<"$line")
}

median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ a[NR] = $1 } END { if (!NR) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# col NAME I: field I of every measured round of NAME.
col() { local r out=""; for r in $(seq "$ROUNDS"); do out+="$(cut -d' ' -f"$2" <<<"${RES[${1}_$r]}") "; done; echo "$out"; }
# lrow LABEL FIELD AIM: a post.list row, with the median of each round's 1M:10k (field 1, rps,
# the other way round: a cost).
lrow() {
  local x="" r a b
  for r in $(seq "$ROUNDS"); do
    a=$(cut -d' ' -f"$2" <<<"${RES[l_$r]}"); b=$(cut -d' ' -f"$2" <<<"${RES[s_$r]}")
    [ "$2" = 1 ] && { local t=$a; a=$b; b=$t; }
    x+="$(awk -v a="$a" -v b="$b" 'BEGIN { print (b > 0 ? a / b : 0) }') "
  done
  awk -v l="$1" -v s="$(col s "$2" | median)" -v m="$(col m "$2" | median)" \
    -v g="$(col l "$2" | median)" -v x="$(median <<<"$x")" -v aim="$3" 'BEGIN {
    printf "%-44s %12.1f %12.1f %12.1f %8.2f   %s\n", l, s, m, g, x, aim }'
}
# mkey NAME KEY: KEY's value in scale.py's line for NAME.
mkey() { tr ' ' '\n' <<<"${MEM[$1]:-}" | sed -n "s/^$2=//p"; }
# mrow LABEL KEY FORMAT DIVISOR AIM: a scale.py row, with 1M:10k.
mrow() {
  awk -v lab="$1" -v s="$(mkey s "$2")" -v m="$(mkey m "$2")" -v g="$(mkey l "$2")" -v f="$3" \
    -v d="$4" -v aim="$5" '
    function cell(v) { return v == "" ? "-" : sprintf(f, v / d) }
    BEGIN { printf "%-44s %12s %12s %12s %8s   %s\n", lab, cell(s), cell(m), cell(g),
      (s > 0 && g != "" ? sprintf("%.2f", g / s) : "-"), aim }'
}

# One line: bash has read all of it before main runs.
main "$@"; exit 0
