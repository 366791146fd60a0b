#include "modules/rules/service.h"

#include <boost/json.hpp>

#include "modules/calendar/model.h"
#include "modules/rules/json.h"
#include "modules/rules/store.h"
#include "platform/audit/audit.h"
#include "platform/jobs/jobs.h"

namespace kefu::rules {
namespace {

namespace json = boost::json;
constexpr int64_t kHourMs = 3600 * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int kTimeBatch = 500;  // customers or assets per date-rule batch (one short write)
const char* const kRule = "@entity.rule";

// Rules an event may fire, by trigger key, refreshed from the database at most once a second
// (this node's own writes drop it at once).
constexpr auto kCacheTtl = std::chrono::seconds(1);
// Live events whose work would have been due more than a week ago are not acted on.
constexpr int64_t kStaleMs = 7LL * 24 * kHourMs;

Rule rule_from(const store::RuleRow& r) {
  Rule out = r.rule;
  out.def = definition_from_text(r.definition);
  return out;
}

void flatten(const json::value& v, const std::string& prefix, Facts& out) {
  switch (v.kind()) {
    case json::kind::int64:
      out[prefix] = v.as_int64();
      break;
    case json::kind::uint64:
      out[prefix] = static_cast<int64_t>(v.as_uint64());
      break;
    case json::kind::double_:
      out[prefix] = v.as_double();
      break;
    case json::kind::bool_:
      out[prefix] = v.as_bool();
      break;
    case json::kind::string:
      out[prefix] = std::string(v.as_string());
      break;
    case json::kind::array: {
      std::vector<std::string> list;
      for (const auto& x : v.as_array())
        if (x.is_string()) list.emplace_back(x.as_string());
      out[prefix] = list;
      break;
    }
    case json::kind::object:
      for (const auto& kv : v.as_object())
        flatten(kv.value(), prefix + "." + std::string(kv.key()), out);
      break;
    default:
      break;
  }
}

// Whether a condition of the definition names this field (`prefix` + `name`) or one below it.
bool looks_at(const Definition& d, std::string_view prefix, std::string_view name = {}) {
  const size_t n = prefix.size() + name.size();
  for (const auto& c : d.conditions) {
    std::string_view field = c.field;
    if (field.size() >= n && field.substr(0, prefix.size()) == prefix &&
        field.substr(prefix.size(), name.size()) == name && (field.size() == n || field[n] == '.'))
      return true;
  }
  return false;
}

void customer_facts(const customers::CustomerFacts& c, Facts& f) {
  f["customer.kind"] =
      std::string(c.customer.kind == customers::Kind::kPerson ? "person" : "organisation");
  f["customer.source"] = c.customer.source;
  f["customer.tags"] = c.customer.tags;
  f["customer.unit_id"] = c.customer.unit_id;
  f["customer.unit_id.path"] = c.customer.unit_path;
  f["customer.gender"] = c.customer.gender;
  f["customer.may_call"] = c.customer.may_call;
  f["customer.may_text"] = c.customer.may_text;
  f["customer.has_owner"] = c.customer.owner_id.has_value();
  f["customer.birthday"] = c.customer.birthday;
  for (const auto& [classification, cls] : c.classes) f["customer.class." + classification] = cls;
  if (c.asset) {
    f["asset.type"] = c.asset->type;
    try {
      flatten(json::parse(c.asset->attrs_json), "asset.attrs", f);
    } catch (...) {
    }
  }
}

std::optional<int64_t> opt_int(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  return std::nullopt;
}

}  // namespace

struct RuleService::Cache {
  std::pair<int64_t, int64_t> stamp;
  std::map<std::string, std::vector<Rule>> by_trigger;
};

RuleService::RuleService(db::Database& db, const Clock& clock, org::OrgService& org,
                         customers::CustomerService& customers, WorkingDays working_days)
    : db_(db),
      clock_(clock),
      org_(org),
      customers_(customers),
      working_days_(std::move(working_days)) {}

void RuleService::register_action(ActionType a) {
  actions_.push_back(std::move(a));
}

const ActionType* RuleService::action(const std::string& type) const {
  for (const auto& a : actions_)
    if (a.type == type) return &a;
  return nullptr;
}

void RuleService::drop_cache() {
  std::lock_guard lock(mu_);
  cache_.reset();
}

std::shared_ptr<const RuleService::Cache> RuleService::rules_for(db::Session& s) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (cache_ && now - cache_at_ < kCacheTtl) return cache_;
  }
  auto stamp = store::stamp(s);
  {
    std::lock_guard lock(mu_);
    if (cache_ && cache_->stamp == stamp) {
      cache_at_ = now;
      return cache_;
    }
  }
  auto fresh = std::make_shared<Cache>();
  fresh->stamp = stamp;
  for (const auto& row : store::list(s, true)) {
    Rule r = rule_from(row);
    std::string key = trigger_key(r.def.trigger);
    fresh->by_trigger[key].push_back(std::move(r));
  }
  std::lock_guard lock(mu_);
  cache_ = fresh;
  cache_at_ = now;
  unit_paths_.clear();  // units may have moved; paths are re-read as needed
  return cache_;
}

