#pragma once
// The rules engine's use cases: rules (versioned, scoped to an org unit) and what they do
// with events. Live: an outbox consumer calls on_event inside its transaction, so an event
// is acted on exactly once per rule even with several nodes. Later: a dry run shows what a
// rule would have created over the last N days; a back-fill acts on past events (the firing
// row keeps it to once). Date triggers (birthdays, insurance expiries) run from a daily job.
//
// The rules module knows no action: modules register action types (the callbacks module
// registers "callback") with a check for the action's parameters, the event types the
// action emits (for the cycle check) and the function that does the work.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "modules/customers/service.h"
#include "modules/org/service.h"
#include "modules/rules/model.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"
#include "platform/events/consumer.h"

namespace kefu::rules {

// What an action is given when a rule fires.
struct Firing {
  const Rule* rule = nullptr;
  int64_t event_id = 0;  // 0 for date triggers
  std::string event_type;
  std::string dedupe_key;  // "event:<id>" or "date:<rule>:<customer>:<asset>:<day>"
  int64_t customer_id = 0;
  std::optional<int64_t> asset_id, staff_id;
  int64_t unit_id = 0;  // where the event happened
  std::string unit_path;
  int64_t occurred_at = 0;
  int64_t offer_at = 0;      // occurred_at + delay
  int64_t due_at = 0;        // occurred_at + due
  std::string payload_json;  // the event as published
  const Facts* facts = nullptr;
  const customers::CustomerFacts* customer = nullptr;
};

struct ActionResult {
  std::string ref;      // what was created ("callback:12"), or ""
  std::string skipped;  // why nothing was created (message code), or ""
};

struct ActionType {
  std::string type;
  std::string label_zh, label_en;
  std::vector<std::string> emits;  // event types the action publishes
  // Problems with the action's parameters ("params.questionnaire"), in the saving transaction.
  std::function<std::vector<FieldError>(db::Session&, const std::string& params_json)> check;
  std::function<ActionResult(db::Session&, const Firing&)> run;
};

struct RuleInput {
  std::optional<std::string> code, name;
  std::optional<int64_t> unit_id;
  std::optional<bool> active;
  std::optional<Definition> def;
};

struct DryRunItem {
  int64_t event_id = 0;  // 0 for date and schedule triggers
  std::string event_type;
  int64_t customer_id = 0;
  std::string customer_name;
  int64_t occurred_at = 0, offer_at = 0, due_at = 0;
  std::string day;  // date and schedule triggers: the day it would fire ("YYYY-MM-DD")
  std::optional<int64_t> asset_id;
};

struct DryRun {
  // Event rules: events of the trigger's type in the window and the rule's scope. Date and
  // schedule rules: customers or assets looked at over the next days.
  int64_t examined = 0;
  int64_t matched = 0;
  std::vector<DryRunItem> sample;  // the first 50
  bool truncated = false;          // more than the examined cap
  // Date and schedule rules: what would be created on each day of the window.
  std::vector<std::pair<std::string, int64_t>> per_day;
};

struct BackfillResult {
  int64_t examined = 0, created = 0, skipped = 0, already = 0;
};

struct FiringView {
  int64_t id = 0;
  int version = 0;
  std::optional<int64_t> event_id, customer_id;
  int64_t fired_at = 0;
  std::string outcome, ref;
};

// Deadlines in working days, from the calendar module (wired by the composition root).
using WorkingDays = std::function<int64_t(int64_t unit_id, int64_t start_ms, int days)>;
// A unit's time zone (minutes east of UTC), from its working calendar.
using UnitZone = std::function<int(int64_t unit_id)>;

// Date and schedule triggers run from durable jobs: one per local date of the company's zone
// (key "day:<YYYY-MM-DD>", at 00:05), which starts one batch job per active date or schedule
// rule and then schedules the next day's job — so the days no node ran are caught up one by
// one, back to the last kCatchUpDays. Each batch looks at up to 500 customers or assets and
// schedules the next batch; the firing rows (UNIQUE per rule, customer, asset and date) keep
// every firing to once whatever runs twice.
inline constexpr const char* kDateDayJob = "rules.dates.day";
inline constexpr const char* kDateBatchJob = "rules.dates.batch";
inline constexpr int kCatchUpDays = 7;

class RuleService {
 public:
  RuleService(db::Database& db, const Clock& clock, org::OrgService& org,
              customers::CustomerService& customers, WorkingDays working_days);
  static void register_messages();

  void register_action(ActionType a);
  const std::vector<ActionType>& actions() const { return actions_; }

