#include "modules/customers/store.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include <boost/json.hpp>

#include "platform/db/values.h"

namespace kefu::customers::store {
namespace {

constexpr const char* kCols =
    "c.id, c.code, c.kind, c.name, c.gender, c.birthday, c.email, c.address, c.source, c.unit_id, "
    "c.unit_path, "
    "c.owner_id, c.tags, c.may_call, c.may_text, c.quiet_start, c.quiet_end, c.notes, "
    "c.created_at, c.updated_at, "
    "(SELECT COUNT(*) FROM assets a WHERE a.customer_id = c.id), c.merged_into, c.may_email";

std::vector<std::string> tags_from(const std::string& json) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& t : v.as_array())
    if (t.is_string()) out.emplace_back(t.as_string());
  return out;
}

std::string tags_json(const std::vector<std::string>& tags) {
  if (tags.empty()) return "[]";
  boost::json::array a;
  for (const auto& t : tags) a.emplace_back(t);
  return boost::json::serialize(a);
}

Customer from(const db::Row& r) {
  Customer c;
  c.id = r.i64(0);
  c.code = r.str(1);
  c.kind = parse_kind(r.str(2)).value_or(Kind::kPerson);
  c.name = r.str(3);
  c.gender = r.str(4);
  c.birthday = r.str(5);
  c.email = r.str(6);
  c.address = r.str(7);
  c.source = r.str(8);
  c.unit_id = r.i64(9);
  c.unit_path = r.str(10);
  c.owner_id = r.opt_i64(11);
  c.tags = tags_from(r.str(12));
  c.may_call = r.boolean(13);
  c.may_text = r.boolean(14);
  c.quiet_start = r.str(15);
  c.quiet_end = r.str(16);
  c.notes = r.str(17);
  c.created_at = r.i64(18);
  c.updated_at = r.i64(19);
  c.asset_count = r.i64(20);
  c.merged_into = r.opt_i64(21);
  c.may_email = r.boolean(22);
  return c;
}

void load_phones(db::Session& s, std::vector<Customer>& cs) {
  if (cs.empty()) return;
  std::vector<int64_t> ids;
  std::map<int64_t, Customer*> by_id;
  for (auto& c : cs) {
    ids.push_back(c.id);
    by_id[c.id] = &c;
  }
  db::Params p;
  std::string sql =
      "SELECT customer_id, number, label, is_primary FROM customer_phones WHERE customer_id IN " +
      db::in_list(ids, p) + " ORDER BY customer_id, is_primary DESC, number";
  for (const auto& r : s.query(sql, p))
    by_id[r.i64(0)]->phones.push_back({r.str(1), r.str(2), r.boolean(3)});
}

// Writes `n` new rows with one statement per kBatch of them and one per row for the rest, so
// that an import of a million rows costs few statements while each connection's statement
// cache holds only two texts per table. `group` is one row's placeholders; `bind(i, params)`
// appends row i's values.
template <class Bind>
void insert_rows(db::Session& s, std::string_view head, std::string_view group, size_t n,
                 Bind bind) {
  constexpr size_t kBatch = 128;
  const std::string one = std::string(head) + std::string(group);
  const std::string many = std::string(head) + db::values_rows(kBatch, group);
  size_t i = 0;
  db::Params p;
  auto run = [&](size_t rows, const std::string& sql) {
    p.clear();
    for (size_t k = 0; k < rows; ++k) bind(i + k, p);
    s.exec(sql, p);
    i += rows;
  };
  if (n >= kBatch)
    p.reserve(kBatch * static_cast<size_t>(std::count(group.begin(), group.end(), '?')));
  while (n - i >= kBatch) run(kBatch, many);
  while (i < n) run(1, one);
}

Asset asset_from(const db::Row& r) {
  return {r.i64(0), r.i64(1), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.i64(7), r.i64(8)};
}
constexpr const char* kAssetCols =
    "id, customer_id, type, label, attrs, plate, vin, created_at, updated_at";

}  // namespace

std::optional<Customer> find(db::Session& s, int64_t id, bool with_phones) {
  auto rows = s.query(
      std::string("SELECT ") + kCols + " FROM customers c WHERE c.id = ? AND c.deleted_at IS NULL",
      {id});
  if (rows.empty()) return std::nullopt;
  std::vector<Customer> cs{from(rows.front())};
  if (with_phones) load_phones(s, cs);
  return cs.front();
}

std::vector<Customer> find_many(db::Session& s, const std::vector<int64_t>& ids) {
  std::vector<Customer> out;
  if (ids.empty()) return out;
  db::Params p;
  std::string sql = std::string("SELECT ") + kCols + " FROM customers c WHERE c.id IN " +
                    db::in_list(ids, p) + " AND c.deleted_at IS NULL";
  for (const auto& r : s.query(sql, p)) out.push_back(from(r));
  load_phones(s, out);
  return out;
}

