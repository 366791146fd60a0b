#include "modules/customers/service.h"

#include <algorithm>
#include <map>
#include <set>

#include "modules/customers/classes_store.h"
#include "modules/customers/json.h"
#include "modules/customers/search_index.h"
#include "modules/customers/store.h"
#include "modules/org/model.h"
#include "platform/audit/audit.h"
#include "platform/core/json_input.h"
#include "platform/events/outbox.h"
#include "platform/jobs/jobs.h"
#include "platform/search/tokenizer.h"

namespace kefu::customers {
namespace {

const char* const kCustomer = "@entity.customer";

void require(const auth::Principal& p, std::string_view perm) {
  if (!p.can(perm)) throw Error::forbidden();
}

// The customer, when it exists inside the caller's scope; otherwise "not found".
Customer scoped(db::Session& s, const auth::Principal& p, int64_t id) {
  auto c = store::find(s, id);
  if (!c || !p.in_scope(c->unit_path)) throw Error::not_found(kCustomer);
  return *c;
}

std::string dump(const CustomerView& v) {
  return boost::json::serialize(customer_json(v, false));
}

// Phones: normalised, no duplicates, exactly one primary.
std::vector<Phone> normalise_phones(const std::vector<Phone>& raw,
                                    std::vector<FieldError>& errors) {
  std::vector<Phone> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < raw.size(); ++i) {
    auto n = normalise_phone(raw[i].number);
    std::string field = "phones[" + std::to_string(i) + "].number";
    if (!n) {
      errors.push_back({field, "customer.phone_invalid", {}});
      continue;
    }
    if (!seen.insert(*n).second) {
      errors.push_back({field, "customer.phone_repeated", {}});
      continue;
    }
    out.push_back({*n, raw[i].label, raw[i].primary});
  }
  size_t primaries =
      std::count_if(out.begin(), out.end(), [](const Phone& p) { return p.primary; });
  if (primaries > 1) errors.push_back({"phones", "customer.one_primary", {}});
  if (primaries == 0 && !out.empty()) out.front().primary = true;
  return out;
}

void apply(Customer& c, const CustomerInput& in) {
  if (in.kind) c.kind = parse_kind(*in.kind).value_or(c.kind);
  if (in.name) c.name = *in.name;
  if (in.gender) c.gender = *in.gender;
  if (in.birthday) c.birthday = *in.birthday;
  if (in.email) c.email = *in.email;
  if (in.address) c.address = *in.address;
  if (in.source) c.source = *in.source;
  if (in.quiet_start) c.quiet_start = *in.quiet_start;
  if (in.quiet_end) c.quiet_end = *in.quiet_end;
  if (in.notes) c.notes = *in.notes;
  if (in.owner_id) c.owner_id = *in.owner_id;
  if (in.tags) c.tags = *in.tags;
  if (in.may_call) c.may_call = *in.may_call;
  if (in.may_text) c.may_text = *in.may_text;
  if (in.may_email) c.may_email = *in.may_email;
}

auth::Principal scope_reader(const auth::Principal& p) {
  auto sys = org::OrgService::system_principal(p.username);
  sys.unit_path = p.unit_path;
  return sys;
}

}  // namespace

CustomerService::CustomerService(db::Database& db, const Clock& clock, org::OrgService& org)
    : db_(db), clock_(clock), org_(org) {}

void CustomerService::ensure_presets(const std::string& industry) {
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    for (const auto& t : preset_asset_types())
      if (!store::asset_type(s, t.code)) store::upsert_asset_type(s, t, now);
    for (auto c : preset_classifications()) {
      if (store::classification(s, c.code)) continue;  // an admin's version stays
      if (c.code == "arpu_tier") c.active = industry == "telecom";
      store::save_classification(s, c, std::nullopt, now);
    }
    // Every node schedules the same night (the key is the local date): it runs once.
    int64_t night = next_night(now);
    jobs::schedule(s, now,
                   {kClassNightlyJob,
                    "night:" + std::to_string((night + zone_offset_minutes_ * 60000LL) /
                                              (24 * 3600 * 1000LL)),
                    night, "{}", 5});
  });
}

