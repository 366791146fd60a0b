#!/usr/bin/env bash
# Sets up and runs kefu with a demo organisation on http://127.0.0.1:8080 (SQLite in ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --run
scripts/build.sh build
scripts/build-web.sh
export KEFU_DATABASE_URL=${KEFU_DATABASE_URL:-sqlite://data/kefu.db}
password=${KEFU_DEMO_PASSWORD:-kefu2026}
build/src/kefu init --if-needed --demo --demo-customers 2000 --org-name "示例集团" --org-code HQ --admin-user admin --admin-password "$password"
cat <<TXT

  kefu is starting on http://127.0.0.1:8080
  Sign in as: admin / $password   (demo users share the same password)
  Stop with Ctrl+C.

TXT
exec build/src/kefu serve --listen 127.0.0.1:8080
