// Merging two records of one customer (seed 001: one vehicle under two customer ids) and
// undoing it. Everything moves in one transaction; what moved is kept in customer_merges
// and the audit, so that the merge can be undone exactly.
#include <algorithm>

#include <boost/json.hpp>

#include "modules/customers/json.h"
#include "modules/customers/search_index.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/events/outbox.h"

namespace kefu::customers {
namespace {

const char* const kCustomer = "@entity.customer";

Customer scoped(db::Session& s, const auth::Principal& p, int64_t id) {
  auto c = store::find(s, id);
  if (!c || !p.in_scope(c->unit_path)) throw Error::not_found(kCustomer);
  return *c;
}

void require_merge(const auth::Principal& p) {
  if (!p.can(org::perm::kCustomerAdmin) && !p.can(org::perm::kCustomerMerge))
    throw Error::forbidden();
}

boost::json::array ids_json(const std::vector<int64_t>& ids) {
  boost::json::array a;
  for (auto id : ids) a.emplace_back(id);
  return a;
}
boost::json::array strings_json(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}
std::vector<int64_t> ids_of(const boost::json::value& v) {
  std::vector<int64_t> out;
  if (v.is_array())
    for (const auto& x : v.as_array())
      if (x.is_int64()) out.push_back(x.as_int64());
  return out;
}
std::vector<std::string> strings_of(const boost::json::value& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const auto& x : v.as_array())
      if (x.is_string()) out.emplace_back(x.as_string());
  return out;
}
std::string str_of(const boost::json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

// The survivor's empty fields that the merged customer fills.
struct Fill {
  const char* key;
  std::string Customer::*field;
};
const Fill kFills[] = {{"address", &Customer::address},
                       {"birthday", &Customer::birthday},
                       {"email", &Customer::email}};

}  // namespace

CustomerView CustomerService::merge(const auth::Principal& p, int64_t from_id, int64_t into_id) {
  // Both must be visible (404) before permission (403) and input (422/409) are judged.
  auto [from0, into0] = db_.reading([&](db::Session& s) {
    Customer f = scoped(s, p, from_id);
    Customer t = scoped(s, p, into_id);
    return std::pair{f, t};
  });
  require_merge(p);
  if (from_id == into_id) throw Error::validation({{"into_id", "customer.merge_self", {}}});
  if (from0.merged_into) throw Error(ErrorKind::kConflict, "customer.already_merged");
  if (into0.merged_into) throw Error::validation({{"into_id", "customer.merge_target_merged", {}}});
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    Customer f = scoped(s, p, from_id);
    Customer t = scoped(s, p, into_id);
    if (f.merged_into) throw Error(ErrorKind::kConflict, "customer.already_merged");
    if (t.merged_into) throw Error::validation({{"into_id", "customer.merge_target_merged", {}}});
    auto sys = org::OrgService::system_principal();
    CustomerView fv = view(sys, s, f), tv = view(sys, s, t);
    std::vector<int64_t> asset_ids, event_ids = store::event_ids_of(s, from_id);
    for (const auto& a : fv.assets) asset_ids.push_back(a.id);

    // Phones: the survivor keeps its own (and its primary); the other's are added once.
    std::vector<std::string> phones_added;
    bool survivor_had_phones = !t.phones.empty();
    for (const auto& ph : f.phones) {
      bool has = std::any_of(t.phones.begin(), t.phones.end(),
                             [&](const Phone& x) { return x.number == ph.number; });
      if (has) continue;
      t.phones.push_back({ph.number, ph.label, survivor_had_phones ? false : ph.primary});
      phones_added.push_back(ph.number);
    }
    std::vector<std::string> tags_added;
    for (const auto& tag : f.tags)
      if (std::find(t.tags.begin(), t.tags.end(), tag) == t.tags.end()) {
        t.tags.push_back(tag);
        tags_added.push_back(tag);
      }
    std::string notes_appended;
    if (!f.notes.empty()) {
      notes_appended = (t.notes.empty() ? "" : "\n") + std::string("【合并自 ") + f.code + " " +
                       f.name + "】" + f.notes;
      t.notes += notes_appended;
    }
    boost::json::object filled;
    for (const auto& fill : kFills) {
      if ((t.*fill.field).empty() && !(f.*fill.field).empty()) {
        t.*fill.field = f.*fill.field;
        filled[fill.key] = f.*fill.field;
      }
    }
    if (!t.owner_id && f.owner_id) {
      t.owner_id = f.owner_id;
      filled["owner_id"] = *f.owner_id;
    }

    store::set_phones(s, from_id, {});
    store::set_phones(s, into_id, t.phones);
    store::move_assets(s, asset_ids, from_id, into_id);
    store::move_events(s, event_ids, from_id, into_id);
    t.updated_at = now;
    store::update(s, t);
    store::set_merged(s, from_id, into_id, now);
    boost::json::object hooked;
    for (const auto& hook : merge_hooks_)
      for (const auto& [kind, ids] : hook(s, from_id, into_id))
        if (!ids.empty()) hooked[kind] = ids_json(ids);
    reclassify(s, {from_id, into_id}, now);
    reindex(s, into_id);
    store::unindex(s, from_id);

    boost::json::object before{{"from", customer_json(fv, true)},
                               {"into", customer_json(tv, true)},
                               {"from_event_ids", ids_json(event_ids)}};
    boost::json::object moved{{"assets", ids_json(asset_ids)},
                              {"events", ids_json(event_ids)},
                              {"phones", strings_json(phones_added)},
                              {"tags", strings_json(tags_added)},
                              {"notes", notes_appended},
                              {"filled", std::move(filled)},
                              {"hooks", std::move(hooked)}};
    store::Merge m;
    m.from_id = from_id;
    m.into_id = into_id;
    m.before_json = boost::json::serialize(before);
    m.moved_json = boost::json::serialize(moved);
    m.merged_by = p.actor_id();
    m.merged_at = now;
    m.id = store::insert_merge(s, m);
    CustomerView after = view(sys, s, *store::find(s, into_id));
    boost::json::object after_json{{"merge_id", m.id},
                                   {"from_id", from_id},
                                   {"into_id", into_id},
                                   {"moved", moved},
                                   {"into", customer_json(after, true)}};
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.merge", "customer", std::to_string(from_id),
                   t.unit_path, m.before_json, boost::json::serialize(after_json), p.request_id});
    events::publish(
        s, now,
        {"customer.merged", "customer", std::to_string(from_id), t.unit_id, p.actor_id(),
         boost::json::serialize(
             boost::json::object{{"merge_id", m.id}, {"from_id", from_id}, {"into_id", into_id}})});
    auto back = view(p, s, *store::find(s, into_id));
    fill_classes(s, {&back});
    return back;
  });
}