std::vector<FieldError> CustomerService::check(const CustomerInput& in, bool creating) {
  std::vector<FieldError> e;
  if (creating && (!in.name || in.name->empty())) e.push_back({"name", "field.required", {}});
  if (in.name && !creating && in.name->empty()) e.push_back({"name", "field.required", {}});
  if (creating && !in.unit_id) e.push_back({"unit_id", "field.required", {}});
  if (in.kind && !parse_kind(*in.kind)) e.push_back({"kind", "field.invalid", {}});
  if (in.gender && !one_of(genders(), *in.gender)) e.push_back({"gender", "field.invalid", {}});
  if (in.source && !one_of(sources(), *in.source)) e.push_back({"source", "field.invalid", {}});
  if (in.birthday && !in.birthday->empty() && !valid_date(*in.birthday))
    e.push_back({"birthday", "customer.date_invalid", {}});
  if (in.email && !in.email->empty() && !org::valid_email(*in.email))
    e.push_back({"email", "org.email_invalid", {}});
  for (auto [key, v] :
       {std::pair{"quiet_start", &in.quiet_start}, std::pair{"quiet_end", &in.quiet_end}})
    if (*v && !(*v)->empty() && !valid_clock_time(**v))
      e.push_back({key, "customer.time_invalid", {}});
  if ((in.quiet_start && !in.quiet_start->empty()) != (in.quiet_end && !in.quiet_end->empty()) &&
      creating)
    e.push_back({"quiet_end", "customer.quiet_pair", {}});
  if (in.tags) {
    std::set<std::string> seen;
    for (size_t i = 0; i < in.tags->size(); ++i) {
      const auto& t = (*in.tags)[i];
      if (t.empty() || utf8_length(t) > 60)
        e.push_back({"tags[" + std::to_string(i) + "]", "field.invalid", {}});
      else if (!seen.insert(t).second)
        e.push_back({"tags[" + std::to_string(i) + "]", "customer.tag_repeated", {}});
    }
  }
  if (in.phones) normalise_phones(*in.phones, e);
  return e;
}

CustomerView CustomerService::view(const auth::Principal& p, db::Session& s, Customer c,
                                   bool with_assets) const {
  CustomerView v;
  v.completeness = completeness(c);
  if (with_assets)
    for (const auto& a : store::assets_of(s, c.id))
      v.assets.push_back({a.id, a.type, a.label, a.attrs_json, a.created_at, a.updated_at});
  bool may_see = p.can(org::perm::kCustomerPii) || (c.owner_id && *c.owner_id == p.user_id);
  if (!may_see) {
    for (auto& ph : c.phones) ph.number = org::mask_phone(ph.number);
    v.phones_masked = !c.phones.empty();
  }
  v.customer = std::move(c);
  return v;
}

CustomerView CustomerService::create(const auth::Principal& p, const CustomerInput& in) {
  require(p, org::perm::kCustomerWrite);
  if (auto e = check(in, true); !e.empty()) throw Error::validation(std::move(e));
  // Units and owners are resolved before the write transaction (never nest reads in it).
  // Choosing an owner decides who sees the phone numbers: only assigners may, except that
  // anyone may make a new customer their own.
  if (in.owner_id && *in.owner_id && **in.owner_id != p.user_id &&
      !p.can(org::perm::kCustomerAssign))
    throw Error(ErrorKind::kForbidden, "customer.assign_forbidden");
  org::Unit unit;
  try {
    unit = org_.get_unit(scope_reader(p), *in.unit_id);
  } catch (const Error&) {
    throw Error::validation({{"unit_id", "org.unit_unknown", {}}});
  }
  if (!unit.active) throw Error::validation({{"unit_id", "org.parent_inactive", {}}});
  if (in.owner_id && *in.owner_id) {
    try {
      auto owner = org_.get_user(scope_reader(p), **in.owner_id);
      if (!owner.active) throw Error::validation({{"owner_id", "customer.owner_inactive", {}}});
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kUnprocessable) throw;
      throw Error::validation({{"owner_id", "customer.owner_unknown", {}}});
    }
  }
  std::vector<FieldError> ignored;
  auto phones = normalise_phones(in.phones.value_or(std::vector<Phone>{}), ignored);
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    std::vector<std::string> numbers;
    for (const auto& ph : phones) numbers.push_back(ph.number);
    if (auto taken = store::owners_of_phones(s, numbers); !taken.empty()) {
      auto existing = store::find(s, taken.front().second);
      Error e(ErrorKind::kConflict, "customer.phone_taken");
      if (existing && p.in_scope(existing->unit_path))
        throw std::move(e).with_extra("existing_id", std::to_string(existing->id));
      throw e;
    }
    Customer c;
    apply(c, in);
    c.unit_id = unit.id;
    c.unit_path = unit.path;
    c.phones = phones;
    c.created_at = c.updated_at = now;
    store::insert(s, c);
    store::set_phones(s, c.id, c.phones);
    reindex(s, c.id);
    CustomerView full = view(org::OrgService::system_principal(), s, c);
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.create", "customer", std::to_string(c.id),
                   c.unit_path, "", dump(full), p.request_id});
    events::publish(s, now,
                    {"customer.created", "customer", std::to_string(c.id), c.unit_id, p.actor_id(),
                     dump(full)});
    auto back = view(p, s, *store::find(s, c.id));  // as it will read back
    fill_classes(s, {&back});
    return back;
  });
}

