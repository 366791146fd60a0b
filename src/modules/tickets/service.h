#pragma once
// Tickets' use cases: intake, the closed loop's steps with their permissions, deadlines on
// the working calendar, conversation, money and sanctions, categories, root causes and
// deadline policies. Permissions and data scope (the caller's subtree holds the ticket's
// unit or its responsible unit) are checked here.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "modules/customers/service.h"
#include "modules/org/service.h"
#include "modules/tickets/model.h"
#include "modules/tickets/store.h"
#include "platform/auth/principal.h"
#include "platform/auth/throttle.h"
#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"
#include "platform/storage/files.h"

namespace kefu::tickets {

// Working-time arithmetic of the unit's calendar, supplied by the composition root (the
// calendar module) so that deadlines follow public holidays and make-up working days.
struct WorkingTime {
  std::function<int64_t(int64_t unit_id, int64_t start_ms, int64_t minutes)> add;
  std::function<int64_t(int64_t unit_id, int64_t start_ms)> end_of_day;
  std::function<int64_t(int64_t unit_id, int64_t a_ms, int64_t b_ms)> between;
};

// Deadline jobs, supplied by the composition root (the durable job runner): scheduled in
// the same transaction as the ticket so both commit or neither.
struct DeadlineJobs {
  std::function<void(db::Session&, const std::string& key, int64_t run_at,
                     const std::string& payload)>
      schedule;
  std::function<void(db::Session&, const std::string& key)> cancel;
};

struct TicketInput {
  std::optional<std::string> kind, channel, severity, subject, description, contact_name,
      contact_phone;
  std::optional<int64_t> category_id, customer_id, asset_id, unit_id, asked_fen;
  std::optional<std::optional<int64_t>> assignee_id;
  std::optional<std::vector<std::string>> tags;
};

struct StepInput {
  Action action = Action::kAccept;
  std::string comment;
  std::optional<int64_t> resp_unit_id, assignee_id, root_cause_id, responsible_staff_id,
      solution_index, paid_fen, asked_fen;
  std::optional<std::string> findings, implementation;
  std::optional<std::vector<std::string>> solutions;
  std::optional<bool> satisfied;
  std::optional<int64_t> version;    // optimistic: refuse when the ticket moved meanwhile
  bool escalate_to_manager = false;  // reopen only; set by other modules, never read from HTTP
};

// A ticket or a step resolved and planned before a write transaction (names through org's
// service, deadlines on the calendar), so that another module can write it inside its own
// transaction (a callback's dissatisfied answer opens tickets with the answer).
struct PreparedTicket {
  Ticket t;
  std::vector<FieldError> errors;
};
struct PreparedStep {
  std::optional<org::Unit> resp_unit;
  std::optional<org::User> assignee, staff;
  std::vector<FieldError> early;
  std::optional<Ticket> resumed;
  bool new_round = false;
  int64_t now = 0;
};

struct TicketView {
  Ticket ticket;
  std::vector<Action> allowed;
  std::string unit_name, resp_unit_name, assignee_name, category_name, root_cause_name;
  std::string customer_name, customer_code;
  bool phone_masked = false;
  std::string due_state;  // "", ok, due_soon, breached, paused
};

struct TicketDetail {
  TicketView view;
  std::vector<store::StepRow> steps;
  std::vector<store::Comment> comments;
  std::vector<std::pair<int64_t, std::string>> links;  // other ticket id, kind
  std::vector<store::Sanction> sanctions;
  std::vector<store::Attachment> attachments;
};

struct TicketQuery {
  std::optional<std::string> queue;  // mine, unit, unassigned, due_soon, breached, all
  std::optional<std::string> state, kind, severity, channel, q;
  std::optional<int64_t> customer_id, category_id, unit_id, assignee_id;
  int64_t after = 0;
  int limit = 50;
};

struct SanctionInput {
  std::string kind;  // penalty, reward
  std::optional<int64_t> user_id;
  std::optional<int64_t> unit_id;
  int64_t amount_fen = 0;
  std::string reason;
};

struct CategoryStats {
  std::vector<std::string> months;  // YYYY-MM
  struct Row {
    std::optional<int64_t> category_id;
    std::string name;
    std::vector<int64_t> counts;
    int64_t total = 0;
  };
  std::vector<Row> rows;
  std::vector<int64_t> totals;
};

// The public complaint form (no sign-in).
struct PublicChallenge {
  std::string id;
  std::string question;  // "7 + 5 = ?"
  int64_t expires_at = 0;
};
struct PublicInput {
  std::string kind = "complaint";  // complaint, repair, suggestion, praise, inquiry
  std::string name, phone, subject, description;
  std::optional<int64_t> unit_id;
  std::string challenge_id, answer;
};
struct PublicReceipt {
  std::string number, token;
};
struct PublicStatus {
  std::string number, kind, subject;
  State state = State::kNew;
  std::string resolution;
  int64_t created_at = 0;
  std::optional<int64_t> closed_at;
  std::vector<store::Comment> replies;  // public replies only, authors reduced to "客服"
};
// Where a ticket can be routed: any active unit of the company (a store's desk routes to a
// head-office department), and who there can handle it.
struct RouteTarget {
  int64_t id = 0;
  std::string code, name, kind, path;
  std::optional<int64_t> parent_id;
};
struct RoutePerson {
  int64_t id = 0;
  std::string display_name;
  int64_t unit_id = 0;
};

struct PublicUnit {
  int64_t id = 0;
  std::string name;
};

struct QueueCounts {
  static constexpr int kCap = 99;
  std::vector<std::pair<std::string, int>> by_queue{
      {"mine", 0}, {"unit", 0}, {"unassigned", 0}, {"due_soon", 0}, {"breached", 0}};
};

// The permission check every use case starts with.
inline void require(const auth::Principal& p, std::string_view perm) {
  if (!p.can(perm)) throw Error::forbidden();
}

// A saved view's filters: queue, kind, severity, channel, state, q (empty values dropped).
using ViewFilters = std::map<std::string, std::string>;
struct ViewOut {
  store::SavedView view;
  bool mine = false;
  std::string owner_name, shared_unit_name;
};

class TicketService {
 public:
  TicketService(db::Database& db, const Clock& clock, org::OrgService& org,
                customers::CustomerService& customers, WorkingTime time, DeadlineJobs jobs,
                const storage::Files& files);
  static void register_messages();
  // Lists scan this many of the newest tickets before using the path indexes (tests make
  // it small to exercise both ways).
  void set_list_scan_window(int64_t rows) { scan_window_ = rows; }

