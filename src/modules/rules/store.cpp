#include "modules/rules/store.h"

namespace kefu::rules::store {
namespace {

constexpr const char* kCols =
    "id, code, name, unit_id, unit_path, active, version, definition, created_at, updated_at";

RuleRow row_from(const db::Row& r) {
  RuleRow out;
  out.rule.id = r.i64(0);
  out.rule.code = r.str(1);
  out.rule.name = r.str(2);
  out.rule.unit_id = r.i64(3);
  out.rule.unit_path = r.str(4);
  out.rule.active = r.boolean(5);
  out.rule.version = static_cast<int>(r.i64(6));
  out.definition = r.str(7);
  out.rule.created_at = r.i64(8);
  out.rule.updated_at = r.i64(9);
  return out;
}

std::string trigger_key(const Rule& r) {
  return rules::trigger_key(r.def.trigger);
}

void add_version(db::Session& s, const RuleRow& r, std::optional<int64_t> by) {
  s.exec(
      "INSERT INTO rule_versions (rule_id, version, name, active, definition, created_at, "
      "created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {r.rule.id, r.rule.version, r.rule.name, r.rule.active, r.definition, r.rule.updated_at, by});
}

}  // namespace

std::vector<RuleRow> list(db::Session& s, bool active_only) {
  std::string sql = std::string("SELECT ") + kCols + " FROM rules";
  if (active_only) sql += " WHERE active = 1";
  sql += " ORDER BY id";
  std::vector<RuleRow> out;
  for (const auto& r : s.query(sql)) out.push_back(row_from(r));
  return out;
}

std::optional<RuleRow> find(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string("SELECT ") + kCols + " FROM rules WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return row_from(*r);
}

std::optional<RuleRow> find_code(db::Session& s, const std::string& code) {
  auto r = s.query_one(std::string("SELECT ") + kCols + " FROM rules WHERE code = ?", {code});
  if (!r) return std::nullopt;
  return row_from(*r);
}

std::vector<RuleRow> versions(db::Session& s, int64_t id) {
  std::vector<RuleRow> out;
  auto base = find(s, id);
  if (!base) return out;
  for (const auto& r :
       s.query("SELECT version, name, active, definition, created_at FROM rule_versions WHERE "
               "rule_id = ? ORDER BY version DESC",
               {id})) {
    RuleRow v = *base;
    v.rule.version = static_cast<int>(r.i64(0));
    v.rule.name = r.str(1);
    v.rule.active = r.boolean(2);
    v.definition = r.str(3);
    v.rule.updated_at = r.i64(4);
    out.push_back(std::move(v));
  }
  return out;
}

void insert(db::Session& s, RuleRow& r, std::optional<int64_t> by) {
  r.rule.id = s.query_one(
                   "INSERT INTO rules (code, name, unit_id, unit_path, active, version, "
                   "trigger_key, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                   "?, ?, ?, ?) RETURNING id",
                   {r.rule.code, r.rule.name, r.rule.unit_id, r.rule.unit_path, r.rule.active,
                    r.rule.version, trigger_key(r.rule), r.definition, r.rule.created_at,
                    r.rule.updated_at})
                  ->i64(0);
  add_version(s, r, by);
}

void update(db::Session& s, const RuleRow& r, std::optional<int64_t> by) {
  s.exec(
      "UPDATE rules SET name = ?, unit_id = ?, unit_path = ?, active = ?, version = ?, "
      "trigger_key = ?, definition = ?, updated_at = ? WHERE id = ?",
      {r.rule.name, r.rule.unit_id, r.rule.unit_path, r.rule.active, r.rule.version,
       trigger_key(r.rule), r.definition, r.rule.updated_at, r.rule.id});
  add_version(s, r, by);
}

std::pair<int64_t, int64_t> stamp(db::Session& s) {
  auto r = s.query_one("SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM rules");
  return {r->i64(0), r->i64(1)};
}

bool insert_firing(db::Session& s, int64_t rule_id, int version, const std::string& key,
                   std::optional<int64_t> event_id, std::optional<int64_t> customer_id, int64_t now,
                   const std::string& outcome, const std::string& ref, int64_t* id_out) {
  auto id = s.insert_row(
      "INSERT INTO rule_firings (rule_id, version, dedupe_key, event_id, customer_id, fired_at, "
      "outcome, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
      {rule_id, version, key, event_id, customer_id, now, outcome, ref});
  if (!id) return false;
  if (id_out) *id_out = *id;
  return true;
}

void set_firing(db::Session& s, int64_t id, const std::string& outcome, const std::string& ref) {
  s.exec("UPDATE rule_firings SET outcome = ?, ref = ? WHERE id = ?", {outcome, ref, id});
}

std::vector<FiringRow> firings(db::Session& s, int64_t rule_id, int64_t before, int limit) {
  std::vector<FiringRow> out;
  for (const auto& r : s.query(
           "SELECT id, version, event_id, customer_id, fired_at, outcome, ref FROM rule_firings "
           "WHERE rule_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
           {rule_id, before > 0 ? before : INT64_MAX, limit})) {
    out.push_back({r.i64(0), static_cast<int>(r.i64(1)), r.opt_i64(2), r.opt_i64(3), r.i64(4),
                   r.str(5), r.str(6)});
  }
  return out;
}

std::vector<events::StoredEvent> events_since(db::Session& s, const std::string& type,
                                              int64_t since_ms, int64_t after, int limit) {
  std::vector<events::StoredEvent> out;
  for (const auto& r :
       s.query("SELECT id, at, type, entity, entity_id, unit_id, actor_id, payload FROM events "
               "WHERE type = ? AND id > ? AND at >= ? ORDER BY id LIMIT ?",
               {type, after, since_ms, limit})) {
    events::StoredEvent e;
    e.id = r.i64(0);
    e.at_ms = r.i64(1);
    e.type = r.str(2);
    e.entity = r.str(3);
    e.entity_id = r.str(4);
    e.unit_id = r.opt_i64(5);
    e.actor_id = r.opt_i64(6);
    e.payload_json = r.str(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kefu::rules::store