std::optional<std::string> RuleService::unit_path(db::Session& s, int64_t unit_id) {
  {
    std::lock_guard lock(mu_);
    auto it = unit_paths_.find(unit_id);
    if (it != unit_paths_.end()) return it->second;
  }
  auto u = org_.unit_in(s, unit_id);
  if (!u) return std::nullopt;
  std::lock_guard lock(mu_);
  unit_paths_[unit_id] = u->path;
  return u->path;
}

std::vector<DateField> RuleService::date_fields(db::Session& s) {
  // Every asset field of type date, whatever the asset type (keys shared by several types
  // are one field; the first type's labels name it). Inactive types still have assets.
  std::vector<DateField> out;
  for (const auto& t : customers_.asset_types_in(s))
    for (const auto& f : t.fields) {
      if (f.type != "date") continue;
      std::string key = "asset." + f.key;
      bool known =
          std::any_of(out.begin(), out.end(), [&](const DateField& d) { return d.key == key; });
      if (!known) out.push_back({key, f.label_zh, f.label_en.empty() ? f.label_zh : f.label_en});
    }
  return out;
}

std::vector<TriggerInfo> RuleService::triggers(const auth::Principal& p) {
  if (!p.can(org::perm::kRuleRead)) throw Error::forbidden();
  std::vector<TriggerInfo> out = catalogue();
  auto time = db_.reading([&](db::Session& s) { return time_triggers(date_fields(s)); });
  out.insert(out.end(), time.begin(), time.end());
  return out;
}

std::vector<FieldError> RuleService::check(db::Session& s, const Definition& d) {
  std::vector<FieldError> out;
  for (const auto& p : rules::check(d, date_fields(s))) {
    FieldError e{"definition." + p.field, p.code, {}};
    if (!p.param.empty()) e.params.push_back({"value", p.param});
    out.push_back(std::move(e));
  }
  for (size_t i = 0; i < d.conditions.size(); ++i) {
    const auto& c = d.conditions[i];
    if (c.op != "in_unit") continue;
    for (const auto& v : c.values) {
      auto id = number(v);
      if (id && unit_path(s, static_cast<int64_t>(*id))) continue;
      out.push_back({"definition.conditions[" + std::to_string(i) + "].values",
                     "rules.unit_unknown",
                     {{"value", v}}});
    }
  }
  const ActionType* a = action(d.action);
  if (!a) {
    out.push_back({"definition.action", "rules.action_unknown", {{"value", d.action}}});
  } else if (a->check) {
    for (auto e : a->check(s, d.params_json)) {
      e.field = "definition." + e.field;
      out.push_back(std::move(e));
    }
  }
  return out;
}

void RuleService::check_cycles(db::Session& s, const Rule& candidate) {
  std::vector<std::pair<std::string, std::vector<std::string>>> edges;
  auto add = [&](const Rule& r) {
    if (!r.active || r.def.trigger.event.empty()) return;
    const ActionType* a = action(r.def.action);
    edges.push_back({r.def.trigger.event, a ? a->emits : std::vector<std::string>{}});
  };
  for (const auto& row : store::list(s, true))
    if (row.rule.id != candidate.id) add(rule_from(row));
  add(candidate);
  if (has_cycle(edges)) throw Error::validation({{"definition.trigger.event", "rules.cycle", {}}});
}

