#include "modules/tickets/store.h"

#include <functional>

#include <boost/json.hpp>

namespace kefu::tickets::store {
namespace {

constexpr const char* kCols =
    "id, number, kind, channel, category_id, severity, state, resolution, customer_id, asset_id, "
    "contact_name, contact_phone, unit_id, unit_path, resp_unit_id, resp_unit_path, assignee_id, "
    "subject, description, tags, root_cause_id, findings, responsible_staff_id, solutions, "
    "approved_solution, implementation, verify_failures, escalation, sla_policy_id, paused_at, "
    "paused_ms, respond_due_at, responded_at, resolve_due_at, manager_due_at, warn_at, "
    "deadline_round, "
    "breached, asked_fen, paid_fen, "
    "merged_into, created_by, created_at, updated_at, closed_at, version";

std::vector<std::string> list_from(const std::string& json) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& t : v.as_array())
    if (t.is_string()) out.emplace_back(t.as_string());
  return out;
}

std::string list_json(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& t : items) a.emplace_back(t);
  return boost::json::serialize(a);
}

Ticket from(const db::Row& r) {
  Ticket t;
  size_t i = 0;
  t.id = r.i64(i++);
  t.number = r.str(i++);
  t.kind = r.str(i++);
  t.channel = r.str(i++);
  t.category_id = r.opt_i64(i++);
  t.severity = r.str(i++);
  t.state = parse_state(r.str(i++)).value_or(State::kNew);
  t.resolution = r.str(i++);
  t.customer_id = r.opt_i64(i++);
  t.asset_id = r.opt_i64(i++);
  t.contact_name = r.str(i++);
  t.contact_phone = r.str(i++);
  t.unit_id = r.i64(i++);
  t.unit_path = r.str(i++);
  t.resp_unit_id = r.opt_i64(i++);
  t.resp_unit_path = r.str(i++);
  t.assignee_id = r.opt_i64(i++);
  t.subject = r.str(i++);
  t.description = r.str(i++);
  t.tags = list_from(r.str(i++));
  t.root_cause_id = r.opt_i64(i++);
  t.findings = r.str(i++);
  t.responsible_staff_id = r.opt_i64(i++);
  t.solutions = list_from(r.str(i++));
  t.approved_solution = r.opt_i64(i++);
  t.implementation = r.str(i++);
  t.verify_failures = static_cast<int>(r.i64(i++));
  t.escalation = static_cast<int>(r.i64(i++));
  t.sla_policy_id = r.opt_i64(i++);
  t.paused_at = r.opt_i64(i++);
  t.paused_ms = r.i64(i++);
  t.respond_due_at = r.opt_i64(i++);
  t.responded_at = r.opt_i64(i++);
  t.resolve_due_at = r.opt_i64(i++);
  t.manager_due_at = r.opt_i64(i++);
  t.warn_at = r.opt_i64(i++);
  t.deadline_round = r.i64(i++);
  t.breached = r.boolean(i++);
  t.money.asked_fen = r.i64(i++);
  t.money.paid_fen = r.i64(i++);
  t.merged_into = r.opt_i64(i++);
  t.created_by = r.opt_i64(i++);
  t.created_at = r.i64(i++);
  t.updated_at = r.i64(i++);
  t.closed_at = r.opt_i64(i++);
  t.version = r.i64(i++);
  return t;
}

// Every column but id, in kCols order after id.
db::Params values(const Ticket& t) {
  return {t.number,
          t.kind,
          t.channel,
          t.category_id,
          t.severity,
          std::string(to_string(t.state)),
          t.resolution,
          t.customer_id,
          t.asset_id,
          t.contact_name,
          t.contact_phone,
          t.unit_id,
          t.unit_path,
          t.resp_unit_id,
          t.resp_unit_path,
          t.assignee_id,
          t.subject,
          t.description,
          list_json(t.tags),
          t.root_cause_id,
          t.findings,
          t.responsible_staff_id,
          list_json(t.solutions),
          t.approved_solution,
          t.implementation,
          t.verify_failures,
          t.escalation,
          t.sla_policy_id,
          t.paused_at,
          t.paused_ms,
          t.respond_due_at,
          t.responded_at,
          t.resolve_due_at,
          t.manager_due_at,
          t.warn_at,
          t.deadline_round,
          t.breached,
          t.money.asked_fen,
          t.money.paid_fen,
          t.merged_into,
          t.created_by,
          t.created_at,
          t.updated_at,
          t.closed_at,
          t.version};
}

