#include "modules/tickets/model.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <utility>

namespace kefu::tickets {
namespace {

constexpr std::array<std::pair<State, std::string_view>, 8> kStates = {{
    {State::kNew, "new"},
    {State::kAccepted, "accepted"},
    {State::kRouted, "routed"},
    {State::kInvestigated, "investigated"},
    {State::kProposed, "proposed"},
    {State::kApproved, "approved"},
    {State::kImplemented, "implemented"},
    {State::kClosed, "closed"},
}};

constexpr std::array<std::pair<Action, std::string_view>, 14> kActions = {{
    {Action::kAccept, "accept"},
    {Action::kReject, "reject"},
    {Action::kAnswer, "answer"},
    {Action::kRoute, "route"},
    {Action::kHandBack, "hand_back"},
    {Action::kInvestigate, "investigate"},
    {Action::kPropose, "propose"},
    {Action::kApprove, "approve"},
    {Action::kSendBack, "send_back"},
    {Action::kImplement, "implement"},
    {Action::kVerify, "verify"},
    {Action::kReopen, "reopen"},
    {Action::kPause, "pause"},
    {Action::kResume, "resume"},
}};

// Where the responsible unit works on the ticket: it may be re-routed or paused there.
bool in_handling(State s) {
  return s == State::kRouted || s == State::kInvestigated || s == State::kProposed ||
         s == State::kApproved;
}

}  // namespace

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> v = {"complaint", "suggestion",  "praise",  "inquiry",
                                             "repair",    "after_sales", "internal"};
  return v;
}

const std::vector<std::string>& channels() {
  static const std::vector<std::string> v = {"hotline",     "store_desk", "callback",
                                             "sms",         "web_form",   "email",
                                             "head_office", "media",      "partner"};
  return v;
}

const std::vector<std::string>& severities() {
  static const std::vector<std::string> v = {"normal", "escalated", "channel", "major"};
  return v;
}

bool one_of(const std::vector<std::string>& allowed, std::string_view v) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

std::string_view to_string(State s) {
  for (const auto& [k, name] : kStates)
    if (k == s) return name;
  return "new";
}

std::optional<State> parse_state(std::string_view s) {
  for (const auto& [k, name] : kStates)
    if (name == s) return k;
  return std::nullopt;
}

const std::vector<State>& all_states() {
  static const std::vector<State> v = [] {
    std::vector<State> out;
    for (const auto& [k, name] : kStates) out.push_back(k);
    return out;
  }();
  return v;
}

bool is_open(State s) {
  return s != State::kClosed;
}

std::string_view to_string(Action a) {
  for (const auto& [k, name] : kActions)
    if (k == a) return name;
  return "accept";
}

std::optional<Action> parse_action(std::string_view s) {
  for (const auto& [k, name] : kActions)
    if (name == s) return k;
  return std::nullopt;
}

const std::vector<Action>& all_actions() {
  static const std::vector<Action> v = [] {
    std::vector<Action> out;
    for (const auto& [k, name] : kActions) out.push_back(k);
    return out;
  }();
  return v;
}

std::string_view permission_for(Action a) {
  switch (a) {
    case Action::kAccept:
    case Action::kReject:
    case Action::kAnswer:
    case Action::kRoute:
    case Action::kVerify:
    case Action::kReopen:
      return perm::kIntake;
    case Action::kHandBack:
    case Action::kInvestigate:
    case Action::kPropose:
    case Action::kImplement:
    case Action::kPause:
    case Action::kResume:
      return perm::kHandle;
    case Action::kApprove:
    case Action::kSendBack:
      return perm::kApprove;
  }
  return perm::kManage;
}

