#!/usr/bin/env bash
# Tickets on SQLite (WAL, synchronous=FULL): creation through the API, then the queues, the
# searches and the ticket page over a large generated table; each next to GET /healthz at the
# same connections in the same run. Results: bench/results/tickets-<date>.md.
#
#   bench/tickets.sh [build-dir] [rows]        (default: build 1000000)
#
# 1. POST /api/v1/tickets, wrk -c32 for $CREATE_SECS (20) s (bench/tickets/create.lua), vs healthz -c32.
# 2. Stop the server, fill `tickets` to <rows> rows with one INSERT ... WITH RECURSIVE in the
#    sqlite3 CLI, copying the shape of a ticket created through the API (columns read from the
#    live schema), over the org units created through the API; restart, then at -c8 for
#    $READ_SECS (15) s each: queue=all for the admin, queue=all for an agent of one small branch,
#    q=<a ticket number>, q=<a common Chinese word>, q=<a rare Chinese word>, queue=due_soon
#    for the admin and for the small branch, state=open for the small branch, GET one ticket.
#    EXPLAIN QUERY PLAN and the sqlite3 time of each list query's SQL (the shape of
#    store::list in src/modules/tickets/store.cpp) go into the results too.
# 3. The ticket page's reads (GET /api/v1/tickets/{id} + GET /api/v1/ticket-root-causes), -c8.
#
# The first run found a deadlock with the default database.pool_size (4 SQLite readers):
# nested reads in the tickets service (bench/results/tickets-2026-11-25-before-fixes.md). It
# is fixed; BENCH_POOL_SIZE still sets the pool for a run. A server that stops answering reads after a case is recorded as wedged, its thread
# stacks are kept (with BENCH_KEEP=1) and it is restarted, so the run always finishes.
#
# The binary is copied into the work directory first, so a rebuild during the run changes
# nothing. Needs wrk, curl, python3, sqlite3. Set BENCH_KEEP=1 to keep the work directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
ROWS=${2:-1000000}
CREATE_SECS=${CREATE_SECS:-20}
READ_SECS=${READ_SECS:-15}
BASE_SECS=${BASE_SECS:-10}
PASSWORD='Bench-Passw0rd-1'
AGENT_PASSWORD='Agent-Passw0rd-1'

for tool in wrk curl python3 sqlite3; do
  command -v $tool >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
[ -x "$BUILD/src/kefu" ] || { echo "no kefu binary at $BUILD/src/kefu" >&2; exit 2; }

WORK=$(mktemp -d /tmp/kefu-bench-tickets.XXXXXX)
cp "$BUILD/src/kefu" "$WORK/kefu"
BIN="$WORK/kefu"
DB="$WORK/kefu.db"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
CONFIG="$WORK/kefu.toml"
cat >"$CONFIG" <<EOF
[server]
listen = "127.0.0.1:$PORT"

[database]
url = "sqlite://$DB"
EOF
export KEFU_DATABASE_URL="sqlite://$DB" KEFU_SERVER_LISTEN="127.0.0.1:$PORT" KEFU_LOG_LEVEL=warn
# BENCH_POOL_SIZE sets database.pool_size (SQLite reader connections); unset: the default
[ -n "${BENCH_POOL_SIZE:-}" ] && export KEFU_DATABASE_POOL_SIZE="$BENCH_POOL_SIZE"
AUTH=""

PID=""
stop_server() {  # SIGTERM, then SIGKILL after 15 s (a wedged server never finishes its requests)
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && { echo "[bench] kefu serve still up 15 s after SIGTERM: SIGKILL"; kill -KILL "$PID" 2>/dev/null || true; }
    wait "$PID" 2>/dev/null || true
  fi
  PID=""
}
cleanup() {
  stop_server
  if [ -n "${BENCH_KEEP:-}" ]; then echo "[bench] kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {
  "$BIN" --config "$CONFIG" serve >>"$WORK/serve.out" 2>>"$WORK/serve.err" &
  PID=$!
  for _ in $(seq 1 600); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || { echo "kefu serve exited:"; cat "$WORK/serve.out" "$WORK/serve.err"; exit 1; }
    sleep 0.1
  done
  echo "kefu never became ready" >&2
  exit 1
}

