#!/usr/bin/env bash
# Sets up and runs every test: unit and API suites on SQLite and on a throwaway
# PostgreSQL 15 cluster, then the unit and API suites again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/kefu-ccache}
# Paths relative to the checkout, so a fresh clone or a second worktree reuses the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=1
pg_dir=$(mktemp -d /tmp/kefu-test-pg.XXXXXX)
pg_port=${KEFU_TEST_PG_PORT:-55432}
cleanup() { scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT
KEFU_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$pg_dir" "$pg_port" | tail -n 1)
export KEFU_TEST_PG_URL
echo "[test] PostgreSQL: $KEFU_TEST_PG_URL"

status=0
echo "[test] build (RelWithDebInfo)"
scripts/build.sh build
echo "[test] console: install, API client check, build, unit tests (Vitest)"
scripts/build-web.sh --test || status=1
(cd build && ctest --output-on-failure -j2) || status=1

echo "[test] build (ASan+UBSan): unit and API suites"
scripts/build.sh build-asan -DKEFU_SANITIZE=ON
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j2 -L 'unit|api' -E schema_dialects_match) || status=1

if [ "$status" -eq 0 ]; then echo "[test] ALL TESTS PASSED"; else echo "[test] SOME TESTS FAILED"; fi
exit "$status"