// A LIKE pattern that matches `text` literally.
std::string like_literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::optional<Ticket> find(db::Session& s, int64_t id) {
  auto rows = s.query(std::string("SELECT ") + kCols + " FROM tickets WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return from(rows[0]);
}

std::optional<Ticket> find_by_number(db::Session& s, const std::string& number) {
  auto rows = s.query(std::string("SELECT ") + kCols + " FROM tickets WHERE number = ?", {number});
  if (rows.empty()) return std::nullopt;
  return from(rows[0]);
}

void insert(db::Session& s, Ticket& t) {
  std::string cols = std::string(kCols).substr(4);  // without "id, "
  std::string marks;
  auto v = values(t);
  for (size_t i = 0; i < v.size(); ++i) marks += i ? ", ?" : "?";
  t.id = s.insert_row("INSERT INTO tickets (" + cols + ") VALUES (" + marks + ")", v).value();
}

bool update(db::Session& s, const Ticket& t) {
  std::string cols = std::string(kCols).substr(4);
  std::string set;
  size_t start = 0;
  while (start < cols.size()) {
    size_t comma = cols.find(", ", start);
    std::string name =
        cols.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!set.empty()) set += ", ";
    set += name + " = ?";
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  auto v = values(t);
  v.emplace_back(t.id);
  v.emplace_back(t.version - 1);
  return s.exec("UPDATE tickets SET " + set + " WHERE id = ? AND version = ?", v) == 1;
}

int64_t next_seq(db::Session& s, const std::string& series) {
  // Without RETURNING (see db::Session::insert_row): the upsert, then the value it left.
  s.exec(
      "INSERT INTO ticket_counters (series, last_seq) VALUES (?, 1) "
      "ON CONFLICT (series) DO UPDATE SET last_seq = ticket_counters.last_seq + 1",
      {series});
  return s.query_one("SELECT last_seq FROM ticket_counters WHERE series = ?", {series})->i64(0);
}

namespace {

// The conditions every list query shares, after the scope: state, fields, paths, dues.
void add_filters(const ListFilter& f, bool sqlite, std::string& sql, db::Params& p) {
  const std::string op = sqlite ? " GLOB ?" : " LIKE ?";
  auto prefix = [&](const std::string& path) { return path + (sqlite ? "*" : "%"); };
  // On SQLite `+t.state`: the lists walk ids or paths; without statistics the planner
  // must not trade that walk for an index on the state and a sort.
  const std::string state = sqlite ? " AND +t.state" : " AND t.state";
  if (f.state_group == "open") sql += state + " <> 'closed'";
  if (f.state_group == "closed") sql += state + " = 'closed'";
  if (!f.states.empty()) {
    sql += state + " IN (";
    for (size_t i = 0; i < f.states.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.emplace_back(f.states[i]);
    }
    sql += ")";
  }
  auto eq = [&](const char* col, const auto& v) {
    if (!v) return;
    sql += std::string(" AND t.") + col + " = ?";
    p.emplace_back(*v);
  };
  eq("kind", f.kind);
  eq("severity", f.severity);
  eq("channel", f.channel);
  eq("customer_id", f.customer_id);
  eq("category_id", f.category_id);
  eq("assignee_id", f.assignee_id);
  eq("number", f.number);
  if (f.unit_path) {
    sql += " AND t.unit_path" + op;
    p.emplace_back(prefix(*f.unit_path));
  }
  if (f.resp_unit_path) {
    sql += " AND t.resp_unit_path" + op;
    p.emplace_back(prefix(*f.resp_unit_path));
  }
  if (f.unassigned) sql += " AND t.assignee_id IS NULL AND t.state <> 'closed'";
  if (f.due_before) {
    sql += " AND t.state <> 'closed' AND t.resolve_due_at IS NOT NULL AND t.resolve_due_at < ?";
    p.emplace_back(*f.due_before);
  }
  if (f.breached) sql += " AND t.breached = 1";
  if (f.after > 0) {
    sql += " AND t.id < ?";
    p.emplace_back(f.after);
  }
}

std::vector<int64_t> ids_of(db::Session& s, const std::string& sql, const db::Params& p) {
  std::vector<int64_t> out;
  for (const auto& r : s.query(sql, p)) out.push_back(r.i64(0));
  return out;
}

constexpr size_t kMaxPaths = 64;  // per path column, beyond which a list walks a range

// SQLite: the distinct values of a path column under `scope` among live tickets, one index
// seek each (a skip scan of tickets_unit or tickets_resp); nullopt beyond `cap` of them.
// Paths end with '/', so the subtree of "/1/2/" is the range ["/1/2/", "/1/20").
std::optional<std::vector<std::string>> paths_under(db::Session& s, const std::string& col,
                                                    const std::string& scope, size_t cap) {
  std::string hi = scope;
  hi.back() = static_cast<char>(hi.back() + 1);
  const std::string tail = " AND " + col + " < ? AND merged_into IS NULL";
  const std::string first = "SELECT MIN(" + col + ") FROM tickets WHERE " + col + " >= ?" + tail;
  const std::string next = "SELECT MIN(" + col + ") FROM tickets WHERE " + col + " > ?" + tail;
  std::vector<std::string> out;
  for (;;) {
    auto r = s.query_one(out.empty() ? first : next, {out.empty() ? scope : out.back(), hi});
    if (!r || r->is_null(0)) return out;
    if (out.size() == cap) return std::nullopt;
    out.push_back(r->str(0));
  }
}

// SQLite, when the scope holds few distinct paths: the newest `need` rows below id `below`
// of each path through its index (unit_path, id) or (resp_unit_path, id), merged. Each path
// reads at most a page of entries, where a range over the subtree reads all of them and
// sorts them. nullopt when the scope has too many paths.
std::optional<std::vector<int64_t>> newest_by_path(db::Session& s, const ListFilter& f,
                                                   int64_t below, int need) {
  if (f.scope_path.empty()) return std::nullopt;
  auto units = paths_under(s, "unit_path", f.scope_path, kMaxPaths);
  if (!units) return std::nullopt;
  auto resps = paths_under(s, "resp_unit_path", f.scope_path, kMaxPaths);
  if (!resps) return std::nullopt;
  std::string parts;
  db::Params q;
  for (const auto& [col, paths] : {std::pair{"unit_path", &*units}, {"resp_unit_path", &*resps}})
    for (const auto& path : *paths) {
      if (!parts.empty()) parts += " UNION ALL ";
      parts += std::string("SELECT * FROM (SELECT t.id FROM tickets t WHERE t.") + col +
               " = ? AND t.merged_into IS NULL AND t.id < ?";
      q.emplace_back(path);
      q.emplace_back(below);
      add_filters(f, true, parts, q);
      parts += " ORDER BY t.id DESC LIMIT ?)";
      q.emplace_back(static_cast<int64_t>(need));
    }
  if (parts.empty()) return std::vector<int64_t>{};
  q.emplace_back(static_cast<int64_t>(need));
  return ids_of(s, "SELECT DISTINCT id FROM (" + parts + ") ORDER BY id DESC LIMIT ?", q);
}

// Each side of the scope through its own index (unit_path, id) / (resp_unit_path, id) of
// live tickets as a prefix range, the newest `need` below id `below`.
std::vector<int64_t> newest_by_range(db::Session& s, const ListFilter& f, bool sqlite,
                                     int64_t below, int need) {
  const std::string op = sqlite ? " GLOB ?" : " LIKE ?";
  const std::string prefix = f.scope_path + (sqlite ? "*" : "%");
  std::string sides;
  db::Params q;
  for (const char* col : {"unit_path", "resp_unit_path"}) {
    if (!sides.empty()) sides += " UNION ";
    sides += std::string("SELECT t.id FROM tickets t WHERE t.") + col + op +
             " AND t.merged_into IS NULL AND t.id < ?";
    q.emplace_back(prefix);
    q.emplace_back(below);
    add_filters(f, sqlite, sides, q);
  }
  q.emplace_back(static_cast<int64_t>(need));
  return ids_of(s, "SELECT id FROM (" + sides + ") u ORDER BY id DESC LIMIT ?", q);
}

// "Due soon": open tickets by resolution deadline, most urgent first, after the cursor
// ticket's (deadline, id). SQLite walks each unit path of the scope through its (path,
// deadline, id) index and merges the walks, so a small branch reads only its own tickets;
// with too many paths, and on PostgreSQL (whose planner has statistics), one walk of
// tickets_open_due checks the scope as it goes.
std::vector<int64_t> by_deadline(db::Session& s, const ListFilter& f, bool sqlite,
                                 const std::function<void(std::string&, db::Params&)>& scope) {
  ListFilter rest = f;
  rest.due_before.reset();
  rest.after = 0;
  std::optional<std::pair<int64_t, int64_t>> from;
  if (f.after > 0) {
    auto r = s.query_one("SELECT resolve_due_at FROM tickets WHERE id = ?", {f.after});
    // The cursor's ticket lost its deadline meanwhile (no policy applies any more): there is
    // no place to go on from, and starting over would page in circles.
    if (!r || r->is_null(0)) return {};
    from = {r->i64(0), f.after};
  }
  // The terms of the partial indexes, the bound, and the cursor.
  auto open_after = [&](std::string& sql, db::Params& p) {
    sql +=
        " t.state <> 'closed' AND t.merged_into IS NULL AND t.resolve_due_at IS NOT NULL"
        " AND t.resolve_due_at < ?";
    p.emplace_back(*f.due_before);
    if (!from) return;
    sql += " AND t.resolve_due_at >= ? AND (t.resolve_due_at > ? OR t.id > ?)";
    p.insert(p.end(), {from->first, from->first, from->second});
  };
  if (sqlite && !f.scope_path.empty()) {
    auto units = paths_under(s, "unit_path", f.scope_path, kMaxPaths);
    auto resps = units ? paths_under(s, "resp_unit_path", f.scope_path, kMaxPaths) : std::nullopt;
    if (units && resps) {
      std::string parts;
      db::Params q;
      for (const auto& [col, paths] :
           {std::pair{"unit_path", &*units}, {"resp_unit_path", &*resps}})
        for (const auto& path : *paths) {
          if (!parts.empty()) parts += " UNION ALL ";
          parts += "SELECT * FROM (SELECT t.id, t.resolve_due_at AS due FROM tickets t WHERE t.";
          parts += col;
          parts += " = ? AND";
          q.emplace_back(path);
          open_after(parts, q);
          add_filters(rest, true, parts, q);
          parts += " ORDER BY t.resolve_due_at, t.id LIMIT ?)";
          q.emplace_back(static_cast<int64_t>(f.limit));
        }
      if (parts.empty()) return {};
      q.emplace_back(static_cast<int64_t>(f.limit));
      return ids_of(s, "SELECT DISTINCT id, due FROM (" + parts + ") ORDER BY due, id LIMIT ?", q);
    }
  }
  std::string sql = "SELECT t.id FROM tickets t WHERE";
  db::Params p;
  open_after(sql, p);
  scope(sql, p);
  add_filters(rest, sqlite, sql, p);
  sql += " ORDER BY t.resolve_due_at, t.id LIMIT ?";
  p.emplace_back(static_cast<int64_t>(f.limit));
  return ids_of(s, sql, p);
}

}  // namespace

std::vector<int64_t> list_ids(db::Session& s, const ListFilter& f) {
  const bool sqlite = s.dialect() == db::Dialect::kSqlite;
  const std::string op = sqlite ? " GLOB ?" : " LIKE ?";
  auto prefix = [&](const std::string& path) { return path + (sqlite ? "*" : "%"); };
  // The caller's scope: their subtree holds the ticket's unit or its responsible unit.
  // The unary + keeps SQLite from using a path index where the scan is meant.
  auto scope = [&](std::string& sql, db::Params& p) {
    sql += std::string(" AND t.merged_into IS NULL AND (") +
           (sqlite ? "+t.unit_path" : "t.unit_path") + op + " OR " +
           (sqlite ? "+t.resp_unit_path" : "t.resp_unit_path") + op + ")";
    p.emplace_back(prefix(f.scope_path));
    p.emplace_back(prefix(f.scope_path));
  };
  std::vector<int64_t> ids;
  if (f.due_before && f.fts_query.empty()) {
    ids = by_deadline(s, f, sqlite, scope);
  } else if (!f.fts_query.empty()) {
    std::string sql = "SELECT t.id FROM tickets t";
    db::Params p{f.fts_query};
    if (sqlite)
      sql += " JOIN ticket_fts ON ticket_fts.rowid = t.id WHERE ticket_fts MATCH ?";
    else
      sql += " JOIN ticket_fts ft ON ft.rowid = t.id WHERE ft.tokens @@ to_tsquery('simple', ?)";
    scope(sql, p);
    add_filters(f, sqlite, sql, p);
    sql += sqlite ? " ORDER BY ticket_fts.rowid DESC LIMIT ?" : " ORDER BY t.id DESC LIMIT ?";
    p.emplace_back(f.limit);
    ids = ids_of(s, sql, p);
  } else {
    // First the newest rows, newest first: when the scope is most of the table (a head
    // office, a big region) the page fills within a few hundred rows.
    int64_t top = f.after > 0
                      ? f.after
                      : s.query("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets").at(0).i64(0);
    std::string sql = "SELECT t.id FROM tickets t WHERE t.id >= ?";
    const int64_t window = f.scan_window;
    db::Params p{top - window};
    scope(sql, p);
    add_filters(f, sqlite, sql, p);
    sql += " ORDER BY t.id DESC LIMIT ?";
    p.emplace_back(f.limit);
    ids = ids_of(s, sql, p);
    if (static_cast<int>(ids.size()) < f.limit && top - window > 1) {
      // A small subtree, or rare filters: the older rows through the path indexes.
      const int need = f.limit - static_cast<int>(ids.size());
      auto older = sqlite ? newest_by_path(s, f, top - window, need) : std::nullopt;
      if (!older) older = newest_by_range(s, f, sqlite, top - window, need);
      ids.insert(ids.end(), older->begin(), older->end());
    }
  }
  return ids;
}

std::vector<Ticket> list(db::Session& s, const ListFilter& f) {
  std::vector<Ticket> out;
  for (int64_t id : list_ids(s, f))
    if (auto t = find(s, id)) out.push_back(std::move(*t));
  return out;
}

void reindex(db::Session& s, int64_t id, const std::string& tokens, bool fresh) {
  if (s.dialect() == db::Dialect::kSqlite) {
    if (!fresh) s.exec("DELETE FROM ticket_fts WHERE rowid = ?", {id});
    s.exec("INSERT INTO ticket_fts (rowid, tokens) VALUES (?, ?)", {id, tokens});
  } else {
    s.exec(
        "INSERT INTO ticket_fts (rowid, tokens) VALUES (?, to_tsvector('simple', ?)) "
        "ON CONFLICT (rowid) DO UPDATE SET tokens = excluded.tokens",
        {id, tokens});
  }
}

void add_step(db::Session& s, int64_t ticket_id, const StepRow& r) {
  s.exec(
      "INSERT INTO ticket_steps (ticket_id, action, from_state, to_state, actor_id, actor_name, "
      "at, comment, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {ticket_id, r.action, r.from_state, r.to_state, r.actor_id, r.actor_name, r.at, r.comment,
       r.data_json});
}