Rule RuleService::scoped(db::Session& s, const auth::Principal& p, int64_t id) {
  auto row = store::find(s, id);
  if (!row || !p.in_scope(row->rule.unit_path)) throw Error::not_found(kRule);
  return rule_from(*row);
}

std::vector<Rule> RuleService::list(const auth::Principal& p) {
  if (!p.can(org::perm::kRuleRead)) throw Error::forbidden();
  std::vector<Rule> out;
  db_.read([&](db::Session& s) {
    for (const auto& row : store::list(s, false))
      if (p.in_scope(row.rule.unit_path)) out.push_back(rule_from(row));
  });
  return out;
}

Rule RuleService::get(const auth::Principal& p, int64_t id) {
  if (!p.can(org::perm::kRuleRead)) throw Error::forbidden();
  return db_.reading([&](db::Session& s) { return scoped(s, p, id); });
}

std::vector<Rule> RuleService::versions(const auth::Principal& p, int64_t id) {
  if (!p.can(org::perm::kRuleRead)) throw Error::forbidden();
  return db_.reading([&](db::Session& s) {
    scoped(s, p, id);
    std::vector<Rule> out;
    for (const auto& row : store::versions(s, id)) out.push_back(rule_from(row));
    return out;
  });
}

Rule RuleService::create(const auth::Principal& p, const RuleInput& in) {
  if (!p.can(org::perm::kRuleAdmin)) throw Error::forbidden();
  std::vector<FieldError> errors;
  if (!in.code || in.code->empty()) errors.push_back({"code", "field.required", {}});
  if (!in.name || in.name->empty()) errors.push_back({"name", "field.required", {}});
  if (!in.def) errors.push_back({"definition", "field.required", {}});
  if (in.code && !in.code->empty() && !org::valid_code(*in.code))
    errors.push_back({"code", "rules.code_format", {}});
  int64_t unit_id = in.unit_id.value_or(p.unit_id);
  Rule out;
  db_.write([&](db::Session& s) {
    auto path = unit_path(s, unit_id);
    if (!path || !p.in_scope(*path)) errors.push_back({"unit_id", "rules.unit_unknown", {}});
    if (in.def) {
      auto more = check(s, *in.def);
      errors.insert(errors.end(), more.begin(), more.end());
    }
    if (in.code && store::find_code(s, *in.code))
      errors.push_back({"code", "rules.code_taken", {}});
    if (!errors.empty()) throw Error::validation(errors);
    int64_t now = clock_.now_ms();
    store::RuleRow row;
    row.rule.code = *in.code;
    row.rule.name = *in.name;
    row.rule.unit_id = unit_id;
    row.rule.unit_path = *path;
    row.rule.active = in.active.value_or(true);
    row.rule.version = 1;
    row.rule.def = *in.def;
    row.rule.created_at = row.rule.updated_at = now;
    row.definition = json::serialize(definition_json(*in.def));
    check_cycles(s, row.rule);
    store::insert(s, row, p.actor_id());
    out = row.rule;
    audit::append(s, now,
                  {p.actor_id(), p.username, "rule.create", "rule", std::to_string(out.id),
                   out.unit_path, "", json::serialize(rule_json(out)), p.request_id});
  });
  drop_cache();
  return out;
}

Rule RuleService::update(const auth::Principal& p, int64_t id, const RuleInput& in) {
  if (!p.can(org::perm::kRuleAdmin)) throw Error::forbidden();
  Rule out;
  db_.write([&](db::Session& s) {
    Rule before = scoped(s, p, id);
    Rule r = before;
    std::vector<FieldError> errors;
    if (in.code && *in.code != r.code) errors.push_back({"code", "rules.code_fixed", {}});
    if (in.name) {
      if (in.name->empty()) errors.push_back({"name", "field.required", {}});
      r.name = *in.name;
    }
    if (in.active) r.active = *in.active;
    if (in.unit_id) {
      auto path = unit_path(s, *in.unit_id);
      if (!path || !p.in_scope(*path)) {
        errors.push_back({"unit_id", "rules.unit_unknown", {}});
      } else {
        r.unit_id = *in.unit_id;
        r.unit_path = *path;
      }
    }
    if (in.def) {
      auto more = check(s, *in.def);
      errors.insert(errors.end(), more.begin(), more.end());
      r.def = *in.def;
    }
    if (!errors.empty()) throw Error::validation(errors);
    int64_t now = clock_.now_ms();
    r.version = before.version + 1;
    r.updated_at = now;
    check_cycles(s, r);
    store::RuleRow row{r, json::serialize(definition_json(r.def))};
    store::update(s, row, p.actor_id());
    out = r;
    audit::append(
        s, now,
        {p.actor_id(), p.username, "rule.update", "rule", std::to_string(id), r.unit_path,
         json::serialize(rule_json(before)), json::serialize(rule_json(r)), p.request_id});
  });
  drop_cache();
  return out;
}

