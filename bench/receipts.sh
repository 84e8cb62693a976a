#!/usr/bin/env bash
# What a signed receipt costs a decision: durable post.approve per second with receipts (the
# daemon as built) and without (the same sources built with -DGL_BENCH_NO_RECEIPTS), side by
# side in one run, rounds alternating. Usage: bench/receipts.sh (from the repository).
# Knobs: BENCH_ROUNDS (3), BENCH_SECS_WRITE (3), BENCH_POSTS (20000), BENCH_POOL (15000).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/bench/out/receipts
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECS_WRITE:-3}
POSTS=${BENCH_POSTS:-20000}
POOL=${BENCH_POOL:-15000}
say() { printf '%s\n' "$*" >&2; }
broke() { say "bench: $*"; exit 1; }
GL_PID=
cleanup() { [ -n "$GL_PID" ] && kill "$GL_PID" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT
mkdir -p "$OUT"

cd "$ROOT" || exit 1
make -s -j2 all >/dev/null || broke "cannot build"
make -s -j2 BUILD="$OUT/build-norcpt" BIN="$OUT/bin-norcpt" CFLAGS="-O2 -g -DGL_BENCH_NO_RECEIPTS" \
  "$OUT/bin-norcpt/greenlightd" >/dev/null || broke "cannot build the comparison daemon"
cc -O2 -std=c11 -Wall -Wextra -Wpedantic -D_GNU_SOURCE -Icommon -Iprotocol -o "$OUT/rpcbench" \
  bench/rpcbench.c common/*.c protocol/*.c $(pkg-config --cflags --libs libuv msgpack libsodium) \
  -lm || broke "cannot build rpcbench"

start_daemon() { # BIN_DIR DATA_DIR
  local log=$OUT/greenlightd
  "$1/greenlightd" --data "$2" --rpc 127.0.0.1:0 --http 127.0.0.1:0 --anon-per-address 128 \
    --login-timeout-seconds 300 >"$log.out" 2>"$log.err" &
  GL_PID=$!
  for _ in $(seq 300); do
    grep -qx ready "$log.out" 2>/dev/null && break
    kill -0 "$GL_PID" 2>/dev/null || broke "greenlightd exited at start: $(cat "$log.err")"
    sleep 0.1
  done
  GL_PORT=$(sed -n 's/^rpc 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log.out")
  [ -n "$GL_PORT" ] || broke "greenlightd not ready"
}
stop_daemon() { kill -TERM "$GL_PID" 2>/dev/null; wait "$GL_PID" 2>/dev/null; GL_PID=; }

STORE=$OUT/store-p$POSTS-pool$POOL
if [ ! -f "$STORE/complete" ]; then
  rm -rf "$STORE" && mkdir -p "$STORE"
  start_daemon "$ROOT/bin" "$STORE/data"
  "$OUT/rpcbench" fill --port "$GL_PORT" --password-file "$STORE/data/initial-admin-password" \
    --meta "$STORE/meta" --posts "$POSTS" --profiles 100 --pool "$POOL" --months 24 \
    --clients 64 --depth 4 || broke "fill failed"
  stop_daemon
  touch "$STORE/complete"
fi

# One store per variant, each run in turn on its own copy, so neither inherits the other's pages.
declare -A RPS RATIO
for variant in with without; do
  rm -rf "$OUT/work-$variant" && cp -a --sparse=always "$STORE" "$OUT/work-$variant"
done
for round in $(seq "$ROUNDS"); do
  for clients in 1 32; do
    for variant in with without; do
      bin=$ROOT/bin
      [ $variant = without ] && bin=$OUT/bin-norcpt
      start_daemon "$bin" "$OUT/work-$variant/data"
      line=$("$OUT/rpcbench" approve --port "$GL_PORT" \
        --password-file "$OUT/work-$variant/data/initial-admin-password" \
        --meta "$OUT/work-$variant/meta" --clients "$clients" --duration "$SECS" \
        --pool-start $(( (round - 1) * 4000 ))) || broke "rpcbench failed"
      stop_daemon
      say "round $round c=$clients $variant receipts: $line"
      rps=$(tr ' ' '\n' <<<"$line" | sed -n 's/^rps=//p')
      RPS[$variant,$clients]+="$rps "
      [ $variant = with ] && last=$rps
    done
    # The pair ran side by side: its ratio is the round's figure.
    RATIO[$clients]+="$(awk -v a="$last" -v b="$rps" 'BEGIN { printf "%.3f", a / b }') "
  done
done
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# Medians over the rounds; the ratio is the median of each round's ratio.
printf '%-32s %14s %14s %8s\n' "post.approve durable" "with receipts" "without" "ratio"
for clients in 1 32; do
  printf '%-32s %14s %14s %8s\n' "c=$clients (median of $ROUNDS)" "$(median "${RPS[with,$clients]}")" \
    "$(median "${RPS[without,$clients]}")" "$(median "${RATIO[$clients]}")"
  say "  c=$clients rounds with: ${RPS[with,$clients]} without: ${RPS[without,$clients]} ratios: ${RATIO[$clients]}"
done
