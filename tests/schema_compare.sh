#!/usr/bin/env bash
# Both dialects' migrations must produce the same tables and columns (with the same type
# family). Needs KEFU_TEST_PG_URL; fails when it is missing, so a CI run cannot skip it.
set -euo pipefail
: "${KEFU_BIN:?}" "${KEFU_TEST_PG_URL:?KEFU_TEST_PG_URL must name a PostgreSQL database}"
# A database of its own on that server: the API suite runs on the same server at the same
# time (ctest -j) and resets the shared database's schema between its test classes.
db="kefu_schema_$$"
pg_url="${KEFU_TEST_PG_URL%/*}/$db"
tmp=$(mktemp -d)
cleanup() { psql -q "$KEFU_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
psql -q "$KEFU_TEST_PG_URL" -c "CREATE DATABASE $db" >/dev/null
KEFU_LOG_LEVEL=warn KEFU_DATABASE_URL="sqlite://$tmp/s.db" "$KEFU_BIN" schema > "$tmp/sqlite.txt"
KEFU_LOG_LEVEL=warn KEFU_DATABASE_URL="$pg_url" "$KEFU_BIN" schema > "$tmp/postgres.txt"
if ! diff -u "$tmp/sqlite.txt" "$tmp/postgres.txt"; then
  echo "schema differs between SQLite and PostgreSQL"; exit 1
fi
echo "schemas match: $(wc -l < "$tmp/sqlite.txt") columns in $(cut -d. -f1 "$tmp/sqlite.txt" | sort -u | wc -l) tables"
