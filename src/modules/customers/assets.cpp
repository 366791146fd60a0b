// Assets a customer owns, typed by admin-configurable asset types.
#include <algorithm>
#include <cctype>

#include "modules/customers/import_columns.h"
#include "modules/customers/json.h"
#include "modules/customers/search_index.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"

namespace kefu::customers {
namespace {

std::string upper_compact(std::string s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '-' && c != '.')
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string attr(const std::vector<AttrValue>& values, const std::string& key) {
  for (const auto& v : values)
    if (v.key == key) return v.text;
  return {};
}

// Checks attributes against the type (the same check as the import's); fills label, plate
// and VIN.
store::Asset build(const AssetType& type, const std::string& attrs_json) {
  auto values = attr_values(attrs_json);
  if (!values) throw Error::validation({{"attrs", "field.wrong_type", {{"expected", "object"}}}});
  std::vector<FieldError> errors;
  for (const auto& pr : check_attributes(type, *values))
    errors.push_back({"attrs." + pr.key, pr.code,
                      pr.code == "field.wrong_type"
                          ? Error::Params{{"expected", "@value_kind.number"}}
                          : Error::Params{}});
  if (!errors.empty()) throw Error::validation(std::move(errors));
  return asset_of(type, attrs_json, *values);
}

AssetView as_view(const store::Asset& a) {
  return {a.id, a.type, a.label, a.attrs_json, a.created_at, a.updated_at};
}

}  // namespace

store::Asset asset_of(const AssetType& type, const std::string& attrs_json,
                      const std::vector<AttrValue>& values) {
  store::Asset a;
  a.type = type.code;
  a.attrs_json = attrs_json;
  a.label = asset_label(type, values);
  a.plate = upper_compact(attr(values, "plate"));
  a.vin = upper_compact(attr(values, "vin"));
  return a;
}

std::vector<AssetType> CustomerService::asset_types(const auth::Principal& p) {
  if (!p.can(org::perm::kCustomerRead)) throw Error::forbidden();
  return db_.reading([](db::Session& s) { return store::asset_types(s); });
}

AssetType CustomerService::save_asset_type(const auth::Principal& p, const AssetType& t) {
  if (!p.can(org::perm::kCustomerAdmin)) throw Error::forbidden();
  std::vector<FieldError> errors;
  if (!org::valid_code(t.code)) errors.push_back({"code", "org.code_invalid", {}});
  if (t.name_zh.empty()) errors.push_back({"name_zh", "field.required", {}});
  if (t.name_en.empty()) errors.push_back({"name_en", "field.required", {}});
  if (t.fields.empty()) errors.push_back({"fields", "customer.fields_empty", {}});
  static const std::vector<std::string> kinds = {"text",  "date",  "integer",
                                                 "money", "phone", "enum"};
  std::vector<std::string> keys;
  for (size_t i = 0; i < t.fields.size(); ++i) {
    const auto& f = t.fields[i];
    std::string at = "fields[" + std::to_string(i) + "]";
    if (!org::valid_code(f.key)) errors.push_back({at + ".key", "org.code_invalid", {}});
    if (std::find(keys.begin(), keys.end(), f.key) != keys.end())
      errors.push_back({at + ".key", "customer.key_repeated", {}});
    keys.push_back(f.key);
    if (f.label_zh.empty()) errors.push_back({at + ".label_zh", "field.required", {}});
    if (!one_of(kinds, f.type)) errors.push_back({at + ".type", "field.invalid", {}});
    if (f.type == "enum" && f.options.empty())
      errors.push_back({at + ".options", "customer.options_empty", {}});
  }
  if (!errors.empty()) throw Error::validation(std::move(errors));
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    auto before = store::asset_type(s, t.code);
    store::upsert_asset_type(s, t, now);
    audit::append(
        s, now,
        {p.actor_id(), p.username,
         before ? "customer.asset_type.update" : "customer.asset_type.create", "asset_type", t.code,
         p.unit_path, before ? boost::json::serialize(asset_type_json(*before)) : "",
         boost::json::serialize(asset_type_json(t)), p.request_id});
  });
  return t;
}

