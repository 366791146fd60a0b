#pragma once
// SQL for the tickets module's tables. Only this module's service calls it.
#include <optional>
#include <string>
#include <vector>

#include "modules/tickets/model.h"
#include "platform/db/database.h"

namespace kefu::tickets::store {

std::optional<Ticket> find(db::Session& s, int64_t id);
std::optional<Ticket> find_by_number(db::Session& s, const std::string& number);
void insert(db::Session& s, Ticket& t);  // fills id
// Writes every mutable column when the stored version is still `t.version - 1`.
bool update(db::Session& s, const Ticket& t);
int64_t next_seq(db::Session& s, const std::string& series);

struct ListFilter {
  std::string scope_path;  // the caller's subtree: the ticket's unit or responsible unit
  std::optional<std::string> state_group;  // open, closed
  std::vector<std::string> states;
  std::optional<std::string> kind, severity, channel, number;
  std::string fts_query;  // MATCH (SQLite) or to_tsquery (PostgreSQL) text; "" = none
  std::optional<int64_t> customer_id, category_id;
  std::optional<std::string> unit_path, resp_unit_path;
  std::optional<int64_t> assignee_id;
  bool unassigned = false;
  std::optional<int64_t> due_before;  // resolve_due_at < this (open only)
  bool breached = false;
  int64_t after = 0;  // newest first: id < after
  int limit = 50;
  int64_t scan_window = 4000;  // newest rows scanned before the path indexes take over
};
std::vector<Ticket> list(db::Session& s, const ListFilter& f);
std::vector<int64_t> list_ids(db::Session& s, const ListFilter& f);  // the same, ids only
// The full-text row of a ticket (number, subject, description, caller, phone, tags).
void reindex(db::Session& s, int64_t id, const std::string& tokens, bool fresh = false);

struct StepRow {
  int64_t id = 0;
  std::string action, from_state, to_state;
  std::optional<int64_t> actor_id;
  std::string actor_name;
  int64_t at = 0;
  std::string comment, data_json;
};
void add_step(db::Session& s, int64_t ticket_id, const StepRow& r);
std::vector<StepRow> steps(db::Session& s, int64_t ticket_id);

struct Comment {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string visibility;  // public, internal
  std::optional<int64_t> author_id;
  std::string author_name, body;
  int64_t created_at = 0;
};
int64_t add_comment(db::Session& s, const Comment& c);
std::vector<Comment> comments(db::Session& s, int64_t ticket_id);

// A saved view of the queues: filters_json is an object of text fields (queue, kind, ...).
struct SavedView {
  int64_t id = 0;
  int64_t owner_id = 0;
  std::string name, filters_json;
  std::optional<int64_t> shared_unit_id;
  std::optional<std::string> shared_unit_path;
  int64_t created_at = 0, updated_at = 0;
};
// The owner's views and those shared with any of `paths` (the caller's unit and ancestors).
std::vector<SavedView> views_for(db::Session& s, int64_t owner_id,
                                 const std::vector<std::string>& paths);
std::optional<SavedView> view(db::Session& s, int64_t id);
std::optional<SavedView> view_named(db::Session& s, int64_t owner_id, const std::string& name);
int64_t count_views(db::Session& s, int64_t owner_id);
void save_view(db::Session& s, SavedView& v);  // inserts (id 0, fills it) or updates
void delete_view(db::Session& s, int64_t id);

struct Category {
  int64_t id = 0;
  std::string kind;
  std::optional<int64_t> parent_id;
  std::string path, code, name;
  int sort = 0;
  bool active = true;
};
std::vector<Category> categories(db::Session& s, const std::optional<std::string>& kind);
std::optional<Category> category(db::Session& s, int64_t id);
int64_t insert_category(db::Session& s, Category& c, int64_t now);
void update_category(db::Session& s, const Category& c, int64_t now);

struct RootCause {
  int64_t id = 0;
  std::string code, name;
  int sort = 0;
  bool active = true;
};
std::vector<RootCause> root_causes(db::Session& s);
std::optional<RootCause> root_cause(db::Session& s, int64_t id);
int64_t upsert_root_cause(db::Session& s, RootCause& r, int64_t now);

std::vector<SlaPolicy> policies(db::Session& s);
int64_t insert_policy(db::Session& s, SlaPolicy& p, int64_t now);
void update_policy(db::Session& s, const SlaPolicy& p, int64_t now);

struct Sanction {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string kind;  // penalty, reward
  std::optional<int64_t> user_id;
  int64_t unit_id = 0;
  std::string unit_path;
  int64_t amount_fen = 0;
  std::string reason, month, state;  // proposed, approved, refused
  std::optional<int64_t> proposed_by, decided_by;
  int64_t created_at = 0;
  std::optional<int64_t> decided_at;
  std::string ticket_number;
  std::string user_name, unit_name;  // filled by the service, not stored
};
int64_t insert_sanction(db::Session& s, Sanction& x);
std::optional<Sanction> sanction(db::Session& s, int64_t id);
void decide_sanction(db::Session& s, const Sanction& x);
std::vector<Sanction> sanctions(db::Session& s, const std::string& scope_path,
                                const std::optional<std::string>& month,
                                const std::optional<int64_t>& user_id,
                                const std::optional<int64_t>& ticket_id);

struct MoneyTotals {
  int64_t tickets = 0;
  Money money;
};
MoneyTotals money_totals(db::Session& s, const std::string& scope_path, int64_t from_ms,
                         int64_t to_ms);

// Tickets of `kind` per category and per period: bounds are the periods' starts plus the
// last period's end (epoch ms); counts[i] is the period [bounds[i], bounds[i+1]).
struct CategoryCount {
  std::optional<int64_t> category_id;
  std::vector<int64_t> counts;
};
std::vector<CategoryCount> category_counts(db::Session& s, const std::string& scope_path,
                                           const std::string& kind,
                                           const std::vector<int64_t>& bounds);

// The public form: the follow link's secret, one-time arithmetic checks.
void set_public_token(db::Session& s, int64_t id, const std::string& token);
std::optional<Ticket> find_public(db::Session& s, const std::string& number,
                                  const std::string& token);
void add_challenge(db::Session& s, const std::string& id, const std::string& answer,
                   int64_t expires_at);
// Marks the challenge used; true when it existed, was unused, unexpired and `answer` is right.
bool use_challenge(db::Session& s, const std::string& id, const std::string& answer, int64_t now);

struct Attachment {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string name, content_type;
  int64_t size = 0;
  std::string sha256;
  std::optional<int64_t> uploaded_by;
  int64_t created_at = 0;
};
int64_t insert_attachment(db::Session& s, const Attachment& a);
std::vector<Attachment> attachments(db::Session& s, int64_t ticket_id);
std::optional<Attachment> attachment(db::Session& s, int64_t id);

void link(db::Session& s, int64_t a, int64_t b, const std::string& kind, int64_t now);
// Tickets of customer `from` now belong to `into` (customers merged); returns their ids.
std::vector<int64_t> repoint_customer(db::Session& s, int64_t from, int64_t into);
// These tickets, where still with `survivor`, go back to `back_to` (the merge undone).
void unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids, int64_t survivor,
                        int64_t back_to);
std::vector<std::pair<int64_t, std::string>> links(db::Session& s, int64_t id);

}  // namespace kefu::tickets::store