bool RuleService::evaluate(db::Session& s, const Rule& r, const events::StoredEvent& e, Firing& f,
                           Facts& facts, std::optional<customers::CustomerFacts>& customer,
                           bool event_only) {
  // Every event of a busy trigger is parsed here: its few hundred bytes go into a buffer on
  // the stack rather than a heap allocation per key and value (the parser's default).
  unsigned char buffer[4096];
  json::monotonic_resource memory(buffer, sizeof buffer);
  json::error_code ec;
  json::value parsed = json::parse(e.payload_json, ec, &memory);
  if (ec) return false;
  static const json::object kEmpty;
  const json::object& payload = parsed.is_object() ? parsed.as_object() : kEmpty;
  auto customer_id = opt_int(payload, "customer_id");
  if (!customer_id) return false;  // callbacks need a customer
  int64_t unit_id = e.unit_id.value_or(opt_int(payload, "unit_id").value_or(0));
  auto path = unit_path(s, unit_id);
  if (!path || path->rfind(r.unit_path, 0) != 0) return false;  // outside the rule's scope

  // Only the event fields the rule looks at become facts: a busy trigger is evaluated for
  // every event, and most of its payload is never asked about.
  facts.clear();
  for (const auto& kv : payload)
    if (looks_at(r.def, "event.", kv.key()))
      flatten(kv.value(), "event." + std::string(kv.key()), facts);
  facts["event.unit_id.path"] = *path;
  if (auto ru = opt_int(payload, "resp_unit_id"))
    if (auto rp = unit_path(s, *ru)) facts["event.resp_unit_id.path"] = *rp;
  auto unit_paths = condition_units(s, r.def);
  // The event's own fields first: most events of a busy trigger fail on them (an amount, a
  // store), and those cost no read of the customer.
  if (!matches(r.def, facts, unit_paths, "event.")) return false;
  if (event_only) return true;
  load_customer(s, r, *customer_id, opt_int(payload, "asset_id"), customer);
  if (!customer) return false;
  customer_facts(*customer, facts);
  if (!matches(r.def, facts, unit_paths)) return false;

  f.rule = &r;
  f.event_id = e.id;
  f.event_type = e.type;
  f.dedupe_key = "event:" + std::to_string(e.id) + ":rule:" + std::to_string(r.id);
  f.customer_id = *customer_id;
  f.asset_id = customer->asset ? std::optional<int64_t>(customer->asset->id) : std::nullopt;
  f.staff_id = opt_int(payload, "staff_id");
  f.unit_id = unit_id;
  f.unit_path = *path;
  auto occurred = opt_int(payload, "occurred_at");
  f.occurred_at = occurred && *occurred > 0 ? *occurred : e.at_ms;
  set_times(r, f);
  f.payload_json = e.payload_json;
  f.facts = &facts;
  f.customer = &*customer;
  return true;
}

void RuleService::load_customer(db::Session& s, const Rule& r, int64_t customer_id,
                                std::optional<int64_t> asset_id,
                                std::optional<customers::CustomerFacts>& customer) {
  // The facts of the customer, read once per event for all its rules; the classes only when a
  // rule's conditions ask about them, and never the phones (no condition or action uses them).
  const bool classes = looks_at(r.def, "customer.class");
  if (customer && customer->customer.id == customer_id && (customer->with_classes || !classes))
    return;
  customer = customers_.facts_in(s, customer_id, asset_id, {false, classes});
}

std::map<std::string, std::string> RuleService::condition_units(db::Session& s,
                                                                const Definition& d) {
  std::map<std::string, std::string> unit_paths;
  for (const auto& c : d.conditions)
    if (c.op == "in_unit")
      for (const auto& v : c.values)
        if (auto id = number(v))
          if (auto up = unit_path(s, static_cast<int64_t>(*id))) unit_paths[v] = *up;
  return unit_paths;
}

