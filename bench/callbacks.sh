#!/usr/bin/env bash
# Callbacks on SQLite (WAL, synchronous=FULL): the rules consumer over a million outbox events,
# the agents' queues, and the KPI dashboard over millions of answered tasks; each next to a
# baseline measured in the same run. Results: bench/results/callbacks-<date>.md.
#
#   bench/callbacks.sh [build-dir]        (default: build)
#   BENCH_STOP_AFTER=1 EVENTS=200000 bench/callbacks.sh   (the rules consumer only, no results)
#
# Setup through the API: a branch (4 stores) with $AGENTS (200) agents and a supervisor,
# $CUSTOMERS (10,000) customers by CSV import, one purchase through the API (the template of
# the events' shape), then one rule on sale.completed: event.amount_fen >= 95000 (5 % of the
# generated amounts) → a callback task, questionnaire store_purchase, due 72 h, balanced.
#
# 1. Stop the server; copy the database; fill $EVENTS (1,000,000) events with one
#    INSERT ... WITH RECURSIVE in the sqlite3 CLI: into the copy as `customer.note` (no rule
#    listens: the baseline, pure outbox delivery), into the original as `sale.completed`.
#    Start the server on each in turn and time the rules consumer's cursor (outbox_cursors,
#    polled read-only) to the last id. `perf record -g` on the server during the rule run
#    (BENCH_PERF=0 skips it). SQL checks: tasks = matching events, one each.
# 2. `kefu token create` for every agent; wrk -t2 GET /api/v1/callbacks with each agent's
#    token (bench/callbacks/queue.lua): first 200 agents each looking at their queue about
#    once a second (-c200, each connection pausing 0.5–1.5 s before each request: the
#    target's case, an open load whose latency is measured), then the capacity in a closed
#    loop (no pause) at -c200 and -c32; $QUEUE_SECS (20) s each, after GET /healthz at the
#    same connections for $BASE_SECS (10) s.
# 3. Stop; add $TASKS (5,000,000) finished tasks over the past 12 months with one
#    INSERT ... WITH RECURSIVE; rebuild callback_daily in bulk with one INSERT ... SELECT ...
#    GROUP BY with store.cpp's contribution() arithmetic (checked first against the roll-up
#    the service kept for the tasks of case 1, then against a direct SUM for one month);
#    restart; $KPI_CALLS (50) sequential GET /api/v1/callbacks/kpis for 12 months by month
#    and by unit, and the same figures straight from callback_tasks in SQLite ("without
#    roll-up").
# The server's RSS after each case; `uptime` before and after each case.
#
# The binary is copied into the work directory first, so a rebuild during the run changes
# nothing. Needs wrk, curl, python3, sqlite3 (perf optional). BENCH_KEEP=1 keeps the work dir.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
EVENTS=${EVENTS:-1000000}
CUSTOMERS=${CUSTOMERS:-10000}
AGENTS=${AGENTS:-200}
TASKS=${TASKS:-5000000}
QUEUE_SECS=${QUEUE_SECS:-20}
BASE_SECS=${BASE_SECS:-10}
KPI_CALLS=${KPI_CALLS:-50}
PERF_SECS=${PERF_SECS:-15}
THRESHOLD=95000   # amount_fen >= this: 5 % of the generated amounts (0 .. 99,999)
PASSWORD='Bench-Passw0rd-1'

for tool in wrk curl python3 sqlite3; do
  command -v $tool >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
[ -x "$BUILD/src/kefu" ] || { echo "no kefu binary at $BUILD/src/kefu" >&2; exit 2; }
PERF=${BENCH_PERF:-1}
command -v perf >/dev/null || PERF=0

WORK=$(mktemp -d /tmp/kefu-bench-callbacks.XXXXXX)
cp "$BUILD/src/kefu" "$WORK/kefu"
BIN="$WORK/kefu"
DB="$WORK/kefu.db"        # the rule run, then cases 2 and 3
DB_BASE="$WORK/base.db"   # the baseline run (events no rule listens to)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export KEFU_SERVER_LISTEN="127.0.0.1:$PORT" KEFU_LOG_LEVEL=warn
# BENCH_BATCH_SIZE sets events.batch_size (events per consumer transaction); unset: the default
[ -n "${BENCH_BATCH_SIZE:-}" ] && export KEFU_EVENTS_BATCH_SIZE="$BENCH_BATCH_SIZE"
AUTH=""
: >"$WORK/load.txt"
load() { echo "$1 $(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/load.txt"; }

