#include "modules/org/model.h"

#include <cctype>
#include <queue>
#include <set>

namespace kefu::org {

std::optional<UnitKind> parse_unit_kind(std::string_view s) {
  if (s == "head_office") return UnitKind::kHeadOffice;
  if (s == "region") return UnitKind::kRegion;
  if (s == "branch") return UnitKind::kBranch;
  if (s == "store") return UnitKind::kStore;
  if (s == "department") return UnitKind::kDepartment;
  return std::nullopt;
}

std::string_view to_string(UnitKind k) {
  switch (k) {
    case UnitKind::kHeadOffice:
      return "head_office";
    case UnitKind::kRegion:
      return "region";
    case UnitKind::kBranch:
      return "branch";
    case UnitKind::kStore:
      return "store";
    case UnitKind::kDepartment:
      return "department";
  }
  return "branch";
}

bool may_hang_under(UnitKind child, UnitKind parent) {
  switch (child) {
    case UnitKind::kHeadOffice:
      return false;
    case UnitKind::kRegion:
      return parent == UnitKind::kHeadOffice;
    case UnitKind::kBranch:
      return parent == UnitKind::kHeadOffice || parent == UnitKind::kRegion;
    case UnitKind::kStore:
      return parent == UnitKind::kBranch || parent == UnitKind::kRegion;
    case UnitKind::kDepartment:
      return parent != UnitKind::kStore;
  }
  return false;
}

bool valid_code(std::string_view code) {
  if (code.empty() || code.size() > 32) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

std::vector<std::string> permissions_of(const std::vector<std::string>& roles) {
  std::set<std::string> out;
  auto grant = [&](std::initializer_list<std::string_view> ps) {
    for (auto p : ps) out.emplace(p);
  };
  for (const auto& r : roles) {
    if (r == "admin") {
      grant({perm::kUnitRead, perm::kUnitWrite, perm::kUserRead, perm::kUserWrite, perm::kUserPii,
             perm::kAuditRead, perm::kCustomerRead, perm::kCustomerWrite, perm::kCustomerPii,
             perm::kCustomerAdmin, perm::kCustomerAssign, perm::kCustomerMerge,
             perm::kCustomerClassifyAdmin, perm::kTicketRead, perm::kTicketCreate,
             perm::kTicketIntake, perm::kTicketHandle, perm::kTicketApprove, perm::kTicketManage,
             perm::kTicketAdmin, perm::kCalendarAdmin, perm::kSurveyRead, perm::kSurveyAdmin,
             perm::kRuleRead, perm::kRuleAdmin, perm::kCallbackWork, perm::kCallbackSupervise,
             perm::kCallbackRead});
    } else if (r == "manager") {
      grant({perm::kUnitRead, perm::kUserRead, perm::kUserWrite, perm::kUserPii,
             perm::kCustomerRead, perm::kCustomerWrite, perm::kCustomerPii, perm::kCustomerAssign,
             perm::kCustomerMerge, perm::kTicketRead, perm::kTicketCreate, perm::kTicketIntake, perm::kTicketHandle,
             perm::kTicketApprove, perm::kTicketManage, perm::kSurveyRead, perm::kRuleRead,
             perm::kRuleAdmin, perm::kCallbackSupervise, perm::kCallbackRead});
    } else if (r == "supervisor") {
      grant({perm::kUnitRead, perm::kUserRead, perm::kCustomerRead, perm::kCustomerWrite,
             perm::kCustomerPii, perm::kCustomerAssign, perm::kCustomerMerge, perm::kTicketRead, perm::kTicketCreate,
             perm::kTicketIntake, perm::kTicketHandle, perm::kTicketApprove, perm::kSurveyRead,
             perm::kRuleRead, perm::kCallbackWork, perm::kCallbackSupervise, perm::kCallbackRead});
    } else if (r == "agent") {
      // Agents see the phone numbers of the customers they own, masked for the rest. They
      // take complaints in, judge, route and verify; the departments handle.
      grant({perm::kUnitRead, perm::kCustomerRead, perm::kCustomerWrite, perm::kTicketRead,
             perm::kTicketCreate, perm::kTicketIntake, perm::kSurveyRead, perm::kCallbackWork,
             perm::kCallbackRead});
    } else if (r == "handler") {
      grant({perm::kUnitRead, perm::kCustomerRead, perm::kTicketRead, perm::kTicketHandle});
    } else if (r == "viewer") {
      grant({perm::kUnitRead, perm::kCustomerRead, perm::kTicketRead, perm::kSurveyRead,
             perm::kCallbackRead});
    } else if (valid_role(r)) {
      grant({perm::kUnitRead, perm::kCustomerRead, perm::kTicketRead, perm::kCallbackRead});
    }
  }
  return {out.begin(), out.end()};
}

bool may_grant(const std::vector<std::string>& actor_roles, std::string_view role) {
  auto has = [&](std::string_view r) {
    return std::find(actor_roles.begin(), actor_roles.end(), r) != actor_roles.end();
  };
  if (has("admin")) return true;
  if (has("manager")) return role != "admin";
  return false;
}

std::string mask_phone(std::string_view phone) {
  if (phone.size() < 8) return std::string(phone.size(), '*');
  std::string out(phone);
  for (size_t i = 3; i + 4 < out.size(); ++i) out[i] = '*';
  return out;
}

bool valid_username(std::string_view name) {
  if (name.size() < 2 || name.size() > 32) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

bool valid_skill(std::string_view skill) {
  if (skill.empty() || skill.size() > 32) return false;
  return std::all_of(skill.begin(), skill.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool valid_email(std::string_view email) {
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at != email.rfind('@')) return false;
  auto dot = email.find('.', at);
  return dot != std::string_view::npos && dot > at + 1 && dot + 1 < email.size() &&
         email.size() <= 254 && email.find(' ') == std::string_view::npos;
}

bool valid_phone(std::string_view phone) {
  auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (phone.size() == 11 && digits(phone) && phone[0] == '1' && phone[1] >= '3' && phone[1] <= '9')
    return true;
  auto dash = phone.find('-');
  if (dash == std::string_view::npos) return false;
  auto area = phone.substr(0, dash), local = phone.substr(dash + 1);
  return area.size() >= 3 && area.size() <= 4 && area[0] == '0' && digits(area) &&
         local.size() >= 7 && local.size() <= 8 && digits(local);
}

bool strong_enough(std::string_view pw) {
  if (pw.size() < 8 || pw.size() > 128) return false;
  bool letter = false, digit = false;
  for (unsigned char c : pw) {
    if (std::isalpha(c)) letter = true;
    if (std::isdigit(c)) digit = true;
  }
  return letter && digit;
}

std::optional<TokenScope> parse_scope(std::string_view s) {
  if (s == "read") return TokenScope::kRead;
  if (s == "write") return TokenScope::kWrite;
  return std::nullopt;
}

std::vector<int64_t> balance(std::vector<Assignee> people, size_t items) {
  std::vector<int64_t> out;
  people.erase(std::remove_if(people.begin(), people.end(),
                              [](const Assignee& a) { return !(a.weight > 0); }),
               people.end());
  if (people.empty()) return out;
  out.reserve(items);
  // Smallest (load + 1) / weight first, compared without division; then the lowest id.
  auto later = [](const Assignee& a, const Assignee& b) {
    double x = static_cast<double>(a.load + 1) * b.weight;
    double y = static_cast<double>(b.load + 1) * a.weight;
    if (x != y) return x > y;
    return a.id > b.id;
  };
  std::priority_queue<Assignee, std::vector<Assignee>, decltype(later)> queue(later,
                                                                              std::move(people));
  for (size_t i = 0; i < items; ++i) {
    Assignee next = queue.top();
    queue.pop();
    out.push_back(next.id);
    ++next.load;
    queue.push(next);
  }
  return out;
}

std::vector<std::string> skills_from(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string skills_text(const std::vector<std::string>& skills) {
  std::string out;
  for (const auto& s : skills) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool has_skills(const std::vector<std::string>& skills, const std::vector<std::string>& required) {
  return std::all_of(required.begin(), required.end(), [&](const std::string& r) {
    return std::find(skills.begin(), skills.end(), r) != skills.end();
  });
}

std::vector<Assignee> eligible(const std::vector<Candidate>& people,
                               const std::vector<std::string>& required) {
  std::vector<Assignee> out;
  for (const auto& p : people)
    if (has_skills(p.skills, required)) out.push_back({p.id, p.load, p.capacity});
  return out;
}

}  // namespace kefu::org
