// Classification and lifecycle: the admin's rules, the classes of each customer kept up to
// date when events arrive and every night, the list's class filter and counts per unit.
//
// When an event arrives its customer is reclassified inside the event's own write
// transaction (not in an outbox consumer): the customer page shows the new class at once,
// and the rules consumer, which reads customer facts later, always sees classes that
// include the event it is handling — with a separate consumer the two would race. The
// cost is one read of that customer's history (tens of rows by index) per event. Customers
// without events or assets are never written: "no row" reads as the classification's blank
// class, so creating and importing customers does no classification work at all.
#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "modules/customers/classes_store.h"
#include "modules/customers/json.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/jobs/jobs.h"

namespace kefu::customers {
namespace {

constexpr int kBatch = 500;  // customers per job: one short transaction each
constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

void require(const auth::Principal& p, std::string_view perm) {
  if (!p.can(perm)) throw Error::forbidden();
}

ClassificationView view_of(const store::StoredClassification& c) {
  return {c.def, c.version, c.updated_at, blank_class(c.def)};
}

ClassRun run_view(const store::Run& r) {
  return {r.id,   r.reason,  r.classification, r.total,
          r.done, r.changed, r.started_at,     r.finished_at};
}

std::string batch_key(int64_t run, int64_t after) {
  return "run:" + std::to_string(run) + ":" + std::to_string(after);
}

void schedule_batch(db::Session& s, int64_t now, int64_t run, int64_t after) {
  std::string payload = boost::json::serialize(boost::json::object{{"run", run}});
  jobs::schedule(s, now, {kClassBatchJob, batch_key(run, after), now, payload, 5});
}

auth::Principal reader_of(const auth::Principal& p) {
  auto sys = org::OrgService::system_principal(p.username);
  sys.unit_path = p.unit_path;
  return sys;
}

}  // namespace

std::vector<FieldError> CustomerService::check_classification_in(db::Session& s,
                                                                 const Classification& c) const {
  std::vector<FieldError> errors;
  for (auto& pr : check_classification(c)) errors.push_back({pr.field, pr.code, {}});
  std::set<std::string> types;
  for (const auto& t : store::asset_types(s)) types.insert(t.code);
  for (size_t i = 0; i < c.classes.size(); ++i)
    for (size_t j = 0; j < c.classes[i].conditions.size(); ++j) {
      const auto& x = c.classes[i].conditions[j];
      if (!x.asset_type.empty() && !types.count(x.asset_type))
        errors.push_back(
            {"classes[" + std::to_string(i) + "].conditions[" + std::to_string(j) + "].asset_type",
             "customer.asset_type_unknown",
             {}});
    }
  return errors;
}

void CustomerService::reclassify_touched(db::Session& s, const std::set<int64_t>& touched,
                                         int64_t now) {
  constexpr size_t kChunk = 500;
  std::vector<int64_t> chunk;
  for (int64_t id : touched) {
    chunk.push_back(id);
    if (chunk.size() == kChunk) {
      reclassify(s, chunk, now);
      chunk.clear();
    }
  }
  reclassify(s, chunk, now);  // nothing to do when empty
}

int64_t CustomerService::reclassify(db::Session& s, const std::vector<int64_t>& ids, int64_t now,
                                    const std::string& only) const {
  std::vector<Classification> defs;
  for (const auto& d : *active_in(s))
    if (only.empty() || d.code == only) defs.push_back(d);
  if (defs.empty() || ids.empty()) return 0;
  auto histories = store::histories(s, ids);
  auto stored = store::stored_classes(s, ids);
  int64_t changed = 0;
  for (int64_t id : ids) {
    const History& h = histories[id];
    auto& have = stored[id];
    for (const auto& d : defs) {
      const std::string& now_in = classify(d, h, now);
      auto it = have.find(d.code);
      if (now_in == blank_class(d)) {
        if (it == have.end()) continue;
        store::clear_class(s, id, d.code);
      } else {
        if (it != have.end() && it->second == now_in) continue;
        store::set_class(s, id, d.code, now_in, now);
      }
      ++changed;
    }
  }
  return changed;
}

std::shared_ptr<const std::vector<Classification>> CustomerService::active_in(
    db::Session& s) const {
  std::string stamp = store::classifications_stamp(s);
  {
    std::lock_guard lock(active_mu_);
    if (active_ && stamp == active_stamp_) return active_;
  }
  auto fresh = std::make_shared<std::vector<Classification>>();
  for (auto& c : store::classifications(s))
    if (c.def.active) fresh->push_back(std::move(c.def));
  std::lock_guard lock(active_mu_);
  active_ = fresh;
  active_stamp_ = stamp;
  return fresh;
}

void CustomerService::fill_classes(db::Session& s, const std::vector<CustomerView*>& views) const {
  if (views.empty()) return;
  auto active = active_in(s);
  const auto& defs = *active;
  if (defs.empty()) return;
  std::vector<int64_t> ids;
  for (auto* v : views) ids.push_back(v->customer.id);
  auto stored = store::stored_classes(s, ids);
  for (auto* v : views) {
    auto& have = stored[v->customer.id];
    for (const auto& d : defs) {
      auto it = have.find(d.code);
      v->classes[d.code] = it != have.end() ? it->second : blank_class(d);
    }
  }
}

std::map<std::string, std::string> CustomerService::classes_in(db::Session& s,
                                                               int64_t customer_id) const {
  CustomerView v;
  v.customer.id = customer_id;
  fill_classes(s, {&v});
  return v.classes;
}

ClassRun CustomerService::start_run(db::Session& s, const std::string& reason,
                                    const std::string& code, std::optional<int64_t> by,
                                    int64_t now) const {
  store::Run r;
  r.reason = reason;
  r.classification = code;
  r.only_history = reason == "nightly";
  r.total = store::count_customers(s, r.only_history);
  r.requested_by = by;
  r.started_at = now;
  r.id = store::insert_run(s, r);
  schedule_batch(s, now, r.id, 0);
  return run_view(r);
}

int64_t CustomerService::next_night(int64_t now) const {
  int64_t offset = zone_offset_minutes_ * 60 * 1000LL;
  int64_t local_day =
      (now + offset) / kDayMs * kDayMs;  // local midnight, as a UTC instant + offset
  int64_t at = local_day + 2 * 3600 * 1000LL - offset;
  return at > now ? at : at + kDayMs;
}

// The night's job: reclassify everyone with events (time moves only event measures), then
// schedule tomorrow's. The key is the local date, so every node scheduling it at start-up
// names the same job and it runs once.
void CustomerService::run_nightly(db::Session& s) {
  int64_t now = clock_.now_ms();
  start_run(s, "nightly", "", std::nullopt, now);
  int64_t next = next_night(now);
  jobs::schedule(
      s, now,
      {kClassNightlyJob,
       "night:" + std::to_string((next + zone_offset_minutes_ * 60000LL) / kDayMs), next, "{}", 5});
}

// One batch of a run: the next customers after the run's cursor; the cursor, the counts
// and the next batch's job commit with the classes, so a crash resumes where it stopped
// and a batch never counts twice.
void CustomerService::run_class_batch(db::Session& s, const std::string& payload_json) {
  auto payload = boost::json::parse(payload_json).as_object();
  auto run = store::find_run(s, payload.at("run").as_int64());
  if (!run || run->finished_at) return;
  int64_t now = clock_.now_ms();
  auto ids = store::customer_ids_after(s, run->after_id, kBatch, run->only_history);
  run->changed += reclassify(s, ids, now, run->classification);
  run->done += static_cast<int64_t>(ids.size());
  if (!ids.empty()) run->after_id = ids.back();
  if (ids.size() < static_cast<size_t>(kBatch)) {
    run->finished_at = now;
    run->total = run->done;  // customers added meanwhile were counted as they came
  } else {
    schedule_batch(s, now, run->id, run->after_id);
  }
  store::update_run(s, *run);
}

std::vector<ClassificationView> CustomerService::classifications(const auth::Principal& p) {
  require(p, org::perm::kCustomerRead);
  std::vector<ClassificationView> out;
  db_.read([&](db::Session& s) {
    for (const auto& c : store::classifications(s)) out.push_back(view_of(c));
  });
  return out;
}

ClassificationView CustomerService::classification(const auth::Principal& p,
                                                   const std::string& code) {
  require(p, org::perm::kCustomerRead);
  return db_.reading([&](db::Session& s) {
    auto c = store::classification(s, code);
    if (!c) throw Error::not_found("@entity.classification");
    return view_of(*c);
  });
}

ClassificationView CustomerService::save_classification(const auth::Principal& p,
                                                        const Classification& c) {
  require(p, org::perm::kCustomerClassifyAdmin);
  int64_t now = clock_.now_ms();
  auto saved = db_.writing([&](db::Session& s) {
    if (auto e = check_classification_in(s, c); !e.empty()) throw Error::validation(std::move(e));
    auto before = store::classification(s, c.code);
    if (before && store::classification_text(before->def) == store::classification_text(c))
      return view_of(*before);  // nothing changed, nothing recorded
    int64_t version = store::save_classification(s, c, p.actor_id(), now);
    audit::append(s, now,
                  {p.actor_id(), p.username,
                   before ? "customer.classification.update" : "customer.classification.create",
                   "customer_classification", c.code, p.unit_path,
                   before ? store::classification_text(before->def) : "",
                   store::classification_text(c), p.request_id});
    if (c.active) start_run(s, "rule", c.code, p.actor_id(), now);
    return view_of({c, version, now});
  });
  if (wake_jobs_) wake_jobs_();
  return saved;
}

ClassDryRun CustomerService::dry_run(const auth::Principal& p, const Classification& c) {
  require(p, org::perm::kCustomerClassifyAdmin);
  db_.read([&](db::Session& s) {
    if (auto e = check_classification_in(s, c); !e.empty()) throw Error::validation(std::move(e));
  });
  std::map<std::string, int64_t> counts;
  int64_t now = clock_.now_ms();
  ClassDryRun out;
  // Pages of customers, each its own short read: a draft is never written.
  for (int64_t after = 0;;) {
    size_t n = db_.reading([&](db::Session& s) {
      std::vector<int64_t> ids;
      db::Params params{after, p.unit_path + "%", 2000};
      for (const auto& r : s.query(
               "SELECT id FROM customers WHERE id > ? AND unit_path LIKE ? AND deleted_at IS NULL "
               "AND merged_into IS NULL ORDER BY id LIMIT ?",
               params))
        ids.push_back(r.i64(0));
      auto histories = store::histories(s, ids);
      for (int64_t id : ids) ++counts[classify(c, histories[id], now)];
      if (!ids.empty()) after = ids.back();
      return ids.size();
    });
    out.customers += static_cast<int64_t>(n);
    if (n < 2000) break;
  }
  for (const auto& k : c.classes) out.counts.emplace_back(k.code, counts[k.code]);
  out.counts.emplace_back(c.fallback.code, counts[c.fallback.code]);
  return out;
}

ClassRun CustomerService::recompute(const auth::Principal& p, const std::string& code) {
  require(p, org::perm::kCustomerClassifyAdmin);
  int64_t now = clock_.now_ms();
  auto run = db_.writing([&](db::Session& s) {
    if (!code.empty() && !store::classification(s, code))
      throw Error::not_found("@entity.classification");
    return start_run(s, "manual", code, p.actor_id(), now);
  });
  if (wake_jobs_) wake_jobs_();
  return run;
}

std::vector<ClassRun> CustomerService::class_runs(const auth::Principal& p) {
  require(p, org::perm::kCustomerRead);
  std::vector<ClassRun> out;
  db_.read([&](db::Session& s) {
    for (const auto& r : store::recent_runs(s, 10)) out.push_back(run_view(r));
  });
  return out;
}

ClassCountsReport CustomerService::class_counts(const auth::Principal& p, const std::string& code,
                                                std::optional<int64_t> unit_id) {
  require(p, org::perm::kCustomerRead);
  ClassCountsReport rep;
  rep.classification = classification(p, code);
  org::Unit unit;
  try {  // the unit asked for must be in the caller's scope; otherwise it does not exist
    unit = org_.get_unit(reader_of(p), unit_id.value_or(p.unit_id));
  } catch (const Error&) {
    throw Error::not_found("@entity.org_unit");
  }
  rep.unit_id = unit.id;
  rep.unit_name = unit.name;
  org::UnitQuery q;
  q.parent_id = unit.id;
  q.limit = 200;
  auto children = org_.list_units(reader_of(p), q).items;
  std::vector<store::PathCount> rows =
      db_.reading([&](db::Session& s) { return store::class_counts(s, code, unit.path); });
  UnitClassCounts own{unit.id, unit.name, true, {}, 0};
  std::vector<UnitClassCounts> per_child;
  for (const auto& ch : children) per_child.push_back({ch.id, ch.name, false, {}, 0});
  const std::string& blank = rep.classification.blank;
  for (const auto& r : rows) {
    UnitClassCounts* target = &own;
    for (size_t i = 0; i < children.size(); ++i)
      if (r.unit_path.rfind(children[i].path, 0) == 0) target = &per_child[i];
    const std::string& k = r.class_code.empty() ? blank : r.class_code;
    target->counts[k] += r.count;
    target->total += r.count;
    rep.totals[k] += r.count;
  }
  rep.units = std::move(per_child);
  if (own.total > 0) rep.units.push_back(std::move(own));
  return rep;
}

}  // namespace kefu::customers
