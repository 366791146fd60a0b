// A customer's history: purchases, deliveries, repairs, visits, orders, calls. Each event
// is also published on the outbox for the rules, callbacks and KPI modules.
#include <set>

#include "modules/customers/json.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/events/outbox.h"

namespace kefu::customers {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

EventView as_view(const store::Event& e) {
  return {e.id,       e.customer_id, e.kind,     e.occurred_at, e.unit_id,
          e.staff_id, e.amount_fen,  e.asset_id, e.attrs_json,  e.external_id};
}

}  // namespace

// Validates one event inside the transaction; problems are reported under `prefix`.
std::vector<FieldError> CustomerService::validate_event(db::Session& s, const auth::Principal& p,
                                                        const EventInput& in,
                                                        const std::string& prefix, int64_t now,
                                                        const std::set<int64_t>& units_in_scope,
                                                        Customer* customer_out,
                                                        std::string* asset_type_out) {
  std::vector<FieldError> e;
  auto at = [&](const char* f) { return prefix + f; };
  if (!one_of(event_kinds(), in.kind)) e.push_back({at("kind"), "field.invalid", {}});
  if (in.occurred_at <= 0 || in.occurred_at > now + kDayMs)
    e.push_back({at("occurred_at"), "customer.time_out_of_range", {}});
  if (in.amount_fen < 0) e.push_back({at("amount_fen"), "field.out_of_range", {}});
  if (in.external_id && (in.external_id->empty() || in.external_id->size() > 100))
    e.push_back({at("external_id"), "field.invalid", {}});
  std::optional<Customer> c;
  if (in.customer_id)
    c = store::find(s, *in.customer_id);
  else if (in.customer_code) {
    auto r = s.query_one("SELECT id FROM customers WHERE code = ? AND deleted_at IS NULL",
                         {*in.customer_code});
    if (r) c = store::find(s, r->i64(0));
  }
  // A merged customer's history goes to the customer it was merged into (source systems
  // keep sending the old id or code).
  for (int hops = 0; c && c->merged_into && hops < 10; ++hops) c = store::find(s, *c->merged_into);
  if (!c || !p.in_scope(c->unit_path)) {
    e.push_back({at(in.customer_code && !in.customer_id ? "customer_code" : "customer_id"),
                 "customer.unknown",
                 {}});
    return e;
  }
  if (in.asset_id) {
    auto a = store::find_asset(s, *in.asset_id);
    if (!a || a->customer_id != c->id)
      e.push_back({at("asset_id"), "customer.asset_not_owned", {}});
    else if (asset_type_out)
      *asset_type_out = a->type;
  }
  if (in.unit_id && !units_in_scope.count(*in.unit_id))
    e.push_back({at("unit_id"), "org.unit_unknown", {}});
  if (customer_out) *customer_out = *c;
  return e;
}

EventView CustomerService::record_event(const auth::Principal& p, const EventInput& in) {
  if (!p.can(org::perm::kCustomerRead)) throw Error::forbidden();
  if (in.customer_id) {
    // The customer in the address must be visible before anything else is said about it.
    bool visible = db_.reading([&](db::Session& s) {
      auto c = store::find(s, *in.customer_id);
      return c && p.in_scope(c->unit_path);
    });
    if (!visible) throw Error::not_found("@entity.customer");
  }
  auto result = record(p, {in}, false);
  int64_t id = result.created.front();
  if (id == 0) throw Error(ErrorKind::kConflict, "customer.event_recorded");
  return db_.reading([&](db::Session& s) {
    auto r = s.query_one(
        "SELECT id, customer_id, kind, occurred_at, unit_id, staff_id, amount_fen, asset_id, "
        "attrs, external_id "
        "FROM customer_events WHERE id = ?",
        {id});
    return EventView{r->i64(0),     r->i64(1), r->str(2),     r->i64(3), r->i64(4),
                     r->opt_i64(5), r->i64(6), r->opt_i64(7), r->str(8), r->opt_str(9)};
  });
}

BatchResult CustomerService::record_events(const auth::Principal& p,
                                           const std::vector<EventInput>& in) {
  return record(p, in, true);
}