WEDGED=""
run_wrk() {  # name, connections, seconds, then wrk arguments
  local name=$1 conns=$2 secs=$3; shift 3
  echo "[bench] $name: wrk -t2 -c$conns -d${secs}s --latency $*"
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" >"$WORK/w_$name.txt" 2>&1 || true
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx|non-20|first non|Socket errors" "$WORK/w_$name.txt" || true
  # a server that no longer answers a database read is wedged: say so, keep its threads, restart it
  if ! curl -fsS -m 5 -H "$AUTH" "$BASE/api/v1/ticket-root-causes" >/dev/null 2>&1; then
    echo "[bench] $name: the server stopped answering database reads (wedged); restarting it"
    echo "WEDGED" >>"$WORK/w_$name.txt"
    WEDGED="$WEDGED $name"
    command -v gdb >/dev/null && timeout 60 gdb -p "$PID" -batch -ex "thread apply all bt 20" \
      >"$WORK/stacks_$name.txt" 2>/dev/null || true
    kill -KILL "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=""
    start_server
  fi
}

echo "[bench] init $DB"
"$BIN" --config "$CONFIG" init --admin-user admin --admin-password "$PASSWORD" --org-name "压测总部" \
  >"$WORK/init.out" 2>&1 || { cat "$WORK/init.out"; exit 1; }
start_server

# --- tokens, org units, the agent of the small branch, one ticket to copy -----------------
python3 - "$BASE" "$PASSWORD" "$AGENT_PASSWORD" >"$WORK/setup.env" <<'PY'
import http.cookiejar, json, sys, urllib.request, urllib.error
base, password, agent_password = sys.argv[1:]