void insert(db::Session& s, Customer& c) {
  auto r = s.query_one(
      "INSERT INTO customers (code, kind, name, gender, birthday, email, address, source, unit_id, "
      "unit_path, "
      "owner_id, tags, may_call, may_text, quiet_start, quiet_end, notes, completeness, "
      "created_at, updated_at, may_email) "
      "VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {std::string(to_string(c.kind)), c.name, c.gender, c.birthday, c.email, c.address, c.source,
       c.unit_id, c.unit_path, c.owner_id, tags_json(c.tags), c.may_call, c.may_text, c.quiet_start,
       c.quiet_end, c.notes, completeness(c).score, c.created_at, c.updated_at, c.may_email});
  c.id = r->i64(0);
  c.code = customer_code(c.id);
  s.exec("UPDATE customers SET code = ? WHERE id = ?", {c.code, c.id});
}

void update(db::Session& s, const Customer& c) {
  s.exec(
      "UPDATE customers SET kind = ?, name = ?, gender = ?, birthday = ?, email = ?, address = ?, "
      "source = ?, "
      "unit_id = ?, unit_path = ?, owner_id = ?, tags = ?, may_call = ?, may_text = ?, quiet_start "
      "= ?, "
      "quiet_end = ?, notes = ?, completeness = ?, updated_at = ?, may_email = ? WHERE id = ?",
      {std::string(to_string(c.kind)), c.name, c.gender, c.birthday, c.email, c.address, c.source,
       c.unit_id, c.unit_path, c.owner_id, tags_json(c.tags), c.may_call, c.may_text, c.quiet_start,
       c.quiet_end, c.notes, completeness(c).score, c.updated_at, c.may_email, c.id});
}

void set_phones(db::Session& s, int64_t customer_id, const std::vector<Phone>& phones) {
  s.exec("DELETE FROM customer_phones WHERE customer_id = ?", {customer_id});
  for (const auto& p : phones)
    s.exec(
        "INSERT INTO customer_phones (customer_id, number, label, is_primary) VALUES (?, ?, ?, ?)",
        {customer_id, p.number, p.label, p.primary});
}

std::vector<std::pair<std::string, int64_t>> owners_of_phones(
    db::Session& s, const std::vector<std::string>& numbers) {
  std::vector<std::pair<std::string, int64_t>> out;
  constexpr size_t kPerQuery = 500;  // an import asks for a whole chunk's numbers at once
  for (size_t from = 0; from < numbers.size(); from += kPerQuery) {
    std::vector<std::string> some(
        numbers.begin() + static_cast<std::ptrdiff_t>(from),
        numbers.begin() + static_cast<std::ptrdiff_t>(std::min(numbers.size(), from + kPerQuery)));
    db::Params p;
    std::string sql =
        "SELECT p.number, p.customer_id FROM customer_phones p JOIN customers c ON c.id = "
        "p.customer_id WHERE p.number IN " +
        db::in_list(some, p) + " AND c.deleted_at IS NULL";
    for (const auto& r : s.query(sql, p)) out.emplace_back(r.str(0), r.i64(1));
  }
  return out;
}

