#include "platform/audit/audit.h"

#include <sodium.h>

#include "platform/core/ids.h"

namespace kefu::audit {
namespace {

void put(std::string& buf, std::string_view field) {
  // Length-prefixed so that no two different rows serialise to the same bytes.
  buf += std::to_string(field.size());
  buf += ':';
  buf += field;
}

std::string opt(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : "-";
}

std::string row_hash(int64_t id, int64_t at, const Entry& e, const std::string& prev) {
  std::string buf;
  put(buf, std::to_string(id));
  put(buf, std::to_string(at));
  put(buf, opt(e.actor_id));
  put(buf, e.actor);
  put(buf, e.action);
  put(buf, e.entity);
  put(buf, e.entity_id);
  put(buf, e.unit_path);
  put(buf, e.before_json);
  put(buf, e.after_json);
  put(buf, e.request_id);
  put(buf, prev);
  return sha256_hex(buf);
}

}  // namespace

void append(db::Session& s, int64_t now_ms, const Entry& e) {
  // FOR UPDATE serialises appenders on PostgreSQL; SQLite has a single writer anyway.
  const char* head_sql = s.dialect() == db::Dialect::kPostgres
                             ? "SELECT last_id, last_hash FROM audit_head WHERE id = 1 FOR UPDATE"
                             : "SELECT last_id, last_hash FROM audit_head WHERE id = 1";
  auto head = s.query_one(head_sql);
  if (!head) throw db::DatabaseError("audit_head is missing");
  std::string prev = head->str(1);
  // Ids follow the head one by one (appenders are serialised), so the hash can be computed
  // before the insert and a deleted row leaves a visible gap.
  int64_t id = head->i64(0) + 1;
  std::string hash = row_hash(id, now_ms, e, prev);
  s.exec(
      "INSERT INTO audit_log (id, at, actor_id, actor, action, entity, entity_id, unit_path, "
      "before_json, after_json, request_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?)",
      {id, now_ms, e.actor_id, e.actor, e.action, e.entity, e.entity_id, e.unit_path, e.before_json,
       e.after_json, e.request_id, prev, hash});
  s.exec("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", {id, hash});
}

VerifyResult verify(db::Database& db) {
  VerifyResult result;
  db.read([&](db::Session& s) {
    std::string prev;
    int64_t last_id = 0;
    int64_t after = 0;
    for (;;) {
      auto rows = s.query(
          "SELECT id, at, actor_id, actor, action, entity, entity_id, unit_path, before_json, "
          "after_json, request_id, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT "
          "5000",
          {after});
      if (rows.empty()) break;
      for (const auto& r : rows) {
        Entry e{r.opt_i64(2), r.str(3), r.str(4), r.str(5), r.str(6),
                r.str(7),     r.str(8), r.str(9), r.str(10)};
        int64_t id = r.i64(0);
        ++result.checked;
        if (id != last_id + 1) {
          result = {false, result.checked, id, "rows before this one are missing (deleted)"};
          return;
        }
        if (r.str(11) != prev) {
          result = {false, result.checked, id,
                    "row does not follow the previous one (a row before it was deleted or edited)"};
          return;
        }
        if (row_hash(id, r.i64(1), e, prev) != r.str(12)) {
          result = {false, result.checked, id, "row content does not match its hash (edited)"};
          return;
        }
        prev = r.str(12);
        last_id = id;
      }
      after = last_id;
    }
    auto head = s.query_one("SELECT last_id, last_hash FROM audit_head WHERE id = 1");
    if (!head || head->i64(0) != last_id || head->str(1) != prev) {
      result = {false, result.checked, head ? head->i64(0) : 0,
                "the chain's head does not match the last row (rows at the end were deleted)"};
    }
  });
  return result;
}

std::vector<Record> list(db::Session& s, const ListFilter& f) {
  std::string sql =
      "SELECT id, at, actor_id, actor, action, entity, entity_id, unit_path, before_json, "
      "after_json, request_id "
      "FROM audit_log WHERE unit_path LIKE ?";
  db::Params p{f.scope_path + "%"};
  if (f.entity) {
    sql += " AND entity = ?";
    p.emplace_back(*f.entity);
  }
  if (f.entity_id) {
    sql += " AND entity_id = ?";
    p.emplace_back(*f.entity_id);
  }
  if (f.before_id > 0) {
    sql += " AND id < ?";
    p.emplace_back(f.before_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  p.emplace_back(f.limit);
  std::vector<Record> out;
  for (const auto& r : s.query(sql, p)) {
    out.push_back({r.i64(0), r.i64(1), r.opt_i64(2), r.str(3), r.str(4), r.str(5), r.str(6),
                   r.str(7), r.str(8), r.str(9), r.str(10)});
  }
  return out;
}

}  // namespace kefu::audit
