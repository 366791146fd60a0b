#pragma once
// Tickets (投诉/工单): the closed loop of a complaint or service request as a state machine,
// who may take each step, the people-readable number, the money (fen) and its saved ratio.
// Standard library only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::tickets {

// Closed vocabularies. Each list is what the API accepts and the console translates.
const std::vector<std::string>& kinds();       // complaint, suggestion, praise, inquiry, ...
const std::vector<std::string>& channels();    // hotline, store_desk, callback, sms, ...
const std::vector<std::string>& severities();  // normal, escalated, channel, major
bool one_of(const std::vector<std::string>& allowed, std::string_view v);

// The loop (seed 003 "投诉处理流程"):
//   new ─accept→ accepted ─route→ routed ─investigate→ investigated ─propose→ proposed
//   ─approve→ approved ─implement→ implemented ─verify(satisfied)→ closed
// with the side roads: new ─reject (not valid)/answer→ closed; proposed ─send_back→
// investigated; routed ─hand_back→ accepted; implemented ─verify(not satisfied)→ routed
// (the second time also escalated to a manager); closed ─reopen→ routed or accepted.
enum class State {
  kNew,
  kAccepted,
  kRouted,
  kInvestigated,
  kProposed,
  kApproved,
  kImplemented,
  kClosed
};
std::string_view to_string(State s);
std::optional<State> parse_state(std::string_view s);
const std::vector<State>& all_states();
bool is_open(State s);

enum class Action {
  kAccept,       // judged valid (成立)
  kReject,       // judged not valid (不成立): answered with the reason, closed
  kAnswer,       // an inquiry, praise or suggestion answered at once, closed
  kRoute,        // to the responsible unit (and person); also re-route while open
  kHandBack,     // the unit says it is not theirs: back to the desk to route again
  kInvestigate,  // root cause and responsible person found
  kPropose,      // one or more solutions
  kApprove,      // a supervisor approves one solution
  kSendBack,     // the supervisor refuses the proposals
  kImplement,    // done; compensation paid; the customer accepted
  kVerify,       // the verification call: satisfied or not
  kReopen,       // a closed ticket comes back, with a reason
  kPause,        // waiting for the customer: the deadline clock stops
  kResume,
};
std::string_view to_string(Action a);
std::optional<Action> parse_action(std::string_view s);
const std::vector<Action>& all_actions();

// Permissions (granted to roles by the org module).
namespace perm {
inline constexpr std::string_view kRead = "ticket.read";
inline constexpr std::string_view kCreate = "ticket.create";
inline constexpr std::string_view kIntake = "ticket.intake";    // judge, route, verify, close
inline constexpr std::string_view kHandle = "ticket.handle";    // investigate, propose, implement
inline constexpr std::string_view kApprove = "ticket.approve";  // approve solutions, reassign
inline constexpr std::string_view kManage = "ticket.manage";    // bulk close, sanctions
inline constexpr std::string_view kAdmin = "ticket.admin";      // categories, causes, SLA
}  // namespace perm

std::string_view permission_for(Action a);

struct Facts {              // what the step itself brings, for the transitions that branch on it
  bool satisfied = false;   // kVerify
  int verify_failures = 0;  // before this verification
  bool has_responsible = false;  // kReopen: routed before?
  bool paused = false;
};

struct Step {
  State to;
  bool escalate_to_manager = false;  // a second "not satisfied"
  bool closes = false;
};

// The state an action leads to, or nullopt when it is not allowed from `from`.
std::optional<Step> next(State from, Action a, const Facts& f);
// The actions allowed from `from` for someone holding `permissions` (for the console's
// buttons and the 409 answer).
std::vector<Action> allowed(State from, const Facts& f,
                            const std::vector<std::string>& permissions);

// TS-2026-000123: the kind's prefix, the year, a per-year sequence.
std::string number(std::string_view kind, int year, int64_t seq);
std::string_view prefix(std::string_view kind);

// The calendar year and "YYYY-MM" of an instant in China (UTC+8), and the instant a month
// starts there: numbering and monthly statistics follow the company's calendar.
int year_in_china(int64_t ms);
std::string month_in_china(int64_t ms);
int64_t month_start_in_china(int year, int month);

// Seed 002: asked 135,726, paid 75,432 → saved 60,294 = 44.42%. Basis points (4442), rounded
// half up; 0 when nothing was asked.
struct Money {
  int64_t asked_fen = 0;
  int64_t paid_fen = 0;
  int64_t saved_fen() const { return asked_fen > paid_fen ? asked_fen - paid_fen : 0; }
  int64_t saved_bp() const;
};

struct Ticket {
  int64_t id = 0;
  std::string number;
  std::string kind = "complaint";
  std::string channel = "hotline";
  std::optional<int64_t> category_id;
  std::string severity = "normal";
  State state = State::kNew;
  std::string resolution;  // "", resolved, not_valid, answered
  std::optional<int64_t> customer_id, asset_id;
  std::string contact_name, contact_phone;  // who called, when no customer is on file
  int64_t unit_id = 0;                      // where it happened
  std::string unit_path;
  std::optional<int64_t> resp_unit_id;  // the responsible department
  std::string resp_unit_path;
  std::optional<int64_t> assignee_id;
  std::string subject, description;
  std::vector<std::string> tags;
  std::optional<int64_t> root_cause_id;
  std::string findings;
  std::optional<int64_t> responsible_staff_id;
  std::vector<std::string> solutions;
  std::optional<int64_t> approved_solution;  // index into solutions
  std::string implementation;
  int verify_failures = 0;
  int escalation = 0;  // 0 none, 1 supervisor, 2 manager
  std::optional<int64_t> sla_policy_id;
  std::optional<int64_t> paused_at;
  int64_t paused_ms = 0;
  std::optional<int64_t> respond_due_at, responded_at, resolve_due_at;
  std::optional<int64_t> manager_due_at;  // a breach not handled by then goes to a manager
  std::optional<int64_t> warn_at;         // "due soon": the policy's share of the time is used
  int64_t deadline_round = 0;  // +1 each time the deadlines start over (reopen, not satisfied)
  bool breached = false;
  Money money;
  std::optional<int64_t> merged_into;
  std::optional<int64_t> created_by;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> closed_at;
  int64_t version = 1;

  Facts facts() const {
    Facts f;
    f.verify_failures = verify_failures;
    f.has_responsible = resp_unit_id.has_value();
    f.paused = paused_at.has_value();
    return f;
  }
};

// A deadline policy: empty fields match anything; the most specific active match wins
// (more fields set), then the lowest id.
struct SlaPolicy {
  int64_t id = 0;
  std::string name;
  std::optional<std::string> kind, severity, channel;
  std::optional<int64_t> category_id;
  int64_t respond_minutes = 0;  // working minutes to the first answer
  int64_t resolve_minutes = 0;  // working minutes to closing
  bool same_day = false;        // resolve by the end of the working day (internal requests)
  int warn_percent = 80;        // "due soon" once this share of the time is used
  bool active = true;
};
std::optional<SlaPolicy> pick_policy(const std::vector<SlaPolicy>& policies, const Ticket& t);

}  // namespace kefu::tickets