std::vector<Customer> list(db::Session& s, const Filter& f) {
  const bool sqlite = s.dialect() == db::Dialect::kSqlite;
  // Subtree filters: SQLite uses the (unit_path, id) index with GLOB (LIKE is case-blind
  // there and skips it); PostgreSQL's text_pattern_ops index serves LIKE.
  const char* prefix_op = sqlite ? " GLOB ?" : " LIKE ?";
  auto prefix = [&](const std::string& path) { return path + (sqlite ? "*" : "%"); };
  // The page's ids are chosen first and only then their columns read, so that sorting a
  // large unit never computes columns for rows that do not make the page.
  std::string sql = "SELECT c.id FROM customers c";
  db::Params p;
  std::string order = " ORDER BY c.id DESC";
  if (!f.fts_query.empty()) {
    if (sqlite) {
      // FTS5 hands out matches in rowid order, so the newest come first without a sort.
      sql += " JOIN customer_fts ON customer_fts.rowid = c.id WHERE customer_fts MATCH ?";
      order = " ORDER BY customer_fts.rowid DESC";
    } else {
      sql += " JOIN customer_fts ft ON ft.rowid = c.id WHERE ft.tokens @@ to_tsquery('simple', ?)";
    }
    p.emplace_back(f.fts_query);
  } else if (f.class_of && !f.class_blank) {
    // A class walks its (classification, class, customer_id) index newest first and joins
    // each customer by key: pages stay cheap however rare the class is.
    sql +=
        " JOIN customer_classes cc ON cc.customer_id = c.id WHERE cc.classification = ? AND "
        "cc.class_code = ?";
    p.emplace_back(f.class_of->first);
    p.emplace_back(f.class_of->second);
    order = " ORDER BY cc.customer_id DESC";
  } else {
    sql += " WHERE 1 = 1";
  }
  if (f.class_of && (f.class_blank || !f.fts_query.empty())) {
    sql += f.class_blank ? " AND NOT EXISTS" : " AND EXISTS";
    sql += " (SELECT 1 FROM customer_classes x WHERE x.customer_id = c.id AND x.classification = ?";
    p.emplace_back(f.class_of->first);
    if (!f.class_blank) {
      sql += " AND x.class_code = ?";
      p.emplace_back(f.class_of->second);
    }
    sql += ")";
  }
  sql += " AND c.merged_into IS NULL";  // merged duplicates are hidden
  // One subtree condition: the unit asked for (always inside the caller's scope, the
  // service resolved it through the org service) or else the scope. The scope is usually
  // most of the table, so it is only a filter on the newest-first scan (the unary + keeps
  // SQLite from choosing the path index for it); a chosen unit is narrow and uses the index.
  if (f.unit_path) {
    sql += std::string(" AND c.deleted_at IS NULL AND c.unit_path") + prefix_op;
    p.emplace_back(prefix(*f.unit_path));
  } else {
    sql += std::string(" AND c.deleted_at IS NULL AND ") +
           (sqlite ? "+c.unit_path" : "c.unit_path") + prefix_op;
    p.emplace_back(prefix(f.scope_path));
  }
  if (f.owner_id) {
    sql += " AND c.owner_id = ?";
    p.emplace_back(*f.owner_id);
  }
  if (f.kind) {
    sql += " AND c.kind = ?";
    p.emplace_back(*f.kind);
  }
  if (f.source) {
    sql += " AND c.source = ?";
    p.emplace_back(*f.source);
  }
  if (f.tag) {
    sql += " AND c.tags LIKE ?";
    std::string quoted = boost::json::serialize(boost::json::value(*f.tag));
    p.emplace_back("%" + quoted + "%");
  }
  if (f.max_completeness) {
    sql += " AND c.completeness < ?";
    p.emplace_back(*f.max_completeness);
  }
  if (f.before_id > 0) {
    sql += " AND c.id < ?";
    p.emplace_back(f.before_id);
  }
  sql += order + " LIMIT ?";
  p.emplace_back(f.limit);
  std::string outer = std::string("SELECT ") + kCols + " FROM customers c WHERE c.id IN (" + sql +
                      ") ORDER BY c.id DESC";
  std::vector<Customer> out;
  for (const auto& r : s.query(outer, p)) out.push_back(from(r));
  load_phones(s, out);
  return out;
}

namespace {
AssetType type_from(const db::Row& r) {
  AssetType t;
  t.code = r.str(0);
  t.name_zh = r.str(1);
  t.name_en = r.str(2);
  t.active = r.boolean(4);
  boost::system::error_code ec;
  auto v = boost::json::parse(r.str(3), ec);
  if (!ec && v.is_array()) {
    for (const auto& fv : v.as_array()) {
      if (!fv.is_object()) continue;
      const auto& o = fv.as_object();
      AssetField f;
      auto get = [&](const char* k) {
        auto it = o.find(k);
        return it != o.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                        : std::string();
      };
      f.key = get("key");
      f.label_zh = get("label_zh");
      f.label_en = get("label_en");
      f.type = get("type");
      if (auto it = o.find("required"); it != o.end() && it->value().is_bool())
        f.required = it->value().as_bool();
      if (auto it = o.find("options"); it != o.end() && it->value().is_array())
        for (const auto& op : it->value().as_array())
          if (op.is_string()) f.options.emplace_back(op.as_string());
      t.fields.push_back(std::move(f));
    }
  }
  return t;
}

std::string fields_json(const std::vector<AssetField>& fields) {
  boost::json::array a;
  for (const auto& f : fields) {
    boost::json::array opts;
    for (const auto& o : f.options) opts.emplace_back(o);
    a.push_back(boost::json::object{{"key", f.key},
                                    {"label_zh", f.label_zh},
                                    {"label_en", f.label_en},
                                    {"type", f.type},
                                    {"required", f.required},
                                    {"options", std::move(opts)}});
  }
  return boost::json::serialize(a);
}
}  // namespace

std::vector<AssetType> asset_types(db::Session& s) {
  std::vector<AssetType> out;
  for (const auto& r :
       s.query("SELECT code, name_zh, name_en, fields, active FROM asset_types ORDER BY code"))
    out.push_back(type_from(r));
  return out;
}

std::optional<AssetType> asset_type(db::Session& s, const std::string& code) {
  auto r = s.query_one(
      "SELECT code, name_zh, name_en, fields, active FROM asset_types WHERE code = ?", {code});
  if (!r) return std::nullopt;
  return type_from(*r);
}