void RuleService::set_times(const Rule& r, Firing& f) {
  // A delay counts from the event (or the day's midnight); a past event (a back-fill, a late
  // import) is offered now at the earliest, but its due time stays where the rule puts it.
  auto after = [&](const Span& sp) {
    if (sp.unit == "working_days")
      return working_days_(f.unit_id, f.occurred_at, static_cast<int>(sp.amount));
    return f.occurred_at + sp.amount * kHourMs;
  };
  f.offer_at = after(r.def.delay);
  f.due_at = std::max(after(r.def.due), f.offer_at);
}

bool RuleService::fire(db::Session& s, const Rule& r, Firing& f, ActionResult* result) {
  int64_t firing_id = 0;
  int64_t now = clock_.now_ms();
  if (!store::insert_firing(s, r.id, r.version, f.dedupe_key,
                            f.event_id ? std::optional<int64_t>(f.event_id) : std::nullopt,
                            f.customer_id, now, "pending", "", &firing_id))
    return false;
  const ActionType* a = action(r.def.action);
  ActionResult res;
  if (!a) {
    res.skipped = "rules.action_unknown";
  } else {
    res = a->run(s, f);
  }
  store::set_firing(s, firing_id, res.skipped.empty() ? "created" : "skipped:" + res.skipped,
                    res.ref);
  if (result) *result = res;
  return true;
}

bool RuleService::may_act_on(db::Session& s, const events::StoredEvent& e) {
  auto cache = rules_for(s);
  auto it = cache->by_trigger.find(e.type);
  if (it == cache->by_trigger.end()) return false;
  Facts facts;
  std::optional<customers::CustomerFacts> customer;
  for (const auto& r : it->second) {
    Firing f;
    if (evaluate(s, r, e, f, facts, customer, true)) return true;
  }
  return false;
}

void RuleService::on_event(db::Session& s, const events::StoredEvent& e) {
  auto cache = rules_for(s);
  auto it = cache->by_trigger.find(e.type);
  if (it == cache->by_trigger.end()) return;
  Facts facts;
  std::optional<customers::CustomerFacts> customer;
  // Higher priority first: when two rules match one event for one customer, the callbacks
  // module keeps the first task (one callback per event and customer).
  std::vector<const Rule*> ordered;
  for (const auto& r : it->second) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Rule* a, const Rule* b) { return a->def.priority > b->def.priority; });
  const int64_t now = clock_.now_ms();
  for (const Rule* r : ordered) {
    Firing f;
    if (!evaluate(s, *r, e, f, facts, customer)) continue;
    // History arriving late (an import of last year's sales, a node catching up after a
    // long outage) is not turned into work that was due long ago; the firing row says so,
    // and a back-fill can still act on it deliberately.
    if (f.due_at < now - kStaleMs) {
      store::insert_firing(s, r->id, r->version, f.dedupe_key, e.id, f.customer_id, now,
                           "skipped:rules.stale", "", nullptr);
      continue;
    }
    fire(s, *r, f, nullptr);
  }
}

