#pragma once
// Organisation and people: value types and the pure rules (roles → permissions, what may
// hang under what, who may grant which role, masking). Standard library only.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::org {

enum class UnitKind { kHeadOffice, kRegion, kBranch, kStore, kDepartment };

std::optional<UnitKind> parse_unit_kind(std::string_view s);
std::string_view to_string(UnitKind k);
// Head office is the root; regions hang under it; branches under head office or a region;
// stores under a branch or region; departments anywhere but under a store.
bool may_hang_under(UnitKind child, UnitKind parent);

struct Unit {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string code;
  std::string name;
  UnitKind kind = UnitKind::kBranch;
  std::string path;  // "/1/4/9/": ancestors then itself
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // The head office is at depth 0, its regions at 1, and so on.
  int depth() const { return static_cast<int>(std::count(path.begin(), path.end(), '/')) - 2; }
};

inline std::string child_path(const std::string& parent_path, int64_t id) {
  return parent_path + std::to_string(id) + "/";
}
// Moving `unit_path` under `new_parent_path` is a cycle when the new parent is inside it.
inline bool would_cycle(const std::string& unit_path, const std::string& new_parent_path) {
  return new_parent_path.rfind(unit_path, 0) == 0;
}

// Codes are what people type and import files carry: letters, digits, - and _.
bool valid_code(std::string_view code);

inline const std::vector<std::string>& all_roles() {
  static const std::vector<std::string> roles = {"admin",     "manager", "supervisor", "agent",
                                                 "inspector", "handler", "viewer"};
  return roles;
}
inline bool valid_role(std::string_view r) {
  const auto& all = all_roles();
  return std::find(all.begin(), all.end(), r) != all.end();
}

namespace perm {
inline constexpr std::string_view kUnitRead = "org.unit.read";
inline constexpr std::string_view kUnitWrite = "org.unit.write";
inline constexpr std::string_view kUserRead = "org.user.read";
inline constexpr std::string_view kUserWrite = "org.user.write";
inline constexpr std::string_view kUserPii = "org.user.pii";  // sees phone numbers unmasked
inline constexpr std::string_view kAuditRead = "audit.read";
inline constexpr std::string_view kCustomerRead = "customer.read";
inline constexpr std::string_view kCustomerWrite = "customer.write";
inline constexpr std::string_view kCustomerPii = "customer.pii";  // every customer's phone unmasked
inline constexpr std::string_view kCustomerAdmin = "customer.admin";    // asset types, rules
inline constexpr std::string_view kCustomerAssign = "customer.assign";  // choose a customer's owner
inline constexpr std::string_view kCustomerMerge = "customer.merge";    // merge duplicates, undo
// Classification rules (value tier, lifecycle, ...): edit, dry-run, recompute.
inline constexpr std::string_view kCustomerClassifyAdmin = "customer.classify_admin";
inline constexpr std::string_view kCalendarAdmin = "calendar.admin";  // working calendars, holidays
inline constexpr std::string_view kSurveyRead = "survey.read";    // questionnaires, survey reports
inline constexpr std::string_view kSurveyAdmin = "survey.admin";  // questionnaires, benchmarks
// Tickets (the tickets module names the same strings in its model.h).
inline constexpr std::string_view kTicketRead = "ticket.read";
inline constexpr std::string_view kTicketCreate = "ticket.create";
inline constexpr std::string_view kTicketIntake = "ticket.intake";
inline constexpr std::string_view kTicketHandle = "ticket.handle";
inline constexpr std::string_view kTicketApprove = "ticket.approve";
inline constexpr std::string_view kTicketManage = "ticket.manage";
inline constexpr std::string_view kTicketAdmin = "ticket.admin";
// Rules and callbacks (the rules and callbacks modules name the same strings).
inline constexpr std::string_view kRuleRead = "rule.read";
inline constexpr std::string_view kRuleAdmin = "rule.admin";        // rules in the caller's scope
inline constexpr std::string_view kCallbackWork = "callback.work";  // work one's own callback queue
inline constexpr std::string_view kCallbackSupervise = "callback.supervise";  // every queue, reassign
inline constexpr std::string_view kCallbackRead = "callback.read";            // tasks and KPIs
}  // namespace perm