PID=""
stop_server() {  # SIGTERM, then SIGKILL after 30 s
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && { echo "[bench] kefu serve still up 30 s after SIGTERM: SIGKILL"; kill -KILL "$PID" 2>/dev/null || true; }
    wait "$PID" 2>/dev/null || true
  fi
  PID=""
}
PERF_PID=""
cleanup() {
  [ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null || true
  stop_server
  if [ -n "${BENCH_KEEP:-}" ]; then echo "[bench] kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {  # database file
  KEFU_DATABASE_URL="sqlite://$1" "$BIN" serve >>"$WORK/serve.out" 2>>"$WORK/serve.err" &
  PID=$!
  for _ in $(seq 1 600); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || { echo "kefu serve exited:"; cat "$WORK/serve.out" "$WORK/serve.err"; exit 1; }
    sleep 0.1
  done
  echo "kefu never became ready" >&2
  exit 1
}
rss() { awk '/VmRSS/ {print $2}' /proc/"$PID"/status; }
perf_top() {  # name: top frames by own time of $WORK/perf_<name>.data
  [ -f "$WORK/perf_$1.data" ] || return 0
  perf report -i "$WORK/perf_$1.data" --no-children --stdio --percent-limit 1.5 -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -30 >"$WORK/perf_$1_self.txt" || true
  perf report -i "$WORK/perf_$1.data" --no-children --stdio --percent-limit 1 --sort dso -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -12 >"$WORK/perf_$1_dso.txt" || true
}

run_wrk() {  # name, connections, seconds, then wrk arguments
  local name=$1 conns=$2 secs=$3; shift 3
  echo "[bench] $name: wrk -t2 -c$conns -d${secs}s --latency $*"
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" >"$WORK/w_$name.txt" 2>&1 || true
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx|non-20|first non|Socket errors" "$WORK/w_$name.txt" || true
}

# --- setup through the API ----------------------------------------------------------------
load setup_before
echo "[bench] init $DB"
KEFU_DATABASE_URL="sqlite://$DB" "$BIN" init --admin-user admin --admin-password "$PASSWORD" \
  --org-name "压测总部" >"$WORK/init.out" 2>&1 || { cat "$WORK/init.out"; exit 1; }
start_server "$DB"
python3 - "$BASE" "$PASSWORD" "$AGENTS" "$CUSTOMERS" "$THRESHOLD" "$WORK/agents.txt" >"$WORK/setup.env" <<'PY'
import http.cookiejar, json, sys, time, urllib.request, urllib.error
base, password, agents, customers, threshold, agents_file = sys.argv[1:]
agents, customers = int(agents), int(customers)

def call(method, path, body=None, token=None, opener=None, csrf=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(base + path, method=method, data=data)
    req.add_header("Content-Type", ctype)
    if token: req.add_header("Authorization", "Bearer " + token)
    if csrf: req.add_header("X-CSRF-Token", csrf)
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=600) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")

def must(res, want=(200, 201)):
    code, body = res
    if code not in want:
        sys.exit("setup call answered %s: %s" % (code, body))
    return body

jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
s = must(call("POST", "/api/v1/session", {"username": "admin", "password": password}, opener=opener))
token = must(call("POST", "/api/v1/tokens", {"name": "bench", "scopes": ["read", "write"]}, opener=opener,
                  csrf=s["csrf_token"]))["token"]
head = must(call("GET", "/api/v1/me", token=token))["unit"]["id"]
paths = {head: "/%d/" % head}  # the API does not show paths: "/1/4/9/" is ancestors then itself
def unit(parent, code, name, kind):
    u = must(call("POST", "/api/v1/org/units",
                  {"parent_id": parent, "code": code, "name": name, "kind": kind}, token=token))
    u["path"] = paths[u["id"]] = paths[parent] + "%d/" % u["id"]
    return u
branch = unit(head, "HZ", "杭州分公司", "branch")
stores = [unit(branch["id"], "HZ-%02d" % (i + 1), n, "store")
          for i, n in enumerate(("杭州西湖店", "杭州滨江店", "杭州萧山店", "杭州余杭店"))]
t0 = time.time()
names = []
for i in range(agents):
    u = "bench-a%03d" % (i + 1)
    must(call("POST", "/api/v1/users", {"username": u, "display_name": "回访坐席%03d" % (i + 1), "password": password,
                                        "unit_id": branch["id"], "roles": ["agent"]}, token=token))
    names.append(u)
must(call("POST", "/api/v1/users", {"username": "bench-sup", "display_name": "回访主管", "password": password,
                                    "unit_id": branch["id"], "roles": ["supervisor"]}, token=token))
open(agents_file, "w").write("\n".join(names) + "\n")
t1 = time.time()
# customers: CSV import, 2,000 rows per file
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
done = 0
while done < customers:
    n = min(2000, customers - done)
    rows = ["姓名,手机,门店"]
    for k in range(done, done + n):
        rows.append("%s%s%s,139%08d,%s" % (surnames[k % 20], given[(k // 20) % 16], given[(k // 320) % 16],
                                           10000000 + k, stores[k % len(stores)]["code"]))
    r = must(call("POST", "/api/v1/customers/import", raw=("\n".join(rows) + "\n").encode(),
                  token=token, ctype="text/csv; charset=utf-8"))
    if r["created"] != n: sys.exit("import created %s of %d: %s" % (r["created"], n, r.get("problems", [])[:5]))
    done += n
t2 = time.time()
first = must(call("GET", "/api/v1/customers?limit=1&q=13910000000", token=token))["items"][0]
# one purchase through the API, below the threshold: the shape the fill copies
ev = must(call("POST", "/api/v1/customers/%d/events" % first["id"],
               {"kind": "purchase", "occurred_at": int(time.time() * 1000), "unit_id": stores[0]["id"],
                "amount_fen": 100}, token=token), (201,))
rule = must(call("POST", "/api/v1/rules", {
    "code": "bench-purchase", "name": "大额购物回访（压测）", "unit_id": branch["id"],
    "definition": {"trigger": {"event": "sale.completed"},
                   "conditions": [{"field": "event.amount_fen", "op": ">=", "values": [threshold]}],
                   "due": {"unit": "hours", "amount": 72}, "action": "callback",
                   "params": {"questionnaire": "store_purchase", "max_attempts": 3, "retry_minutes": 120}}},
    token=token), (201,))
print("TOKEN=%s" % token)
print("BRANCH_ID=%d BRANCH_PATH=%s RULE_ID=%d FIRST_CUSTOMER=%d" % (branch["id"], branch["path"], rule["id"], first["id"]))
print("SETUP_AGENTS_S=%.1f SETUP_IMPORT_S=%.1f" % (t1 - t0, t2 - t1))
PY
# shellcheck disable=SC1091
. "$WORK/setup.env"
AUTH="Authorization: Bearer $TOKEN"
VERSION=$("$BIN" version 2>/dev/null | head -1 || echo unknown)
# the template event has been delivered before the rule existed (or is below the threshold)
for _ in $(seq 1 100); do
  [ "$(sqlite3 "$DB" "SELECT COALESCE((SELECT last_id FROM outbox_cursors WHERE name = 'rules'), 0) >= (SELECT max(id) FROM events)")" = 1 ] && break
  sleep 0.2
done
stop_server
load setup_after
NCUST=$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE unit_path LIKE '$BRANCH_PATH%'")
NAGENTS=$(wc -l <"$WORK/agents.txt")
echo "[bench] setup: $NAGENTS agents (${SETUP_AGENTS_S}s), $NCUST customers (import ${SETUP_IMPORT_S}s), rule $RULE_ID"

# --- 2's tokens now (the server is down; `kefu token create` per agent) -----------------------
T0=$(date +%s.%N)
xargs -P2 -I{} sh -c 'KEFU_DATABASE_URL="sqlite://$1" "$2" token create --username "$3" --name queue --scopes read 2>/dev/null' \
  _ "$DB" "$BIN" {} <"$WORK/agents.txt" >"$WORK/tokens.txt"
T1=$(date +%s.%N)
echo "[bench] $(grep -c . "$WORK/tokens.txt") agent tokens in $(python3 -c "print('%.1f' % ($T1 - $T0))") s"

# --- 1. the fills -----------------------------------------------------------------------------
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$DB" "$DB_BASE"
TEMPLATE_EVENT=$(sqlite3 "$DB" "SELECT max(id) FROM events WHERE type = 'sale.completed'")
START_ID=$(sqlite3 "$DB" "SELECT max(id) FROM events")
NOW_MS=$(python3 -c 'import time; print(int(time.time() * 1000))')
fill_sql() {  # type kind
  python3 - "$DB" "$TEMPLATE_EVENT" "$EVENTS" "$BRANCH_PATH" "$NOW_MS" "$1" "$2" <<'PY'
import json, sqlite3, sys
db, template, n, branch_path, now, etype, kind = sys.argv[1:]
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
payload = json.loads(con.execute("SELECT payload FROM events WHERE id = ?", (template,)).fetchone()[0])
def lit(v):
    if v is None: return "NULL"
    if isinstance(v, bool) or isinstance(v, (dict, list)): return "json('%s')" % json.dumps(v, ensure_ascii=False, separators=(",", ":")).replace("'", "''")
    if isinstance(v, (int, float)): return repr(v)
    return "'%s'" % str(v).replace("'", "''")
# occurred within the last 96 hours (due 72 h later: a quarter of the tasks already overdue,
# none stale); amounts (i * 7919) mod 100,000: every value equally often, so exactly 5 % of
# each 100,000 events are >= 95,000; customers spread over all of the branch's customers
occurred = "%s - ((s.i * 37) %% 96) * 3600000 - (s.i %% 3600) * 1000" % now
override = {"id": "20000000 + s.i", "customer_id": "c.id", "kind": "'%s'" % kind, "occurred_at": occurred,
            "unit_id": "c.unit_id", "amount_fen": "(s.i * 7919) % 100000"}
missing = set(override) - set(payload)
if missing: sys.exit("the template payload lacks %s: %s" % (missing, payload))
parts = []
for k, v in payload.items():
    parts.append("'%s', %s" % (k, override.get(k, lit(v))))
print("CREATE TEMP TABLE cust (k INTEGER PRIMARY KEY, id INTEGER, unit_id INTEGER);")
print("INSERT INTO cust (k, id, unit_id) SELECT row_number() OVER (ORDER BY id) - 1, id, unit_id FROM customers "
      "WHERE unit_path LIKE '%s%%';" % branch_path)
print("BEGIN;")
print("INSERT INTO events (at, type, entity, entity_id, unit_id, actor_id, payload, txid)")
print("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s)" % n)
print("SELECT %s, '%s', t.entity, CAST(20000000 + s.i AS TEXT), c.unit_id, t.actor_id, json_object(%s), 0" % (
    now, etype, ", ".join(parts)))
print("FROM s JOIN events t ON t.id = %s JOIN cust c ON c.k = (s.i * 40503) %% (SELECT count(*) FROM cust);" % template)
print("COMMIT;")
PY
}
fill_sql customer.note note >"$WORK/fill_base.sql"
fill_sql sale.completed purchase >"$WORK/fill_rule.sql"
load fill_before
T0=$(date +%s.%N); sqlite3 "$DB_BASE" <"$WORK/fill_base.sql"; T1=$(date +%s.%N)
sqlite3 "$DB" <"$WORK/fill_rule.sql"; T2=$(date +%s.%N)
load fill_after
FILL_BASE_S=$(python3 -c "print('%.1f' % ($T1 - $T0))")
FILL_RULE_S=$(python3 -c "print('%.1f' % ($T2 - $T1))")
echo "[bench] filled $EVENTS events twice (${FILL_BASE_S}s, ${FILL_RULE_S}s)"
sqlite3 "$DB" "SELECT payload FROM events WHERE id = $((START_ID + 1))" >"$WORK/sample_payload.txt"
sqlite3 "$DB" "SELECT payload FROM events WHERE id = $TEMPLATE_EVENT" >"$WORK/template_payload.txt"

# time the rules consumer's cursor from the server's start to the last id
consume() {  # name database
  local name=$1 db=$2 last
  last=$(sqlite3 "$db" "SELECT max(id) FROM events")
  load "${name}_before"
  local t0; t0=$(date +%s.%N)
  start_server "$db"
  if [ "$name" = rule ] && [ "$PERF" = 1 ]; then
    (sleep "${PERF_DELAY:-3}"; perf record ${PERF_ARGS:--F 499 -g} -o "$WORK/perf_rule.data" -p "$PID" -- sleep "$PERF_SECS" >"$WORK/perf.out" 2>&1) &
    PERF_PID=$!
  fi
  python3 - "$db" "$last" "$t0" "$START_ID" >"$WORK/consume_$name.txt" <<'PY'
import sqlite3, sys, time
db, last, t0, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
first = None
samples = []
while True:
    row = con.execute("SELECT last_id FROM outbox_cursors WHERE name = 'rules'").fetchone()
    at = time.time()
    cur = row[0] if row else 0
    if first is None and cur > start:
        first = (at, cur)
    samples.append((at - t0, cur))
    if cur >= last: break
    if at - t0 > 7200: sys.exit("the cursor did not reach %d in 2 h (at %d)" % (last, cur))
    time.sleep(0.1)
done = samples[-1][0]
n = last - start
# the steady rate: from the first poll that saw the cursor move to the end
steady = (last - first[1]) / (at - first[0]) if first and at > first[0] else float("nan")
print("events=%d wall_s=%.2f rate_wall=%.0f rate_steady=%.0f first_move_s=%.2f" % (
    n, done, n / done, steady, first[0] - t0 if first else -1))
PY
  if [ -n "$PERF_PID" ]; then wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""; fi
  load "${name}_after"
  cat "$WORK/consume_$name.txt"
}
echo "[bench] baseline: $EVENTS customer.note events (no rule listens)"
consume base "$DB_BASE"
RSS_BASE=$(rss)
stop_server
rm -f "$DB_BASE" "$DB_BASE-wal" "$DB_BASE-shm"
echo "[bench] rule: $EVENTS sale.completed events"
consume rule "$DB"
RSS1=$(rss)
perf_top rule
# checks, read-only while the server runs
sqlite3 "file:$DB?mode=ro" >"$WORK/checks1.txt" <<SQL
CREATE TEMP TABLE m AS SELECT id FROM events WHERE id > $START_ID AND type = 'sale.completed' AND json_extract(payload, '\$.amount_fen') >= $THRESHOLD;
CREATE TEMP TABLE tk AS SELECT event_id, count(*) AS n FROM callback_tasks WHERE rule_id = $RULE_ID GROUP BY event_id;
SELECT 'matching', count(*) FROM m;
SELECT 'tasks', (SELECT count(*) FROM callback_tasks WHERE rule_id = $RULE_ID);
SELECT 'missing', count(*) FROM m WHERE id NOT IN (SELECT event_id FROM tk);
SELECT 'duplicated', count(*) FROM tk WHERE n > 1;
SELECT 'unexpected', count(*) FROM tk WHERE event_id NOT IN (SELECT id FROM m);
SELECT 'firings', count(*) FROM rule_firings WHERE rule_id = $RULE_ID;
SELECT 'outcome:' || outcome, count(*) FROM rule_firings WHERE rule_id = $RULE_ID GROUP BY outcome;
SELECT 'agents_with_tasks', count(DISTINCT assignee_id) FROM callback_tasks WHERE rule_id = $RULE_ID;
SELECT 'load_min', min(open_tasks) FROM callback_agent_load;
SELECT 'load_max', max(open_tasks) FROM callback_agent_load;
SELECT 'load_sum', sum(open_tasks) FROM callback_agent_load;
SELECT 'open_tasks', count(*) FROM callback_tasks WHERE state IN ('pending', 'in_progress') AND assignee_id IS NOT NULL;
SELECT 'callback_created_events', count(*) FROM events WHERE type = 'callback.created';
SELECT 'overdue_now', count(*) FROM callback_tasks WHERE rule_id = $RULE_ID AND due_at < CAST(strftime('%s','now') AS INTEGER) * 1000;
SQL
cat "$WORK/checks1.txt"
# BENCH_STOP_AFTER=1: only the rules consumer (for working on it; no results file)
if [ "${BENCH_STOP_AFTER:-}" = 1 ]; then echo "[bench] stopping after case 1"; exit 0; fi

# --- 2. the agents' queues ----------------------------------------------------------------------
FIRST_TOKEN=$(head -1 "$WORK/tokens.txt")
curl -fsS -H "Authorization: Bearer $FIRST_TOKEN" "$BASE/api/v1/callbacks" | python3 -c '
import json, sys; b = json.load(sys.stdin)
print("items=%d total=%s overdue_first=%s held=%s" % (len(b["items"]), b.get("total"),
      all(x["overdue"] >= y["overdue"] for x, y in zip(b["items"], b["items"][1:])), b.get("held")))' >"$WORK/queue_check.txt"
cat "$WORK/queue_check.txt"
load queue_before
run_wrk base200 200 "$BASE_SECS" "$BASE/healthz"
run_wrk paced200 200 "$QUEUE_SECS" -s "$ROOT/bench/callbacks/queue.lua" "$BASE" -- "$WORK/tokens.txt" 2 1000
run_wrk queue200 200 "$QUEUE_SECS" -s "$ROOT/bench/callbacks/queue.lua" "$BASE" -- "$WORK/tokens.txt" 2
run_wrk base32 32 "$BASE_SECS" "$BASE/healthz"
run_wrk queue32 32 "$QUEUE_SECS" -s "$ROOT/bench/callbacks/queue.lua" "$BASE" -- "$WORK/tokens.txt" 2
load queue_after
RSS2=$(rss)
if [ "$PERF" = 1 ]; then  # not measured: a profile of the queue at -c32
  perf record -F 499 -g -o "$WORK/perf_queue.data" -p "$PID" -- sleep 10 >/dev/null 2>&1 &
  PERF_PID=$!
  wrk -t2 -c32 -d10s -s "$ROOT/bench/callbacks/queue.lua" "$BASE" -- "$WORK/tokens.txt" 2 >/dev/null 2>&1 || true
  wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""
  perf_top queue
fi
stop_server

# --- 3. the KPI dashboard ----------------------------------------------------------------------
# contribution() of store.cpp, per task, as SQL: cancelled tasks count nothing; the day is the
# local day (company offset) of due_at; the agent 0 when unassigned.
OFFSET_MS=$((480 * 60000))   # company.time_zone Asia/Shanghai, the default
ROLLUP_SELECT="SELECT (due_at + $OFFSET_MS) / 86400000 AS day, unit_id, min(unit_path), COALESCE(assignee_id, 0) AS agent, q_channel,
  count(*), sum(state = 'done'), sum(state = 'failed'), sum(state = 'done' AND attempts = 1), sum(attempts),
  sum(attempts > 0), sum(answer_id IS NOT NULL), sum(COALESCE(satisfied = 1, 0)), sum(hotline_told IS NOT NULL),
  sum(COALESCE(hotline_told = 1, 0)), sum(fault_fixed IS NOT NULL), sum(COALESCE(fault_fixed = 1, 0)), sum(dissatisfied > 0)
  FROM callback_tasks WHERE state <> 'cancelled' AND due_at + $OFFSET_MS >= 0"
# and the rows of every agent together (agent -1), which the dashboard reads unless grouped by agent
ROLLUP_ALL="${ROLLUP_SELECT/COALESCE(assignee_id, 0) AS agent/-1 AS agent} GROUP BY day, unit_id, q_channel"
ROLLUP_COLS="day, unit_id, unit_path, agent_id, q_channel, due, done, failed, first_call, attempts, attempted, answered, satisfied, hotline_asked, hotline_told, fault_asked, fault_fixed, dissatisfied_tasks"
# check 1: the bulk arithmetic equals the roll-up the service kept row by row for case 1's tasks
sqlite3 "$DB" >"$WORK/rollup_check1.txt" <<SQL
CREATE TEMP TABLE bulk AS $ROLLUP_SELECT GROUP BY day, unit_id, agent, q_channel UNION ALL $ROLLUP_ALL;
SELECT 'service_rows', count(*) FROM callback_daily WHERE due <> 0 OR done <> 0 OR failed <> 0;
SELECT 'bulk_rows', count(*) FROM bulk;
SELECT 'differ', (SELECT count(*) FROM (SELECT * FROM bulk EXCEPT SELECT $ROLLUP_COLS FROM callback_daily))
  + (SELECT count(*) FROM (SELECT $ROLLUP_COLS FROM callback_daily WHERE due <> 0 OR done <> 0 OR failed <> 0 EXCEPT SELECT * FROM bulk));
SQL
cat "$WORK/rollup_check1.txt"
TEMPLATE_TASK=$(sqlite3 "$DB" "SELECT min(id) FROM callback_tasks WHERE rule_id = $RULE_ID")
python3 - "$DB" "$TEMPLATE_TASK" "$TASKS" "$BRANCH_PATH" "$NOW_MS" >"$WORK/fill_tasks.sql" <<'PY'
import sqlite3, sys
db, template, n, branch_path, now = sys.argv[1:]
n, now = int(n), int(now)
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
cols = [r[1] for r in con.execute("PRAGMA table_info(callback_tasks)") if r[1] != "id"]
span = 365 * 86400000
# due over the past 365 days, increasing with i; states by i mod 25: 22 done (88 %), 2 failed
# (8 %), 1 cancelled (4 %); done tasks answered (attempts 1 for 70 %, 2 for 20 %, 3 for 10 %),
# satisfied 9 in 10, dissatisfied the others; asked about the 400 line 3 in 5 (told 5 in 7),
# asked whether the fault was fixed 2 in 5 (fixed 6 in 7)
done = "(s.i % 25 < 22)"
state = "CASE WHEN s.i % 25 < 22 THEN 'done' WHEN s.i % 25 < 24 THEN 'failed' ELSE 'cancelled' END"
due = "(%d - %d + s.i * %d / %d)" % (now, span, span, n)
override = {
    "kind": "'callback'", "event_id": "NULL", "dedupe_key": "'bench:' || s.i",
    "customer_id": "c.id", "asset_id": "NULL", "staff_id": "NULL", "unit_id": "c.unit_id", "unit_path": "c.unit_path",
    "state": state, "offer_at": due + " - 259200000", "due_at": due, "next_try_at": "NULL",
    "assignee_id": "a.id",
    "attempts": "CASE WHEN %s THEN (CASE WHEN s.i %% 10 < 7 THEN 1 WHEN s.i %% 10 < 9 THEN 2 ELSE 3 END) "
                "WHEN s.i %% 25 < 24 THEN 3 ELSE 0 END" % done,
    "max_attempts": "3",
    "last_outcome": "CASE WHEN %s THEN 'answered' WHEN s.i %% 25 < 24 THEN 'no_answer' ELSE '' END" % done,
    "answer_id": "CASE WHEN %s THEN 100000000 + s.i ELSE NULL END" % done,
    "channel": "CASE WHEN %s THEN (CASE WHEN s.i %% 4 = 0 THEN 'sms_link' ELSE 'phone' END) ELSE '' END" % done,
    "satisfied": "CASE WHEN %s THEN (s.i %% 10 <> 3) ELSE NULL END" % done,
    "dissatisfied": "CASE WHEN %s AND s.i %% 10 = 3 THEN 1 + s.i %% 3 ELSE 0 END" % done,
    "hotline_told": "CASE WHEN %s AND s.i %% 5 < 3 THEN (s.i %% 7 < 5) ELSE NULL END" % done,
    "fault_fixed": "CASE WHEN %s AND s.i %% 5 >= 3 THEN (s.i %% 7 <> 2) ELSE NULL END" % done,
    "ticket_ids": "'[]'", "verifies_ticket_id": "NULL",
    "done_at": "CASE WHEN s.i %% 25 < 24 THEN %s - 3600000 ELSE NULL END" % due,
    "close_reason": "CASE WHEN s.i % 25 = 24 THEN 'customer_request' ELSE '' END",
    "link_sent_at": "NULL",
    "created_at": due + " - 259200000", "updated_at": due + " - 3600000",
    "version": "CASE WHEN s.i % 25 < 24 THEN 2 ELSE 1 END",
}
exprs = [override.get(c, "t." + c) for c in cols]
# customers by (i * 40503) mod count: the store follows i mod 4 (customers were imported round robin
# over the 4 stores); agents by (i / 4) mod count, so every agent has tasks of every store every day
print("CREATE TEMP TABLE cust (k INTEGER PRIMARY KEY, id INTEGER, unit_id INTEGER, unit_path TEXT);")
print("INSERT INTO cust SELECT row_number() OVER (ORDER BY id) - 1, id, unit_id, unit_path FROM customers "
      "WHERE unit_path LIKE '%s%%';" % branch_path)
print("CREATE TEMP TABLE ag (k INTEGER PRIMARY KEY, id INTEGER);")
print("INSERT INTO ag SELECT row_number() OVER (ORDER BY id) - 1, id FROM users WHERE username LIKE 'bench-a%';")
print("BEGIN;")
print("INSERT INTO callback_tasks (%s)" % ", ".join(cols))
print("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)" % n)
print("SELECT %s" % ",\n  ".join(exprs))
print("FROM s JOIN callback_tasks t ON t.id = %s JOIN cust c ON c.k = (s.i * 40503) %% (SELECT count(*) FROM cust) "
      "JOIN ag a ON a.k = (s.i / 4) %% (SELECT count(*) FROM ag);" % template)
print("COMMIT;")
PY
load kpi_fill_before
T0=$(date +%s.%N)
sqlite3 "$DB" <"$WORK/fill_tasks.sql"
T1=$(date +%s.%N)
# the roll-up rebuilt in bulk: the same rows the service would have written task by task
sqlite3 "$DB" <<SQL
BEGIN;
DELETE FROM callback_daily;
INSERT INTO callback_daily ($ROLLUP_COLS) $ROLLUP_SELECT GROUP BY day, unit_id, agent, q_channel UNION ALL $ROLLUP_ALL;
COMMIT;
SQL
T2=$(date +%s.%N)
load kpi_fill_after
TASKS_FILL_S=$(python3 -c "print('%.1f' % ($T1 - $T0))")
ROLLUP_S=$(python3 -c "print('%.1f' % ($T2 - $T1))")
TOTAL_TASKS=$(sqlite3 "$DB" "SELECT count(*) FROM callback_tasks")
DAILY_ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM callback_daily")
DBSIZE=$(du -sm "$DB" | cut -f1)
echo "[bench] $TOTAL_TASKS tasks (fill ${TASKS_FILL_S}s), callback_daily $DAILY_ROWS rows (rebuilt in ${ROLLUP_S}s), db ${DBSIZE} MiB"
# the 12 months (local days): the last 365 days up to today
read -r FROM TO SAMPLE_MONTH < <(python3 -c "
import datetime
today = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
m = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
print(today - datetime.timedelta(days=364), today, m.strftime('%Y-%m'))")
FROM_DAY=$(python3 -c "import datetime; print((datetime.date.fromisoformat('$FROM') - datetime.date(1970,1,1)).days)")
TO_DAY=$(python3 -c "import datetime; print((datetime.date.fromisoformat('$TO') - datetime.date(1970,1,1)).days + 1)")
# check 2: one month, the roll-up against a direct SUM over callback_tasks
MONTH_LO=$(python3 -c "import datetime; print((datetime.date.fromisoformat('$SAMPLE_MONTH-01') - datetime.date(1970,1,1)).days)")
MONTH_HI=$(python3 -c "
import datetime; d = datetime.date.fromisoformat('$SAMPLE_MONTH-01'); n = (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
print((n - datetime.date(1970,1,1)).days)")
SUMS="sum(due), sum(done), sum(failed), sum(first_call), sum(attempts), sum(attempted), sum(answered), sum(satisfied), sum(hotline_asked), sum(hotline_told), sum(fault_asked), sum(fault_fixed), sum(dissatisfied_tasks)"
sqlite3 "file:$DB?mode=ro" >"$WORK/rollup_check2.txt" <<SQL
SELECT 'rollup', $SUMS FROM callback_daily WHERE agent_id >= 0 AND day >= $MONTH_LO AND day < $MONTH_HI;
SELECT 'rollup_all', $SUMS FROM callback_daily WHERE agent_id = -1 AND day >= $MONTH_LO AND day < $MONTH_HI;
SELECT 'direct', count(*), sum(state = 'done'), sum(state = 'failed'), sum(state = 'done' AND attempts = 1), sum(attempts),
  sum(attempts > 0), sum(answer_id IS NOT NULL), sum(satisfied = 1), sum(hotline_told IS NOT NULL), sum(hotline_told = 1),
  sum(fault_fixed IS NOT NULL), sum(fault_fixed = 1), sum(dissatisfied > 0)
  FROM callback_tasks WHERE state <> 'cancelled' AND due_at >= $MONTH_LO * 86400000 - $OFFSET_MS AND due_at < $MONTH_HI * 86400000 - $OFFSET_MS;
SQL
cat "$WORK/rollup_check2.txt"
start_server "$DB"
load kpi_before
python3 - "$BASE" "$TOKEN" "$FROM" "$TO" "$KPI_CALLS" >"$WORK/kpi_http.txt" <<'PY'
import http.client, json, sys, time, urllib.parse
base, token, frm, to, calls = sys.argv[1:]
u = urllib.parse.urlparse(base)
con = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
def pct(xs, p):
    xs = sorted(xs); k = (len(xs) - 1) * p / 100.0; f = int(k)
    return xs[f] + (xs[min(f + 1, len(xs) - 1)] - xs[f]) * (k - f)
for group in ("month", "unit"):
    path = "/api/v1/callbacks/kpis?from=%s&to=%s&group=%s" % (frm, to, group)
    times, body = [], None
    for _ in range(int(calls)):
        t = time.perf_counter()
        con.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = con.getresponse(); data = r.read()
        times.append((time.perf_counter() - t) * 1000)
        if r.status != 200: sys.exit("%s answered %d: %s" % (path, r.status, data[:300]))
        body = json.loads(data)
    total = body["total"]
    due = total.get("counts", {}).get("due")
    print("%s p50=%.1f p99=%.1f max=%.1f rows=%d due=%s callback_rate=%s satisfaction=%s" % (
        group, pct(times, 50), pct(times, 99), max(times), len(body["rows"]), due,
        total.get("callback_rate"), body.get("overall_satisfaction")))
PY
load kpi_after
cat "$WORK/kpi_http.txt"
RSS3=$(rss)
if [ "$PERF" = 1 ]; then  # not measured: a profile of 10 dashboard calls by month
  perf record -F 499 -g -o "$WORK/perf_kpi.data" -p "$PID" >/dev/null 2>&1 &
  PERF_PID=$!
  sleep 1
  for _ in $(seq 1 10); do curl -fsS -o /dev/null -H "$AUTH" "$BASE/api/v1/callbacks/kpis?from=$FROM&to=$TO&group=month" || true; done
  kill -INT "$PERF_PID" 2>/dev/null || true; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""
  perf_top kpi
fi
# the same figures straight from callback_tasks (what the dashboard would cost without the roll-up)
python3 - "$DB" "$FROM_DAY" "$TO_DAY" "$OFFSET_MS" "$BRANCH_PATH" "$TASKS" >"$WORK/kpi_sql.txt" <<'PY'
import sqlite3, sys, time
db, lo, hi, off, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
runs_one = int(sys.argv[6]) > 1000000  # a 5M-row scan is slow enough to run once (the cache is warm from the roll-up rebuild)
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
sums = ("count(*), sum(state = 'done'), sum(state = 'failed'), sum(state = 'done' AND attempts = 1), sum(attempts), "
        "sum(attempts > 0), sum(answer_id IS NOT NULL), sum(satisfied = 1), sum(hotline_told IS NOT NULL), "
        "sum(hotline_told = 1), sum(fault_fixed IS NOT NULL), sum(fault_fixed = 1), sum(dissatisfied > 0)")
where = ("FROM callback_tasks WHERE unit_path LIKE '/1/%%' AND state <> 'cancelled' AND due_at >= %d AND due_at < %d" % (
    lo * 86400000 - off, hi * 86400000 - off))
q = {"month": "SELECT strftime('%%Y-%%m', (due_at + %d) / 1000, 'unixepoch') AS k, %s %s GROUP BY k" % (off, sums, where),
     "unit": "SELECT unit_id, %s %s GROUP BY unit_id" % (sums, where)}
for name, sql in q.items():
    best, rows = None, 0
    for _ in range(1 if runs_one else 2):
        t = time.perf_counter(); rows = len(con.execute(sql).fetchall()); d = (time.perf_counter() - t) * 1000
        best = d if best is None else min(best, d)
    plan = " / ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql))
    print("%s best_ms=%.0f rows=%d plan=%s" % (name, best, rows, plan))
PY
cat "$WORK/kpi_sql.txt"
stop_server

# --- results ---------------------------------------------------------------------------------
mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/callbacks-$(date +%F).md"
[ -e "$OUT" ] && OUT="$ROOT/bench/results/callbacks-$(date +%F-%H%M).md"  # keep earlier results
SQLITE_LIB=$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')
python3 - "$WORK" "$OUT" "$VERSION" "$SQLITE_LIB" "$EVENTS" "$NCUST" "$NAGENTS" "$TASKS" "$THRESHOLD" \
  "$FILL_BASE_S" "$FILL_RULE_S" "$TASKS_FILL_S" "$ROLLUP_S" "$TOTAL_TASKS" "$DAILY_ROWS" "$DBSIZE" \
  "$RSS_BASE" "$RSS1" "$RSS2" "$RSS3" "$QUEUE_SECS" "$BASE_SECS" "$KPI_CALLS" "$FROM" "$TO" "$SAMPLE_MONTH" \
  "$PERF" "$PERF_SECS" "$SETUP_AGENTS_S" "$SETUP_IMPORT_S" "$BUILD/src/kefu" "$(sha256sum "$BIN" | cut -c1-12)" \
  "$ROOT" "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo '+changes')" <<'PY'
import os, platform, re, sys, time
(work, out, version, sqlite_lib, events, ncust, nagents, tasks, threshold, fill_base_s, fill_rule_s,
 tasks_fill_s, rollup_s, total_tasks, daily_rows, dbsize, rss_base, rss1, rss2, rss3, queue_s, base_s,
 kpi_calls, frm, to, sample_month, perf, perf_s, setup_agents_s, setup_import_s, binpath, binsha, rootdir,
 head) = sys.argv[1:]
rd = lambda f: open(os.path.join(work, f)).read() if os.path.exists(os.path.join(work, f)) else ""

def kv(line):
    return dict(x.split("=", 1) for x in line.split() if "=" in x)

def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v or "")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)] if m else None

def parse(name):
    t = rd("w_%s.txt" % name)
    g = lambda p: (re.search(p, t, re.M) or [None, None])[1]
    bad = g(r"non-20\d answers: (\d+)") or g(r"Non-2xx or 3xx responses:\s+(\d+)") or "0"
    return {"rps": float(g(r"Requests/sec:\s+([\d.]+)") or 0), "p50": ms(g(r"^\s+50%\s+(\S+)")),
            "p99": ms(g(r"^\s+99%\s+(\S+)")), "n": int(g(r"(\d+) requests in") or 0), "bad": int(bad),
            "errors": (g(r"(Socket errors:.*)$") or "")}

fmt = lambda v: "n/a" if v is None else ("%.2f ms" % v)
mib = lambda kb: "%.0f MiB" % (int(kb) / 1024) if kb else "n/a"
loads = dict((l.split()[0], " ".join(l.split()[1:])) for l in rd("load.txt").splitlines() if l.strip())
ld = lambda k: "%s → %s" % (loads.get(k + "_before", "?"), loads.get(k + "_after", "?"))
cpu = "?"
for l in open("/proc/cpuinfo"):
    if l.startswith("model name"):
        cpu = l.split(":", 1)[1].strip(); break
checks = {}
for l in rd("checks1.txt").splitlines():
    if "|" in l:
        k, v = l.split("|", 1); checks[k] = v
base, rule = kv(rd("consume_base.txt")), kv(rd("consume_rule.txt"))
L = []
L.append("# Callbacks benchmark, %s\n" % time.strftime("%Y-%m-%d %H:%M"))
L.append("kefu `%s`, SQLite %s (WAL, `synchronous=FULL`), one `kefu serve` with the defaults "
         "(`events.batch_size` %s, `jobs.poll_ms` 500, 4 reader connections); wrk -t2 and the server on the "
         "same machine (%d CPUs, %s; %s; %s MiB RAM). **The machine is shared** "
         "(other people's builds and benchmarks; load averages, 1/5/15 min, before → after each case are in "
         "the tables): absolute numbers are noisy, the ratios to the baselines measured in the same run are "
         "the comparable figures.\n" % (version, sqlite_lib, os.environ.get("BENCH_BATCH_SIZE") or "1000, the default", os.cpu_count(), cpu, platform.platform(),
                                         os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20))
L.append("Binary: `%s` (sha256 %s…), tree `%s` at `%s`.\n" % (binpath, binsha, rootdir, head))
L.append("Produced by `bench/callbacks.sh` (wrk script `bench/callbacks/queue.lua`). Setup through the API: "
         "a branch (杭州分公司, 4 stores) with %s agents (role agent, %s s) and a supervisor; %s customers by "
         "`POST /api/v1/customers/import` (CSV, 2,000 rows per file, %s s); one purchase through "
         "`POST /api/v1/customers/{id}/events` (the template of the events' shape); one rule on `sale.completed`, "
         "condition `event.amount_fen >= %s`, action `callback` (questionnaire `store_purchase`, due 72 h, "
         "balanced assignment over the branch's agents). Setup load: %s.\n" % (
             nagents, setup_agents_s, ncust, setup_import_s, threshold, ld("setup")))

# ---- case 1
L.append("## 1. Rule evaluation of %s events\n" % "{:,}".format(int(events)))
L.append("With the server stopped, the database was copied and %s events were added to `events` by one "
         "`INSERT ... WITH RECURSIVE` in the sqlite3 CLI into each file (%s s and %s s; load %s): the "
         "payload is the template purchase's, key for key (`customer_id` over all %s customers, their store as "
         "`unit_id`, `amount_fen` = (i × 7919) mod 100,000 so exactly 5 %% are ≥ %s, `occurred_at` within the "
         "last 96 hours: nothing stale, and with due = occurred + 72 h a quarter of the tasks are overdue "
         "at once, which case 2's \"overdue first\" order needs; the payload's `id` is synthetic, no "
         "`customer_events` rows were added). The original got them as `sale.completed` (the rule's trigger); "
         "the copy as `customer.note`, which no rule listens to: **the baseline** — the same consumer "
         "(`rules`), the same cursor, batches and commits, the rule cache looked up and nothing to evaluate, "
         "i.e. the pure outbox delivery cost. Each file was then served alone and the consumer's cursor "
         "(`outbox_cursors`, polled read-only every 0.1 s) timed from the server's launch to the last id.\n" % (
             "{:,}".format(int(events)), fill_base_s, fill_rule_s, ld("fill"), ncust, threshold))
rate = float(rule.get("rate_wall", 0)); brate = float(base.get("rate_wall", 0))
L.append("| run | events | wall time (launch → last id) | events/s | steady events/s | ratio to baseline | target | load before → after |")
L.append("|---|---:|---:|---:|---:|---:|---|---|")
L.append("| baseline: `customer.note` (no rule) | %s | %s s | %s | %s | 1.000 | | %s |" % (
    base.get("events"), base.get("wall_s"), base.get("rate_wall"), base.get("rate_steady"), ld("base")))
L.append("| `sale.completed`, rule + callback action | %s | %s s | %s | %s | %.3f | ≥ 50,000 events/s: **%s** | %s |" % (
    rule.get("events"), rule.get("wall_s"), rule.get("rate_wall"), rule.get("rate_steady"),
    rate / (brate or 1), "met" if rate >= 50000 else "NOT met", ld("rule")))
L.append("")
L.append("(\"steady\": from the first poll that saw the cursor move to the end, i.e. without the server's start-up.)\n")
L.append("Checks on the database after the rule run (SQL in the script):\n")
L.append("| check | value |")
L.append("|---|---:|")
labels = [("matching", "events matching the rule (sale.completed, amount_fen ≥ %s)" % threshold),
          ("tasks", "callback tasks created by the rule"), ("missing", "matching events without a task"),
          ("duplicated", "events with more than one task"), ("unexpected", "tasks for events that do not match"),
          ("firings", "rule_firings rows")]
for k, label in labels:
    L.append("| %s | %s |" % (label, checks.get(k, "?")))
for k, v in checks.items():
    if k.startswith("outcome:"):
        L.append("| firings with outcome `%s` | %s |" % (k[8:], v))
L.append("| agents given tasks | %s |" % checks.get("agents_with_tasks", "?"))
L.append("| open tasks per agent (callback_agent_load), min / max | %s / %s |" % (checks.get("load_min"), checks.get("load_max")))
L.append("| sum of callback_agent_load = open assigned tasks | %s = %s |" % (checks.get("load_sum"), checks.get("open_tasks")))
L.append("| `callback.created` events published | %s |" % checks.get("callback_created_events", "?"))
L.append("")
try:
    m, t = int(checks.get("matching", "0")), int(checks.get("tasks", "0"))
    ok = m == t and checks.get("missing") == "0" and checks.get("duplicated") == "0" and checks.get("unexpected") == "0"
    L.append("Tasks: %s of %s events = %.2f %%; **every matching event has exactly one task: %s**.\n" % (
        t, events, 100.0 * t / int(events), "yes" if ok else "NO"))
except ValueError:
    pass
L.append("Server RSS after the baseline run: %s; after the rule run: %s.\n" % (mib(rss_base), mib(rss1)))
def profile(name, what):
    if perf != "1" or not rd("perf_%s_self.txt" % name): return
    L.append("### Profile: %s\n" % what)
    L.append("By shared object (`perf report --no-children --sort dso`):\n")
    L.append("```\n%s```\n" % rd("perf_%s_dso.txt" % name))
    L.append("Top frames by own time (`perf report --no-children`, ≥ 1.5 %; all threads of the server; the "
             "binary is RelWithDebInfo without frame pointers, so call chains are partial and left out):\n")
    L.append("```\n%s```\n" % rd("perf_%s_self.txt" % name))
profile("rule", "the rule run (`perf record -F 499 -g -p <kefu serve>` for %s s, from 3 s after the launch; "
        "it runs during the timed run, at a small cost to it)" % perf_s)

# ---- case 2
L.append("## 2. Queue fetch for %s agents working concurrently\n" % nagents)
L.append("Each agent's own queue, `GET /api/v1/callbacks` (view `mine`, 50 per page, overdue first), over the "
         "tasks of case 1 (≈ %s open per agent), with each agent's read-scope API token (`kefu token create`, "
         "one per agent). `bench/callbacks/queue.lua`: wrk has no per-connection hook, so each of the 2 threads "
         "sends its half of the tokens round robin over its connections — at -c200 the requests in flight "
         "belong to 200 different agents. First page of one agent: %s. Each run follows `GET /healthz` at the same "
         "connections; %s s per queue run, %s s per baseline. Load %s.\n" % (
             checks.get("load_max", "?"), rd("queue_check.txt").strip(), queue_s, base_s, ld("queue")))
L.append("**200 agents at work** (the target's case): each of the 200 connections carries one agent who looks "
         "at their queue about once a second (a random pause of 0.5–1.5 s before each request, `queue.lua`'s "
         "pace argument), so about 200 requests a second arrive whatever the answers' latency, and the latency "
         "is what an agent waits. Baseline: `GET /healthz` at -c200 in a closed loop, just before.\n")
L.append("| request | connections | pace | req/s | p50 | p99 | p99 ratio to healthz's | target p99 < 20 ms | requests | failed |")
L.append("|---|---:|---|---:|---:|---:|---:|---|---:|---:|")
b, q = parse("base200"), parse("paced200")
met = q["p99"] is not None and q["p99"] < 20 and q["bad"] == 0
L.append("| GET /api/v1/callbacks (own queue) | 200 | 1 request / agent / ~1 s | %.0f | %s | %s | %s | **%s** | %d | %d |" % (
    q["rps"], fmt(q["p50"]), fmt(q["p99"]),
    "%.2f" % (q["p99"] / b["p99"]) if q["p99"] and b["p99"] else "n/a", "met" if met else "NOT met", q["n"], q["bad"]))
L.append("")
L.append("**Capacity** (closed loop: every connection asks again the moment its answer arrives, so the latency "
         "is connections ÷ throughput; no target, shown so a change in cost per request is visible):\n")
L.append("| request | connections | req/s | p50 | p99 | ratio to healthz (req/s) | requests | failed |")
L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
for c in ("200", "32"):
    b, q = parse("base" + c), parse("queue" + c)
    L.append("| GET /healthz (baseline) | %s | %.0f | %s | %s | 1.000 | %d | %d |" % (
        c, b["rps"], fmt(b["p50"]), fmt(b["p99"]), b["n"], b["bad"]))
    L.append("| GET /api/v1/callbacks (own queue) | %s | %.0f | %s | %s | %.3f | %d | %d |" % (
        c, q["rps"], fmt(q["p50"]), fmt(q["p99"]), q["rps"] / (b["rps"] or 1), q["n"], q["bad"]))
errs = [(n, parse(n)["errors"]) for n in ("base200", "paced200", "queue200", "base32", "queue32") if parse(n)["errors"]]
L.append("")
if errs:
    L.append("wrk socket errors: %s.\n" % "; ".join("%s: %s" % e for e in errs))
L.append("Server RSS after case 2: %s.\n" % mib(rss2))
profile("queue", "the queue (a further 10 s at -c32 after the measured runs, not measured)")

# ---- case 3
L.append("## 3. KPI dashboard over %s answered tasks\n" % "{:,}".format(int(tasks)))
c1 = dict(l.split("|", 1) for l in rd("rollup_check1.txt").splitlines() if "|" in l)
c2 = [l.split("|") for l in rd("rollup_check2.txt").splitlines() if "|" in l]
L.append("With the server stopped, %s finished tasks were added to `callback_tasks` by one "
         "`INSERT ... WITH RECURSIVE` (%s s): every column of a task the rule created, with due times spread "
         "evenly over the past 365 days, the branch's customers and stores, the %s agents; 88 %% done (answered: "
         "`answer_id` set — synthetic, no `survey_answers` rows; attempts 1/2/3 for 70/20/10 %%, satisfied 9 in 10, "
         "asked about the 400 line 3 in 5, about the fault 2 in 5), 8 %% failed after 3 attempts, 4 %% "
         "cancelled. %s tasks in all, database %s MiB.\n" % (
             "{:,}".format(int(tasks)), tasks_fill_s, nagents, total_tasks, dbsize))
L.append("**The roll-up `callback_daily` was rebuilt in bulk** (%s s; %s rows): `DELETE` and one "
         "`INSERT ... SELECT ... GROUP BY` (local day of `due_at` at +08:00, unit, agent or 0, questionnaire "
         "channel) whose sums are `contribution()` of `src/modules/callbacks/store.cpp` term by term (cancelled "
         "tasks count nothing; due, done, failed, done at the first attempt, attempts, attempted, answered, "
         "satisfied, asked/told the 400 line, asked/fixed, dissatisfied). It equals what the service maintains "
         "row by row: checked twice —\n" % (rollup_s, daily_rows))
L.append("- before the fill, against the roll-up the service itself had written for case 1's %s tasks: "
         "%s service rows (non-zero), %s bulk rows, **%s rows differ**;" % (
             checks.get("tasks", "?"), c1.get("service_rows", "?"), c1.get("bulk_rows", "?"), c1.get("differ", "?")))
if len(c2) == 2:
    same = c2[0][1:] == c2[1][1:]
    L.append("- after it, for the month %s, the 13 sums of `callback_daily` against a direct SUM over "
             "`callback_tasks`: roll-up `%s`, direct `%s`: **%s**.\n" % (
                 sample_month, " ".join(c2[0][1:]), " ".join(c2[1][1:]), "equal" if same else "DIFFERENT"))
kh = {l.split()[0]: kv(l) for l in rd("kpi_http.txt").splitlines() if l.strip()}
ks = {l.split()[0]: l for l in rd("kpi_sql.txt").splitlines() if l.strip()}
L.append("Then the server was restarted and `GET /api/v1/callbacks/kpis?from=%s&to=%s&group=…` (12 months) was "
         "called %s times in a row per grouping with the admin's token on one keep-alive connection (the "
         "dashboard's latency, not a throughput test). Load %s. \"Without roll-up\": the same 13 sums straight "
         "from `callback_tasks` in SQLite (Python's sqlite3 on the same file, warm cache; best of 2, or one run above 1,000,000 tasks) — what "
         "the dashboard would cost without `callback_daily`.\n" % (frm, to, kpi_calls, ld("kpi")))
L.append("| request | p50 | p99 | max | rows | target p99 < 300 ms | without roll-up (SQL on callback_tasks) | ratio |")
L.append("|---|---:|---:|---:|---:|---|---:|---:|")
for g in ("month", "unit"):
    h = kh.get(g, {}); s = kv(ks.get(g, ""))
    p99 = float(h.get("p99", "nan"))
    sql_ms = float(s.get("best_ms", "nan"))
    L.append("| kpis, 12 months, group=%s | %s ms | %s ms | %s ms | %s | **%s** | %s ms | %.0f× |" % (
        g, h.get("p50"), h.get("p99"), h.get("max"), h.get("rows"), "met" if p99 < 300 else "NOT met",
        s.get("best_ms"), sql_ms / float(h.get("p50", "nan"))))
L.append("")
for g in ("month", "unit"):
    h = kh.get(g, {})
    L.append("- group=%s: total due %s, callback rate %s, overall satisfaction %s." % (
        g, h.get("due"), h.get("callback_rate"), h.get("satisfaction")))
L.append("")
L.append("Query plans of the \"without roll-up\" SQL:\n")
for g in ("month", "unit"):
    plan = ks.get(g, "").split("plan=", 1)[-1]
    L.append("- %s: `%s`" % (g, plan))
L.append("")
L.append("Server RSS after case 3: %s.\n" % mib(rss3))
profile("kpi", "the dashboard (10 further calls by month after the measured ones, not measured)")
doc = "\n".join(L)
open(out, "w").write(doc)
print(doc)
print("written to %s" % out)
PY