CustomerView CustomerService::unmerge(const auth::Principal& p, int64_t from_id) {
  Customer current = db_.reading([&](db::Session& s) { return scoped(s, p, from_id); });
  require_merge(p);
  if (!current.merged_into) throw Error(ErrorKind::kConflict, "customer.not_merged");
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    Customer f = scoped(s, p, from_id);
    auto m = store::last_merge(s, from_id);
    if (!f.merged_into || !m) throw Error(ErrorKind::kConflict, "customer.not_merged");
    Customer t = scoped(s, p, m->into_id);
    if (t.merged_into) throw Error(ErrorKind::kConflict, "customer.unmerge_survivor_merged");
    auto sys = org::OrgService::system_principal();
    CustomerView survivor_before = view(sys, s, t);
    boost::json::object before = boost::json::parse(m->before_json).as_object();
    boost::json::object moved = boost::json::parse(m->moved_json).as_object();
    const auto& from_image = before.at("from").as_object();

    // The merged customer's own phones come back, unless a third customer has one now.
    std::vector<Phone> phones;
    for (const auto& v : from_image.at("phones").as_array()) {
      const auto& o = v.as_object();
      phones.push_back({str_of(o, "number"), str_of(o, "label"), o.at("primary").as_bool()});
    }
    std::vector<std::string> numbers;
    for (const auto& ph : phones) numbers.push_back(ph.number);
    for (const auto& [number, owner] : store::owners_of_phones(s, numbers))
      if (owner != t.id && owner != f.id) throw Error(ErrorKind::kConflict, "customer.phone_taken");
    auto added = strings_of(moved.at("phones"));
    std::vector<Phone> kept;
    for (const auto& ph : t.phones)
      if (std::find(added.begin(), added.end(), ph.number) == added.end()) kept.push_back(ph);
    if (!kept.empty() &&
        std::none_of(kept.begin(), kept.end(), [](const Phone& x) { return x.primary; }))
      kept.front().primary = true;
    t.phones = kept;
    store::set_phones(s, t.id, t.phones);
    store::set_phones(s, f.id, phones);

    store::move_assets(s, ids_of(moved.at("assets")), t.id, f.id);
    store::move_events(s, ids_of(moved.at("events")), t.id, f.id);
    // Other modules' records that the merge moved (merges made before hooks said so have
    // no "hooks": their records stay with the survivor).
    MovedRecords hooked;
    if (auto it = moved.find("hooks"); it != moved.end() && it->value().is_object())
      for (const auto& kv : it->value().as_object())
        hooked[std::string(kv.key())] = ids_of(kv.value());
    for (const auto& hook : unmerge_hooks_) hook(s, hooked, t.id, f.id);

    auto tags_added = strings_of(moved.at("tags"));
    t.tags.erase(std::remove_if(t.tags.begin(), t.tags.end(),
                                [&](const std::string& tag) {
                                  return std::find(tags_added.begin(), tags_added.end(), tag) !=
                                         tags_added.end();
                                }),
                 t.tags.end());
    std::string appended = str_of(moved, "notes");
    if (!appended.empty()) {
      if (auto at = t.notes.rfind(appended); at != std::string::npos)
        t.notes.erase(at, appended.size());
    }
    const auto& filled = moved.at("filled").as_object();
    for (const auto& fill : kFills) {
      auto it = filled.find(fill.key);
      if (it != filled.end() && it->value().is_string() &&
          t.*fill.field == std::string(it->value().as_string()))
        (t.*fill.field).clear();
    }
    if (auto it = filled.find("owner_id");
        it != filled.end() && it->value().is_int64() && t.owner_id == it->value().as_int64())
      t.owner_id.reset();
    t.updated_at = now;
    store::update(s, t);
    store::set_merged(s, f.id, std::nullopt, now);
    store::merge_undone(s, m->id, now);
    reclassify(s, {f.id, t.id}, now);
    reindex(s, t.id);
    reindex(s, f.id);

    CustomerView restored = view(sys, s, *store::find(s, f.id));
    CustomerView survivor = view(sys, s, *store::find(s, t.id));
    audit::append(
        s, now,
        {p.actor_id(), p.username, "customer.unmerge", "customer", std::to_string(f.id),
         t.unit_path,
         boost::json::serialize(boost::json::object{
             {"merge_id", m->id}, {"into", customer_json(survivor_before, true)}}),
         boost::json::serialize(boost::json::object{{"merge_id", m->id},
                                                    {"from", customer_json(restored, true)},
                                                    {"into", customer_json(survivor, true)}}),
         p.request_id});
    events::publish(s, now,
                    {"customer.unmerged", "customer", std::to_string(f.id), f.unit_id, p.actor_id(),
                     boost::json::serialize(boost::json::object{
                         {"merge_id", m->id}, {"from_id", f.id}, {"into_id", t.id}})});
    auto back = view(p, s, *store::find(s, f.id));
    fill_classes(s, {&back});
    return back;
  });
}

}  // namespace kefu::customers
