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
  int64_t offer_at = 0;  // occurred_at + delay
  int64_t due_at = 0;    // occurred_at + due
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
  int64_t event_id = 0;
  std::string event_type;
  int64_t customer_id = 0;
  std::string customer_name;
  int64_t occurred_at = 0, offer_at = 0, due_at = 0;
};

struct DryRun {
  int64_t examined = 0;  // events of the trigger's type in the window and the rule's scope
  int64_t matched = 0;
  std::vector<DryRunItem> sample;  // the first 50
  bool truncated = false;          // more than the examined cap
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

class RuleService {
 public:
  RuleService(db::Database& db, const Clock& clock, org::OrgService& org,
              customers::CustomerService& customers, WorkingDays working_days);
  static void register_messages();

  void register_action(ActionType a);
  const std::vector<ActionType>& actions() const { return actions_; }

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
  // Date triggers for the local day `ymd` (the daily job); returns the firings created.
  int64_t run_date_rules(db::Session& s, const std::string& ymd);

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
  std::vector<ActionType> actions_;
  std::mutex mu_;
  std::shared_ptr<const Cache> cache_;
  std::chrono::steady_clock::time_point cache_at_;
  std::map<int64_t, std::string> unit_paths_;
};

}  // namespace kefu::rules
