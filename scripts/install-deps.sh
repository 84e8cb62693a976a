#!/usr/bin/env bash
# Installs whatever Debian packages the build, the tests or the benchmarks need and are missing.
# Usage: scripts/install-deps.sh build|test|bench|all
set -euo pipefail

build_pkgs="build-essential pkg-config libuv1-dev liblmdb-dev libmsgpack-dev libncurses-dev libsodium-dev libhttp-parser-dev libjansson-dev libcurl4-openssl-dev zlib1g-dev gettext locales tzdata"
test_pkgs="$build_pkgs libcmocka-dev python3 python3-pytest python3-msgpack python3-hypothesis python3-selenium chromium chromium-driver tmux clang libclang-rt-14-dev valgrind lmdb-utils nginx-light openssl groff-base default-jre-headless"
bench_pkgs="$build_pkgs redis-server redis-tools nginx-light wrk postgresql-15"

case "${1:-build}" in
  build) want="$build_pkgs" ;;
  test) want="$test_pkgs" ;;
  bench) want="$bench_pkgs" ;;
  all) want="$test_pkgs $bench_pkgs" ;;
  *) echo "usage: $0 build|test|bench|all" >&2; exit 2 ;;
esac

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

missing=()
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm for the browser tests' page checkers: Debian's only where there is none (a NodeSource
# nodejs brings its own, and conflicts with Debian's npm package).
case "${1:-build}" in
  test|all) command -v npm >/dev/null 2>&1 || missing+=(nodejs npm) ;;
esac
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The locales of the languages the pages speak (their one list is GL_LANGUAGES in
# server/i18n.h): without them a page in French is in English. Generated only when missing.
here="$(cd "$(dirname "$0")/.." && pwd)"
have="$(locale -a 2>/dev/null | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')"
for loc in $(grep -o '"[a-z][a-z]_[A-Z][A-Z]\.UTF-8"' "$here/server/i18n.h" | tr -d '"'); do
  want_name="$(echo "${loc%%.*}.utf8" | tr 'A-Z' 'a-z')"
  echo "$have" | grep -qx "$want_name" && continue
  echo "generating locale $loc" >&2
  # -c --quiet: the Debian sources give harmless warnings, which alone would fail localedef.
  $sudo localedef -c --quiet -i "${loc%%.*}" -f UTF-8 "$loc"
done

# The page checkers of the browser tests (axe-core, vnu-jar), pinned by the lock file.
case "${1:-build}" in
  test|all)
    browser="$(dirname "$0")/../tests/browser"
    [ -d "$browser/node_modules" ] || (cd "$browser" && npm ci --no-audit --no-fund)
    ;;
esac
