#!/bin/sh
# make run: start greenlightd --demo on a data directory of its own, print the demo's external
# links, open the client logged in as the demo's admin, and stop the daemon when it exits.
# Usage: scripts/run-demo.sh [BIN_DIR]   (GL_DEMO_DATA overrides the data directory;
#        GL_DEMO_FRESH=1 starts from an empty store.)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/bin}
DATA=${GL_DEMO_DATA:-$ROOT/greenlight-data/demo}

for prog in greenlightd greenlight; do
    if [ ! -x "$BIN/$prog" ]; then
        echo "run-demo: $BIN/$prog is missing; run 'make' first" >&2
        exit 1
    fi
done
if [ ! -t 0 ] || [ ! -t 1 ]; then
    echo "run-demo: the client needs a terminal" >&2
    exit 1
fi

[ "${GL_DEMO_FRESH:-0}" = 1 ] && rm -rf "$DATA"
mkdir -p "$DATA"
OUT=$(mktemp "${TMPDIR:-/tmp}/greenlight-demo.XXXXXX")
PID=
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -f "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

"$BIN/greenlightd" --demo --data "$DATA" --rpc 127.0.0.1:0 --http 127.0.0.1:0 \
    --locale-dir "${GL_LOCALE_DIR:-$ROOT/build/locale}" \
    --log-file "$DATA/greenlightd.log" >"$OUT" 2>>"$DATA/greenlightd.log" </dev/null &
PID=$!

# Wait for the daemon to say every listener is up (it prints 'ready'), or to die.
i=0
until grep -qx ready "$OUT" 2>/dev/null; do
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "run-demo: greenlightd stopped; its log says:" >&2
        tail -n 20 "$DATA/greenlightd.log" >&2 || true
        PID=
        exit 1
    fi
    i=$((i + 1))
    if [ "$i" -gt 200 ]; then
        echo "run-demo: greenlightd did not get ready in 10 s" >&2
        exit 1
    fi
    sleep 0.05
done

RPC=$(sed -n 's/^rpc //p' "$OUT" | head -n 1)
HTTP=$(sed -n 's/^http //p' "$OUT" | head -n 1)
if [ -z "$RPC" ]; then
    echo "run-demo: greenlightd did not print its rpc address" >&2
    exit 1
fi

# The demo's links are printed when the store is first filled; keep them for later runs
# (the daemon stores only hashes of the tokens, so it cannot print them again).
if grep -q '^link ' "$OUT"; then
    grep '^link ' "$OUT" >"$DATA/demo-links.txt"
fi
echo "greenlightd: rpc $RPC, http ${HTTP:-none} (data in $DATA, log in $DATA/greenlightd.log)"
if [ -s "$DATA/demo-links.txt" ]; then
    echo "External links of the demo (open them in a browser):"
    if [ -n "$HTTP" ] && ! grep -q "$HTTP" "$DATA/demo-links.txt"; then
        echo "  (made on an earlier run; the port changed: use http://$HTTP with the same path)"
    fi
    sed 's/^link /  /' "$DATA/demo-links.txt"
else
    echo "(this daemon printed no external links)"
fi
echo "Logging in as admin (password in $DATA/initial-admin-password). Press ? for keys, Q to quit."
if [ -t 0 ] && [ -z "${GL_DEMO_NO_PAUSE:-}" ]; then
    printf 'Press Enter to open the client... '
    read -r _ || true
fi

set +e
"$BIN/greenlight" --connect "$RPC" --user admin --password-file "$DATA/initial-admin-password"
status=$?
set -e
exit $status