CustomerView CustomerService::get(const auth::Principal& p, int64_t id) {
  require(p, org::perm::kCustomerRead);
  return db_.reading([&](db::Session& s) {
    auto v = view(p, s, scoped(s, p, id));
    fill_classes(s, {&v});
    return v;
  });
}

CustomerView CustomerService::update(const auth::Principal& p, int64_t id,
                                     const CustomerInput& in) {
  // Scope (404) and permission (403) come before anything about the input.
  Customer current = db_.reading([&](db::Session& s) { return scoped(s, p, id); });
  require(p, org::perm::kCustomerWrite);
  if (current.merged_into) throw Error(ErrorKind::kConflict, "customer.merged");
  if (in.owner_id && *in.owner_id != current.owner_id && !p.can(org::perm::kCustomerAssign))
    throw Error(ErrorKind::kForbidden, "customer.assign_forbidden");
  auto errors = check(in, false);
  // Quiet hours are a window: after the change both ends are set, or neither.
  std::string qs = in.quiet_start.value_or(current.quiet_start),
              qe = in.quiet_end.value_or(current.quiet_end);
  if (qs.empty() != qe.empty())
    errors.push_back({qs.empty() ? "quiet_start" : "quiet_end", "customer.quiet_pair", {}});
  if (!errors.empty()) throw Error::validation(std::move(errors));
  std::optional<org::Unit> unit;
  if (in.unit_id) {
    try {
      unit = org_.get_unit(scope_reader(p), *in.unit_id);
    } catch (const Error&) {
      throw Error::validation({{"unit_id", "org.unit_unknown", {}}});
    }
    if (!unit->active && unit->id != current.unit_id)
      throw Error::validation({{"unit_id", "org.parent_inactive", {}}});
  }
  if (in.owner_id && *in.owner_id) {
    try {
      if (!org_.get_user(scope_reader(p), **in.owner_id).active)
        throw Error::validation({{"owner_id", "customer.owner_inactive", {}}});
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kUnprocessable) throw;
      throw Error::validation({{"owner_id", "customer.owner_unknown", {}}});
    }
  }
  std::vector<FieldError> ignored;
  std::optional<std::vector<Phone>> phones;
  if (in.phones) phones = normalise_phones(*in.phones, ignored);
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    Customer before = scoped(s, p, id);
    require(p, org::perm::kCustomerWrite);
    if (before.merged_into) throw Error(ErrorKind::kConflict, "customer.merged");
    Customer c = before;
    apply(c, in);
    if (unit) {
      c.unit_id = unit->id;
      c.unit_path = unit->path;
    }
    if (phones) {
      std::vector<std::string> numbers;
      for (const auto& ph : *phones) numbers.push_back(ph.number);
      for (const auto& [number, owner] : store::owners_of_phones(s, numbers))
        if (owner != c.id) throw Error(ErrorKind::kConflict, "customer.phone_taken");
      c.phones = *phones;
    }
    auto sys = org::OrgService::system_principal();
    CustomerView was = view(sys, s, before);
    CustomerView now_view = view(sys, s, c);
    if (dump(was) == dump(now_view)) {  // nothing changed, nothing recorded
      auto same = view(p, s, before);
      fill_classes(s, {&same});
      return same;
    }
    c.updated_at = now;
    store::update(s, c);
    if (phones) store::set_phones(s, c.id, c.phones);
    reindex(s, c.id);
    now_view = view(sys, s, c);
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.update", "customer", std::to_string(c.id),
                   c.unit_path, dump(was), dump(now_view), p.request_id});
    events::publish(s, now,
                    {"customer.updated", "customer", std::to_string(c.id), c.unit_id, p.actor_id(),
                     dump(now_view)});
    auto back = view(p, s, *store::find(s, c.id));  // as it will read back
    fill_classes(s, {&back});
    return back;
  });
}

bool CustomerService::filter_of(const auth::Principal& p, const CustomerQuery& q,
                                store::Filter& f) {
  f.scope_path = p.unit_path;
  f.owner_id = q.owner_id;
  f.kind = q.kind;
  f.source = q.source;
  f.tag = q.tag;
  if (q.incomplete) f.max_completeness = 100;
  f.before_id = q.after;
  f.limit = q.limit + 1;
  if (q.kind && !parse_kind(*q.kind)) throw Error::validation({{"kind", "field.invalid", {}}});
  if (q.source && !one_of(sources(), *q.source))
    throw Error::validation({{"source", "field.invalid", {}}});
  if (q.unit_id) {
    try {
      f.unit_path = org_.get_unit(scope_reader(p), *q.unit_id).path;
    } catch (const Error&) {
      return false;  // an unknown or foreign unit has no customers for this caller
    }
  }
  if (q.class_filter) {
    // "classification:class", both known; the blank class means "no stored row".
    auto colon = q.class_filter->find(':');
    std::string code = q.class_filter->substr(0, colon);
    std::string cls = colon == std::string::npos ? "" : q.class_filter->substr(colon + 1);
    auto def = db_.reading([&](db::Session& s) { return store::classification(s, code); });
    if (!def || !def->def.active || !find_class(def->def, cls))
      throw Error::validation({{"class", "classify.filter_unknown", {}}});
    f.class_of = std::make_pair(code, cls);
    f.class_blank = cls == blank_class(def->def);
  }
  if (q.q) {
    auto terms = search::query_terms(*q.q);
    if (terms.empty()) return false;
    f.fts_query = db_.dialect() == db::Dialect::kSqlite ? search::fts5_match(terms)
                                                        : search::pg_tsquery(terms);
  }
  return true;
}