std::vector<StepRow> steps(db::Session& s, int64_t ticket_id) {
  std::vector<StepRow> out;
  for (const auto& r :
       s.query("SELECT id, action, from_state, to_state, actor_id, actor_name, at, comment, data "
               "FROM ticket_steps WHERE ticket_id = ? ORDER BY id",
               {ticket_id}))
    out.push_back({r.i64(0), r.str(1), r.str(2), r.str(3), r.opt_i64(4), r.str(5), r.i64(6),
                   r.str(7), r.str(8)});
  return out;
}

int64_t add_comment(db::Session& s, const Comment& c) {
  return s
      .query(
          "INSERT INTO ticket_comments (ticket_id, visibility, author_id, author_name, body, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
          {c.ticket_id, c.visibility, c.author_id, c.author_name, c.body, c.created_at})
      .at(0)
      .i64(0);
}

std::vector<Comment> comments(db::Session& s, int64_t ticket_id) {
  std::vector<Comment> out;
  for (const auto& r :
       s.query("SELECT id, ticket_id, visibility, author_id, author_name, body, created_at FROM "
               "ticket_comments WHERE ticket_id = ? ORDER BY id",
               {ticket_id}))
    out.push_back({r.i64(0), r.i64(1), r.str(2), r.opt_i64(3), r.str(4), r.str(5), r.i64(6)});
  return out;
}