void upsert_asset_type(db::Session& s, const AssetType& t, int64_t now) {
  s.exec(
      "INSERT INTO asset_types (code, name_zh, name_en, fields, active, updated_at) VALUES (?, ?, "
      "?, ?, ?, ?) "
      "ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, "
      "fields = excluded.fields, active = excluded.active, updated_at = excluded.updated_at",
      {t.code, t.name_zh, t.name_en, fields_json(t.fields), t.active, now});
}

std::vector<Asset> assets_of(db::Session& s, int64_t customer_id) {
  std::vector<Asset> out;
  for (const auto& r : s.query(
           std::string("SELECT ") + kAssetCols + " FROM assets WHERE customer_id = ? ORDER BY id",
           {customer_id}))
    out.push_back(asset_from(r));
  return out;
}

std::optional<Asset> find_asset(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string("SELECT ") + kAssetCols + " FROM assets WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return asset_from(*r);
}

std::vector<Asset> find_assets(db::Session& s, const std::vector<int64_t>& ids) {
  std::vector<Asset> out;
  if (ids.empty()) return out;
  db::Params p;
  std::string sql =
      std::string("SELECT ") + kAssetCols + " FROM assets WHERE id IN " + db::in_list(ids, p);
  for (const auto& r : s.query(sql, p)) out.push_back(asset_from(r));
  return out;
}

std::vector<int64_t> customer_ids_under(db::Session& s, const std::string& unit_path, int64_t after,
                                        int limit) {
  const bool sqlite = s.dialect() == db::Dialect::kSqlite;
  std::vector<int64_t> out;
  // A rule's scope is usually most of the table: walk by id and filter on the path (SQLite's
  // unary + keeps it off the path index).
  for (const auto& r :
       s.query(std::string("SELECT id FROM customers WHERE deleted_at IS NULL AND "
                           "merged_into IS NULL AND id > ? AND ") +
                   (sqlite ? "+unit_path GLOB ?" : "unit_path LIKE ?") + " ORDER BY id LIMIT ?",
               {after, unit_path + (sqlite ? "*" : "%"), limit}))
    out.push_back(r.i64(0));
  return out;
}

std::vector<DateHolder> date_holders(db::Session& s, const DateQuery& q) {
  const bool sqlite = s.dialect() == db::Dialect::kSqlite;
  const bool assets = !q.asset_types.empty();
  db::Params p;
  std::string value;
  std::string sql;
  if (assets) {
    // Attributes are JSON text; the key is an asset field's code (letters, digits, - and _).
    value = sqlite ? "json_extract(a.attrs, ?)" : "(a.attrs::jsonb ->> CAST(? AS TEXT))";
    sql = "SELECT a.id, a.customer_id, " + value +
          " FROM assets a JOIN customers c ON c.id = a.customer_id WHERE a.id > ? AND a.type IN ";
    p.emplace_back(sqlite ? "$.\"" + q.key + "\"" : q.key);
    p.emplace_back(q.after);
    sql += db::in_list(q.asset_types, p);
    p.emplace_back(sqlite ? "$.\"" + q.key + "\"" : q.key);
  } else {
    value = "c.birthday";
    sql = "SELECT c.id, c.id, c.birthday FROM customers c WHERE c.id > ?";
    p.emplace_back(q.after);
  }
  sql += std::string(" AND ") + (q.month_day ? "SUBSTR(" + value + ", 6, 5)" : value) + " IN " +
         db::in_list(q.values, p);
  sql += std::string(" AND c.deleted_at IS NULL AND c.merged_into IS NULL AND c.unit_path") +
         (sqlite ? " GLOB ?" : " LIKE ?");
  p.emplace_back(q.unit_path + (sqlite ? "*" : "%"));
  sql += assets ? " ORDER BY a.id LIMIT ?" : " ORDER BY c.id LIMIT ?";
  p.emplace_back(q.limit);
  std::vector<DateHolder> out;
  for (const auto& r : s.query(sql, p)) {
    DateHolder h;
    h.cursor = r.i64(0);
    h.customer_id = r.i64(1);
    if (assets) h.asset_id = r.i64(0);
    h.date = r.str(2);
    out.push_back(std::move(h));
  }
  return out;
}

void insert_asset(db::Session& s, Asset& a) {
  a.id = s.query_one(
              "INSERT INTO assets (customer_id, type, label, attrs, plate, vin, created_at, "
              "updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {a.customer_id, a.type, a.label, a.attrs_json, a.plate, a.vin, a.created_at,
               a.updated_at})
             ->i64(0);
}

void update_asset(db::Session& s, const Asset& a) {
  s.exec("UPDATE assets SET label = ?, attrs = ?, plate = ?, vin = ?, updated_at = ? WHERE id = ?",
         {a.label, a.attrs_json, a.plate, a.vin, a.updated_at, a.id});
}

