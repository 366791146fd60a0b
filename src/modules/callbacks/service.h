#pragma once
// Callback tasks' use cases: the "callback" action of the rules engine (a task per event and
// customer, balanced over the agents), the agent's queue, attempts with outcomes, answers
// scored by the surveys module, dissatisfied answers opened as tickets for the responsible
// department, verification callbacks after those tickets close, survey links by SMS, and the
// KPIs. Consent and quiet hours are checked here, in the service, for every path.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "modules/callbacks/model.h"
#include "modules/callbacks/store.h"
#include "modules/customers/service.h"
#include "modules/org/service.h"
#include "modules/rules/service.h"
#include "modules/surveys/service.h"
#include "modules/tickets/service.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"
#include "platform/events/live.h"
#include "platform/notify/messages.h"

namespace kefu::callbacks {

struct Settings {
  Window company_quiet{21 * 60, 9 * 60};  // no calls 21:00–09:00 local
  int offset_minutes = 480;               // Asia/Shanghai
  int64_t link_ttl_ms = 7LL * 24 * 3600 * 1000;
  std::string public_base_url = "http://127.0.0.1:8080";
  std::string hotline = "400-888-0000";  // {hotline} in scripts
  int64_t due_soon_minutes = 60;         // the assignee hears "due soon" this long before
};

// The job that tells assignees their tasks are due soon (every 5 minutes, one per slot).
inline constexpr const char* kDueSoonJob = "callbacks.due_soon";

struct TaskView {
  Task task;
  std::string customer_name, customer_code, phone;  // phone masked unless allowed
  bool phone_masked = true;
  std::string asset_label;
  std::string unit_name, assignee_name, questionnaire_name, q_channel;
  bool overdue = false;
  std::optional<int64_t> quiet_until;  // inside the customer's quiet hours until then
  bool may_call = true;
};

struct ScriptView {
  std::string opening, satisfied_closing, dissatisfied_closing;
};

struct TaskDetail {
  TaskView view;
  std::vector<store::Attempt> attempts;
  std::optional<surveys::Questionnaire> questionnaire;
  ScriptView script;
  std::optional<surveys::StoredAnswer> answer;
  std::vector<customers::AssetView> assets;
  std::vector<TaskView> earlier;  // the customer's other callbacks, newest first
};

struct AttemptInput {
  Outcome outcome = Outcome::kAnswered;
  std::string note;
  std::optional<int64_t> call_back_at;
  std::optional<std::string> answers_json;  // required for answered
  std::string override_reason;              // a call inside quiet hours
  std::string complaint;                    // a complaint told during the call → a ticket
  std::optional<int64_t> version;
};

struct QueueQuery {
  std::string view = "mine";  // mine | unit | unassigned | all
  std::optional<int64_t> assignee_id;
  std::optional<std::string> state;  // default: open
  std::optional<int64_t> customer_id;
  std::optional<int64_t> due_from, due_to;  // the KPI figures link to these tasks
  int64_t offset = 0;
  int limit = 50;
};

struct Queue {
  std::vector<TaskView> items;
  int64_t total = 0;
  int64_t held = 0;  // of these, inside quiet hours now (not offered)
};

struct Backlog {  // supervisors: open tasks by due day, and today's callback rate
  std::vector<std::pair<std::string, int64_t>> by_day;
  std::vector<std::tuple<int64_t, std::string, int64_t, int64_t>> by_agent;  // id, name, open, overdue
  int64_t due_today = 0, done_today = 0;
  std::optional<double> rate_today;
};

struct KpiQuery {
  std::string from, to;  // local dates YYYY-MM-DD, inclusive
  std::string group = "day";  // day | month | unit | agent
  std::optional<int64_t> unit_id;
};

struct KpiRow {
  std::string key, label;
  store::Sums sums;
  std::optional<double> callback_rate, first_call_rate, avg_attempts, satisfaction_rate,
      hotline_rate, first_fix_rate;
};

struct Kpis {
  KpiQuery query;
  std::vector<KpiRow> rows;
  KpiRow total;
  std::vector<std::tuple<std::string, int64_t, int64_t, std::optional<double>>> channels;  // channel, answered, satisfied, rate
  std::optional<double> overall_satisfaction;  // mean of the channels' rates
  int64_t tickets = 0, tickets_closed = 0, tickets_closed_in_time = 0;
  std::optional<double> tickets_in_time_rate;
};

struct PublicSurvey {
  std::string greeting;  // "张先生/女士" — no more of the customer than that
  std::string unit_name;
  surveys::Questionnaire questionnaire;
  int64_t expires_at = 0;
};

enum class LinkChannel { kSms, kEmail };

class CallbackService {
 public:
  CallbackService(db::Database& db, const Clock& clock, org::OrgService& org,
                  customers::CustomerService& customers, tickets::TicketService& tickets,
                  surveys::SurveyService& surveys, Settings settings);
  static void register_messages();
  // The link-signing key (shared by every node) and the preset verification rule.
  void ensure_ready(rules::RuleService& rules);

