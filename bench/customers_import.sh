#!/usr/bin/env bash
# Customer import at scale on SQLite (WAL, synchronous=FULL): N generated customers as one
# CSV through the API — a dry run (every row checked, nothing written), then the commit (all
# good rows in one transaction) — then searches and filtered lists over them with wrk, each
# next to GET /healthz in the same run, and the server's RSS. Target: 1,000,000 rows imported
# in under 60 s. Results: bench/results/customers-import-<date>.md (with the machine's load).
#
#   bench/customers_import.sh [build-dir] [rows]      (default: build 1000000)
#
# BENCH_PERF=1 records the commit with `perf record -g` (perf.data kept in the work dir, a
# flat profile in the results). BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
ROWS=${2:-1000000}
SECS=${READ_SECS:-10}
for tool in wrk curl python3; do command -v $tool >/dev/null || { echo "$tool is not installed" >&2; exit 2; }; done
WORK=$(mktemp -d /tmp/kefu-bench-import.XXXXXX)
cp "$BUILD/src/kefu" "$WORK/kefu"  # a rebuild during the run changes nothing
BIN="$WORK/kefu"
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
B=http://127.0.0.1:$PORT
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  wait 2>/dev/null || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "[bench] kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
export KEFU_DATABASE_URL="sqlite://$WORK/kefu.db" KEFU_LOG_LEVEL=warn
"$BIN" init --demo --demo-customers 0 --admin-password kefu2026 >/dev/null
TOKEN=$("$BIN" token create --username admin --name bench --scopes read,write)
"$BIN" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf "$B/healthz" >/dev/null && break; sleep 0.1; done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# Generated customers: Chinese names, mobile numbers, the demo's stores, addresses, notes
# (some with 漏水), a plate on every second row.
python3 - "$ROWS" "$WORK/customers.csv" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
sur = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
given = ["伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "勇", "军", "杰", "涛", "明", "超", "秀英", "建华"]
notes = ["厨房漏水已报修", "对保养满意", "空调异响", "希望周末联系", "电梯噪音", ""]
stores = ["SH-XH", "SH-PD", "HZ-XH", "GZ-TH"]
with open(path, "w", encoding="utf-8") as f:
    f.write("姓名,手机,门店,地址,备注,车牌\n")
    for i in range(n):
        f.write("%s%s,1%d%09d,%s,某市某区某路%d号,%s,%s\n" % (
            random.choice(sur), random.choice(given), 3 + i % 7, i, stores[i % 4], i % 500,
            random.choice(notes), ("沪B%06d" % i) if i % 2 else ""))
PY
SIZE=$(stat -c %s "$WORK/customers.csv")
cpu() { awk '{print $14 + $15}' /proc/$PID/stat; }  # the server's CPU time, in clock ticks
TICKS=$(getconf CLK_TCK)
upload() {  # query → seconds; the report in $WORK/$2.json, the server's CPU seconds in $WORK/$2.cpu
  local t0 t1 c0
  c0=$(cpu)
  t0=$(date +%s.%N)
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$WORK/customers.csv" \
    "$B/api/v1/customers/import$1" -o "$WORK/$2.json" -w '%{http_code}' >"$WORK/$2.status"
  t1=$(date +%s.%N)
  python3 -c "print('%.1f' % (($(cpu) - $c0) / $TICKS))" >"$WORK/$2.cpu"
  python3 -c "print('%.1f' % ($t1 - $t0))"
}
echo "[bench] $ROWS rows ($SIZE bytes): dry run"
DRY_S=$(upload "?dry_run=true" dry)
echo "[bench] dry run: ${DRY_S}s, server CPU $(cat "$WORK/dry.cpu")s (HTTP $(cat "$WORK/dry.status"))"
PERF_PID=""
if [ -n "${BENCH_PERF:-}" ]; then
  perf record -g -F 499 -p "$PID" -o "$WORK/perf.data" >/dev/null 2>&1 &
  PERF_PID=$!
  sleep 0.5
fi
COMMIT_S=$(upload "" commit)
echo "[bench] commit: ${COMMIT_S}s, server CPU $(cat "$WORK/commit.cpu")s (HTTP $(cat "$WORK/commit.status"))"
if [ -n "$PERF_PID" ]; then
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
  perf report -i "$WORK/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
    grep -E '^ +[0-9.]+%' | head -25 >"$WORK/perf.txt" || true
fi
RSS_IMPORT=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
CREATED=$(python3 -c "import json;print(json.load(open('$WORK/commit.json')).get('created', 0))")
LOAD_IMPORT=$(cut -d' ' -f1-3 /proc/loadavg)

run() { wrk -t2 -c8 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$1" 2>&1; }
SH=$(curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/org/units?limit=200" | python3 -c "import json,sys;print(next(u['id'] for u in json.load(sys.stdin)['items'] if u['code']=='SH-XH'))")
SHB=$(curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/org/units?limit=200" | python3 -c "import json,sys;print(next(u['id'] for u in json.load(sys.stdin)['items'] if u['code']=='SH'))")
run "$B/healthz" >"$WORK/w_base.txt"
run "$B/api/v1/customers?q=%E6%BC%8F%E6%B0%B4&limit=20" >"$WORK/w_word.txt"        # 漏水
run "$B/api/v1/customers?q=%E5%BC%A0%E4%BC%9F&limit=20" >"$WORK/w_name.txt"        # 张伟
run "$B/api/v1/customers?q=5678&limit=20" >"$WORK/w_4digits.txt"
run "$B/api/v1/customers?q=00012345&limit=20" >"$WORK/w_digits.txt"
run "$B/api/v1/customers?unit_id=$SH&limit=50" >"$WORK/w_list_store.txt"
run "$B/api/v1/customers?unit_id=$SHB&source=import&limit=50" >"$WORK/w_list_branch.txt"
run "$B/api/v1/customers?unit_id=$SH&q=%E6%BC%8F%E6%B0%B4&limit=50" >"$WORK/w_list_q.txt"
run "$B/api/v1/customers?limit=50" >"$WORK/w_list_all.txt"
RSS=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p bench/results
OUT=bench/results/customers-import-$(date +%F).md
[ -e "$OUT" ] && OUT=bench/results/customers-import-$(date +%F-%H%M).md  # keep earlier results
python3 - "$WORK" "$OUT" "$ROWS" "$SIZE" "$DRY_S" "$COMMIT_S" "$CREATED" "$RSS_IMPORT" "$RSS" \
  "$LOAD_BEFORE" "$LOAD_IMPORT" "$LOAD_AFTER" "$(cat "$WORK/dry.status")" "$(cat "$WORK/commit.status")" <<'PY'
import json, os, re, sys, time
work, out, rows, size, dry, commit, created, hwm, rss, l0, l1, l2, dst, cst = sys.argv[1:]
def parse(name):
    t = open("%s/%s.txt" % (work, name)).read()
    g = lambda p: (re.search(p, t, re.M) or [None, "n/a"])[1]
    bad = g(r"Non-2xx or 3xx responses:\s+(\d+)") if "Non-2xx" in t else "0"
    return g(r"Requests/sec:\s+([\d.]+)"), g(r"^\s+50%\s+(\S+)"), g(r"^\s+99%\s+(\S+)"), bad
cases = [("GET /healthz (baseline)", "w_base"), ("search a two-character word: 漏水", "w_word"),
         ("search a two-character name: 张伟", "w_name"), ("search 4 digits of a phone: 5678", "w_4digits"),
         ("search 8 digits of a phone", "w_digits"), ("list one store (上海徐汇店), 50 per page", "w_list_store"),
         ("list one branch (上海分部) + source=import, 50 per page", "w_list_branch"),
         ("list one store + q=漏水, 50 per page", "w_list_q"), ("list everything (admin), 50 per page", "w_list_all")]
base = float(parse("w_base")[0])
lines = ["| request | req/s | p50 | p99 | req/s ratio to /healthz | non-2xx |", "|---|---:|---:|---:|---:|---:|"]
for label, f in cases:
    rps, p50, p99, bad = parse(f)
    lines.append("| %s | %s | %s | %s | %.4f | %s |" % (label, rps, p50, p99, float(rps) / base, bad))
dryj = json.load(open(work + "/dry.json"))
total = float(dry) + float(commit)
perf = open(work + "/perf.txt").read() if os.path.exists(work + "/perf.txt") else ""
doc = """# Customer import benchmark (%s rows), %s

SQLite (WAL, synchronous=FULL), one `kefu serve` (default settings), on this shared 2-CPU
machine; wrk -t2 -c8 -d%ss per case. Load average (1/5/15 min): %s before, %s after the
import, %s at the end — other builds and tests were running, so the figures are noisy.

## Import through `POST /api/v1/customers/import` (%s bytes of CSV)

| step | seconds | rows/s | server CPU s | HTTP |
|---|---:|---:|---:|---:|
| dry run (every row checked, nothing written; %s valid, %s invalid) | %s | %.0f | %s | %s |
| commit (all rows checked again, then written in one transaction: customers, phones, vehicles, search rows) | %s | %.0f | %s | %s |
| both | %.1f | | | |

%s customers created. Target for the import: under 60 s. Server peak RSS (VmHWM) during the import: %.0f MiB.

## Reads over the imported customers (each next to /healthz in the same run)

%s

Server RSS at the end: %.0f MiB.
%s""" % (rows, time.strftime("%Y-%m-%d %H:%M"), os.environ.get("READ_SECS", "10"), l0, l1, l2, size,
         dryj.get("valid"), dryj.get("invalid"), dry, int(rows) / float(dry), open(work + "/dry.cpu").read().strip(), dst, commit,
         int(created) / max(float(commit), 0.001), open(work + "/commit.cpu").read().strip(), cst, total, created, int(hwm) / 1024,
         "\n".join(lines), int(rss) / 1024,
         ("\n## Profile of the commit (perf, self time)\n\n```\n" + perf + "```\n") if perf else "")
open(out, "w").write(doc)
print(doc)
PY