std::vector<int64_t> owners_of_vehicle(db::Session& s, const std::string& plate,
                                       const std::string& vin) {
  std::vector<int64_t> out;
  auto rows = s.query(
      "SELECT DISTINCT a.customer_id FROM assets a JOIN customers c ON c.id = a.customer_id "
      "WHERE c.deleted_at IS NULL AND ((a.plate <> '' AND a.plate = ?) OR (a.vin <> '' AND a.vin = "
      "?))",
      {plate, vin});
  for (const auto& r : rows) out.push_back(r.i64(0));
  return out;
}

std::unordered_set<std::string> vehicle_keys_taken(db::Session& s, VehicleKey key,
                                                   const std::vector<std::string>& values) {
  std::unordered_set<std::string> out;
  const char* column = key == VehicleKey::kPlate ? "a.plate" : "a.vin";
  constexpr size_t kPerQuery = 500;
  for (size_t from = 0; from < values.size(); from += kPerQuery) {
    std::vector<std::string> some(
        values.begin() + static_cast<std::ptrdiff_t>(from),
        values.begin() + static_cast<std::ptrdiff_t>(std::min(values.size(), from + kPerQuery)));
    db::Params p;
    std::string sql = std::string("SELECT DISTINCT ") + column +
                      " FROM assets a JOIN customers c ON c.id = a.customer_id WHERE " + column +
                      " IN " + db::in_list(some, p) + " AND c.deleted_at IS NULL";
    for (const auto& r : s.query(sql, p)) out.insert(r.str(0));
  }
  return out;
}

void insert_event(db::Session& s, Event& e) {
  e.id = s.query_one(
              "INSERT INTO customer_events (customer_id, kind, occurred_at, unit_id, staff_id, "
              "amount_fen, asset_id, "
              "attrs, external_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {e.customer_id, e.kind, e.occurred_at, e.unit_id, e.staff_id, e.amount_fen,
               e.asset_id, e.attrs_json, e.external_id, e.created_at})
             ->i64(0);
}

namespace {

template <class T, class Fn>
void in_chunks(const std::vector<T>& values, Fn fn) {
  constexpr size_t kPerQuery = 500;
  for (size_t from = 0; from < values.size(); from += kPerQuery) {
    std::vector<T> some(
        values.begin() + static_cast<std::ptrdiff_t>(from),
        values.begin() + static_cast<std::ptrdiff_t>(std::min(values.size(), from + kPerQuery)));
    fn(some);
  }
}

CustomerRef ref_from(const db::Row& r) {
  return {r.i64(0), r.str(1), r.i64(2), r.str(3), r.opt_i64(4)};
}

}  // namespace

std::vector<CustomerRef> refs_by_codes(db::Session& s, const std::vector<std::string>& codes) {
  std::vector<CustomerRef> out;
  in_chunks(codes, [&](const std::vector<std::string>& some) {
    db::Params p;
    std::string sql =
        "SELECT id, code, unit_id, unit_path, merged_into FROM customers WHERE code IN " +
        db::in_list(some, p) + " AND deleted_at IS NULL";
    for (const auto& r : s.query(sql, p)) out.push_back(ref_from(r));
  });
  return out;
}

std::vector<CustomerRef> refs_by_ids(db::Session& s, const std::vector<int64_t>& ids) {
  std::vector<CustomerRef> out;
  in_chunks(ids, [&](const std::vector<int64_t>& some) {
    db::Params p;
    std::string sql =
        "SELECT id, code, unit_id, unit_path, merged_into FROM customers WHERE id IN " +
        db::in_list(some, p) + " AND deleted_at IS NULL";
    for (const auto& r : s.query(sql, p)) out.push_back(ref_from(r));
  });
  return out;
}

std::vector<std::pair<std::string, int64_t>> phone_holders(db::Session& s,
                                                           const std::vector<std::string>& numbers) {
  std::vector<std::pair<std::string, int64_t>> out;
  in_chunks(numbers, [&](const std::vector<std::string>& some) {
    db::Params p;
    for (const auto& r :
         s.query("SELECT number, customer_id FROM customer_phones WHERE number IN " +
                     db::in_list(some, p),
                 p))
      out.emplace_back(r.str(0), r.i64(1));
  });
  return out;
}

std::vector<VehicleRef> vehicles_by_keys(db::Session& s, VehicleKey key,
                                         const std::vector<std::string>& values) {
  std::vector<VehicleRef> out;
  const char* column = key == VehicleKey::kPlate ? "a.plate" : "a.vin";
  in_chunks(values, [&](const std::vector<std::string>& some) {
    db::Params p;
    std::string sql = std::string("SELECT ") + column +
                      ", a.id, a.customer_id, a.type FROM assets a JOIN customers c ON c.id = "
                      "a.customer_id WHERE " +
                      column + " IN " + db::in_list(some, p) + " AND c.deleted_at IS NULL";
    for (const auto& r : s.query(sql, p)) out.push_back({r.str(0), r.i64(1), r.i64(2), r.str(3)});
  });
  return out;
}