  rules::ActionType action();

  Queue queue(const auth::Principal& p, const QueueQuery& q);
  TaskDetail get(const auth::Principal& p, int64_t id);
  TaskView start(const auth::Principal& p, int64_t id);
  TaskView attempt(const auth::Principal& p, int64_t id, const AttemptInput& in);
  TaskView cancel(const auth::Principal& p, int64_t id, const std::string& reason);
  // Reassigns open tasks: to one agent, or balanced over the agents of the tasks' units
  // (agent_id none), each to an agent with the task's required skills. A named agent who
  // lacks a task's skills is refused (422) unless `force`. All or nothing.
  int reassign(const auth::Principal& p, const std::vector<int64_t>& ids,
               std::optional<int64_t> agent_id, bool force = false);
  Backlog backlog(const auth::Principal& p);
  // Sends the questionnaire as a link by SMS to the customer's mobile, or by email to their
  // address; either waits until the customer's quiet hours end.
  std::string send_survey(const auth::Principal& p, int64_t id, LinkChannel channel);
  std::vector<notify::Message> messages(const auth::Principal& p, int64_t id);

  PublicSurvey public_survey(const std::string& token);
  void submit_public(const std::string& token, const std::string& answers_json);

  Kpis kpis(const auth::Principal& p, const KpiQuery& q);

  // The live stream's callback topic: the frames a user may hear (live_reason in model.h),
  // scope-checked here.
  events::LiveTopic live_topic();
  // Schedules the due-soon sweep of the current 5-minute slot (at start, after the test clock
  // moved); each run marks and publishes `callback.due_soon` for open assigned tasks due
  // within Settings::due_soon_minutes that were not told yet, then schedules the next slot.
  void ensure_due_sweep();
  std::string run_due_sweep(db::Session& s, const std::string& payload_json);
  // Inside the customers' merge transaction: the merged customer's tasks follow it (their
  // ids are returned, for the undo); unrepoint moves exactly those back.
  std::vector<int64_t> repoint_customer(db::Session& s, int64_t from, int64_t into);
  void unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids, int64_t survivor,
                          int64_t back_to);

 private:
  struct Prepared;  // an answer scored and its tickets prepared, before the transaction
  rules::ActionResult create_from_rule(db::Session& s, const rules::Firing& f);
  std::vector<FieldError> check_params(db::Session& s, const std::string& params_json);
  store::Row scoped(db::Session& s, const auth::Principal& p, int64_t id) const;
  // What the views of a page of tasks share: the customers and assets, read at once, and the
  // names of units and people, each read once.
  struct Page {
    customers::CustomerService::Cards cards;
    std::map<int64_t, std::string> units, users;
  };
  Page page_for(db::Session& s, const std::vector<store::Row>& rows);
  TaskView view(db::Session& s, const auth::Principal& p, const store::Row& r);
  TaskView view(db::Session& s, const auth::Principal& p, const store::Row& r, Page& page);
  // The least loaded (load ÷ capacity) agent of the pool who has every skill in `skills`.
  std::optional<int64_t> balanced(db::Session& s, const std::string& path,
                                  const std::vector<std::string>& skills);
  static std::string pool_key(const std::string& path, const std::vector<std::string>& skills);
  Prepared prepare_answer(const auth::Principal& actor, const store::Row& r,
                          const std::string& answers_json, const std::string& complaint,
                          const std::string& channel);
  void apply_answer(db::Session& s, const auth::Principal& actor, store::Row& r, Prepared& prep,
                    int64_t now);
  std::optional<int64_t> department_unit(const std::string& unit_path, const std::string& dept);
  std::string link_for(int64_t task_id, int64_t expires_at, LinkChannel channel) const;
  // The task a link names, its expiry and the channel it was sent by ("sms" | "email").
  std::optional<int64_t> task_of_link(const std::string& token, int64_t* expires_at,
                                      std::string* channel) const;

  db::Database& db_;
  const Clock& clock_;
  org::OrgService& org_;
  customers::CustomerService& customers_;
  tickets::TicketService& tickets_;
  surveys::SurveyService& surveys_;
  Settings settings_;
  std::string link_secret_;
  // Balanced assignment's view of a pool: who may take callbacks there and their open tasks,
  // kept for a few seconds and only while store::load_epoch() has not moved except by this
  // service's own assignments (which it counts in) — a rule creating thousands of tasks
  // reads the loads once, not once per task. A batch rolled back after assigning leaves the
  // counts high for at most the few seconds; another node's changes show after them.
  struct Pool {
    std::chrono::steady_clock::time_point read_at;
    uint64_t epoch = 0;
    std::vector<org::Assignee> people;
  };
  std::mutex pools_mu_;
  std::map<std::string, Pool> pools_;  // by pool path and required skills (pool_key)
  // Counts an assignment made by balanced() into its pool once the task is written.
  void count_assigned(const std::string& pool, int64_t agent, uint64_t epoch_before);
};

}  // namespace kefu::callbacks
