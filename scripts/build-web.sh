#!/usr/bin/env bash
# Builds the web console into web/dist (served by `kefu serve`): installs the npm
# packages from web/package-lock.json when they are missing or the lock changed, checks
# that the typed API client matches src/app/openapi.json, and builds.
#   scripts/build-web.sh          install (if needed), check:api, build
#   scripts/build-web.sh --test   the same, then the console's unit tests (Vitest)
set -euo pipefail
cd "$(dirname "$0")/../web"

command -v node >/dev/null && command -v npm >/dev/null || { echo "[web] node and npm are needed: scripts/setup.sh --run" >&2; exit 1; }
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

stamp=node_modules/.kefu-lock.sha256
want=$( (sha256sum package-lock.json; node --version) | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[web] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

echo "[web] check:api"
npm run --silent check:api
echo "[web] build"
npm run --silent build
if [ "${1:-}" = "--test" ]; then
  echo "[web] unit tests (vitest)"
  npm run --silent test
fi