namespace {
Category category_from(const db::Row& r) {
  return {
      r.i64(0),    r.str(1), r.opt_i64(2), r.str(3), r.str(4), r.str(5), static_cast<int>(r.i64(6)),
      r.boolean(7)};
}
constexpr const char* kCategoryCols =
    "SELECT id, kind, parent_id, path, code, name, sort, active FROM ticket_categories";
}  // namespace

std::vector<Category> categories(db::Session& s, const std::optional<std::string>& kind) {
  std::vector<Category> out;
  auto rows = kind ? s.query(std::string(kCategoryCols) + " WHERE kind = ? ORDER BY path", {*kind})
                   : s.query(std::string(kCategoryCols) + " ORDER BY kind, path");
  for (const auto& r : rows) out.push_back(category_from(r));
  return out;
}

std::optional<Category> category(db::Session& s, int64_t id) {
  auto rows = s.query(std::string(kCategoryCols) + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return category_from(rows[0]);
}

int64_t insert_category(db::Session& s, Category& c, int64_t now) {
  c.id = s.query(
              "INSERT INTO ticket_categories (kind, parent_id, path, code, name, sort, active, "
              "created_at, updated_at) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?) RETURNING id",
              {c.kind, c.parent_id, c.code, c.name, c.sort, c.active, now, now})
             .at(0)
             .i64(0);
  // The path holds the ids from the root: "/3/17/", so a subtree is a prefix.
  std::string parent_path = "/";
  if (c.parent_id) {
    auto parent = category(s, *c.parent_id);
    if (parent) parent_path = parent->path;
  }
  c.path = parent_path + std::to_string(c.id) + "/";
  s.exec("UPDATE ticket_categories SET path = ? WHERE id = ?", {c.path, c.id});
  return c.id;
}

void update_category(db::Session& s, const Category& c, int64_t now) {
  s.exec("UPDATE ticket_categories SET name = ?, sort = ?, active = ?, updated_at = ? WHERE id = ?",
         {c.name, c.sort, c.active, now, c.id});
}

std::vector<RootCause> root_causes(db::Session& s) {
  std::vector<RootCause> out;
  for (const auto& r :
       s.query("SELECT id, code, name, sort, active FROM ticket_root_causes ORDER BY sort, id"))
    out.push_back({r.i64(0), r.str(1), r.str(2), static_cast<int>(r.i64(3)), r.boolean(4)});
  return out;
}

std::optional<RootCause> root_cause(db::Session& s, int64_t id) {
  auto rows =
      s.query("SELECT id, code, name, sort, active FROM ticket_root_causes WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return RootCause{r.i64(0), r.str(1), r.str(2), static_cast<int>(r.i64(3)), r.boolean(4)};
}

int64_t upsert_root_cause(db::Session& s, RootCause& r, int64_t now) {
  r.id = s.query(
              "INSERT INTO ticket_root_causes (code, name, sort, active, updated_at) VALUES (?, "
              "?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, sort = "
              "excluded.sort, active = excluded.active, updated_at = excluded.updated_at "
              "RETURNING id",
              {r.code, r.name, r.sort, r.active, now})
             .at(0)
             .i64(0);
  return r.id;
}

std::vector<SlaPolicy> policies(db::Session& s) {
  std::vector<SlaPolicy> out;
  for (const auto& r :
       s.query("SELECT id, name, kind, severity, channel, category_id, respond_minutes, "
               "resolve_minutes, same_day, warn_percent, active FROM ticket_sla_policies "
               "ORDER BY id")) {
    SlaPolicy p;
    p.id = r.i64(0);
    p.name = r.str(1);
    p.kind = r.opt_str(2);
    p.severity = r.opt_str(3);
    p.channel = r.opt_str(4);
    p.category_id = r.opt_i64(5);
    p.respond_minutes = r.i64(6);
    p.resolve_minutes = r.i64(7);
    p.same_day = r.boolean(8);
    p.warn_percent = static_cast<int>(r.i64(9));
    p.active = r.boolean(10);
    out.push_back(p);
  }
  return out;
}

int64_t insert_policy(db::Session& s, SlaPolicy& p, int64_t now) {
  p.id = s.query(
              "INSERT INTO ticket_sla_policies (name, kind, severity, channel, category_id, "
              "respond_minutes, resolve_minutes, same_day, warn_percent, active, created_at, "
              "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {p.name, p.kind, p.severity, p.channel, p.category_id, p.respond_minutes,
               p.resolve_minutes, p.same_day, p.warn_percent, p.active, now, now})
             .at(0)
             .i64(0);
  return p.id;
}

void update_policy(db::Session& s, const SlaPolicy& p, int64_t now) {
  s.exec(
      "UPDATE ticket_sla_policies SET name = ?, kind = ?, severity = ?, channel = ?, "
      "category_id = ?, respond_minutes = ?, resolve_minutes = ?, same_day = ?, warn_percent = ?, "
      "active = ?, updated_at = ? WHERE id = ?",
      {p.name, p.kind, p.severity, p.channel, p.category_id, p.respond_minutes, p.resolve_minutes,
       p.same_day, p.warn_percent, p.active, now, p.id});
}

namespace {
constexpr const char* kSanctionCols =
    "SELECT x.id, x.ticket_id, x.kind, x.user_id, x.unit_id, x.unit_path, x.amount_fen, "
    "x.reason, x.month, x.state, x.proposed_by, x.decided_by, x.created_at, x.decided_at, "
    "t.number FROM ticket_sanctions x JOIN tickets t ON t.id = x.ticket_id";
Sanction sanction_from(const db::Row& r) {
  Sanction x;
  x.id = r.i64(0);
  x.ticket_id = r.i64(1);
  x.kind = r.str(2);
  x.user_id = r.opt_i64(3);
  x.unit_id = r.i64(4);
  x.unit_path = r.str(5);
  x.amount_fen = r.i64(6);
  x.reason = r.str(7);
  x.month = r.str(8);
  x.state = r.str(9);
  x.proposed_by = r.opt_i64(10);
  x.decided_by = r.opt_i64(11);
  x.created_at = r.i64(12);
  x.decided_at = r.opt_i64(13);
  x.ticket_number = r.str(14);
  return x;
}
}  // namespace

int64_t insert_sanction(db::Session& s, Sanction& x) {
  x.id = s.query(
              "INSERT INTO ticket_sanctions (ticket_id, kind, user_id, unit_id, unit_path, "
              "amount_fen, reason, month, state, proposed_by, created_at) VALUES (?, ?, ?, ?, ?, "
              "?, ?, ?, ?, ?, ?) RETURNING id",
              {x.ticket_id, x.kind, x.user_id, x.unit_id, x.unit_path, x.amount_fen, x.reason,
               x.month, x.state, x.proposed_by, x.created_at})
             .at(0)
             .i64(0);
  return x.id;
}

std::optional<Sanction> sanction(db::Session& s, int64_t id) {
  auto rows = s.query(std::string(kSanctionCols) + " WHERE x.id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return sanction_from(rows[0]);
}

void decide_sanction(db::Session& s, const Sanction& x) {
  s.exec("UPDATE ticket_sanctions SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?",
         {x.state, x.decided_by, x.decided_at, x.id});
}

std::vector<Sanction> sanctions(db::Session& s, const std::string& scope_path,
                                const std::optional<std::string>& month,
                                const std::optional<int64_t>& user_id,
                                const std::optional<int64_t>& ticket_id) {
  // No LIKE for the whole tree: SQLite prepares a statement with a bound LIKE pattern again
  // on every call.
  std::string sql = std::string(kSanctionCols) + " WHERE 1 = 1";
  db::Params p;
  if (scope_path != "/") {
    sql += " AND x.unit_path LIKE ? ESCAPE '\\'";
    p.emplace_back(like_literal(scope_path) + "%");
  }
  if (month) {
    sql += " AND x.month = ?";
    p.emplace_back(*month);
  }
  if (user_id) {
    sql += " AND x.user_id = ?";
    p.emplace_back(*user_id);
  }
  if (ticket_id) {
    sql += " AND x.ticket_id = ?";
    p.emplace_back(*ticket_id);
  }
  sql += " ORDER BY x.id DESC LIMIT 1000";
  std::vector<Sanction> out;
  for (const auto& r : s.query(sql, p)) out.push_back(sanction_from(r));
  return out;
}

MoneyTotals money_totals(db::Session& s, const std::string& scope_path, int64_t from_ms,
                         int64_t to_ms) {
  auto rows = s.query(
      "SELECT COUNT(*), COALESCE(SUM(asked_fen), 0), COALESCE(SUM(paid_fen), 0) FROM tickets "
      "WHERE (unit_path LIKE ? ESCAPE '\\' OR resp_unit_path LIKE ? ESCAPE '\\') AND "
      "merged_into IS NULL AND (asked_fen > 0 OR paid_fen > 0) AND created_at >= ? AND "
      "created_at < ?",
      {like_literal(scope_path) + "%", like_literal(scope_path) + "%", from_ms, to_ms});
  MoneyTotals m;
  m.tickets = rows.at(0).i64(0);
  m.money.asked_fen = rows.at(0).i64(1);
  m.money.paid_fen = rows.at(0).i64(2);
  return m;
}

std::vector<CategoryCount> category_counts(db::Session& s, const std::string& scope_path,
                                           const std::string& kind,
                                           const std::vector<int64_t>& bounds) {
  std::vector<CategoryCount> out;
  if (bounds.size() < 2) return out;
  std::string sql = "SELECT category_id";
  db::Params p;
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    sql += ", SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END)";
    p.emplace_back(bounds[i]);
    p.emplace_back(bounds[i + 1]);
  }
  sql +=
      " FROM tickets WHERE unit_path LIKE ? ESCAPE '\\' AND kind = ? AND merged_into IS NULL "
      "AND created_at >= ? AND created_at < ? GROUP BY category_id ORDER BY category_id";
  p.emplace_back(like_literal(scope_path) + "%");
  p.emplace_back(kind);
  p.emplace_back(bounds.front());
  p.emplace_back(bounds.back());
  for (const auto& r : s.query(sql, p)) {
    CategoryCount c;
    c.category_id = r.opt_i64(0);
    for (size_t i = 1; i < r.size(); ++i) c.counts.push_back(r.i64(i));
    out.push_back(std::move(c));
  }
  return out;
}

void set_public_token(db::Session& s, int64_t id, const std::string& token) {
  s.exec("UPDATE tickets SET public_token = ? WHERE id = ?", {token, id});
}

std::optional<Ticket> find_public(db::Session& s, const std::string& number,
                                  const std::string& token) {
  if (token.empty()) return std::nullopt;
  auto rows = s.query(
      std::string("SELECT ") + kCols + " FROM tickets WHERE number = ? AND public_token = ?",
      {number, token});
  if (rows.empty()) return std::nullopt;
  return from(rows[0]);
}

void add_challenge(db::Session& s, const std::string& id, const std::string& answer,
                   int64_t expires_at) {
  s.exec("DELETE FROM ticket_challenges WHERE expires_at < ?", {expires_at - 3600 * 1000});
  s.exec("INSERT INTO ticket_challenges (id, answer, expires_at) VALUES (?, ?, ?)",
         {id, answer, expires_at});
}

bool use_challenge(db::Session& s, const std::string& id, const std::string& answer, int64_t now) {
  auto rows = s.query("SELECT answer, expires_at, used FROM ticket_challenges WHERE id = ?", {id});
  if (rows.empty() || rows[0].boolean(2) || rows[0].i64(1) < now) return false;
  s.exec("UPDATE ticket_challenges SET used = 1 WHERE id = ?", {id});
  return rows[0].str(0) == answer;
}

namespace {
constexpr const char* kAttachmentCols =
    "SELECT id, ticket_id, name, content_type, size, sha256, uploaded_by, created_at FROM "
    "ticket_attachments";
Attachment attachment_from(const db::Row& r) {
  return {r.i64(0), r.i64(1), r.str(2), r.str(3), r.i64(4), r.str(5), r.opt_i64(6), r.i64(7)};
}
}  // namespace

int64_t insert_attachment(db::Session& s, const Attachment& a) {
  return s
      .query(
          "INSERT INTO ticket_attachments (ticket_id, name, content_type, size, sha256, "
          "uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {a.ticket_id, a.name, a.content_type, a.size, a.sha256, a.uploaded_by, a.created_at})
      .at(0)
      .i64(0);
}

std::vector<Attachment> attachments(db::Session& s, int64_t ticket_id) {
  std::vector<Attachment> out;
  for (const auto& r :
       s.query(std::string(kAttachmentCols) + " WHERE ticket_id = ? ORDER BY id", {ticket_id}))
    out.push_back(attachment_from(r));
  return out;
}

std::optional<Attachment> attachment(db::Session& s, int64_t id) {
  auto rows = s.query(std::string(kAttachmentCols) + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return attachment_from(rows[0]);
}

void link(db::Session& s, int64_t a, int64_t b, const std::string& kind, int64_t now) {
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}})
    s.exec(
        "INSERT INTO ticket_links (ticket_id, other_id, kind, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (ticket_id, other_id) DO UPDATE SET kind = excluded.kind",
        {x, y, kind, now});
}

