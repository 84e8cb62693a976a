# What bench/run.sh and bench/scale.sh share, sourced by both: the key of a cached store, and
# starting a daemon that the load generator can log 50 clients in to. The sourcing script sets
# ROOT, OUT and BIN, defines say and broke, and keeps the PIDS array its cleanup kills.

# Bump when what `rpcbench fill` creates changes, or how the daemon writes a post (2: posts
# stored with their wire form, "wire" 1); the store's schema version is part of the key too.
FILL_VERSION=2
SCHEMA=$(sed -n 's/^#define GL_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$ROOT/server/store.h" 2>/dev/null)

# store_path POSTS PROFILES POOL: where the store filled with them is cached.
store_path() { echo "$OUT/store-f$FILL_VERSION-s${SCHEMA:-x}-p$1-pr$2-pool$3"; }

GL_PID=
GL_PORT=
# start_daemon DATA_DIR LOG [SECONDS]: greenlightd on ephemeral ports, its output in LOG.out and
# LOG.err; waits for 'ready' (120 s at most: a daemon may migrate a big store first) and sets
# GL_PID and GL_PORT. The load generator opens 50 connections from one address and logs them
# in 4 at a time: more than the 8 a stranger's address may hold before logging in, and on a
# busy 2-CPU machine the last of 64 argon2id logins can take longer than the 10 s login
# timeout; hence the two options.
start_daemon() {
  local data=$1 log=$2 secs=${3:-120}
  "$BIN/greenlightd" --data "$data" --rpc 127.0.0.1:0 --http 127.0.0.1:0 --anon-per-address 128 \
    --login-timeout-seconds 300 >"$log.out" 2>"$log.err" &
  GL_PID=$!
  PIDS+=("$GL_PID")
  for _ in $(seq $((secs * 10))); do
    grep -qx ready "$log.out" 2>/dev/null && break
    kill -0 "$GL_PID" 2>/dev/null || { cat "$log.err" >&2; broke "greenlightd exited at start"; }
    sleep 0.1
  done
  grep -qx ready "$log.out" || broke "greenlightd not ready after $secs s"
  GL_PORT=$(sed -n 's/^rpc 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log.out")
  [ -n "$GL_PORT" ] || broke "no 'rpc 127.0.0.1:PORT' line from greenlightd"
}