  // Presets: root causes and categories for the company's industry, SLA policies; only
  // what is missing is added.
  void ensure_presets(const std::string& industry = "general");
  // Inside the customers' merge transaction: the merged customer's tickets follow it (their
  // ids are returned, for the undo); unrepoint moves exactly those back.
  std::vector<int64_t> repoint_customer(db::Session& s, int64_t from, int64_t into);
  void unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids, int64_t survivor,
                          int64_t back_to);

  static std::vector<FieldError> check(const TicketInput& in, bool creating);

  TicketView create(const auth::Principal& p, const TicketInput& in);
  TicketDetail get(const auth::Principal& p, int64_t id);
  TicketView update(const auth::Principal& p, int64_t id, const TicketInput& in);
  org::Page<TicketView> list(const auth::Principal& p, const TicketQuery& q);
  // How many tickets each queue holds for the caller, up to kCap + 1 ("more than kCap").
  QueueCounts counts(const auth::Principal& p);
  TicketView act(const auth::Principal& p, int64_t id, const StepInput& in);
  // The two halves of create and act, for other modules: prepare before the transaction,
  // then write inside the caller's (id 0 in prepare_step: the ticket is being created).
  PreparedTicket prepare(const auth::Principal& p, const TicketInput& in);
  Ticket create_in(db::Session& s, const auth::Principal& p, PreparedTicket& prep);
  PreparedStep prepare_step(const auth::Principal& p, int64_t id, const StepInput& in);
  Ticket act_in(db::Session& s, const auth::Principal& p, int64_t id, const StepInput& in,
                const PreparedStep& prep);
  // A ticket's state and deadline facts for other modules (KPIs), in their session.
  std::optional<Ticket> find_in(db::Session& s, int64_t id) const;
  store::Comment comment(const auth::Principal& p, int64_t id, const std::string& visibility,
                         const std::string& body);
  void link(const auth::Principal& p, int64_t id, int64_t other_id);
  // Photos and documents: at most 10 MiB, of the types storage::sniff_type knows, the
  // declared type agreeing with the bytes.
  store::Attachment attach(const auth::Principal& p, int64_t id, const std::string& name,
                           const std::string& content_type, std::string_view bytes);
  std::pair<store::Attachment, std::string> attachment(const auth::Principal& p, int64_t id,
                                                       int64_t attachment_id);
  TicketView merge(const auth::Principal& p, int64_t id, int64_t into_id);
  int bulk_assign(const auth::Principal& p, const std::vector<int64_t>& ids, int64_t assignee_id);
  int bulk_close(const auth::Principal& p, const std::vector<int64_t>& ids,
                 const std::string& reason);