std::vector<std::pair<int64_t, std::string>> links(db::Session& s, int64_t id) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const auto& r : s.query(
           "SELECT other_id, kind FROM ticket_links WHERE ticket_id = ? ORDER BY other_id", {id}))
    out.emplace_back(r.i64(0), r.str(1));
  return out;
}

std::vector<int64_t> repoint_customer(db::Session& s, int64_t from, int64_t into) {
  std::vector<int64_t> ids;
  for (const auto& r : s.query(
           "UPDATE tickets SET customer_id = ? WHERE customer_id = ? RETURNING id", {into, from}))
    ids.push_back(r.i64(0));
  return ids;
}

void unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids, int64_t survivor,
                        int64_t back_to) {
  if (ids.empty()) return;
  db::Params p{back_to, survivor};
  s.exec(
      "UPDATE tickets SET customer_id = ? WHERE customer_id = ? AND id IN " + db::in_list(ids, p),
      p);
}

// ---- saved views

namespace {
constexpr const char* kViewCols =
    "id, owner_id, name, filters, shared_unit_id, shared_unit_path, created_at, updated_at";
SavedView view_from(const db::Row& r) {
  return {r.i64(0),     r.i64(1),
          r.str(2),     r.str(3),
          r.opt_i64(4), r.is_null(5) ? std::nullopt : std::optional<std::string>(r.str(5)),
          r.i64(6),     r.i64(7)};
}
}  // namespace