std::unordered_set<std::string> external_ids_taken(db::Session& s,
                                                   const std::vector<std::string>& ids) {
  std::unordered_set<std::string> out;
  in_chunks(ids, [&](const std::vector<std::string>& some) {
    db::Params p;
    for (const auto& r :
         s.query("SELECT external_id FROM customer_events WHERE external_id IN " +
                     db::in_list(some, p),
                 p))
      out.insert(r.str(0));
  });
  return out;
}

std::vector<int64_t> reserve_event_ids(db::Session& s, size_t n) {
  std::vector<int64_t> ids;
  ids.reserve(n);
  if (n == 0) return ids;
  if (s.dialect() == db::Dialect::kSqlite) {
    // One writer holds the database: the next rowids are the ones SQLite would choose.
    int64_t last = s.query_one("SELECT COALESCE(MAX(id), 0) FROM customer_events")->i64(0);
    for (size_t i = 1; i <= n; ++i) ids.push_back(last + static_cast<int64_t>(i));
  } else {
    for (const auto& r :
         s.query("SELECT nextval(pg_get_serial_sequence('customer_events', 'id')) FROM "
                 "generate_series(1, ?)",
                 {static_cast<int64_t>(n)}))
      ids.push_back(r.i64(0));
  }
  return ids;
}

void insert_events_many(db::Session& s, const std::vector<Event>& events) {
  insert_rows(s,
              "INSERT INTO customer_events (id, customer_id, kind, occurred_at, unit_id, staff_id, "
              "amount_fen, asset_id, attrs, external_id, created_at) VALUES ",
              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events.size(), [&](size_t i, db::Params& p) {
                const Event& e = events[i];
                for (db::Param v :
                     {db::Param(e.id), db::Param(e.customer_id), db::Param(e.kind),
                      db::Param(e.occurred_at), db::Param(e.unit_id), db::Param(e.staff_id),
                      db::Param(e.amount_fen), db::Param(e.asset_id), db::Param(e.attrs_json),
                      db::Param(e.external_id), db::Param(e.created_at)})
                  p.push_back(std::move(v));
              });
}

bool event_exists(db::Session& s, const std::string& external_id) {
  return s.query_one("SELECT 1 FROM customer_events WHERE external_id = ?", {external_id})
      .has_value();
}

