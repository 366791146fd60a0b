#!/usr/bin/env bash
# Foundation benchmark: wrk against a freshly initialised SQLite server.
#
#   bench/run.sh [build-dir]          (default: build; the binary is <build-dir>/src/kefu)
#
# Runs, each for $BENCH_DURATION (10s) with 2 threads and 32 connections (wrk --latency):
#   (a) GET /healthz                      baseline: no auth, no database
#   (b) GET /api/v1/me                    bearer token: token lookup + user read
#   (c) POST /api/v1/org/units            bearer token: a durable write (unique codes, bench/write.lua)
# and writes bench/results/foundation-<date>.md with req/s, p50, p99 and the ratio of each
# endpoint's req/s to the baseline's in the same run. Speed is never a pass/fail here.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
BIN="$BUILD/src/kefu"
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
PASSWORD='Bench-Passw0rd-1'

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 2; }
[ -x "$BIN" ] || { echo "no kefu binary at $BIN (build first: cmake -S . -B build -G Ninja && cmake --build build)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/kefu-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
CONFIG="$WORK/kefu.toml"
cat >"$CONFIG" <<EOF
[server]
listen = "127.0.0.1:$PORT"

[database]
url = "sqlite://$WORK/kefu.db"
EOF
export KEFU_DATABASE_URL="sqlite://$WORK/kefu.db" KEFU_SERVER_LISTEN="127.0.0.1:$PORT" KEFU_LOG_LEVEL=warn

PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

echo "[bench] init $WORK/kefu.db"
"$BIN" --config "$CONFIG" init --admin-user admin --admin-password "$PASSWORD" --org-name "压测总部" >"$WORK/init.out" 2>&1 \
  || { cat "$WORK/init.out"; exit 1; }
"$BIN" --config "$CONFIG" serve >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
for _ in $(seq 1 300); do
  curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo "kefu serve exited:"; cat "$WORK/serve.out" "$WORK/serve.err"; exit 1; }
  sleep 0.1
done
curl -fsS "$BASE/readyz" >/dev/null || { echo "kefu never became ready" >&2; exit 1; }