std::vector<SavedView> views_for(db::Session& s, int64_t owner_id,
                                 const std::vector<std::string>& paths) {
  std::string sql = std::string("SELECT ") + kViewCols + " FROM ticket_views WHERE owner_id = ?";
  db::Params p{owner_id};
  if (!paths.empty()) {
    sql += " OR shared_unit_path IN (";
    for (size_t i = 0; i < paths.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.emplace_back(paths[i]);
    }
    sql += ")";
  }
  sql += " ORDER BY name, id";
  std::vector<SavedView> out;
  for (const auto& r : s.query(sql, p)) out.push_back(view_from(r));
  return out;
}

std::optional<SavedView> view(db::Session& s, int64_t id) {
  auto r =
      s.query_one(std::string("SELECT ") + kViewCols + " FROM ticket_views WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return view_from(*r);
}

std::optional<SavedView> view_named(db::Session& s, int64_t owner_id, const std::string& name) {
  auto r = s.query_one(
      std::string("SELECT ") + kViewCols + " FROM ticket_views WHERE owner_id = ? AND name = ?",
      {owner_id, name});
  if (!r) return std::nullopt;
  return view_from(*r);
}

int64_t count_views(db::Session& s, int64_t owner_id) {
  return s.query("SELECT COUNT(*) FROM ticket_views WHERE owner_id = ?", {owner_id}).at(0).i64(0);
}

void save_view(db::Session& s, SavedView& v) {
  if (v.id == 0) {
    v.id = *s.insert_row(
        "INSERT INTO ticket_views (owner_id, name, filters, shared_unit_id, shared_unit_path, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {v.owner_id, v.name, v.filters_json, v.shared_unit_id, v.shared_unit_path, v.created_at,
         v.updated_at});
    return;
  }
  s.exec(
      "UPDATE ticket_views SET filters = ?, shared_unit_id = ?, shared_unit_path = ?, "
      "updated_at = ? WHERE id = ?",
      {v.filters_json, v.shared_unit_id, v.shared_unit_path, v.updated_at, v.id});
}

void delete_view(db::Session& s, int64_t id) {
  s.exec("DELETE FROM ticket_views WHERE id = ?", {id});
}

}  // namespace kefu::tickets::store