  std::vector<store::Category> categories(const auth::Principal& p,
                                          const std::optional<std::string>& kind);
  store::Category save_category(const auth::Principal& p, store::Category c);
  std::vector<store::RootCause> root_causes(const auth::Principal& p);
  store::RootCause save_root_cause(const auth::Principal& p, store::RootCause r);
  std::vector<SlaPolicy> policies(const auth::Principal& p);
  SlaPolicy save_policy(const auth::Principal& p, SlaPolicy in);

  store::Sanction propose_sanction(const auth::Principal& p, int64_t ticket_id,
                                   const SanctionInput& in);
  store::Sanction decide_sanction(const auth::Principal& p, int64_t id, bool approve);
  std::vector<store::Sanction> sanctions(const auth::Principal& p,
                                         const std::optional<std::string>& month,
                                         const std::optional<int64_t>& user_id);

  // Saved views (views.cpp): the caller's own and those shared with their unit or above;
  // saving under an existing name of one's own replaces it (second: created).
  static std::vector<FieldError> check_view_filters(const ViewFilters& f);
  std::vector<ViewOut> views(const auth::Principal& p);
  std::pair<ViewOut, bool> save_view(const auth::Principal& p, const std::string& name,
                                     const ViewFilters& filters, bool shared);
  void delete_view(const auth::Principal& p, int64_t id);

  store::MoneyTotals money(const auth::Principal& p, int64_t from_ms, int64_t to_ms);
  CategoryStats category_stats(const auth::Principal& p, const std::string& kind, int year);

  PublicChallenge public_challenge(const std::string& ip);
  PublicReceipt submit_public(const std::string& ip, const PublicInput& in);
  PublicStatus public_status(const std::string& number, const std::string& token);
  std::vector<PublicUnit> public_units();
  std::vector<RouteTarget> route_targets(const auth::Principal& p);
  std::vector<RoutePerson> route_people(const auth::Principal& p, int64_t unit_id);

  // Whether a ticket event's payload (the outbox row of a ticket.* event) concerns a ticket
  // the caller may see, for the live stream. Unit paths are remembered for a minute.
  bool visible_event(const auth::Principal& p, const std::string& payload_json);

  // The deadline job: marks the ticket breached and escalates it (supervisor, then
  // manager). Runs inside the job runner's transaction; returns what it did, for the log.
  std::string on_deadline(db::Session& s, const std::string& payload);

 private:
  TicketView view(const auth::Principal& p, Ticket t, bool names = true);
  Ticket scoped(db::Session& s, const auth::Principal& p, int64_t id) const;
  // Deadlines are planned outside write transactions: the calendar may read the database.
  void plan_deadlines(Ticket& t, int64_t start_ms);
  std::vector<SlaPolicy> cached_policies();
  void schedule_deadline(db::Session& s, const Ticket& t);
  // `fresh`: a ticket created in this transaction (no index row to replace).
  static void index(db::Session& s, const Ticket& t, bool fresh = false);
  std::string unit_name(int64_t id);
  std::string user_name(int64_t id);
  void name_sanctions(std::vector<store::Sanction>& xs);
  // The list's filter for a query; nullopt when nothing can match (no search terms, a unit
  // outside the scope).
  std::optional<store::ListFilter> filter_of(const auth::Principal& p, const TicketQuery& q);

  db::Database& db_;
  const Clock& clock_;
  org::OrgService& org_;
  customers::CustomerService& customers_;
  WorkingTime time_;
  DeadlineJobs jobs_;
  const storage::Files& files_;
  int64_t scan_window_ = 4000;
  auth::Throttle public_throttle_{20, 10 * 60 * 1000};  // per address: forms and checks
  std::mutex policies_mu_;
  std::vector<SlaPolicy> policies_;
  int64_t policies_at_ = -1;  // when they were read; other nodes' edits show within 5 s
};

}  // namespace kefu::tickets