std::vector<Event> events_of(db::Session& s, int64_t customer_id, int64_t before_id, int limit) {
  std::vector<Event> out;
  std::string sql =
      "SELECT id, customer_id, kind, occurred_at, unit_id, staff_id, amount_fen, asset_id, attrs, "
      "external_id, "
      "created_at FROM customer_events WHERE customer_id = ?";
  db::Params p{customer_id};
  if (before_id > 0) {
    sql += " AND id < ?";
    p.emplace_back(before_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  p.emplace_back(limit);
  for (const auto& r : s.query(sql, p)) {
    out.push_back({r.i64(0), r.i64(1), r.str(2), r.i64(3), r.i64(4), r.opt_i64(5), r.i64(6),
                   r.opt_i64(7), r.str(8), r.opt_str(9), r.i64(10)});
  }
  return out;
}

namespace {
// "?, ?, ?" for n parameters.
std::string marks(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}
}  // namespace

std::vector<int64_t> event_ids_of(db::Session& s, int64_t customer_id) {
  std::vector<int64_t> out;
  for (const auto& r :
       s.query("SELECT id FROM customer_events WHERE customer_id = ? ORDER BY id", {customer_id}))
    out.push_back(r.i64(0));
  return out;
}

void move_assets(db::Session& s, const std::vector<int64_t>& ids, int64_t from, int64_t to) {
  for (size_t at = 0; at < ids.size(); at += 500) {
    size_t n = std::min<size_t>(500, ids.size() - at);
    db::Params p{to, from};
    for (size_t i = 0; i < n; ++i) p.emplace_back(ids[at + i]);
    s.exec("UPDATE assets SET customer_id = ? WHERE customer_id = ? AND id IN (" + marks(n) + ")",
           p);
  }
}

void move_events(db::Session& s, const std::vector<int64_t>& ids, int64_t from, int64_t to) {
  for (size_t at = 0; at < ids.size(); at += 500) {
    size_t n = std::min<size_t>(500, ids.size() - at);
    db::Params p{to, from};
    for (size_t i = 0; i < n; ++i) p.emplace_back(ids[at + i]);
    s.exec("UPDATE customer_events SET customer_id = ? WHERE customer_id = ? AND id IN (" +
               marks(n) + ")",
           p);
  }
}

void set_merged(db::Session& s, int64_t id, std::optional<int64_t> into, int64_t now) {
  s.exec("UPDATE customers SET merged_into = ?, merged_at = ?, updated_at = ? WHERE id = ?",
         {into, into ? std::optional<int64_t>(now) : std::nullopt, now, id});
}

int64_t insert_merge(db::Session& s, const Merge& m) {
  return s
      .query_one(
          "INSERT INTO customer_merges (from_id, into_id, before_json, moved_json, merged_by, "
          "merged_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
          {m.from_id, m.into_id, m.before_json, m.moved_json, m.merged_by, m.merged_at})
      ->i64(0);
}

std::optional<Merge> last_merge(db::Session& s, int64_t from_id) {
  auto r = s.query_one(
      "SELECT id, from_id, into_id, before_json, moved_json, merged_by, merged_at FROM "
      "customer_merges WHERE from_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
      {from_id});
  if (!r) return std::nullopt;
  return Merge{r->i64(0), r->i64(1), r->i64(2), r->str(3), r->str(4), r->opt_i64(5), r->i64(6)};
}

void merge_undone(db::Session& s, int64_t merge_id, int64_t now) {
  s.exec("UPDATE customer_merges SET undone_at = ? WHERE id = ?", {now, merge_id});
}

void unindex(db::Session& s, int64_t customer_id) {
  s.exec("DELETE FROM customer_fts WHERE rowid = ?", {customer_id});
}

std::map<int64_t, int64_t> owned_counts(db::Session& s, const std::vector<int64_t>& owners) {
  std::map<int64_t, int64_t> out;
  for (auto id : owners) out[id] = 0;
  for (size_t at = 0; at < owners.size(); at += 500) {
    size_t n = std::min<size_t>(500, owners.size() - at);
    db::Params p;
    for (size_t i = 0; i < n; ++i) p.emplace_back(owners[at + i]);
    for (const auto& r : s.query(
             "SELECT owner_id, COUNT(*) FROM customers WHERE deleted_at IS NULL AND merged_into IS "
             "NULL AND owner_id IN (" +
                 marks(n) + ") GROUP BY owner_id",
             p))
      out[r.i64(0)] = r.i64(1);
  }
  return out;
}

void set_owner(db::Session& s, int64_t id, std::optional<int64_t> owner, int64_t now) {
  s.exec("UPDATE customers SET owner_id = ?, updated_at = ? WHERE id = ?", {owner, now, id});
}

std::vector<Brief> briefs(db::Session& s, const std::vector<int64_t>& ids) {
  std::vector<Brief> out;
  for (size_t at = 0; at < ids.size(); at += 500) {
    size_t n = std::min<size_t>(500, ids.size() - at);
    db::Params p;
    for (size_t i = 0; i < n; ++i) p.emplace_back(ids[at + i]);
    for (const auto& r :
         s.query("SELECT id, unit_path, owner_id FROM customers WHERE deleted_at IS NULL AND "
                 "merged_into IS NULL AND id IN (" +
                     marks(n) + ")",
                 p))
      out.push_back({r.i64(0), r.str(1), r.opt_i64(2)});
  }
  std::sort(out.begin(), out.end(), [](const Brief& a, const Brief& b) { return a.id < b.id; });
  return out;
}

void set_completeness(db::Session& s, int64_t customer_id, int score) {
  s.exec("UPDATE customers SET completeness = ? WHERE id = ?", {score, customer_id});
}

void add_phones(db::Session& s, int64_t customer_id, const std::vector<Phone>& phones) {
  for (const auto& p : phones)
    s.exec(
        "INSERT INTO customer_phones (customer_id, number, label, is_primary) VALUES (?, ?, ?, ?)",
        {customer_id, p.number, p.label, p.primary});
}

std::vector<int64_t> reserve_customer_ids(db::Session& s, size_t n) {
  std::vector<int64_t> ids;
  ids.reserve(n);
  if (n == 0) return ids;
  if (s.dialect() == db::Dialect::kSqlite) {
    // One writer holds the database: the next rowids are the ones SQLite would choose.
    int64_t last = s.query_one("SELECT COALESCE(MAX(id), 0) FROM customers")->i64(0);
    for (size_t i = 1; i <= n; ++i) ids.push_back(last + static_cast<int64_t>(i));
  } else {
    for (const auto& r : s.query("SELECT nextval(pg_get_serial_sequence('customers', 'id')) FROM "
                                 "generate_series(1, ?)",
                                 {static_cast<int64_t>(n)}))
      ids.push_back(r.i64(0));
  }
  return ids;
}

void insert_new(db::Session& s, const std::vector<const Customer*>& cs) {
  insert_rows(
      s,
      "INSERT INTO customers (id, code, kind, name, gender, birthday, email, address, source, "
      "unit_id, unit_path, owner_id, tags, may_call, may_text, quiet_start, quiet_end, notes, "
      "completeness, created_at, updated_at, may_email) VALUES ",
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cs.size(),
      [&](size_t i, db::Params& p) {
        const Customer& c = *cs[i];
        for (db::Param v : {db::Param(c.id),
                            db::Param(c.code),
                            db::Param(std::string(to_string(c.kind))),
                            db::Param(c.name),
                            db::Param(c.gender),
                            db::Param(c.birthday),
                            db::Param(c.email),
                            db::Param(c.address),
                            db::Param(c.source),
                            db::Param(c.unit_id),
                            db::Param(c.unit_path),
                            db::Param(c.owner_id),
                            db::Param(tags_json(c.tags)),
                            db::Param(c.may_call),
                            db::Param(c.may_text),
                            db::Param(c.quiet_start),
                            db::Param(c.quiet_end),
                            db::Param(c.notes),
                            db::Param(completeness(c).score),
                            db::Param(c.created_at),
                            db::Param(c.updated_at),
                            db::Param(c.may_email)})
          p.push_back(std::move(v));
      });
  std::vector<std::pair<int64_t, const Phone*>> phones;
  for (const Customer* c : cs)
    for (const auto& ph : c->phones) phones.emplace_back(c->id, &ph);
  insert_rows(s, "INSERT INTO customer_phones (customer_id, number, label, is_primary) VALUES ",
              "(?, ?, ?, ?)", phones.size(), [&](size_t i, db::Params& p) {
                const auto& [id, ph] = phones[i];
                p.emplace_back(id);
                p.emplace_back(ph->number);
                p.emplace_back(ph->label);
                p.emplace_back(ph->primary);
              });
}

void insert_new_assets(db::Session& s, const std::vector<Asset>& as) {
  insert_rows(s,
              "INSERT INTO assets (customer_id, type, label, attrs, plate, vin, created_at, "
              "updated_at) VALUES ",
              "(?, ?, ?, ?, ?, ?, ?, ?)", as.size(), [&](size_t i, db::Params& p) {
                const Asset& a = as[i];
                for (db::Param v : {db::Param(a.customer_id), db::Param(a.type), db::Param(a.label),
                                    db::Param(a.attrs_json), db::Param(a.plate), db::Param(a.vin),
                                    db::Param(a.created_at), db::Param(a.updated_at)})
                  p.push_back(std::move(v));
              });
}

void index_new_many(db::Session& s, const std::vector<std::pair<int64_t, std::string>>& rows) {
  if (s.dialect() == db::Dialect::kSqlite) {
    // One row per statement, all in a row: a multi-row INSERT opens a statement savepoint,
    // and FTS5 writes its pending terms out as a new segment at every savepoint; single
    // rows let the terms of the whole batch go out as one segment.
    for (const auto& [id, tokens] : rows)
      s.exec("INSERT INTO customer_fts (rowid, tokens) VALUES (?, ?)", {id, tokens});
    return;
  }
  insert_rows(s, "INSERT INTO customer_fts (rowid, tokens) VALUES ",
              "(?, to_tsvector('simple', ?))", rows.size(), [&](size_t i, db::Params& p) {
                p.emplace_back(rows[i].first);
                p.emplace_back(rows[i].second);
              });
}

void search_bulk_load(db::Session& s, bool on) {
  if (s.dialect() != db::Dialect::kSqlite) return;
  // FTS5 keeps up to `hashsize` bytes of terms in memory before it writes a segment (1 MiB by
  // default): a chunk of an import (tens of MB of terms) then becomes one segment instead of
  // dozens that automerge must merge again. The setting is stored, so it is put back.
  s.exec("INSERT INTO customer_fts (customer_fts, rank) VALUES ('hashsize', ?)",
         {on ? int64_t{256} << 20 : int64_t{1} << 20});
}

void index_new(db::Session& s, int64_t customer_id, const std::string& tokens) {
  if (s.dialect() == db::Dialect::kSqlite)
    s.exec("INSERT INTO customer_fts (rowid, tokens) VALUES (?, ?)", {customer_id, tokens});
  else
    s.exec("INSERT INTO customer_fts (rowid, tokens) VALUES (?, to_tsvector('simple', ?))",
           {customer_id, tokens});
}

void reindex(db::Session& s, int64_t customer_id, const std::string& tokens) {
  if (s.dialect() == db::Dialect::kSqlite) {
    s.exec("DELETE FROM customer_fts WHERE rowid = ?", {customer_id});
    s.exec("INSERT INTO customer_fts (rowid, tokens) VALUES (?, ?)", {customer_id, tokens});
  } else {
    s.exec(
        "INSERT INTO customer_fts (rowid, tokens) VALUES (?, to_tsvector('simple', ?)) "
        "ON CONFLICT (rowid) DO UPDATE SET tokens = excluded.tokens",
        {customer_id, tokens});
  }
}

}  // namespace kefu::customers::store