DryRun RuleService::dry_run(const auth::Principal& p, int64_t unit_id, const Definition& d,
                            int days) {
  if (!p.can(org::perm::kRuleRead)) throw Error::forbidden();
  if (days < 1 || days > 366) throw Error::validation({{"days", "rules.days_range", {}}});
  constexpr int64_t kCap = 200000;
  DryRun out;
  db_.read([&](db::Session& s) {
    auto errors = check(s, d);
    auto path = unit_path(s, unit_id);
    if (!path || !p.in_scope(*path)) errors.push_back({"unit_id", "rules.unit_unknown", {}});
    if (!errors.empty()) throw Error::validation(errors);
    Rule r;
    r.id = 0;
    r.unit_id = unit_id;
    r.unit_path = *path;
    r.def = d;
    if (kind_of(d.trigger) != TriggerKind::kEvent) {
      // Date and schedule rules: what each of the next `days` days would create.
      for (int64_t day = today(); day < today() + days && out.examined < kCap; ++day) {
        out.per_day.push_back({calendar::format_date(day), 0});
        int64_t after = 0;
        do after = time_batch(s, r, day, after, nullptr, &out);
        while (after > 0 && out.examined < kCap);
      }
      out.truncated = out.examined >= kCap;
      return;
    }
    int64_t since = clock_.now_ms() - int64_t(days) * 24 * kHourMs;
    int64_t after = 0;
    Facts facts;
    std::optional<customers::CustomerFacts> customer;
    while (out.examined < kCap) {
      auto batch = store::events_since(s, d.trigger.event, since, after, 1000);
      if (batch.empty()) break;
      for (const auto& e : batch) {
        after = e.id;
        ++out.examined;
        Firing f;
        if (!evaluate(s, r, e, f, facts, customer) || f.occurred_at < since) continue;
        ++out.matched;
        if (out.sample.size() < 50)
          out.sample.push_back({e.id, e.type, f.customer_id, customer->customer.name, f.occurred_at,
                                f.offer_at, f.due_at, "", f.asset_id});
      }
    }
    out.truncated = out.examined >= kCap;
  });
  return out;
}

BackfillResult RuleService::backfill(const auth::Principal& p, int64_t id, int days) {
  if (!p.can(org::perm::kRuleAdmin)) throw Error::forbidden();
  if (days < 1 || days > 366) throw Error::validation({{"days", "rules.days_range", {}}});
  Rule r = get(p, id);
  if (!r.active) throw Error(ErrorKind::kConflict, "rules.inactive");
  BackfillResult out;
  if (kind_of(r.def.trigger) != TriggerKind::kEvent) return backfill_days(p, r, days);
  int64_t since = clock_.now_ms() - int64_t(days) * 24 * kHourMs;
  int64_t after = 0;
  // One write transaction per batch: a long back-fill never holds the writer for long, and
  // the firing rows make a repeated or interrupted back-fill safe.
  while (true) {
    size_t n = 0;
    const int64_t from = after;
    const BackfillResult so_far = out;
    db_.write([&](db::Session& s) {
      // PostgreSQL runs this again after a serialization failure: start over from the batch's
      // beginning, or its events would be skipped and counted twice.
      after = from;
      out = so_far;
      auto batch = store::events_since(s, r.def.trigger.event, since, after, 500);
      n = batch.size();
      Facts facts;
      std::optional<customers::CustomerFacts> customer;
      for (const auto& e : batch) {
        after = e.id;
        ++out.examined;
        Firing f;
        // The window is the events' own time (a delivery imported today that happened last
        // year is not "in the last N days").
        if (!evaluate(s, r, e, f, facts, customer) || f.occurred_at < since) continue;
        ActionResult res;
        if (!fire(s, r, f, &res)) {
          ++out.already;
        } else if (res.skipped.empty()) {
          ++out.created;
        } else {
          ++out.skipped;
        }
      }
      if (n > 0)
        audit::append(
            s, clock_.now_ms(),
            {p.actor_id(), p.username, "rule.backfill", "rule", std::to_string(id), r.unit_path, "",
             json::serialize(json::object{
                 {"days", days}, {"examined", out.examined}, {"created", out.created}}),
             p.request_id});
    });
    if (n == 0) break;
  }
  return out;
}

BackfillResult RuleService::backfill_days(const auth::Principal& p, const Rule& r, int days) {
  // The days a date or schedule rule missed (it was created later, a date was corrected): the
  // same batches as the daily job, one write each; the firing rows keep it to once.
  if (days > kCatchUpDays) throw Error::validation({{"days", "rules.catch_up_range", {}}});
  BackfillResult out;
  for (int64_t day = today() - (days - 1); day <= today(); ++day) {
    int64_t after = 0;
    do {
      BackfillResult batch;
      const int64_t from = after;
      db_.write([&](db::Session& s) {
        batch = {};  // set anew on every run (PostgreSQL re-runs after a serialization failure)
        after = time_batch(s, r, day, from, &batch, nullptr);
        if (batch.created > 0)
          audit::append(s, clock_.now_ms(),
                        {p.actor_id(), p.username, "rule.backfill", "rule", std::to_string(r.id),
                         r.unit_path, "",
                         json::serialize(json::object{{"day", calendar::format_date(day)},
                                                      {"created", batch.created}}),
                         p.request_id});
      });
      out.examined += batch.examined;
      out.created += batch.created;
      out.skipped += batch.skipped;
      out.already += batch.already;
    } while (after > 0);
  }
  return out;
}

