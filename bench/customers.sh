#!/usr/bin/env bash
# Customer archive at scale on SQLite: import N generated customers (CSV through the API,
# one transaction), then search and list latencies over them with wrk, next to /healthz
# in the same run; the server's RSS. Results: bench/results/customers-<date>.md.
#   bench/customers.sh [build-dir] [rows]      (default: build 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${1:-build}
ROWS=${2:-200000}
BIN="$ROOT/$BUILD/src/kefu"
WORK=$(mktemp -d /tmp/kefu-bench-cust.XXXXXX)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
export KEFU_DATABASE_URL="sqlite://$WORK/kefu.db" KEFU_LOG_LEVEL=warn
"$BIN" init --demo --demo-customers 0 --admin-password kefu2026 >/dev/null
TOKEN=$("$BIN" token create --username admin --name bench --scopes read,write)
KEFU_SERVER_MAX_BODY_BYTES=1048576 "$BIN" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
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
echo "[bench] importing $ROWS rows ($SIZE bytes)"
T0=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$WORK/customers.csv" \
  "http://127.0.0.1:$PORT/api/v1/customers/import" -o "$WORK/import.json"
T1=$(date +%s.%N)
IMPORT_S=$(python3 -c "print('%.1f' % ($T1 - $T0))")
CREATED=$(python3 -c "import json;print(json.load(open('$WORK/import.json'))['created'])")
echo "[bench] created $CREATED in ${IMPORT_S}s"
run() { wrk -t2 -c8 -d5s --latency -H "Authorization: Bearer $TOKEN" "$1" 2>&1; }
B=http://127.0.0.1:$PORT
run "$B/healthz" > "$WORK/w_base.txt"
run "$B/api/v1/customers?q=%E6%BC%8F%E6%B0%B4&limit=20" > "$WORK/w_word.txt"
run "$B/api/v1/customers?q=00012345&limit=20" > "$WORK/w_digits.txt"
run "$B/api/v1/customers?unit_id=7&limit=50" > "$WORK/w_list.txt"
RSS=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
mkdir -p bench/results
OUT=bench/results/customers-$(date +%F).md
python3 - "$WORK" "$OUT" "$ROWS" "$SIZE" "$IMPORT_S" "$CREATED" "$RSS" <<'PY'
import re, sys, time
work, out, rows, size, secs, created, rss = sys.argv[1:]
def parse(name):
    t = open("%s/%s.txt" % (work, name)).read()
    g = lambda p: (re.search(p, t, re.M) or [None, "n/a"])[1]
    return g(r"Requests/sec:\s+([\d.]+)"), g(r"^\s+50%\s+(\S+)"), g(r"^\s+99%\s+(\S+)"), g(r"Non-2xx or 3xx responses:\s+(\d+)") if "Non-2xx" in t else "0"
rowsd = [("GET /healthz (baseline)", "w_base"), ("search a two-character word (漏水)", "w_word"),
         ("search 8 digits of a phone", "w_digits"), ("list one store, 50 per page", "w_list")]
base = float(parse("w_base")[0])
lines = ["| request | req/s | p50 | p99 | ratio | non-2xx |", "|---|---:|---:|---:|---:|---:|"]
for label, f in rowsd:
    rps, p50, p99, bad = parse(f)
    lines.append("| %s | %s | %s | %s | %.3f | %s |" % (label, rps, p50, p99, float(rps) / base, bad))
doc = """# Customer archive benchmark, %s

SQLite (WAL, synchronous=FULL), one kefu serve, wrk -t2 -c8 -d5s on the same 2-CPU machine.

- Import: %s CSV rows (%s bytes) through `POST /api/v1/customers/import`, one transaction:
  %s customers created in %s s (%.0f rows/s), with phones, vehicles and the search index.
- Server RSS after the import and the searches: %.0f MiB.

%s
""" % (time.strftime("%Y-%m-%d %H:%M"), rows, size, created, secs, int(created) / float(secs), int(rss) / 1024, "\n".join(lines))
open(out, "w").write(doc)
print(doc)
PY