std::optional<Step> next(State from, Action a, const Facts& f) {
  switch (a) {
    case Action::kAccept:
      if (from == State::kNew) return Step{State::kAccepted};
      break;
    case Action::kReject:
    case Action::kAnswer:
      if (from == State::kNew) return Step{State::kClosed, false, true};
      break;
    case Action::kRoute:
      if (from == State::kAccepted || from == State::kRouted || from == State::kInvestigated)
        return Step{State::kRouted};
      break;
    case Action::kHandBack:
      if (from == State::kRouted) return Step{State::kAccepted};
      break;
    case Action::kInvestigate:
      if (from == State::kRouted || from == State::kInvestigated) return Step{State::kInvestigated};
      break;
    case Action::kPropose:
      if (from == State::kInvestigated) return Step{State::kProposed};
      break;
    case Action::kApprove:
      if (from == State::kProposed) return Step{State::kApproved};
      break;
    case Action::kSendBack:
      if (from == State::kProposed) return Step{State::kInvestigated};
      break;
    case Action::kImplement:
      if (from == State::kApproved) return Step{State::kImplemented};
      break;
    case Action::kVerify:
      if (from != State::kImplemented) break;
      if (f.satisfied) return Step{State::kClosed, false, true};
      // Not satisfied: back to the department; the second time a manager takes it over.
      return Step{State::kRouted, f.verify_failures >= 1, false};
    case Action::kReopen:
      if (from == State::kClosed)
        return Step{f.has_responsible ? State::kRouted : State::kAccepted};
      break;
    case Action::kPause:
      if ((in_handling(from) || from == State::kAccepted) && !f.paused) return Step{from};
      break;
    case Action::kResume:
      if (is_open(from) && f.paused) return Step{from};
      break;
  }
  return std::nullopt;
}

std::vector<Action> allowed(State from, const Facts& f,
                            const std::vector<std::string>& permissions) {
  std::vector<Action> out;
  for (Action a : all_actions()) {
    // A verification may go either way: offer it when either outcome is possible.
    Facts probe = f;
    if (a == Action::kVerify) probe.satisfied = true;
    if (!next(from, a, probe)) continue;
    auto need = permission_for(a);
    if (std::find(permissions.begin(), permissions.end(), need) != permissions.end())
      out.push_back(a);
  }
  return out;
}

std::string_view prefix(std::string_view kind) {
  if (kind == "complaint") return "TS";    // 投诉
  if (kind == "suggestion") return "JY";   // 建议
  if (kind == "praise") return "BY";       // 表扬
  if (kind == "inquiry") return "ZX";      // 咨询
  if (kind == "repair") return "BX";       // 报修
  if (kind == "after_sales") return "SH";  // 售后
  return "NB";                             // 内部
}

std::string number(std::string_view kind, int year, int64_t seq) {
  std::string digits = std::to_string(seq);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return std::string(prefix(kind)) + "-" + std::to_string(year) + "-" + digits;
}

namespace {
constexpr int64_t kChinaOffsetMs = 8 * 3600 * 1000;
std::chrono::year_month_day civil(int64_t ms) {
  using namespace std::chrono;
  return year_month_day(floor<days>(sys_time<milliseconds>(milliseconds(ms + kChinaOffsetMs))));
}
}  // namespace

int year_in_china(int64_t ms) {
  return static_cast<int>(civil(ms).year());
}

std::string month_in_china(int64_t ms) {
  auto d = civil(ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()));
  return buf;
}

int64_t month_start_in_china(int year, int month) {
  using namespace std::chrono;
  while (month > 12) {
    month -= 12;
    ++year;
  }
  sys_days d = std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} / 1;
  return duration_cast<milliseconds>(d.time_since_epoch()).count() - kChinaOffsetMs;
}

int64_t Money::saved_bp() const {
  if (asked_fen <= 0) return 0;
  // saved / asked in basis points, half up, in integers (no float drift on money).
  return (saved_fen() * 20000 + asked_fen) / (2 * asked_fen);
}

std::optional<SlaPolicy> pick_policy(const std::vector<SlaPolicy>& policies, const Ticket& t) {
  const SlaPolicy* best = nullptr;
  int best_score = -1;
  for (const auto& p : policies) {
    if (!p.active) continue;
    if ((p.kind && *p.kind != t.kind) || (p.severity && *p.severity != t.severity) ||
        (p.channel && *p.channel != t.channel) || (p.category_id && p.category_id != t.category_id))
      continue;
    int score = p.kind.has_value() + p.severity.has_value() + p.channel.has_value() +
                p.category_id.has_value();
    if (score > best_score || (score == best_score && best && p.id < best->id)) {
      best = &p;
      best_score = score;
    }
  }
  if (!best) return std::nullopt;
  return *best;
}

}  // namespace kefu::tickets