std::vector<FiringView> RuleService::firings(const auth::Principal& p, int64_t id, int64_t before,
                                             int limit) {
  if (!p.can(org::perm::kRuleRead)) throw Error::forbidden();
  return db_.reading([&](db::Session& s) {
    scoped(s, p, id);
    std::vector<FiringView> out;
    for (const auto& f : store::firings(s, id, before, limit))
      out.push_back({f.id, f.version, f.event_id, f.customer_id, f.fired_at, f.outcome, f.ref});
    return out;
  });
}

// ------------------------------------------------------------ date and schedule triggers

void RuleService::set_zones(int company_offset_minutes, UnitZone unit_zone) {
  company_zone_ = company_offset_minutes;
  unit_zone_ = std::move(unit_zone);
}

int64_t RuleService::today() const {
  int64_t local = clock_.now_ms() + company_zone_ * 60000LL;
  return local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs;
}

namespace {

std::string day_payload(int64_t day) {
  return json::serialize(json::object{{"day", calendar::format_date(day)}});
}

void schedule_day(db::Session& s, int64_t now, int64_t day, int zone_minutes) {
  // 00:05 local: the day has begun everywhere in the zone.
  int64_t at = day * kDayMs - zone_minutes * 60000LL + 5 * 60000LL;
  jobs::schedule(s, now,
                 {kDateDayJob, "day:" + calendar::format_date(day), at, day_payload(day), 5});
}

void schedule_batch(db::Session& s, int64_t now, int64_t rule_id, int64_t day, int64_t after) {
  std::string day_text = calendar::format_date(day);
  jobs::schedule(
      s, now,
      {kDateBatchJob,
       "rule:" + std::to_string(rule_id) + ":" + day_text + ":" + std::to_string(after), now,
       json::serialize(json::object{{"rule", rule_id}, {"day", day_text}, {"after", after}}), 5});
}

bool is_time_rule(const Rule& r) {
  auto k = kind_of(r.def.trigger);
  return k == TriggerKind::kDate || k == TriggerKind::kSchedule;
}

int64_t day_of(const json::object& o) {
  auto* v = o.if_contains("day");
  if (!v || !v->is_string()) throw std::runtime_error("rules: a date job without its day");
  auto d = calendar::parse_date(v->as_string());
  if (!d) throw std::runtime_error("rules: a date job with a bad day");
  return *d;
}

}  // namespace

void RuleService::ensure_daily() {
  // Every node schedules the same key for today: it runs once (a done job is left alone).
  db_.write([&](db::Session& s) { schedule_day(s, clock_.now_ms(), today(), company_zone_); });
}

void RuleService::run_day(db::Session& s, const std::string& payload_json) {
  int64_t day = day_of(json::parse(payload_json).as_object());
  int64_t now = clock_.now_ms();
  int64_t first = today() - (kCatchUpDays - 1);
  if (day >= first && day <= today())
    for (const auto& row : store::list(s, true))
      if (is_time_rule(rule_from(row))) schedule_batch(s, now, row.rule.id, day, 0);
  // The next day's job; after an outage it is due at once, and the runner goes on through the
  // missed days in order (never further back than the catch-up window).
  schedule_day(s, now, std::max(day + 1, first), company_zone_);
}

void RuleService::run_batch(db::Session& s, const std::string& payload_json) {
  auto payload = json::parse(payload_json).as_object();
  int64_t day = day_of(payload);
  auto row = store::find(s, payload.at("rule").as_int64());
  if (!row || !row->rule.active) return;  // deactivated meanwhile
  Rule r = rule_from(*row);
  if (!is_time_rule(r)) return;  // now an event rule
  BackfillResult counts;
  int64_t next = time_batch(s, r, day, payload.at("after").as_int64(), &counts, nullptr);
  if (next > 0) schedule_batch(s, clock_.now_ms(), r.id, day, next);
}