AssetView CustomerService::add_asset(const auth::Principal& p, int64_t customer_id,
                                     const std::string& type, const std::string& attrs_json) {
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    auto c = store::find(s, customer_id);
    if (!c || !p.in_scope(c->unit_path)) throw Error::not_found("@entity.customer");
    if (!p.can(org::perm::kCustomerWrite)) throw Error::forbidden();
    if (c->merged_into) throw Error(ErrorKind::kConflict, "customer.merged");
    auto t = store::asset_type(s, type);
    if (!t || !t->active) throw Error::validation({{"type", "customer.asset_type_unknown", {}}});
    store::Asset a = build(*t, attrs_json);
    a.customer_id = customer_id;
    a.created_at = a.updated_at = now;
    store::insert_asset(s, a);
    reindex(s, customer_id);
    reclassify(s, {customer_id}, now);
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.asset.create", "asset", std::to_string(a.id),
                   c->unit_path, "", boost::json::serialize(asset_json(as_view(a))), p.request_id});
    return as_view(a);
  });
}

AssetView CustomerService::update_asset(const auth::Principal& p, int64_t customer_id,
                                        int64_t asset_id, const std::string& attrs_json) {
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    auto c = store::find(s, customer_id);
    auto before = store::find_asset(s, asset_id);
    if (!c || !p.in_scope(c->unit_path) || !before || before->customer_id != customer_id)
      throw Error::not_found("@entity.asset");
    if (!p.can(org::perm::kCustomerWrite)) throw Error::forbidden();
    if (c->merged_into) throw Error(ErrorKind::kConflict, "customer.merged");
    auto t = store::asset_type(s, before->type);
    if (!t) throw Error::validation({{"type", "customer.asset_type_unknown", {}}});
    store::Asset a = build(*t, attrs_json);
    a.id = before->id;
    a.customer_id = customer_id;
    a.created_at = before->created_at;
    a.updated_at = now;
    store::update_asset(s, a);
    reindex(s, customer_id);
    reclassify(s, {customer_id}, now);
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.asset.update", "asset", std::to_string(a.id),
                   c->unit_path, boost::json::serialize(asset_json(as_view(*before))),
                   boost::json::serialize(asset_json(as_view(a))), p.request_id});
    return as_view(a);
  });
}

}  // namespace kefu::customers

namespace kefu::customers {

std::optional<CustomerFacts> CustomerService::facts_in(db::Session& s, int64_t customer_id,
                                                       std::optional<int64_t> asset_id,
                                                       FactsNeed need) const {
  auto c = store::find(s, customer_id, need.phones);
  if (!c) return std::nullopt;
  CustomerFacts f{std::move(*c), std::nullopt, {}, need.classes};
  if (need.classes) f.classes = classes_in(s, customer_id);
  if (asset_id) {
    auto a = store::find_asset(s, *asset_id);
    if (a && a->customer_id == customer_id) f.asset = as_view(*a);
  }
  return f;
}

CustomerService::Cards CustomerService::cards_in(
    db::Session& s, const std::vector<std::pair<int64_t, std::optional<int64_t>>>& items) const {
  Cards out;
  std::vector<int64_t> customer_ids, asset_ids;
  for (const auto& [c, a] : items) {
    customer_ids.push_back(c);
    if (a) asset_ids.push_back(*a);
  }
  std::sort(customer_ids.begin(), customer_ids.end());
  customer_ids.erase(std::unique(customer_ids.begin(), customer_ids.end()), customer_ids.end());
  std::sort(asset_ids.begin(), asset_ids.end());
  asset_ids.erase(std::unique(asset_ids.begin(), asset_ids.end()), asset_ids.end());
  for (auto& c : store::find_many(s, customer_ids)) out.customers.emplace(c.id, std::move(c));
  for (const auto& a : store::find_assets(s, asset_ids))
    out.assets.emplace(a.id, std::make_pair(a.customer_id, as_view(a)));
  return out;
}

std::vector<AssetType> CustomerService::asset_types_in(db::Session& s) const {
  return store::asset_types(s);
}

std::vector<DateHolder> CustomerService::date_holders_in(db::Session& s, const DateQuery& q) const {
  return store::date_holders(s, q);
}

std::vector<int64_t> CustomerService::customer_ids_in(db::Session& s, const std::string& unit_path,
                                                      int64_t after, int limit) const {
  return store::customer_ids_under(s, unit_path, after, limit);
}

}  // namespace kefu::customers
