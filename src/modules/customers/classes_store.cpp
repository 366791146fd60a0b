#include "modules/customers/classes_store.h"

#include <algorithm>

#include <boost/json.hpp>

#include "modules/customers/json.h"

namespace kefu::customers::store {
namespace {

namespace json = boost::json;

std::string marks(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

std::string text_of(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

ClassDef class_from(const json::object& o) {
  ClassDef d{
      text_of(o, "code"), text_of(o, "label_zh"), text_of(o, "label_en"), text_of(o, "colour"), {}};
  if (auto* cs = o.if_contains("conditions"); cs && cs->is_array()) {
    for (const auto& cv : cs->as_array()) {
      if (!cv.is_object()) continue;
      const auto& co = cv.as_object();
      ClassCondition c;
      c.measure = text_of(co, "measure");
      c.op = text_of(co, "op");
      c.asset_type = text_of(co, "asset_type");
      c.attr = text_of(co, "attr");
      if (auto* d2 = co.if_contains("days"); d2 && d2->is_int64())
        c.days = static_cast<int>(d2->as_int64());
      if (auto* ks = co.if_contains("kinds"); ks && ks->is_array())
        for (const auto& k : ks->as_array())
          if (k.is_string()) c.kinds.emplace_back(k.as_string());
      if (auto* vs = co.if_contains("values"); vs && vs->is_array())
        for (const auto& x : vs->as_array())
          if (x.is_int64()) c.values.push_back(x.as_int64());
      d.conditions.push_back(std::move(c));
    }
  }
  return d;
}

// Windowed measures need the events of the longest window only, but "days since" and
// all-time counts need all of them: a customer's history is tens of rows, read by the
// (customer_id, occurred_at) index.
void load_events(db::Session& s, const std::vector<int64_t>& ids, std::map<int64_t, History>& out) {
  for (size_t at = 0; at < ids.size(); at += 500) {
    size_t n = std::min<size_t>(500, ids.size() - at);
    db::Params p(ids.begin() + at, ids.begin() + at + n);
    for (const auto& r : s.query("SELECT customer_id, kind, occurred_at, amount_fen FROM "
                                 "customer_events WHERE customer_id IN (" +
                                     marks(n) + ")",
                                 p))
      out[r.i64(0)].events.push_back({r.str(1), r.i64(2), r.i64(3)});
  }
}

void load_assets(db::Session& s, const std::vector<int64_t>& ids, std::map<int64_t, History>& out) {
  for (size_t at = 0; at < ids.size(); at += 500) {
    size_t n = std::min<size_t>(500, ids.size() - at);
    db::Params p(ids.begin() + at, ids.begin() + at + n);
    for (const auto& r : s.query(
             "SELECT customer_id, type, attrs FROM assets WHERE customer_id IN (" + marks(n) + ")",
             p)) {
      HistoryAsset a{r.str(1), {}};
      boost::system::error_code ec;
      auto v = json::parse(r.str(2), ec);
      if (!ec && v.is_object())
        for (const auto& kv : v.as_object())
          if (kv.value().is_int64()) a.numbers[std::string(kv.key())] = kv.value().as_int64();
      out[r.i64(0)].assets.push_back(std::move(a));
    }
  }
}

Run run_from(const db::Row& r) {
  Run x;
  x.id = r.i64(0);
  x.reason = r.str(1);
  x.classification = r.str(2);
  x.only_history = r.boolean(3);
  x.total = r.i64(4);
  x.done = r.i64(5);
  x.changed = r.i64(6);
  x.after_id = r.i64(7);
  x.requested_by = r.opt_i64(8);
  x.started_at = r.i64(9);
  x.finished_at = r.opt_i64(10);
  return x;
}
constexpr const char* kRunCols =
    "id, reason, classification, only_history, total, done, changed, after_id, requested_by, "
    "started_at, finished_at";

}  // namespace

std::string classification_text(const Classification& c) {
  return json::serialize(classification_json(c));
}

std::optional<Classification> classification_from_text(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  Classification c;
  c.code = text_of(o, "code");
  c.label_zh = text_of(o, "label_zh");
  c.label_en = text_of(o, "label_en");
  if (auto* a = o.if_contains("active"); a && a->is_bool()) c.active = a->as_bool();
  if (auto* cs = o.if_contains("classes"); cs && cs->is_array())
    for (const auto& k : cs->as_array())
      if (k.is_object()) c.classes.push_back(class_from(k.as_object()));
  if (auto* d = o.if_contains("default"); d && d->is_object())
    c.fallback = class_from(d->as_object());
  return c;
}

std::string classifications_stamp(db::Session& s) {
  auto r = s.query_one(
      "SELECT COUNT(*), COALESCE(SUM(version), 0), COALESCE(MAX(updated_at), 0), "
      "COALESCE(SUM(active), 0) FROM customer_classifications");
  return r->str(0) + "/" + r->str(1) + "/" + r->str(2) + "/" + r->str(3);
}

std::vector<StoredClassification> classifications(db::Session& s) {
  std::vector<StoredClassification> out;
  for (const auto& r : s.query("SELECT definition, version, updated_at FROM "
                               "customer_classifications ORDER BY code"))
    if (auto c = classification_from_text(r.str(0))) out.push_back({*c, r.i64(1), r.i64(2)});
  return out;
}

std::optional<StoredClassification> classification(db::Session& s, const std::string& code) {
  auto r = s.query_one(
      "SELECT definition, version, updated_at FROM customer_classifications WHERE code = ?",
      {code});
  if (!r) return std::nullopt;
  auto c = classification_from_text(r->str(0));
  if (!c) return std::nullopt;
  return StoredClassification{*c, r->i64(1), r->i64(2)};
}

int64_t save_classification(db::Session& s, const Classification& c, std::optional<int64_t> by,
                            int64_t now) {
  auto r = s.query_one("SELECT version FROM customer_classifications WHERE code = ?", {c.code});
  int64_t version = r ? r->i64(0) + 1 : 1;
  std::string text = classification_text(c);
  s.exec(
      "INSERT INTO customer_classifications (code, active, version, definition, updated_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET active = excluded.active, "
      "version = excluded.version, definition = excluded.definition, updated_at = "
      "excluded.updated_at",
      {c.code, c.active, version, text, now});
  s.exec(
      "INSERT INTO customer_classification_versions (code, version, definition, saved_by, "
      "saved_at) VALUES (?, ?, ?, ?, ?)",
      {c.code, version, text, by, now});
  return version;
}

std::map<int64_t, History> histories(db::Session& s, const std::vector<int64_t>& ids) {
  std::map<int64_t, History> out;
  load_events(s, ids, out);
  load_assets(s, ids, out);
  return out;
}

std::map<int64_t, std::map<std::string, std::string>> stored_classes(
    db::Session& s, const std::vector<int64_t>& ids) {
  std::map<int64_t, std::map<std::string, std::string>> out;
  for (size_t at = 0; at < ids.size(); at += 500) {
    size_t n = std::min<size_t>(500, ids.size() - at);
    db::Params p(ids.begin() + at, ids.begin() + at + n);
    for (const auto& r : s.query("SELECT customer_id, classification, class_code FROM "
                                 "customer_classes WHERE customer_id IN (" +
                                     marks(n) + ")",
                                 p))
      out[r.i64(0)][r.str(1)] = r.str(2);
  }
  return out;
}

void set_class(db::Session& s, int64_t customer_id, const std::string& classification,
               const std::string& class_code, int64_t now) {
  s.exec(
      "INSERT INTO customer_classes (customer_id, classification, class_code, since) VALUES (?, "
      "?, ?, ?) ON CONFLICT (customer_id, classification) DO UPDATE SET class_code = "
      "excluded.class_code, since = excluded.since",
      {customer_id, classification, class_code, now});
}

void clear_class(db::Session& s, int64_t customer_id, const std::string& classification) {
  s.exec("DELETE FROM customer_classes WHERE customer_id = ? AND classification = ?",
         {customer_id, classification});
}

std::vector<int64_t> customer_ids_after(db::Session& s, int64_t after, int limit,
                                        bool only_history) {
  std::vector<int64_t> out;
  const char* sql =
      only_history
          ? "SELECT DISTINCT customer_id FROM customer_events WHERE customer_id > ? ORDER BY "
            "customer_id LIMIT ?"
          : "SELECT id FROM customers WHERE id > ? ORDER BY id LIMIT ?";
  for (const auto& r : s.query(sql, {after, limit})) out.push_back(r.i64(0));
  return out;
}

int64_t count_customers(db::Session& s, bool only_history) {
  return s
      .query_one(only_history ? "SELECT COUNT(DISTINCT customer_id) FROM customer_events"
                              : "SELECT COUNT(*) FROM customers")
      ->i64(0);
}

int64_t insert_run(db::Session& s, const Run& r) {
  return s
      .query_one(
          "INSERT INTO classification_runs (reason, classification, only_history, total, done, "
          "changed, after_id, requested_by, started_at) VALUES (?, ?, ?, ?, 0, 0, 0, ?, ?) "
          "RETURNING id",
          {r.reason, r.classification, r.only_history, r.total, r.requested_by, r.started_at})
      ->i64(0);
}

std::optional<Run> find_run(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string("SELECT ") + kRunCols + " FROM classification_runs WHERE id = ?",
                       {id});
  if (!r) return std::nullopt;
  return run_from(*r);
}

void update_run(db::Session& s, const Run& r) {
  s.exec(
      "UPDATE classification_runs SET done = ?, changed = ?, after_id = ?, finished_at = ? WHERE "
      "id = ?",
      {r.done, r.changed, r.after_id, r.finished_at, r.id});
}

std::vector<Run> recent_runs(db::Session& s, int limit) {
  std::vector<Run> out;
  for (const auto& r : s.query(
           std::string("SELECT ") + kRunCols + " FROM classification_runs ORDER BY id DESC LIMIT ?",
           {limit}))
    out.push_back(run_from(r));
  return out;
}

std::vector<PathCount> class_counts(db::Session& s, const std::string& classification,
                                    const std::string& path_prefix) {
  std::vector<PathCount> out;
  for (const auto& r :
       s.query("SELECT c.unit_path, cc.class_code, COUNT(*) FROM customers c LEFT JOIN "
               "customer_classes cc ON cc.customer_id = c.id AND cc.classification = ? WHERE "
               "c.deleted_at IS NULL AND c.merged_into IS NULL AND c.unit_path LIKE ? GROUP BY "
               "c.unit_path, cc.class_code",
               {classification, path_prefix + "%"}))
    out.push_back({r.str(0), r.str(1), r.i64(2)});
  return out;
}

}  // namespace kefu::customers::store