// The union of the permissions of `roles`, sorted and unique.
std::vector<std::string> permissions_of(const std::vector<std::string>& roles);
// Whether someone with `actor_roles` may give or take away `role`.
bool may_grant(const std::vector<std::string>& actor_roles, std::string_view role);

// 13812345678 → 138****5678; other numbers keep their first 3 and last 4 characters.
std::string mask_phone(std::string_view phone);

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  int64_t unit_id = 0;
  std::string unit_path;
  std::vector<std::string> roles;
  bool active = true;
  std::string phone;
  std::string email;
  std::vector<std::string> skills;  // sorted, unique: "en", "sales", "vip", ...
  double capacity = 1.0;            // balanced work: 2.0 takes twice the share of 1.0; 0 none
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int failed_logins = 0;
  int64_t locked_until = 0;
};

bool valid_username(std::string_view name);
// A skill is a short code: 1–32 of a-z, 0-9, - and _ ("sales", "service", "vip", "en").
bool valid_skill(std::string_view skill);
inline constexpr size_t kMaxSkills = 20;
inline constexpr double kMaxCapacity = 10.0;
bool valid_email(std::string_view email);
// Mainland mobile (1[3-9]x, 11 digits) or a landline with area code (e.g. 010-12345678).
bool valid_phone(std::string_view phone);
// Minimum 8 characters, at least a letter and a digit.
bool strong_enough(std::string_view password);

struct LockoutPolicy {
  int max_failures = 5;
  int64_t lock_ms = 15 * 60 * 1000;
};
// After a failed sign-in: the new failure count and, when it reaches the limit, the time
// the account stays locked until.
struct FailureOutcome {
  int failures;
  int64_t locked_until;
};
inline FailureOutcome after_failure(int failures, int64_t now_ms, const LockoutPolicy& p) {
  int n = failures + 1;
  if (n >= p.max_failures) return {0, now_ms + p.lock_ms};
  return {n, 0};
}

enum class TokenScope { kRead, kWrite };

struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string prefix;  // the first characters, so people can tell their tokens apart
  std::vector<std::string> scopes;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> revoked_at;
};
std::optional<TokenScope> parse_scope(std::string_view s);

// Fair assignment (seed 003: balance by the number of customers each one has, with regard
// to ability). Each item goes, one after another, to the person whose load after taking it,
// divided by their capacity weight, is lowest: (load + 1) / weight. Ties go to the lowest
// id, so the answer is deterministic. People with a weight <= 0 take nothing. Returns the
// chosen id per item, or an empty vector when nobody can take work. O(items · log people).
struct Assignee {
  int64_t id = 0;
  int64_t load = 0;     // current work (owned customers, open tasks)
  double weight = 1.0;  // capacity: 2.0 takes twice the share of 1.0
};
std::vector<int64_t> balance(std::vector<Assignee> people, size_t items);

// Skills are stored as one comma-separated text ("sales,vip"): codes cannot hold a comma.
std::vector<std::string> skills_from(const std::string& text);
std::string skills_text(const std::vector<std::string>& skills);

// Whether `skills` holds every one of `required` (both any order; nothing required: true).
// A required skill is a hard filter (DOMAIN §11): load balances only among those who have it.
bool has_skills(const std::vector<std::string>& skills, const std::vector<std::string>& required);
// The people who may take work requiring `required`, as Assignees weighted by their capacity;
// `load_of` gives each one's current work. Order kept.
struct Candidate {
  int64_t id = 0;
  std::vector<std::string> skills;
  double capacity = 1.0;
  int64_t load = 0;
};
std::vector<Assignee> eligible(const std::vector<Candidate>& people,
                               const std::vector<std::string>& required);

}  // namespace kefu::org