json() { python3 -c 'import json, sys; d = json.load(sys.stdin)
for k in sys.argv[1].split("."): d = d[k]
print(d)' "$1"; }

# a read+write API token: sign in, then POST /api/v1/tokens with the session's CSRF token
CSRF=$(curl -fsS -c "$WORK/jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session" | json csrf_token)
TOKEN=$(curl -fsS -b "$WORK/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["read","write"]}' "$BASE/api/v1/tokens" | json token)
HEAD_ID=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me" | json unit.id)
# the write script's request must be accepted before we measure it
CHECK=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"parent_id\":$HEAD_ID,\"code\":\"bench-check\",\"name\":\"check\",\"kind\":\"department\"}" "$BASE/api/v1/org/units")
[ "$CHECK" = 201 ] || { echo "a test POST /api/v1/org/units answered $CHECK, not 201" >&2; exit 1; }
VERSION=$("$BIN" version 2>/dev/null | head -1 || echo unknown)

run_wrk() {  # name, then wrk arguments
  local name=$1; shift
  echo "[bench] $name: wrk -t$THREADS -c$CONNS -d$DURATION --latency $*"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" >"$WORK/$name.txt" 2>&1 || true
  cat "$WORK/$name.txt"
}
TAG="b$(date +%s)"
run_wrk healthz "$BASE/healthz"
run_wrk me -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me"
run_wrk write -H "Authorization: Bearer $TOKEN" -s "$ROOT/bench/write.lua" "$BASE/api/v1/org/units" -- "$HEAD_ID" "$TAG"

curl -s "$BASE/metrics" > "$WORK/metrics.txt" || true
kill -TERM "$PID"
RC=0; wait "$PID" || RC=$?
PID=""
echo "[bench] kefu serve exited with $RC after SIGTERM"

mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/foundation-$(date +%F).md"
python3 - "$WORK" "$OUT" "$VERSION" "$THREADS" "$CONNS" "$DURATION" "$RC" <<'PY'
import os, platform, re, sys, time
work, out, version, threads, conns, duration, rc = sys.argv[1:]

def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m:
        return None
    n, unit = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

rows = []
for name, label in (("healthz", "GET /healthz (baseline)"), ("me", "GET /api/v1/me (bearer)"),
                    ("write", "POST /api/v1/org/units (bearer)")):
    text = open(os.path.join(work, name + ".txt")).read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    total = re.search(r"(\d+) requests in", text)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors:([^\n]+)", text)
    rows.append({"label": label, "rps": float(rps.group(1)) if rps else 0.0,
                 "p50": ms(p50.group(1)) if p50 else None, "p99": ms(p99.group(1)) if p99 else None,
                 "total": int(total.group(1)) if total else 0, "non2xx": int(non2xx.group(1)) if non2xx else 0,
                 "sock": sock.group(1).strip() if sock else "none"})

base = rows[0]["rps"] or 1.0
fmt = lambda v: "n/a" if v is None else ("%.2f ms" % v)
lines = ["| endpoint | req/s | p50 | p99 | ratio to baseline | requests | non-2xx | socket errors |",
         "|---|---:|---:|---:|---:|---:|---:|---|"]
for r in rows:
    lines.append("| %s | %.0f | %s | %s | %.3f | %d | %d | %s |" % (
        r["label"], r["rps"], fmt(r["p50"]), fmt(r["p99"]), r["rps"] / base, r["total"], r["non2xx"], r["sock"]))
table = "\n".join(lines)

def metric(name):
    try:
        for l in open(os.path.join(work, "metrics.txt")):
            if l.startswith(name + " "):
                return int(float(l.split()[1]))
    except OSError:
        pass
    return 0

cpu = "?"
try:
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            cpu = l.split(":", 1)[1].strip()
            break
except OSError:
    pass
doc = """# Foundation benchmark, {date}

kefu `{version}`, SQLite backend (fresh database), `wrk -t{threads} -c{conns} -d{duration} --latency`,
client and server on the same machine ({ncpu} CPUs, {cpu}; {kernel}).
Ratios compare each endpoint with `GET /healthz` in the same run; absolute numbers depend on the machine.

{table}

- `GET /api/v1/me`: bearer token lookup (hashed token) plus the user and unit read.
- `POST /api/v1/org/units`: one durable write plus its audit row, a unique code per request
  (`bench/write.lua`).
- SQLite runs with `journal_mode=WAL`, `synchronous=FULL` (every acknowledged write is
  fsynced); the access log is on, as in production. Group commit over the whole run:
  {writes} write transactions in {commits} physical commits (mean group {group}).
- kefu serve exit code after SIGTERM: {rc}.
""".format(writes=metric("kefu_db_writes_total"), commits=metric("kefu_db_commits_total"),
           group=("%.1f" % (metric("kefu_db_writes_total") / metric("kefu_db_commits_total"))
                  if metric("kefu_db_commits_total") else "n/a"),date=time.strftime("%Y-%m-%d %H:%M"), version=version, threads=threads, conns=conns,
           duration=duration, ncpu=os.cpu_count(), cpu=cpu, kernel=platform.platform(), table=table, rc=rc)
with open(out, "w") as f:
    f.write(doc)
print()
print(table)
print()
bad = [r for r in rows if r["non2xx"]]
for r in bad:
    print("NON-2XX: %s answered %d non-2xx responses" % (r["label"], r["non2xx"]))
if bad:
    with open(out, "a") as f:
        f.write("\n**Warning:** non-2xx answers in this run (see the table): its numbers do not measure "
                "successful requests.\n")
print("written to %s" % out)
sys.exit(3 if bad else 0)
PY
