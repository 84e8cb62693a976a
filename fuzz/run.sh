#!/bin/sh
# Builds the libFuzzer targets (build-fuzz/) and runs each for a bounded time.
#   fuzz/run.sh short   replays fuzz/regressions/, then a few seconds per target (make test)
#   fuzz/run.sh long    FUZZ_SECONDS per target, 300 by default (make fuzz)
# FUZZ_SECONDS overrides either; FUZZ_TARGETS="fuzz_rpc fuzz_http" picks targets. Each run
# starts from the committed seeds (fuzz/corpus/TARGET) and grows a working corpus in
# build-fuzz/corpus/TARGET; a crash is kept in build-fuzz/artifacts/TARGET and fails the run.
# Copy it into fuzz/regressions/TARGET/ once fixed, so every short run replays it.
set -eu
cd "$(dirname "$0")/.."
mode=${1:-short}
case "$mode" in
short) secs=${FUZZ_SECONDS:-12} ;;
long) secs=${FUZZ_SECONDS:-300} ;;
*) echo "usage: $0 short|long" >&2; exit 2 ;;
esac
B=${FUZZ_BUILD:-build-fuzz}
if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: clang is not installed; skipping" >&2
    exit 0
fi
jobs=$(nproc 2>/dev/null || echo 2)
make --no-print-directory -s -j"$jobs" -f fuzz/Makefile FUZZ_BUILD="$B"

targets=${FUZZ_TARGETS:-$(cd fuzz && ls fuzz_*.c | sed 's/\.c$//')}
# A leak is judged per input, which the HTTP target cannot satisfy: a password check may
# finish on the thread pool after its input. Leaks are the valgrind and ASAN runs' business.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
for t in $targets; do
    bin="$B/$t"
    if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls "fuzz/regressions/$t")" ]; then
        if ! "$bin" -rss_limit_mb=2048 -timeout=20 fuzz/regressions/"$t"/* >"$B/$t.replay.log" 2>&1; then
            echo "fuzz: $t: a regression input fails again (see $B/$t.replay.log)" >&2
            status=1
            continue
        fi
        echo "fuzz: $t: $(ls fuzz/regressions/"$t" | wc -l) regression input(s) pass"
    fi
    mkdir -p "$B/corpus/$t" "$B/artifacts/$t"
    start=$(date +%s)
    if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$B/artifacts/$t/" \
        "$B/corpus/$t" "fuzz/corpus/$t" >"$B/$t.log" 2>&1; then
        line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$B/$t.log" | tail -1)
        echo "fuzz: $t: $(($(date +%s) - start))s, $line"
    else
        echo "fuzz: $t: FAILED, input in $B/artifacts/$t/ (log $B/$t.log):" >&2
        grep -E 'ERROR|SUMMARY|runtime error' "$B/$t.log" | head -5 >&2
        status=1
    fi
done
# make fuzz also runs the workflow model (tests/e2e/test_model.py) over many more sequences.
[ "$mode" = short ] || { make -s all && GL_MODEL_EXAMPLES=${GL_MODEL_EXAMPLES:-200} GL_MODEL_STEPS=${GL_MODEL_STEPS:-40} GL_BIN="$PWD/bin" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e/test_model.py || status=1; }
exit $status