def call(method, path, body=None, token=None, opener=None, csrf=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token: req.add_header("Authorization", "Bearer " + token)
    if csrf: req.add_header("X-CSRF-Token", csrf)
    try:
        with (opener or urllib.request.build_opener()).open(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")

def must(res, want=(200, 201)):
    code, body = res
    if code not in want:
        sys.exit("setup call answered %s: %s" % (code, body))
    return body

def sign_in(username, pw, scopes):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    s = must(call("POST", "/api/v1/session", {"username": username, "password": pw}, opener=opener))
    code, t = call("POST", "/api/v1/tokens", {"name": "bench", "scopes": scopes}, opener=opener,
                   csrf=s["csrf_token"])
    cookie = "; ".join("%s=%s" % (c.name, c.value) for c in jar)
    return (t["token"] if code in (200, 201) else ""), cookie

token, _ = sign_in("admin", password, ["read", "write"])
head = must(call("GET", "/api/v1/me", token=token))["unit"]["id"]
paths = {head: "/%d/" % head}  # the API does not show paths: "/1/4/9/" is ancestors then itself
def unit(parent, code, name, kind):
    u = must(call("POST", "/api/v1/org/units",
                  {"parent_id": parent, "code": code, "name": name, "kind": kind}, token=token))
    u["path"] = paths[u["id"]] = paths[parent] + "%d/" % u["id"]
    return u
re_, rs = unit(head, "R-E", "华东大区", "region"), unit(head, "R-S", "华南大区", "region")
branches = {"SH": unit(re_["id"], "SH", "上海分公司", "branch"), "HZ": unit(re_["id"], "HZ", "杭州分公司", "branch"),
            "GZ": unit(rs["id"], "GZ", "广州分公司", "branch"), "SZ": unit(rs["id"], "SZ", "深圳分公司", "branch"),
            "QZ": unit(re_["id"], "QZ", "衢州分公司", "branch")}
stores = [unit(branches["SH"]["id"], "SH-01", "上海徐汇店", "store"), unit(branches["SH"]["id"], "SH-02", "上海浦东店", "store"),
          unit(branches["HZ"]["id"], "HZ-01", "杭州西湖店", "store"), unit(branches["GZ"]["id"], "GZ-01", "广州天河店", "store"),
          unit(branches["SZ"]["id"], "SZ-01", "深圳南山店", "store"), unit(branches["QZ"]["id"], "QZ-01", "衢州柯城店", "store")]
small = branches["QZ"]
must(call("POST", "/api/v1/users", {"username": "qz-agent", "display_name": "衢州坐席", "password": agent_password,
                                    "unit_id": small["id"], "roles": ["agent"]}, token=token))
agent_token, agent_cookie = sign_in("qz-agent", agent_password, ["read"])
t = must(call("POST", "/api/v1/tickets", {"kind": "complaint", "channel": "hotline", "subject": "空调漏水（模板工单）",
                                          "contact_name": "张三", "contact_phone": "13800000000",
                                          "unit_id": stores[0]["id"]}, token=token), (201,))
must(call("POST", "/api/v1/tickets/%d/steps" % t["id"], {"action": "accept"}, token=token))
# units for the fill: every store and branch, as "id|path" (the small branch's two last)
fill_units = [u for u in stores if u["code"] != "QZ-01"] + [b for k, b in branches.items() if k != "QZ"]
print("TOKEN=%s" % token)
print("AGENT_AUTH=%s" % json.dumps(("Authorization: Bearer " + agent_token) if agent_token else ("Cookie: " + agent_cookie)))
print("AGENT_AUTH_KIND=%s" % ("bearer" if agent_token else "session-cookie"))
print("TEMPLATE_ID=%d" % t["id"])
print("SMALL_ID=%d SMALL_PATH=%s SMALL_STORE_ID=%d SMALL_STORE_PATH=%s" % (
    small["id"], small["path"], stores[-1]["id"], stores[-1]["path"]))
print("STORE_IDS=%s" % ",".join(str(s["id"]) for s in stores))
print("FILL_UNITS=%s" % json.dumps(" ".join("%d|%s" % (u["id"], u["path"]) for u in fill_units)))
PY
# shellcheck disable=SC1091
. "$WORK/setup.env"
AUTH="Authorization: Bearer $TOKEN"
VERSION=$("$BIN" version 2>/dev/null | head -1 || echo unknown)

# --- 1. creation ---------------------------------------------------------------------------
curl -s "$BASE/metrics" >"$WORK/metrics0.txt" || true
run_wrk base32 32 "$BASE_SECS" "$BASE/healthz"
BEFORE=$(sqlite3 "$DB" "SELECT count(*) FROM tickets")
run_wrk create 32 "$CREATE_SECS" -H "$AUTH" -s "$ROOT/bench/tickets/create.lua" "$BASE" -- "$STORE_IDS"
AFTER=$(sqlite3 "$DB" "SELECT count(*) FROM tickets")
curl -s "$BASE/metrics" >"$WORK/metrics1.txt" || true
echo "[bench] tickets created by the creation run: $((AFTER - BEFORE))"

# --- 2. the large table --------------------------------------------------------------------
stop_server
FILL=$((ROWS - AFTER))
[ "$FILL" -gt 0 ] || FILL=0
python3 - "$DB" "$TEMPLATE_ID" "$FILL" "$FILL_UNITS" "$SMALL_ID|$SMALL_PATH" "$SMALL_STORE_ID|$SMALL_STORE_PATH" \
  >"$WORK/fill.sql" <<'PY'
import sqlite3, sys
db, template, n, fill_units, small, small_store = sys.argv[1:]
n = int(n)
con = sqlite3.connect(db)
cols = [r[1] for r in con.execute("PRAGMA table_info(tickets)")]
max_id = con.execute("SELECT max(id) FROM tickets").fetchone()[0]
seq0 = con.execute("SELECT coalesce(max(last_seq), 0) FROM ticket_counters").fetchone()[0]
# 1000 slots → unit: the small branch gets 2 of 1000 (0.2 % of the rows; half on its store)
big = [u.split("|") for u in fill_units.split()]
slots = [small.split("|"), small_store.split("|")] + [big[i % len(big)] for i in range(998)]
kinds = ["complaint"] * 5 + ["repair", "repair", "after_sales", "inquiry", "suggestion", "praise", "internal"]
prefix = {"complaint": "TS", "suggestion": "JY", "praise": "BY", "inquiry": "ZX", "repair": "BX",
          "after_sales": "SH", "internal": "NB"}
channels = ["hotline", "store_desk", "callback", "sms", "web_form", "email", "head_office", "media", "partner"]
states = ["closed"] * 12 + ["new", "accepted", "routed", "investigated", "proposed", "approved", "implemented", "routed"]
what = ["空调", "冰箱", "车辆", "电梯", "热水器", "门店", "宽带", "账户", "物业", "快递", "手机", "洗衣机", "保险", "会员卡"]
issue = ["漏水", "异响", "服务态度差", "维修不及时", "退款未到账", "收费不合理", "发票错误", "配件缺货",
         "延迟交付", "噪音扰民", "无法开机", "客服无人接听", "少发货", "积分清零", "信号差", "质量问题",
         "承诺未兑现", "预约爽约", "排队太久", "价格欺诈"]
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
given = ["伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "勇", "军", "杰", "涛", "明", "超"]
def case(expr, values):
    return "CASE %s %s END" % (expr, " ".join("WHEN %d THEN '%s'" % (i, v) for i, v in enumerate(values)))
print("CREATE TEMP TABLE slot (k INTEGER PRIMARY KEY, unit_id INTEGER, unit_path TEXT);")
print("INSERT INTO slot VALUES %s;" % ",".join("(%d,%s,'%s')" % (k, u[0], u[1]) for k, u in enumerate(slots)))
h = "((s.i * 2654435761) %% %d)"  # a cheap scramble of i
now_ms = "(CAST(strftime('%s','now') AS INTEGER) * 1000)"
kind = case(h % 997 + " % " + str(len(kinds)), kinds)
override = {
    "id": "%d + s.i" % max_id,
    "number": "(%s) || '-2026-' || printf('%%06d', %d + s.i)" % (
        case(h % 997 + " % " + str(len(kinds)), [prefix[k] for k in kinds]), seq0),
    "kind": kind,
    "channel": case(h % 991 + " % " + str(len(channels)), channels),
    "severity": case("(s.i % 50)", ["major", "escalated", "channel"] + ["normal"] * 47),
    "state": "st.state",
    "contact_name": "substr('%s', 1 + s.i %% %d, 1) || %s" % (surnames, len(surnames), case(h % 983 + " % " + str(len(given)), given)),
    "contact_phone": "'13' || printf('%09d', s.i)",
    "unit_id": "u.unit_id", "unit_path": "u.unit_path",
    "resp_unit_id": "CASE WHEN st.state IN ('new','accepted') THEN NULL ELSE u.unit_id END",
    "resp_unit_path": "CASE WHEN st.state IN ('new','accepted') THEN '' ELSE u.unit_path END",
    "assignee_id": "NULL",
    "subject": "%s || %s || CASE WHEN s.i %% 5000 = 0 THEN '，燃气泄漏' ELSE '' END" % (
        case(h % 977 + " % " + str(len(what)), what), case(h % 971 + " % " + str(len(issue)), issue)),
    "description": "'客户来电反映' || %s || '，要求尽快处理。'" % case(h % 971 + " % " + str(len(issue)), issue),
    "breached": "CASE WHEN st.state <> 'closed' AND s.i % 7 = 0 THEN 1 ELSE 0 END",
    "merged_into": "NULL",
    # created from ~330 days ago up to now, increasing with id
    "created_at": "%s - (%d - s.i) * 28512" % (now_ms, n),
    "updated_at": "%s - (%d - s.i) * 28512 + 3600000" % (now_ms, n),
    "closed_at": "CASE WHEN st.state = 'closed' THEN %s - (%d - s.i) * 28512 + 86400000 ELSE NULL END" % (now_ms, n),
    "respond_due_at": "%s - (%d - s.i) * 28512 + 14400000" % (now_ms, n),
    "resolve_due_at": "%s - (%d - s.i) * 28512 + 259200000" % (now_ms, n),
    "public_token": "lower(hex(randomblob(16)))",
}
exprs = [override.get(c, "t." + c) for c in cols]
print("CREATE TEMP TABLE st (k INTEGER PRIMARY KEY, state TEXT);")
print("INSERT INTO st VALUES %s;" % ",".join("(%d,'%s')" % (k, v) for k, v in enumerate(states)))
print("BEGIN;")
print("INSERT INTO tickets (%s)" % ", ".join(cols))
print("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)" % n)
print("SELECT %s" % ",\n  ".join(exprs))
print("FROM s JOIN tickets t ON t.id = %s JOIN slot u ON u.k = ((s.i * 40503) %% 1000) "
      "JOIN st ON st.k = (((s.i * 2654435761) %% 967) %% %d);" % (template, len(states)))
# the search index (ticket_fts): the tokens platform/search/tokenizer.cpp makes of
# "number subject description contact_name contact_phone": every Han character and adjacent
# pair, lower-cased letter/digit runs and, when longer than 4, every 4-character window
def tokens(text):
    out, runs, cur, kind = [], [], "", None
    for ch in text + " ":
        k = "cjk" if 0x4e00 <= ord(ch) <= 0x9fff or 0x3400 <= ord(ch) <= 0x4dbf else (
            "word" if ch.isascii() and ch.isalnum() else None)
        if k != kind and cur:
            runs.append((kind, cur)); cur = ""
        kind = k
        if k: cur += ch.lower()
    for k, r in runs:
        if k == "cjk":
            for i in range(len(r)):
                out.append(r[i])
                if i + 1 < len(r): out.append(r[i:i + 2])
        else:
            out.append(r)
            if len(r) > 4: out += [r[i:i + 4] for i in range(len(r) - 3)]
    return " ".join(dict.fromkeys(out))
texts = set()
for w in what:
    for x in issue:
        texts.add(w + x); texts.add(w + x + "，燃气泄漏")
for x in issue: texts.add("客户来电反映" + x + "，要求尽快处理。")
for a in surnames:
    for b in given: texts.add(a + b)
print("CREATE TEMP TABLE tok (text TEXT PRIMARY KEY, tokens TEXT);")
print("INSERT INTO tok VALUES %s;" % ",".join("('%s','%s')" % (t, tokens(t)) for t in sorted(texts)))
digits, phone = "substr(t.number, 9)", "t.contact_phone"
win = lambda e, k: " || ' ' || ".join("substr(%s, %d, 4)" % (e, i + 1) for i in range(k))
print("INSERT INTO ticket_fts (rowid, tokens) SELECT t.id, lower(substr(t.number, 1, 2)) || ' 2026 ' || "
      "%s || ' ' || %s || CASE WHEN length(%s) = 7 THEN ' ' || substr(%s, 4, 4) ELSE '' END || ' ' || "
      "a.tokens || ' ' || b.tokens || ' ' || c.tokens || ' ' || %s || ' ' || %s "
      "FROM tickets t JOIN tok a ON a.text = t.subject JOIN tok b ON b.text = t.description "
      "JOIN tok c ON c.text = t.contact_name WHERE t.id > %d;" % (
          digits, win(digits, 3), digits, digits, phone, win(phone, 8), max_id))
print("UPDATE ticket_counters SET last_seq = %d + %d;" % (seq0, n))
print("COMMIT;")
PY
echo "[bench] filling $FILL rows with sqlite3"
T0=$(date +%s.%N)
sqlite3 "$DB" <"$WORK/fill.sql"
T1=$(date +%s.%N)
FILL_S=$(python3 -c "print('%.1f' % ($T1 - $T0))")
TOTAL=$(sqlite3 "$DB" "SELECT count(*) FROM tickets")
DBSIZE=$(du -sm "$DB" | cut -f1)
echo "[bench] $TOTAL tickets, fill ${FILL_S}s, db ${DBSIZE} MiB"
start_server

MAXID=$(sqlite3 "$DB" "SELECT max(id) FROM tickets")
NUMBER=$(sqlite3 "$DB" "SELECT number FROM tickets WHERE id = $((MAXID / 2))")
WORD='漏水'
RARE='燃气泄漏'
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
declare -A URL HDR LABEL SQL
URL[all]="$BASE/api/v1/tickets?queue=all&limit=50";                 HDR[all]=$AUTH
LABEL[all]="admin, queue=all, 50 per page"
URL[agent]="$BASE/api/v1/tickets?queue=all&limit=50";               HDR[agent]=$AGENT_AUTH
LABEL[agent]="agent of the small branch (0.2 % of rows), queue=all"
URL[number]="$BASE/api/v1/tickets?queue=all&q=$NUMBER&limit=50";    HDR[number]=$AUTH
LABEL[number]="admin, q=<a ticket number> ($NUMBER)"
URL[word]="$BASE/api/v1/tickets?queue=all&q=$(enc $WORD)&limit=50"; HDR[word]=$AUTH
LABEL[word]="admin, q=$WORD (in 1 of 20 subjects)"
URL[rare]="$BASE/api/v1/tickets?queue=all&q=$(enc $RARE)&limit=50"; HDR[rare]=$AUTH
LABEL[rare]="admin, q=$RARE (in 1 of 5000 subjects)"
URL[due]="$BASE/api/v1/tickets?queue=due_soon&limit=50";            HDR[due]=$AUTH
LABEL[due]="admin, queue=due_soon (most urgent first)"
URL[agentdue]="$BASE/api/v1/tickets?queue=due_soon&limit=50";       HDR[agentdue]=$AGENT_AUTH
LABEL[agentdue]="agent of the small branch, queue=due_soon"
URL[agentopen]="$BASE/api/v1/tickets?queue=all&state=open&limit=50"; HDR[agentopen]=$AGENT_AUTH
LABEL[agentopen]="agent of the small branch, state=open"
# the SQL store::list runs for each (ids first; scope '/1/' for the admin, the branch for the agent)
SCOPE_ALL="t.merged_into IS NULL AND (+t.unit_path GLOB '/1/*' OR +t.resp_unit_path GLOB '/1/*')"
SQL[all]="SELECT t.id FROM tickets t WHERE 1 = 1 AND $SCOPE_ALL ORDER BY t.id DESC LIMIT 51"
SQL[agent]="SELECT t.id FROM tickets t WHERE 1 = 1 AND t.merged_into IS NULL AND (+t.unit_path GLOB '$SMALL_PATH*' OR +t.resp_unit_path GLOB '$SMALL_PATH*') ORDER BY t.id DESC LIMIT 51"
SQL[number]="SELECT t.id FROM tickets t WHERE 1 = 1 AND $SCOPE_ALL AND t.number = '$NUMBER' ORDER BY t.id DESC LIMIT 51"
SQL[word]="SELECT t.id FROM tickets t JOIN ticket_fts ON ticket_fts.rowid = t.id WHERE ticket_fts MATCH '\"漏水\"' AND $SCOPE_ALL ORDER BY ticket_fts.rowid DESC LIMIT 51"
SQL[rare]="SELECT t.id FROM tickets t JOIN ticket_fts ON ticket_fts.rowid = t.id WHERE ticket_fts MATCH '\"燃气\" AND \"气泄\" AND \"泄漏\"' AND $SCOPE_ALL ORDER BY ticket_fts.rowid DESC LIMIT 51"
# due_soon: one walk of each unit path's (path, deadline, id) index, merged (as store.cpp's
# by_deadline does on SQLite with up to 64 paths a side)
due_sql() {
  python3 - "$DB" "$1" <<'PY'
import sqlite3, sys
db, scope = sys.argv[1:]
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
bound = "(CAST(strftime('%s','now') AS INTEGER) * 1000 + 14400000)"
parts = []
for col in ("unit_path", "resp_unit_path"):
    for (path,) in con.execute("SELECT DISTINCT %s FROM tickets WHERE %s GLOB ? AND merged_into IS NULL" % (col, col),
                               (scope + "*",)):
        parts.append("SELECT * FROM (SELECT t.id, t.resolve_due_at AS due FROM tickets t WHERE t.%s = '%s' AND "
                     "t.state <> 'closed' AND t.merged_into IS NULL AND t.resolve_due_at IS NOT NULL AND "
                     "t.resolve_due_at < %s ORDER BY t.resolve_due_at, t.id LIMIT 51)" % (col, path, bound))
print("SELECT DISTINCT id, due FROM (%s) ORDER BY due, id LIMIT 51" % " UNION ALL ".join(parts))
PY
}
SQL[due]=$(due_sql /1/)
SQL[agentdue]=$(due_sql "$SMALL_PATH")
SQL[agentopen]="SELECT t.id FROM tickets t WHERE 1 = 1 AND t.merged_into IS NULL AND (+t.unit_path GLOB '$SMALL_PATH*' OR +t.resp_unit_path GLOB '$SMALL_PATH*') AND +t.state <> 'closed' ORDER BY t.id DESC LIMIT 51"
CASES="all agent number word rare due agentdue agentopen"
: >"$WORK/checks.txt"
for c in $CASES; do
  n=$(curl -fsS -H "${HDR[$c]}" "${URL[$c]}" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  echo "$c $n" >>"$WORK/checks.txt"
  sql=${SQL[$c]}
  sqlite3 "$DB" "EXPLAIN QUERY PLAN $sql" >"$WORK/plan_$c.txt"
  python3 - "$DB" "$sql" >"$WORK/sqltime_$c.txt" <<'PY'
import sqlite3, sys, time
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
best = None
for _ in range(3):
    t = time.perf_counter(); rows = con.execute(sys.argv[2]).fetchall(); d = time.perf_counter() - t
    best = d if best is None else min(best, d)
print("%.1f ms, %d rows" % (best * 1000, len(rows)))
PY
done
cat "$WORK/checks.txt"
run_wrk base8 8 "$BASE_SECS" "$BASE/healthz"
for c in $CASES; do run_wrk "$c" 8 "$READ_SECS" -H "${HDR[$c]}" "${URL[$c]}"; done
run_wrk get 8 "$READ_SECS" -H "$AUTH" -s "$ROOT/bench/tickets/get.lua" "$BASE" -- 1 "$MAXID"
# --- 3. the ticket page ----------------------------------------------------------------------
run_wrk page 8 "$READ_SECS" -H "$AUTH" -s "$ROOT/bench/tickets/get.lua" "$BASE" -- 1 "$MAXID" page
RSS=$(awk '/VmRSS/ {print $2}' /proc/"$PID"/status)
stop_server

mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/tickets-$(date +%F).md"
[ -e "$OUT" ] && OUT="$ROOT/bench/results/tickets-$(date +%F-%H%M).md"  # keep earlier results
SQLITE_LIB=$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')
python3 - "$WORK" "$OUT" "$VERSION" "$ROWS" "$TOTAL" "$FILL" "$FILL_S" "$DBSIZE" "$RSS" \
  "$((AFTER - BEFORE))" "$CREATE_SECS" "$READ_SECS" "$BASE_SECS" "$AGENT_AUTH_KIND" "$SQLITE_LIB" \
  "${BENCH_POOL_SIZE:-}" "$WEDGED" <<'PY'
import os, platform, re, sys, time
(work, out, version, rows, total, fill, fill_s, dbsize, rss, created, create_s, read_s, base_s,
 agent_auth, sqlite_lib, pool, wedged) = sys.argv[1:]
wedged = wedged.split()

def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v or "")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)] if m else None

def parse(name):
    t = open(os.path.join(work, "w_%s.txt" % name)).read()
    g = lambda p: (re.search(p, t, re.M) or [None, None])[1]
    bad = g(r"non-20\d answers: (\d+)") or g(r"Non-2xx or 3xx responses:\s+(\d+)") or "0"
    return {"rps": float(g(r"Requests/sec:\s+([\d.]+)") or 0), "p50": ms(g(r"^\s+50%\s+(\S+)")),
            "p99": ms(g(r"^\s+99%\s+(\S+)")), "n": int(g(r"(\d+) requests in") or 0), "bad": int(bad),
            "first_bad": g(r"first non-20\d: (.*)$") or ""}

fmt = lambda v: "n/a" if v is None else ("%.2f ms" % v)
cpu = "?"
for l in open("/proc/cpuinfo"):
    if l.startswith("model name"):
        cpu = l.split(":", 1)[1].strip(); break
def metric(f, name):
    try:
        for l in open(os.path.join(work, f)):
            if l.startswith(name + " "): return int(float(l.split()[1]))
    except OSError: pass
    return 0
writes = metric("metrics1.txt", "kefu_db_writes_total") - metric("metrics0.txt", "kefu_db_writes_total")
commits = metric("metrics1.txt", "kefu_db_commits_total") - metric("metrics0.txt", "kefu_db_commits_total")

b32, cr = parse("base32"), parse("create")
target = 3000.0
met = cr["rps"] >= target and cr["bad"] == 0
L = []
L.append("# Tickets benchmark, %s\n" % time.strftime("%Y-%m-%d %H:%M"))
L.append("kefu `%s`, SQLite %s (WAL, `synchronous=FULL`), one `kefu serve` (defaults but for the reader pool, below); wrk -t2 and the "
         "server on the same machine (%d CPUs, %s; %s; %s MiB RAM), shared with other work, so the absolute "
         "numbers are noisy: the ratios to `GET /healthz` in the same run are the comparable figures.\n" % (
             version, sqlite_lib, os.cpu_count(), cpu, platform.platform(),
             os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20))
L.append("Produced by `bench/tickets.sh %s` (wrk scripts in `bench/tickets/`); database.pool_size (SQLite "
         "reader connections): %s.\n" % (rows, ("%s (BENCH_POOL_SIZE)" % pool) if pool else "the default, 4"))
if wedged:
    L.append("**The server wedged** (stopped answering database reads and was killed and restarted) "
             "during: %s. Those rows count only the requests answered before it wedged.\n" % ", ".join(wedged))
L.append("## 1. Creating tickets through the API (32 connections)\n")
L.append("`POST /api/v1/tickets` with a bearer token, varied kind/channel/subject/contact/store per request "
         "(`bench/tickets/create.lua`), %s s, on a fresh database.\n" % create_s)
L.append("| request | req/s | p50 | p99 | ratio to healthz | requests | failed |")
L.append("|---|---:|---:|---:|---:|---:|---:|")
for label, r in (("GET /healthz (baseline, -c32, %s s)" % base_s, b32), ("POST /api/v1/tickets (-c32)", cr)):
    L.append("| %s | %.0f | %s | %s | %.3f | %d | %d |" % (label, r["rps"], fmt(r["p50"]), fmt(r["p99"]),
                                                          r["rps"] / (b32["rps"] or 1), r["n"], r["bad"]))
L.append("")
L.append("- Tickets in the table after the run minus before: %s (%.0f tickets/s)." % (created, int(created) / float(create_s)))
if "create" in wedged:
    L.append("- Group commit: n/a (the server was restarted after the run).")
else:
    L.append("- Group commit during the run: %d write transactions in %d physical commits (mean group %s)." % (
        writes, commits, ("%.1f" % (writes / commits)) if commits else "n/a"))
L.append("- **Target ≥ 3,000 tickets/s: %s** (%.0f tickets/s%s).\n" % (
    "met" if met else "NOT met", cr["rps"], (", first failure: " + cr["first_bad"]) if cr["first_bad"] else ""))

L.append("## 2. Reading over %s tickets (8 connections)\n" % total)
L.append("The table was filled to %s rows: %s rows by one `INSERT ... WITH RECURSIVE` in the sqlite3 CLI "
         "(%s s; database file %s MiB), copying every column of a ticket created through the API and varying "
         "id, number (`XX-2026-nnnnnn`, unique), kind, channel, severity, state (60 %% closed), unit and "
         "responsible unit (5 stores and 4 branches over 2 regions, plus one small branch, 衢州分公司, and its "
         "store with 0.2 %% of the rows), contact, subject (物品 + 问题, Chinese), times increasing with id; and the matching `ticket_fts` rows (the tokenizer's characters, bigrams and 4-digit windows, computed in the script). "
         "No ANALYZE was run (the server does not run one either). Then the server was restarted.\n" % (
             total, fill, fill_s, dbsize))
L.append("The agent signs in with a %s; the admin uses a bearer token. `%s` s per case, target p99 < 50 ms.\n" % (
    "read-scope bearer token" if agent_auth == "bearer" else "session cookie", read_s))
checks = dict(l.split() for l in open(os.path.join(work, "checks.txt")))
b8 = parse("base8")
cases = [("base8", "GET /healthz (baseline)", None)]
labels = {"all": "list: admin, queue=all, 50 per page", "agent": "list: agent of the small branch, queue=all",
          "number": "list: admin, q=<a ticket number>", "word": "list: admin, q=漏水 (in ~1 of 20 subjects)",
          "rare": "list: admin, q=燃气泄漏 (in 1 of 5,000 subjects)",
          "due": "list: admin, queue=due_soon (most urgent first)",
          "agentdue": "list: agent of the small branch, queue=due_soon",
          "agentopen": "list: agent of the small branch, state=open"}
for c in ("all", "agent", "number", "word", "rare", "due", "agentdue", "agentopen"):
    cases.append((c, labels[c], checks.get(c)))
cases.append(("get", "GET /api/v1/tickets/{id}, random id", None))
L.append("| request | items | req/s | p50 | p99 | ratio to healthz | p99 < 50 ms | failed |")
L.append("|---|---:|---:|---:|---:|---:|---|---:|")
slow = []
for name, label, items in cases:
    r = parse(name)
    ok = "" if name == "base8" else ("yes" if r["p99"] is not None and r["p99"] < 50 else "**no**")
    if ok == "**no**": slow.append(name)
    L.append("| %s | %s | %.0f | %s | %s | %.3f | %s | %d |" % (label, items or "", r["rps"], fmt(r["p50"]),
                                                              fmt(r["p99"]), r["rps"] / (b8["rps"] or 1), ok, r["bad"]))
L.append("")
L.append("### The SQL of each list (store::list), in the sqlite3 CLI on the same file\n")
L.append("The page's ids (`store::list` then reads each row by id). Best of 3 runs through Python's sqlite3 "
         "(one connection, warm cache), and `EXPLAIN QUERY PLAN`:\n")
for c in ("all", "agent", "number", "word", "rare", "due", "agentdue", "agentopen"):
    L.append("**%s** — %s%s\n" % (labels[c], open(os.path.join(work, "sqltime_%s.txt" % c)).read().strip(),
                                  " (over the 50 ms target in the HTTP run)" if c in slow else ""))
    L.append("```\n%s```\n" % open(os.path.join(work, "plan_%s.txt" % c)).read())
L.append("## 3. The ticket page's reads (8 connections)\n")
pg = parse("page")
L.append("`GET /api/v1/tickets/{id}` (random id, with steps, comments, links, sanctions, attachments, names) "
         "alternating with `GET /api/v1/ticket-root-causes` (`bench/tickets/get.lua ... page`).\n")
L.append("| request | req/s | pages/s | p50 | p99 | ratio to healthz | failed |")
L.append("|---|---:|---:|---:|---:|---:|---:|")
L.append("| ticket + root causes | %.0f | %.0f | %s | %s | %.3f | %d |\n" % (
    pg["rps"], pg["rps"] / 2, fmt(pg["p50"]), fmt(pg["p99"]), pg["rps"] / (b8["rps"] or 1), pg["bad"]))
L.append("Server RSS at the end: %.0f MiB.\n" % (int(rss) / 1024))
doc = "\n".join(L)
open(out, "w").write(doc)
print(doc)
print("written to %s" % out)
PY
