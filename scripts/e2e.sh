#!/usr/bin/env bash
# End-to-end tests of the web console: a real `kefu serve` on a free loopback port with
# a fresh SQLite database (demo organisation, password kefu2026), driven by Playwright
# (playwright-core) in Debian's headless Chromium. Screenshots: tests/e2e/screenshots/.
# Builds only what is missing: the console (scripts/build-web.sh); the server binary
# must exist (KEFU_BIN, default build/src/kefu).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${KEFU_BIN:-build/src/kefu}
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "[e2e] no server binary at $bin (scripts/build.sh build)" >&2; exit 1; }
export KEFU_CHROMIUM=${KEFU_CHROMIUM:-/usr/bin/chromium}
[ -x "$KEFU_CHROMIUM" ] || { echo "[e2e] no Chromium at $KEFU_CHROMIUM (scripts/setup.sh --test)" >&2; exit 1; }
if [ ! -f web/dist/index.html ] || [ ! -d web/node_modules/playwright-core ]; then scripts/build-web.sh; fi

work=$(mktemp -d /tmp/kefu-e2e.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  if [ "${KEFU_E2E_KEEP:-}" = 1 ]; then echo "[e2e] kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export KEFU_DATABASE_URL="sqlite://$work/kefu.db"
"$bin" init --demo --admin-password kefu2026 > "$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
# clock.adjustable lets the session-expiry test move the server's "now" forward; uploads in
# parts of 1 KiB let the import test send a small file through the resumable upload in parts.
KEFU_CLOCK_ADJUSTABLE=true KEFU_UPLOADS_PART_BYTES=1024 KEFU_SERVER_STATIC_DIR="$root/web/dist" \
  "$bin" serve --listen "127.0.0.1:$port" > "$work/server.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$url/healthz"; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "[e2e] server did not start:"; cat "$work/server.log"; exit 1; }
  sleep 0.1
done
echo "[e2e] kefu serve on $url (pid $pid), database $work/kefu.db"

mkdir -p tests/e2e/screenshots
status=0
# KEFU_E2E_GREP=customers runs only the tests whose names match (node --test-name-pattern).
grep_args=()
if [ -n "${KEFU_E2E_GREP:-}" ]; then grep_args=(--test-name-pattern="$KEFU_E2E_GREP"); fi
KEFU_E2E_URL="$url" node --test --test-reporter=spec --test-concurrency=1 "${grep_args[@]+"${grep_args[@]}"}" tests/e2e/console.test.mjs || status=$?
if [ "$status" -ne 0 ]; then echo "[e2e] FAILED; last server log lines:"; tail -n 30 "$work/server.log"; fi
exit "$status"