  // The company's zone (the date jobs' days) and each unit's (a rule's day starts at its
  // unit's midnight). Default: Asia/Shanghai everywhere.
  void set_zones(int company_offset_minutes, UnitZone unit_zone);

  // Every trigger an admin may choose: events, the date fields of the archive, the schedule.
  std::vector<TriggerInfo> triggers(const auth::Principal& p);
  std::vector<Rule> list(const auth::Principal& p);
  Rule get(const auth::Principal& p, int64_t id);
  std::vector<Rule> versions(const auth::Principal& p, int64_t id);
  Rule create(const auth::Principal& p, const RuleInput& in);
  Rule update(const auth::Principal& p, int64_t id, const RuleInput& in);  // a new version
  DryRun dry_run(const auth::Principal& p, int64_t unit_id, const Definition& d, int days);
  BackfillResult backfill(const auth::Principal& p, int64_t id, int days);
  std::vector<FiringView> firings(const auth::Principal& p, int64_t id, int64_t before, int limit);

  // The live path: the outbox consumer "rules" calls this in its transaction.
  void on_event(db::Session& s, const events::StoredEvent& e);
  // Whether an active rule is triggered by this event and its own fields pass the rule's
  // conditions on them (read-only; the consumer passes over the rest without a savepoint).
  bool may_act_on(db::Session& s, const events::StoredEvent& e);
  // Date and schedule triggers. ensure_daily schedules today's job (start-up; the test clock
  // after it moved); the handlers run in the job runner's transaction.
  void ensure_daily();
  void run_day(db::Session& s, const std::string& payload_json);
  void run_batch(db::Session& s, const std::string& payload_json);

  // Problems of a definition, with the action's own check (for the API's 422).
  std::vector<FieldError> check(db::Session& s, const Definition& d);

 private:
  struct Cache;
  std::shared_ptr<const Cache> rules_for(db::Session& s);
  void drop_cache();
  std::optional<std::string> unit_path(db::Session& s, int64_t unit_id);
  // Evaluates one rule on one event; fills `firing` when it matches.
  // event_only: true as soon as the event's own fields pass (no customer read, no firing).
  bool evaluate(db::Session& s, const Rule& r, const events::StoredEvent& e, Firing& firing,
                Facts& facts, std::optional<customers::CustomerFacts>& customer,
                bool event_only = false);
  // Date and schedule rules: the customers or assets that may fire on `day` after the
  // cursor, and one of them evaluated (the same facts and conditions as events).
  std::vector<customers::DateHolder> holders(db::Session& s, const Rule& r, int64_t day,
                                             int64_t after, int limit);
  bool evaluate_time(db::Session& s, const Rule& r, int64_t day, int zone_minutes,
                     const customers::DateHolder& h, Firing& f, Facts& facts,
                     std::optional<customers::CustomerFacts>& customer);
  // Fires (or, for a dry run, lists) one batch of a time rule's day; the next cursor, or 0
  // when the day is done.
  int64_t time_batch(db::Session& s, const Rule& r, int64_t day, int64_t after,
                     BackfillResult* fired, DryRun* dry);
  std::vector<DateField> date_fields(db::Session& s);
  BackfillResult backfill_days(const auth::Principal& p, const Rule& r, int days);
  void load_customer(db::Session& s, const Rule& r, int64_t customer_id,
                     std::optional<int64_t> asset_id,
                     std::optional<customers::CustomerFacts>& customer);
  std::map<std::string, std::string> condition_units(db::Session& s, const Definition& d);
  // When the work is offered and due: the rule's delay and deadline from `f.occurred_at`.
  void set_times(const Rule& r, Firing& f);
  int64_t today() const;  // days since 1970-01-01 in the company's zone
  // Records the firing (once per key) and runs the action; false when already fired.
  bool fire(db::Session& s, const Rule& r, Firing& f, ActionResult* result);
  const ActionType* action(const std::string& type) const;
  Rule scoped(db::Session& s, const auth::Principal& p, int64_t id);
  void check_cycles(db::Session& s, const Rule& candidate);

  db::Database& db_;
  const Clock& clock_;
  org::OrgService& org_;
  customers::CustomerService& customers_;
  WorkingDays working_days_;
  int company_zone_ = 480;
  UnitZone unit_zone_;
  std::vector<ActionType> actions_;
  std::mutex mu_;
  std::shared_ptr<const Cache> cache_;
  std::chrono::steady_clock::time_point cache_at_;
  std::map<int64_t, std::string> unit_paths_;
};

}  // namespace kefu::rules
