#pragma once
// Callback tasks (回访任务): a call to a customer after a business event, with a
// questionnaire, a due time, an assignee and attempts. This header is the pure part: states,
// attempt outcomes and what each does to a task, quiet hours, balanced assignment and the
// KPI formulas. Standard library only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::callbacks {

enum class State { kPending, kInProgress, kDone, kFailed, kCancelled };
std::string_view to_string(State s);
std::optional<State> parse_state(std::string_view s);
inline bool is_open(State s) { return s == State::kPending || s == State::kInProgress; }

// What happened when an agent called.
enum class Outcome { kAnswered, kNoAnswer, kBusy, kRefused, kWrongNumber, kCallBackLater };
std::string_view to_string(Outcome o);
std::optional<Outcome> parse_outcome(std::string_view s);

struct Task {
  int64_t id = 0;
  std::string kind = "callback";  // "callback" | "verification" (after a ticket is closed)
  std::optional<int64_t> rule_id;
  int rule_version = 0;
  std::optional<int64_t> event_id;
  std::string dedupe_key;  // one task per event and customer
  int64_t customer_id = 0;
  std::optional<int64_t> asset_id, staff_id;
  int64_t unit_id = 0;  // where the event happened
  std::string unit_path;
  int64_t questionnaire_id = 0;
  int questionnaire_version = 0;
  int priority = 0;
  State state = State::kPending;
  int64_t offer_at = 0;  // not offered before
  int64_t due_at = 0;
  std::optional<int64_t> next_try_at;  // after an unanswered attempt
  std::optional<int64_t> assignee_id;
  std::vector<std::string> skills;  // the assignee must have all of them (the rule's params)
  int attempts = 0;
  int max_attempts = 3;
  int retry_minutes = 120;
  std::string last_outcome;
  std::optional<int64_t> answer_id;
  std::string channel;  // how it was answered: phone | sms | web
  std::optional<bool> satisfied;
  int dissatisfied = 0;  // dissatisfied answers
  std::vector<int64_t> ticket_ids;  // tickets opened from this callback
  std::optional<int64_t> verifies_ticket_id;
  std::optional<int64_t> done_at;
  std::string close_reason;
  int64_t created_at = 0, updated_at = 0;
  int64_t version = 1;
};

struct AttemptEffect {
  State state = State::kPending;
  std::optional<int64_t> next_try_at;
  std::optional<int64_t> due_at;  // an agreed time replaces the due time
};

// The effect of an attempt with `outcome` at `now` (answers are recorded by the caller for
// kAnswered). Returns a refusal code instead when the attempt is not allowed:
// "callbacks.closed" (task not open), "callbacks.call_back_at_required",
// "callbacks.call_back_at_past".
struct AttemptDecision {
  std::optional<AttemptEffect> effect;
  std::string refusal;
};
AttemptDecision after_attempt(const Task& t, Outcome outcome, int64_t now,
                              std::optional<int64_t> call_back_at);

// Quiet hours: a window of local minutes [start, end) that may wrap midnight (21:00–09:00).
struct Window {
  int start = 0;  // minutes since local midnight
  int end = 0;
  bool empty() const { return start == end; }
};
bool inside(const Window& w, int minute_of_day);
// Local minute of the day at `utc_ms` in a zone `offset_minutes` east of UTC.
int local_minute(int64_t utc_ms, int offset_minutes);
// The first instant at or after `utc_ms` outside both windows (the company's and the
// customer's), at most a day ahead.
int64_t quiet_until(int64_t utc_ms, int offset_minutes, const Window& company,
                    const std::optional<Window>& customer);
std::optional<Window> parse_window(std::string_view start, std::string_view end);


// The live stream (GET /api/v1/events/stream): why a callback event concerns user `me`.
// "assigned" (created for me, or moved to me), "taken" (moved from me to someone else),
// "due_soon" (mine, due within the notice time), "answered" (mine, answered by the customer
// through a survey link), "changed" (anything else about my task, or about a task in the
// scope a supervisor watches: `supervises` = they may supervise callbacks and the task's unit
// is in their scope); "" = not theirs to hear. A due-soon notice goes to the assignee only.
struct LiveFacts {
  std::string_view type;  // "callback.created", "callback.reassigned", ...
  std::optional<int64_t> assignee, from_assignee, actor;
  std::string_view channel;  // how it was answered: phone | sms | email | web
};
std::string live_reason(const LiveFacts& e, int64_t me, bool supervises);

// Percent, unrounded (round2 when shown: two decimals, half up); nullopt (shown "—")
// when the denominator is 0.
std::optional<double> percent(int64_t numerator, int64_t denominator);
// The mean of rates that exist (seed 000: the overall satisfaction is the mean of the
// channels' rates); nullopt when none does.
std::optional<double> mean_of(const std::vector<std::optional<double>>& rates);
double round2(double v);

// How a person is addressed: the family name (the first character; a rare two-character one
// reads oddly, but politely) and 先生 / 女士 by gender ("先生/女士" when unknown). An
// organisation, or a person without a name, gets `fallback`.
std::string polite_title(const std::string& name, const std::string& gender, bool person,
                         const std::string& fallback);

// Fills {customer.name}, {asset.plate}, ... in a script; unknown placeholders stay as they
// are, so a typo shows rather than vanishing.
std::string fill(std::string_view text,
                 const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace kefu::callbacks
