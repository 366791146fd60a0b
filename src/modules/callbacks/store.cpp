#include "modules/callbacks/store.h"

#include <atomic>

#include <boost/json.hpp>

#include "modules/org/model.h"

namespace kefu::callbacks::store {
namespace {

constexpr const char* kCols =
    "id, kind, rule_id, rule_version, event_id, dedupe_key, customer_id, asset_id, staff_id, "
    "unit_id, unit_path, questionnaire_id, questionnaire_version, q_channel, priority, state, "
    "offer_at, due_at, next_try_at, assignee_id, attempts, max_attempts, retry_minutes, "
    "last_outcome, answer_id, channel, satisfied, dissatisfied, hotline_told, fault_fixed, "
    "ticket_ids, verifies_ticket_id, done_at, close_reason, link_sent_at, created_at, "
    "updated_at, version, skills";

std::optional<bool> opt_bool(const db::Row& r, size_t i) {
  if (r.is_null(i)) return std::nullopt;
  return r.boolean(i);
}

std::vector<int64_t> ids_from(const std::string& text) {
  std::vector<int64_t> out;
  try {
    auto v = boost::json::parse(text);
    if (v.is_array())
      for (const auto& x : v.as_array())
        if (x.is_int64()) out.push_back(x.as_int64());
  } catch (...) {
  }
  return out;
}

std::string ids_json(const std::vector<int64_t>& ids) {
  boost::json::array a;
  for (auto id : ids) a.push_back(id);
  return boost::json::serialize(a);
}

// The company's UTC offset, for the local day a task counts on (set once at start).
std::atomic<int> g_offset_minutes{480};

struct Contribution {
  int64_t v[13] = {};  // due, done, failed, first_call, attempts, attempted, answered,
                       // satisfied, hotline_asked, hotline_told, fault_asked, fault_fixed,
                       // dissatisfied_tasks
};

Contribution contribution(const Row& r) {
  Contribution c;
  const Task& t = r.task;
  if (t.state == State::kCancelled) return c;
  bool done = t.state == State::kDone;
  int64_t vals[13] = {1,
                      done,
                      t.state == State::kFailed,
                      done && t.attempts == 1,
                      t.attempts,
                      t.attempts > 0,
                      t.answer_id.has_value(),
                      t.satisfied == std::optional<bool>(true),
                      r.hotline_told.has_value(),
                      r.hotline_told == std::optional<bool>(true),
                      r.fault_fixed.has_value(),
                      r.fault_fixed == std::optional<bool>(true),
                      t.dissatisfied > 0};
  for (int i = 0; i < 13; ++i) c.v[i] = vals[i];
  return c;
}

int64_t local_day(int64_t ms) {
  int64_t m = ms + int64_t(g_offset_minutes.load()) * 60000;
  return m >= 0 ? m / 86400000 : (m - 86399999) / 86400000;
}

constexpr int64_t kEveryAgent = -1;
std::atomic<uint64_t> g_load_epoch{0};
void upsert_daily(db::Session& s, const db::Params& p);

void add_daily(db::Session& s, const Row& r, int sign) {
  Contribution c = contribution(r);
  bool any = false;
  for (auto x : c.v) any = any || x != 0;
  if (!any) return;
  // Twice: on the task's agent (0: unassigned), and on "every agent" (kEveryAgent), the rows
  // a dashboard not grouped by agent reads: a year of a branch is then a few thousand rows
  // instead of a few hundred thousand.
  for (int64_t agent : {r.task.assignee_id.value_or(0), kEveryAgent}) {
    db::Params p{local_day(r.task.due_at), r.task.unit_id, r.task.unit_path, agent, r.q_channel};
    for (auto x : c.v) p.emplace_back(sign * x);
    upsert_daily(s, p);
  }
}

void upsert_daily(db::Session& s, const db::Params& p) {
  s.exec(
      "INSERT INTO callback_daily (day, unit_id, unit_path, agent_id, q_channel, due, done, "
      "failed, first_call, attempts, attempted, answered, satisfied, hotline_asked, "
      "hotline_told, fault_asked, fault_fixed, dissatisfied_tasks) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, unit_id, agent_id, q_channel) DO "
      "UPDATE SET due = callback_daily.due + excluded.due, done = callback_daily.done + "
      "excluded.done, failed = callback_daily.failed + excluded.failed, first_call = "
      "callback_daily.first_call + excluded.first_call, attempts = callback_daily.attempts + "
      "excluded.attempts, attempted = callback_daily.attempted + excluded.attempted, answered = "
      "callback_daily.answered + excluded.answered, satisfied = callback_daily.satisfied + "
      "excluded.satisfied, hotline_asked = callback_daily.hotline_asked + excluded.hotline_asked, "
      "hotline_told = callback_daily.hotline_told + excluded.hotline_told, fault_asked = "
      "callback_daily.fault_asked + excluded.fault_asked, fault_fixed = callback_daily.fault_fixed "
      "+ excluded.fault_fixed, dissatisfied_tasks = callback_daily.dissatisfied_tasks + "
      "excluded.dissatisfied_tasks",
      p);
}

void add_load(db::Session& s, std::optional<int64_t> agent, int64_t delta) {
  if (!agent || delta == 0) return;
  g_load_epoch.fetch_add(1);
  s.exec(
      "INSERT INTO callback_agent_load (agent_id, open_tasks) VALUES (?, ?) ON CONFLICT "
      "(agent_id) DO UPDATE SET open_tasks = callback_agent_load.open_tasks + excluded.open_tasks",
      {*agent, delta});
}

Row from_row(const db::Row& r) {
  Row out;
  Task& t = out.task;
  t.id = r.i64(0);
  t.kind = r.str(1);
  t.rule_id = r.opt_i64(2);
  t.rule_version = static_cast<int>(r.i64(3));
  t.event_id = r.opt_i64(4);
  t.dedupe_key = r.str(5);
  t.customer_id = r.i64(6);
  t.asset_id = r.opt_i64(7);
  t.staff_id = r.opt_i64(8);
  t.unit_id = r.i64(9);
  t.unit_path = r.str(10);
  t.questionnaire_id = r.i64(11);
  t.questionnaire_version = static_cast<int>(r.i64(12));
  out.q_channel = r.str(13);
  t.priority = static_cast<int>(r.i64(14));
  t.state = parse_state(r.str(15)).value_or(State::kPending);
  t.offer_at = r.i64(16);
  t.due_at = r.i64(17);
  t.next_try_at = r.opt_i64(18);
  t.assignee_id = r.opt_i64(19);
  t.attempts = static_cast<int>(r.i64(20));
  t.max_attempts = static_cast<int>(r.i64(21));
  t.retry_minutes = static_cast<int>(r.i64(22));
  t.last_outcome = r.str(23);
  t.answer_id = r.opt_i64(24);
  t.channel = r.str(25);
  t.satisfied = opt_bool(r, 26);
  t.dissatisfied = static_cast<int>(r.i64(27));
  out.hotline_told = opt_bool(r, 28);
  out.fault_fixed = opt_bool(r, 29);
  t.ticket_ids = ids_from(r.str(30));
  t.verifies_ticket_id = r.opt_i64(31);
  t.done_at = r.opt_i64(32);
  t.close_reason = r.str(33);
  out.link_sent_at = r.opt_i64(34);
  t.created_at = r.i64(35);
  t.updated_at = r.i64(36);
  t.version = r.i64(37);
  t.skills = org::skills_from(r.str(38));
  return out;
}

db::Param opt_b(const std::optional<bool>& b) {
  if (!b) return nullptr;
  return *b;
}

void where(const QueueFilter& f, std::string& sql, db::Params& p) {
  // The whole tree needs no condition (an agent's own queue): a LIKE with a bound pattern
  // also makes SQLite prepare the statement again at every call.
  sql += " WHERE 1 = 1";
  if (f.scope_path != "/") {
    sql += " AND unit_path LIKE ?";
    p.emplace_back(f.scope_path + "%");
  }
  if (f.assignee_id) {
    sql += " AND assignee_id = ?";
    p.emplace_back(*f.assignee_id);
  }
  if (f.unassigned) sql += " AND assignee_id IS NULL";
  if (f.states.empty()) {
    sql += " AND state IN ('pending', 'in_progress')";
  } else {
    sql += " AND state IN (";
    for (size_t i = 0; i < f.states.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.emplace_back(f.states[i]);
    }
    sql += ")";
  }
  if (f.offered_by) {
    sql += " AND offer_at <= ? AND (next_try_at IS NULL OR next_try_at <= ?)";
    p.emplace_back(*f.offered_by);
    p.emplace_back(*f.offered_by);
  }
  if (f.due_from) {
    sql += " AND due_at >= ?";
    p.emplace_back(*f.due_from);
  }
  if (f.due_to) {
    sql += " AND due_at < ?";
    p.emplace_back(*f.due_to);
  }
  if (f.customer_id) {
    sql += " AND customer_id = ?";
    p.emplace_back(*f.customer_id);
  }
}

}  // namespace

bool insert(db::Session& s, Row& r) {
  Task& t = r.task;
  auto id = s.insert_row(
      "INSERT INTO callback_tasks (kind, rule_id, rule_version, event_id, dedupe_key, "
      "customer_id, asset_id, staff_id, unit_id, unit_path, questionnaire_id, "
      "questionnaire_version, q_channel, priority, state, offer_at, due_at, assignee_id, "
      "max_attempts, retry_minutes, verifies_ticket_id, created_at, updated_at, skills) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
      "(dedupe_key) DO NOTHING",
      {t.kind,         t.rule_id,          t.rule_version,
       t.event_id,     t.dedupe_key,       t.customer_id,
       t.asset_id,     t.staff_id,         t.unit_id,
       t.unit_path,    t.questionnaire_id, t.questionnaire_version,
       r.q_channel,    t.priority,         std::string(to_string(t.state)),
       t.offer_at,     t.due_at,           t.assignee_id,
       t.max_attempts, t.retry_minutes,    t.verifies_ticket_id,
       t.created_at,   t.updated_at,       org::skills_text(t.skills)});
  if (!id) return false;
  t.id = *id;
  add_daily(s, r, +1);
  if (is_open(t.state)) add_load(s, t.assignee_id, +1);
  return true;
}

void set_offset(int minutes) {
  g_offset_minutes = minutes;
}

std::optional<Row> find(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string("SELECT ") + kCols + " FROM callback_tasks WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::optional<Row> task_with_ticket(db::Session& s, int64_t ticket_id) {
  std::string id = std::to_string(ticket_id);
  auto r = s.query_one(std::string("SELECT ") + kCols +
                           " FROM callback_tasks WHERE kind = 'callback' AND (ticket_ids = ? OR "
                           "ticket_ids LIKE ? OR ticket_ids LIKE ? OR ticket_ids LIKE ?) ORDER "
                           "BY id LIMIT 1",
                       {"[" + id + "]", "[" + id + ",%", "%," + id + "]", "%," + id + ",%"});
  if (!r) return std::nullopt;
  return from_row(*r);
}

bool update(db::Session& s, const Row& r) {
  const Task& t = r.task;
  auto before = find(s, t.id);
  if (!before || before->task.version != t.version) return false;
  bool ok =
      s.exec(
          "UPDATE callback_tasks SET state = ?, offer_at = ?, due_at = ?, next_try_at = ?, "
          "assignee_id = ?, attempts = ?, last_outcome = ?, answer_id = ?, channel = ?, "
          "satisfied = ?, dissatisfied = ?, hotline_told = ?, fault_fixed = ?, ticket_ids = ?, "
          "done_at = ?, close_reason = ?, link_sent_at = ?, updated_at = ?, version = ?, "
          "due_warned_at = CASE WHEN due_at = ? THEN due_warned_at END WHERE id = ? AND "
          "version = ?",
          {std::string(to_string(t.state)),
           t.offer_at,
           t.due_at,
           t.next_try_at,
           t.assignee_id,
           t.attempts,
           t.last_outcome,
           t.answer_id,
           t.channel,
           opt_b(t.satisfied),
           t.dissatisfied,
           opt_b(r.hotline_told),
           opt_b(r.fault_fixed),
           ids_json(t.ticket_ids),
           t.done_at,
           t.close_reason,
           r.link_sent_at,
           t.updated_at,
           t.version + 1,
           t.due_at,  // a new due time gets its own "due soon" notice
           t.id,
           t.version}) == 1;
  if (!ok) return false;
  // The task's contribution to the roll-ups and its agent's load move with it.
  add_daily(s, *before, -1);
  add_daily(s, r, +1);
  if (is_open(before->task.state)) add_load(s, before->task.assignee_id, -1);
  if (is_open(t.state)) add_load(s, t.assignee_id, +1);
  return true;
}

std::vector<Row> due_soon(db::Session& s, int64_t after, int64_t until, int limit) {
  std::vector<Row> out;
  for (const auto& r : s.query(std::string("SELECT ") + kCols +
                                   " FROM callback_tasks WHERE due_at > ? AND due_at <= ? AND "
                                   "state IN ('pending', 'in_progress') AND assignee_id IS NOT "
                                   "NULL AND due_warned_at IS NULL ORDER BY due_at, id LIMIT ?",
                               {after, until, limit}))
    out.push_back(from_row(r));
  return out;
}

bool mark_warned(db::Session& s, int64_t id, int64_t now) {
  // Only the first: two sweeps of different slots may run at once on PostgreSQL; the second
  // waits for the first's row lock and then finds the task warned.
  return s.exec("UPDATE callback_tasks SET due_warned_at = ? WHERE id = ? AND due_warned_at IS NULL",
                {now, id}) == 1;
}

std::vector<Row> queue(db::Session& s, const QueueFilter& f) {
  // Overdue first, then by due time; among tasks due together the higher priority first. The
  // page's ids are chosen first (from an index alone when it covers the filter), then only
  // those rows are read.
  constexpr const char* kOrder =
      " ORDER BY CASE WHEN due_at < ? THEN 0 ELSE 1 END, due_at, priority DESC, id";
  std::string sql = std::string("SELECT ") + kCols +
                    " FROM callback_tasks WHERE id IN (SELECT id FROM callback_tasks";
  db::Params p;
  where(f, sql, p);
  sql += std::string(kOrder) + " LIMIT ? OFFSET ?)" + kOrder;
  p.emplace_back(f.now);
  p.emplace_back(f.limit);
  p.emplace_back(f.offset);
  p.emplace_back(f.now);
  std::vector<Row> out;
  for (const auto& r : s.query(sql, p)) out.push_back(from_row(r));
  return out;
}

int64_t count(db::Session& s, const QueueFilter& f) {
  std::string sql = "SELECT COUNT(*) FROM callback_tasks";
  db::Params p;
  where(f, sql, p);
  return s.query_one(sql, p)->i64(0);
}

std::vector<std::pair<int64_t, int64_t>> open_load(db::Session& s,
                                                   const std::vector<int64_t>& people) {
  std::vector<std::pair<int64_t, int64_t>> out;
  if (people.empty()) return out;
  db::Params p;
  std::string sql = "SELECT agent_id, open_tasks FROM callback_agent_load WHERE agent_id IN " +
                    db::in_list(people, p);
  for (const auto& r : s.query(sql, p)) out.emplace_back(r.i64(0), r.i64(1));
  return out;
}

uint64_t load_epoch() {
  return g_load_epoch.load();
}

void add_attempt(db::Session& s, const Attempt& a) {
  s.exec(
      "INSERT INTO callback_attempts (task_id, at, agent_id, outcome, note, call_back_at, "
      "override_reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {a.task_id, a.at, a.agent_id, a.outcome, a.note, a.call_back_at, a.override_reason});
}

std::vector<Attempt> attempts(db::Session& s, int64_t task_id) {
  std::vector<Attempt> out;
  for (const auto& r : s.query(
           "SELECT id, task_id, at, agent_id, outcome, note, call_back_at, override_reason FROM "
           "callback_attempts WHERE task_id = ? ORDER BY id",
           {task_id}))
    out.push_back(
        {r.i64(0), r.i64(1), r.i64(2), r.opt_i64(3), r.str(4), r.str(5), r.opt_i64(6), r.str(7)});
  return out;
}

namespace {

const char* kSumCols =
    "SUM(due), SUM(done), SUM(failed), SUM(first_call), SUM(attempts), SUM(attempted), "
    "SUM(answered), SUM(satisfied), SUM(hotline_asked), SUM(hotline_told), SUM(fault_asked), "
    "SUM(fault_fixed), SUM(dissatisfied_tasks)";

Sums sums_from(const db::Row& r, size_t at) {
  Sums s;
  s.due = r.i64(at);
  s.done = r.i64(at + 1);
  s.failed = r.i64(at + 2);
  s.first_call = r.i64(at + 3);
  s.attempts = r.i64(at + 4);
  s.attempted = r.i64(at + 5);
  s.answered = r.i64(at + 6);
  s.satisfied = r.i64(at + 7);
  s.hotline_asked = r.i64(at + 8);
  s.hotline_told = r.i64(at + 9);
  s.fault_asked = r.i64(at + 10);
  s.fault_fixed = r.i64(at + 11);
  s.dissatisfied_tasks = r.i64(at + 12);
  return s;
}

}  // namespace

std::vector<Sums> sums(db::Session& s, const std::string& path, int64_t from, int64_t to,
                       const std::string& group, int offset_minutes) {
  (void)offset_minutes;  // the roll-up's days are already local
  std::string key = "0";
  if (group == "day" || group == "month") key = "day";
  if (group == "unit") key = "unit_id";
  if (group == "agent") key = "agent_id";
  if (group == "channel") key = "q_channel";
  std::string sql = "SELECT " + key + ", " + kSumCols + " FROM callback_daily WHERE " +
                    (key == "agent_id" ? "agent_id >= 0" : "agent_id = -1") +
                    " AND unit_path LIKE ? AND day >= ? AND day < ?";
  // "none": one total row (a constant is not a column: GROUP BY 0 would be positional).
  if (key != "0") sql += " GROUP BY " + key + " ORDER BY " + key;
  std::vector<Sums> out;
  for (const auto& r : s.query(sql, {path + "%", local_day(from), local_day(to)})) {
    if (r.is_null(1)) continue;  // "none" over no rows
    Sums x = sums_from(r, 1);
    x.key = r.str(0);
    if (x.due == 0 && x.done == 0 && x.failed == 0) continue;  // contributions that moved away
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<Sums> by_q_channel(db::Session& s, const std::string& path, int64_t from, int64_t to) {
  return sums(s, path, from, to, "channel", 0);
}

std::vector<int64_t> ticket_ids(db::Session& s, const std::string& path, int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (const auto& r :
       s.query("SELECT ticket_ids FROM callback_tasks WHERE ticket_ids <> '[]' AND due_at >= ? AND "
               "due_at < ? AND unit_path LIKE ?",
               {from, to, path + "%"})) {
    auto ids = ids_from(r.str(0));
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

std::string secret(db::Session& s, const std::string& name, const std::string& fresh, int64_t now) {
  s.exec(
      "INSERT INTO app_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO "
      "NOTHING",
      {name, fresh, now});
  return s.query_one("SELECT value FROM app_secrets WHERE name = ?", {name})->str(0);
}

std::vector<int64_t> repoint_customer(db::Session& s, int64_t from, int64_t into) {
  std::vector<int64_t> ids;
  for (const auto& r : s.query(
           "UPDATE callback_tasks SET customer_id = ? WHERE customer_id = ? RETURNING id",
           {into, from}))
    ids.push_back(r.i64(0));
  return ids;
}

void unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids, int64_t survivor,
                        int64_t back_to) {
  if (ids.empty()) return;
  db::Params p{back_to, survivor};
  s.exec("UPDATE callback_tasks SET customer_id = ? WHERE customer_id = ? AND id IN " +
             db::in_list(ids, p),
         p);
}

}  // namespace kefu::callbacks::store