BatchResult CustomerService::record(const auth::Principal& p, const std::vector<EventInput>& in,
                                    bool indexed) {
  if (!p.can(org::perm::kCustomerWrite)) throw Error::forbidden();
  if (in.empty() || in.size() > 1000)
    throw Error::validation({{"events", "customer.batch_size", {}}});
  // Units are resolved through the org service before the transaction.
  std::set<int64_t> units_in_scope;
  auto reader = org::OrgService::system_principal(p.username);
  reader.unit_path = p.unit_path;
  std::set<int64_t> staff_in_scope;
  for (const auto& x : in) {
    if (x.unit_id && !units_in_scope.count(*x.unit_id)) {
      try {
        units_in_scope.insert(org_.get_unit(reader, *x.unit_id).id);
      } catch (const Error&) {
      }
    }
    if (x.staff_id && !staff_in_scope.count(*x.staff_id)) {
      try {
        staff_in_scope.insert(org_.get_user(reader, *x.staff_id).id);
      } catch (const Error&) {
      }
    }
  }
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    // Everything is checked first: one bad event refuses the whole batch.
    std::vector<FieldError> errors;
    std::vector<Customer> customers(in.size());
    std::vector<std::string> asset_types(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      std::string prefix = indexed ? "events[" + std::to_string(i) + "]." : "";
      auto e =
          validate_event(s, p, in[i], prefix, now, units_in_scope, &customers[i], &asset_types[i]);
      if (in[i].staff_id && !staff_in_scope.count(*in[i].staff_id))
        e.push_back({prefix + "staff_id", "customer.staff_unknown", {}});
      errors.insert(errors.end(), e.begin(), e.end());
    }
    if (!errors.empty()) throw Error::validation(std::move(errors));
    BatchResult result;
    for (size_t i = 0; i < in.size(); ++i) {
      const auto& x = in[i];
      if (x.external_id && store::event_exists(s, *x.external_id)) {
        result.created.push_back(0);
        ++result.skipped;
        continue;
      }
      store::Event e;
      e.customer_id = customers[i].id;
      e.kind = x.kind;
      e.occurred_at = x.occurred_at;
      e.unit_id = x.unit_id.value_or(customers[i].unit_id);
      e.staff_id = x.staff_id;
      e.amount_fen = x.amount_fen;
      e.asset_id = x.asset_id;
      e.attrs_json = x.attrs_json;
      e.external_id = x.external_id;
      e.created_at = now;
      store::insert_event(s, e);
      auto body = event_json(as_view(e));
      body["asset_type"] = asset_types[i];
      std::string payload = boost::json::serialize(body);
      events::publish(s, now,
                      {outbox_type(e.kind, asset_types[i]), "customer_event", std::to_string(e.id),
                       e.unit_id, p.actor_id(), payload});
      audit::append(s, now,
                    {p.actor_id(), p.username, "customer.event.create", "customer_event",
                     std::to_string(e.id), customers[i].unit_path, "", payload, p.request_id});
      result.created.push_back(e.id);
    }
    // The customers' classes move with their history, in this transaction (see classes.cpp).
    std::set<int64_t> touched;
    for (size_t i = 0; i < in.size(); ++i)
      if (result.created[i]) touched.insert(customers[i].id);
    reclassify(s, {touched.begin(), touched.end()}, now);
    return result;
  });
}

org::Page<EventView> CustomerService::events(const auth::Principal& p, int64_t customer_id,
                                             int64_t after, int limit) {
  if (!p.can(org::perm::kCustomerRead)) throw Error::forbidden();
  org::Page<EventView> page;
  db_.read([&](db::Session& s) {
    auto c = store::find(s, customer_id);
    if (!c || !p.in_scope(c->unit_path)) throw Error::not_found("@entity.customer");
    for (const auto& e : store::events_of(s, customer_id, after, limit + 1))
      page.items.push_back(as_view(e));
  });
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(limit);
    page.next_after = page.items.back().id;
  }
  return page;
}

}  // namespace kefu::customers
