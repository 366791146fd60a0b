#pragma once
// SQL for callback tasks and attempts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/callbacks/model.h"
#include "platform/db/database.h"

namespace kefu::callbacks::store {

struct Row {
  Task task;
  std::string q_channel;
  std::optional<bool> hotline_told, fault_fixed;
  std::optional<int64_t> link_sent_at;
};

// The company's offset from UTC: tasks count in the KPIs on their local due day.
void set_offset(int minutes);
// false when a task with the same dedupe key exists (one callback per event and customer).
bool insert(db::Session& s, Row& r);
std::optional<Row> find(db::Session& s, int64_t id);
// The callback whose answer opened ticket `ticket_id`.
std::optional<Row> task_with_ticket(db::Session& s, int64_t ticket_id);
// Optimistic: false when the task changed meanwhile (version).
bool update(db::Session& s, const Row& r);

struct QueueFilter {
  std::string scope_path;
  std::optional<int64_t> assignee_id;
  bool unassigned = false;
  std::vector<std::string> states;  // empty: open ones
  std::optional<int64_t> offered_by;  // offer_at <= this and next_try_at <= this
  std::optional<int64_t> due_from, due_to;
  std::optional<int64_t> customer_id;
  int64_t now = 0;  // overdue first
  int64_t offset = 0;
  int limit = 50;
};
std::vector<Row> queue(db::Session& s, const QueueFilter& f);
// Open, assigned tasks due in (after, until] whose assignee was not yet told it is due soon
// (the column is cleared when the due time moves), soonest first.
std::vector<Row> due_soon(db::Session& s, int64_t after, int64_t until, int limit);
bool mark_warned(db::Session& s, int64_t id, int64_t now);  // false: warned already
int64_t count(db::Session& s, const QueueFilter& f);

// Open tasks per agent (agents without a row have none), for balanced assignment.
std::vector<std::pair<int64_t, int64_t>> open_load(db::Session& s,
                                                   const std::vector<int64_t>& people);
// Moves with every change of an agent's open tasks in this process: a cached copy of the
// loads is exact while it has not moved (see CallbackService::balanced).
uint64_t load_epoch();

struct Attempt {
  int64_t id = 0;
  int64_t task_id = 0;
  int64_t at = 0;
  std::optional<int64_t> agent_id;
  std::string outcome, note;
  std::optional<int64_t> call_back_at;
  std::string override_reason;
};
void add_attempt(db::Session& s, const Attempt& a);
std::vector<Attempt> attempts(db::Session& s, int64_t task_id);

// KPI sums over tasks due in [from, to) in a subtree, grouped by `group` ("day", "month",
// "unit", "agent", "channel", "none"); the day and month keys are local dates at the offset.
struct Sums {
  std::string key;
  int64_t due = 0, done = 0, failed = 0, first_call = 0, attempts = 0, attempted = 0;
  int64_t answered = 0, satisfied = 0, hotline_asked = 0, hotline_told = 0;
  int64_t fault_asked = 0, fault_fixed = 0, dissatisfied_tasks = 0;
};
std::vector<Sums> sums(db::Session& s, const std::string& path, int64_t from, int64_t to,
                       const std::string& group, int offset_minutes);
// Satisfaction per questionnaire channel among answered tasks due in [from, to).
std::vector<Sums> by_q_channel(db::Session& s, const std::string& path, int64_t from, int64_t to);
// Ticket ids opened from callbacks due in [from, to).
std::vector<int64_t> ticket_ids(db::Session& s, const std::string& path, int64_t from, int64_t to);

std::string secret(db::Session& s, const std::string& name, const std::string& fresh, int64_t now);

// Customers merged: the tasks of `from` go to `into` (their ids returned); undone: these
// tasks, where still with `survivor`, go back to `back_to`.
std::vector<int64_t> repoint_customer(db::Session& s, int64_t from, int64_t into);
void unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids, int64_t survivor,
                        int64_t back_to);

}  // namespace kefu::callbacks::store