std::vector<customers::DateHolder> RuleService::holders(db::Session& s, const Rule& r, int64_t day,
                                                        int64_t after, int limit) {
  const Trigger& t = r.def.trigger;
  std::vector<customers::DateHolder> out;
  if (kind_of(t) == TriggerKind::kSchedule) {
    if (!schedule_fires(t.schedule, day)) return out;
    for (int64_t id : customers_.customer_ids_in(s, r.unit_path, after, limit))
      out.push_back({id, id, std::nullopt, ""});
    return out;
  }
  auto look = date_lookup(t.date_field, day, t.days_before);
  customers::DateQuery q;
  q.values = look.values;
  q.month_day = look.kind == DateKind::kAnniversary;
  q.unit_path = r.unit_path;
  q.after = after;
  q.limit = limit;
  if (t.date_field != birthday_field().key) {
    q.key = t.date_field.substr(std::string_view("asset.").size());
    for (const auto& type : customers_.asset_types_in(s))
      for (const auto& f : type.fields)
        if (f.key == q.key && f.type == "date") q.asset_types.push_back(type.code);
    if (q.asset_types.empty()) return out;  // the field is gone from every asset type
  }
  return customers_.date_holders_in(s, q);
}

bool RuleService::evaluate_time(db::Session& s, const Rule& r, int64_t day, int zone_minutes,
                                const customers::DateHolder& h, Firing& f, Facts& facts,
                                std::optional<customers::CustomerFacts>& customer) {
  const Trigger& t = r.def.trigger;
  const bool dated = kind_of(t) == TriggerKind::kDate;
  if (dated && !date_fires(t.date_field, h.date, day, t.days_before)) return false;
  customer.reset();
  load_customer(s, r, h.customer_id, h.asset_id, customer);
  if (!customer || (h.asset_id && !customer->asset)) return false;
  facts.clear();
  customer_facts(*customer, facts);
  if (!matches(r.def, facts, condition_units(s, r.def))) return false;

  // Once per rule, customer (and asset) and date: the date the work is about (the birthday,
  // the expiry), so that changing days_before does not fire the same date again.
  std::string date = calendar::format_date(dated ? day + t.days_before : day);
  f.rule = &r;
  f.event_id = 0;
  f.event_type = trigger_key(t);
  f.dedupe_key = "date:" + std::to_string(r.id) + ":" + std::to_string(h.customer_id) +
                 (h.asset_id ? ":" + std::to_string(*h.asset_id) : "") + ":" + date;
  f.customer_id = h.customer_id;
  f.asset_id = h.asset_id;
  f.staff_id = std::nullopt;
  f.unit_id = customer->customer.unit_id;
  f.unit_path = customer->customer.unit_path;
  f.occurred_at = day * kDayMs - zone_minutes * 60000LL;  // the day's midnight, local
  set_times(r, f);
  json::object payload{
      {"customer_id", h.customer_id}, {"date", date}, {"day", calendar::format_date(day)}};
  if (h.asset_id) payload["asset_id"] = *h.asset_id;
  f.payload_json = json::serialize(payload);
  f.facts = &facts;
  f.customer = &*customer;
  return true;
}

int64_t RuleService::time_batch(db::Session& s, const Rule& r, int64_t day, int64_t after,
                                BackfillResult* fired, DryRun* dry) {
  int zone = unit_zone_ ? unit_zone_(r.unit_id) : company_zone_;
  auto batch = holders(s, r, day, after, kTimeBatch);
  Facts facts;
  std::optional<customers::CustomerFacts> customer;
  for (const auto& h : batch) {
    Firing f;
    if (dry) ++dry->examined;
    if (fired) ++fired->examined;
    if (!evaluate_time(s, r, day, zone, h, f, facts, customer)) continue;
    if (dry) {
      ++dry->matched;
      ++dry->per_day.back().second;
      if (dry->sample.size() < 50)
        dry->sample.push_back({0, f.event_type, f.customer_id, customer->customer.name,
                               f.occurred_at, f.offer_at, f.due_at, calendar::format_date(day),
                               f.asset_id});
      continue;
    }
    ActionResult res;
    if (!fire(s, r, f, &res)) {
      ++fired->already;
    } else if (res.skipped.empty()) {
      ++fired->created;
    } else {
      ++fired->skipped;
    }
  }
  return batch.size() < static_cast<size_t>(kTimeBatch) ? 0 : batch.back().cursor;
}

}  // namespace kefu::rules