org::Page<CustomerView> CustomerService::list(const auth::Principal& p, const CustomerQuery& q) {
  require(p, org::perm::kCustomerRead);
  store::Filter f;
  org::Page<CustomerView> page;
  if (!filter_of(p, q, f)) return page;
  db_.read([&](db::Session& s) {
    for (auto& c : store::list(s, f)) page.items.push_back(view(p, s, std::move(c), false));
    std::vector<CustomerView*> views;
    for (auto& v : page.items) views.push_back(&v);
    fill_classes(s, views);
  });
  if (static_cast<int>(page.items.size()) > q.limit) {
    page.items.resize(q.limit);
    page.next_after = page.items.back().customer.id;
  }
  return page;
}

std::vector<int64_t> CustomerService::matching_ids(const auth::Principal& p, const CustomerQuery& q,
                                                   size_t cap) {
  std::vector<int64_t> ids;
  store::Filter f;
  if (!filter_of(p, q, f)) return ids;
  // Pages of the list, newest first, each page its own short read.
  f.limit = 2000;
  f.before_id = 0;
  for (;;) {
    std::vector<Customer> page = db_.reading([&](db::Session& s) { return store::list(s, f); });
    for (const auto& c : page) ids.push_back(c.id);
    if (page.size() < static_cast<size_t>(f.limit) || ids.size() > cap) break;
    f.before_id = page.back().id;
  }
  return ids;
}

std::vector<DuplicateGroup> CustomerService::duplicates(const auth::Principal& p) {
  require(p, org::perm::kCustomerRead);
  std::vector<DuplicateGroup> out;
  db_.read([&](db::Session& s) {
    auto collect = [&](const char* reason, const std::string& sql) {
      std::map<std::string, std::vector<int64_t>> groups;
      for (const auto& r : s.query(sql, {p.unit_path + "%"})) groups[r.str(0)].push_back(r.i64(1));
      for (auto& [value, ids] : groups) {
        if (ids.size() < 2) continue;
        std::string shown = value;
        if (std::string_view(reason) == "phone" && !p.can(org::perm::kCustomerPii))
          shown = org::mask_phone(value);
        out.push_back({reason, shown, std::move(ids)});
      }
    };
    collect("phone",
            "SELECT p.number, p.customer_id FROM customer_phones p JOIN customers c ON c.id = "
            "p.customer_id "
            "WHERE c.deleted_at IS NULL AND c.merged_into IS NULL AND c.unit_path LIKE ? AND "
            "p.number IN "
            "(SELECT number FROM customer_phones GROUP BY number HAVING COUNT(*) > 1) "
            "ORDER BY p.number, p.customer_id LIMIT 2000");
    collect("plate",
            "SELECT a.plate, a.customer_id FROM assets a JOIN customers c ON c.id = a.customer_id "
            "WHERE c.deleted_at IS NULL AND c.merged_into IS NULL AND a.plate <> '' AND "
            "c.unit_path LIKE ? AND a.plate IN "
            "(SELECT plate FROM assets WHERE plate <> '' GROUP BY plate HAVING COUNT(DISTINCT "
            "customer_id) > 1) "
            "ORDER BY a.plate LIMIT 2000");
    collect("vin",
            "SELECT a.vin, a.customer_id FROM assets a JOIN customers c ON c.id = a.customer_id "
            "WHERE c.deleted_at IS NULL AND c.merged_into IS NULL AND a.vin <> '' AND c.unit_path "
            "LIKE ? AND a.vin IN "
            "(SELECT vin FROM assets WHERE vin <> '' GROUP BY vin HAVING COUNT(DISTINCT "
            "customer_id) > 1) "
            "ORDER BY a.vin LIMIT 2000");
  });
  for (auto& g : out) {
    std::sort(g.customer_ids.begin(), g.customer_ids.end());
    g.customer_ids.erase(std::unique(g.customer_ids.begin(), g.customer_ids.end()),
                         g.customer_ids.end());
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](const DuplicateGroup& g) { return g.customer_ids.size() < 2; }),
            out.end());
  return out;
}

}  // namespace kefu::customers
