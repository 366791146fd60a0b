// Attempts and answers: the outcome of a call, the questionnaire scored by the surveys
// module, and what a dissatisfied answer sets going in the tickets module — all written in
// one transaction, prepared before it (names, departments and deadlines need reads of their
// own, which must never nest inside a write).
#include <map>

#include <boost/json.hpp>

#include "modules/callbacks/json.h"
#include "modules/callbacks/prepared.h"
#include "modules/callbacks/service.h"
#include "platform/audit/audit.h"
#include "platform/events/outbox.h"

namespace kefu::callbacks {
namespace {

namespace json = boost::json;

auth::Principal acting_for(const auth::Principal& who) {
  // Tickets opened by a callback are the system's doing on the agent's behalf: the agent's
  // name is on them, the callback's own permission check has already run.
  auth::Principal sys = org::OrgService::system_principal("callbacks");
  if (who.user_id) {
    sys.user_id = who.user_id;
    sys.username = who.username;
    sys.display_name = who.display_name.empty() ? who.username : who.display_name;
    sys.request_id = who.request_id;
  } else {
    sys.display_name = "客户在线评价";
  }
  return sys;
}

}  // namespace


std::optional<int64_t> CallbackService::department_unit(const std::string& unit_path,
                                                        const std::string& dept) {
  if (dept.empty()) return std::nullopt;
  auto sys = org::OrgService::system_principal("callbacks");
  // The nearest department whose code names the function ("sales", "BJ01-workshop"): first
  // among the task unit's own departments, then each ancestor's, up to the head office.
  std::vector<org::Unit> departments;
  org::UnitQuery q;
  q.kind = "department";
  q.active = true;
  q.limit = 200;
  while (true) {
    auto page = org_.list_units(sys, q);
    departments.insert(departments.end(), page.items.begin(), page.items.end());
    if (!page.next_after) break;
    q.after = *page.next_after;
  }
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  std::string want = lower(dept);
  auto names = [&](const org::Unit& u) {
    std::string code = lower(u.code);
    return code == want ||
           (code.size() > want.size() &&
            code.compare(code.size() - want.size(), want.size(), want) == 0 &&
            (code[code.size() - want.size() - 1] == '-' ||
             code[code.size() - want.size() - 1] == '_'));
  };
  std::string path = unit_path;
  while (!path.empty() && path != "/") {
    for (const auto& u : departments)
      if (names(u) && u.parent_id && u.path.rfind(path, 0) == 0 &&
          u.path.size() > path.size() &&
          u.path.find('/', path.size()) == u.path.size() - 1)  // a direct child
        return u.id;
    // One level up: "/1/4/9/" → "/1/4/".
    path.pop_back();
    path = path.substr(0, path.rfind('/') + 1);
  }
  return std::nullopt;
}

CallbackService::Prepared CallbackService::prepare_answer(const auth::Principal& actor,
                                                          const store::Row& r,
                                                          const std::string& answers_json,
                                                          const std::string& complaint,
                                                          const std::string& channel) {
  Prepared prep;
  prep.channel = channel;
  std::optional<surveys::Questionnaire> q;
  std::optional<customers::CustomerFacts> facts;
  db_.read([&](db::Session& s) {
    q = surveys_.version(s, r.task.questionnaire_id, r.task.questionnaire_version);
    facts = customers_.facts_in(s, r.task.customer_id, r.task.asset_id);
  });
  if (!q) throw Error(ErrorKind::kConflict, "callbacks.questionnaire_unknown");
  prep.questionnaire = *q;
  prep.answers = surveys::SurveyService::parse_answers(answers_json);
  prep.scored = surveys::SurveyService::check_answers(*q, prep.answers);

  auto sys = acting_for(actor);
  if (r.task.kind == "verification") {
    // Still not satisfied with how the complaint was handled: the ticket opens again and
    // goes to a manager.
    if (!prep.scored.satisfied && r.task.verifies_ticket_id) {
      prep.reopen_ticket = r.task.verifies_ticket_id;
      prep.reopen_in.action = tickets::Action::kReopen;
      prep.reopen_in.comment = "回访验证：客户对处理结果仍不满意";
      prep.reopen_in.escalate_to_manager = true;
      prep.reopen = tickets_.prepare_step(sys, *prep.reopen_ticket, prep.reopen_in);
    }
    return prep;
  }
  // One ticket per responsible department, listing what the customer was unhappy with.
  // A satisfied customer's free words (often praise) are not a complaint; the agent can
  // still record one explicitly (`complaint`).
  std::map<std::string, std::string> roles;
  for (const auto& x : q->questions) roles[x.code] = x.role;
  std::map<std::string, std::vector<std::string>> by_dept;
  for (const auto& d : prep.scored.dissatisfied) {
    if (prep.scored.satisfied && roles[d.question] == "complaint") continue;
    by_dept[d.department].push_back(d.text);
  }
  std::string told = !complaint.empty()          ? complaint
                     : prep.scored.satisfied ? std::string()
                                             : prep.scored.complaint_text;
  if (!told.empty() && by_dept.empty()) by_dept[""].push_back("客户反映：" + told);
  for (const auto& [dept, items] : by_dept) {
    tickets::TicketInput in;
    in.kind = "complaint";
    in.channel = "callback";
    in.severity = "normal";
    std::string first = items.front();
    if (first.size() > 120) first = first.substr(0, 120);
    in.subject = "回访不满意：" + q->name;
    std::string desc = "回访任务 #" + std::to_string(r.task.id) + "（" + q->name + "）中客户表示不满意：\n";
    for (const auto& it : items) desc += "· " + it + "\n";
    if (!told.empty() && dept.empty() == false) desc += "客户反映：" + told + "\n";
    in.description = desc;
    in.customer_id = r.task.customer_id;
    in.asset_id = r.task.asset_id;
    in.unit_id = r.task.unit_id;
    if (facts) in.contact_name = facts->customer.name;
    Prepared::NewTicket nt;
    nt.ticket = tickets_.prepare(sys, in);
    nt.accept_in.action = tickets::Action::kAccept;
    nt.accept_in.comment = "回访发现，自动成立";
    nt.accept = tickets_.prepare_step(sys, 0, nt.accept_in);
    auto to = department_unit(r.task.unit_path, dept).value_or(r.task.unit_id);
    nt.route_in.action = tickets::Action::kRoute;
    nt.route_in.resp_unit_id = to;
    nt.route_in.comment = dept.empty() ? "回访发现，分派至发生单位" : "回访发现，分派至责任部门";
    nt.route = tickets_.prepare_step(sys, 0, nt.route_in);
    prep.tickets.push_back(std::move(nt));
  }
  return prep;
}

void CallbackService::apply_answer(db::Session& s, const auth::Principal& actor, store::Row& r,
                                   Prepared& prep, int64_t now) {
  if (surveys_.answer_of(s, "callback", r.task.id))
    throw Error(ErrorKind::kConflict, "callbacks.survey_answered");
  surveys::SurveyService::AnswerRecord rec;
  rec.questionnaire_id = prep.questionnaire.id;
  rec.version = prep.questionnaire.version;
  rec.source = "callback";
  rec.source_id = r.task.id;
  rec.channel = prep.channel;
  rec.customer_id = r.task.customer_id;
  rec.unit_id = r.task.unit_id;
  rec.unit_path = r.task.unit_path;
  rec.agent_id = actor.user_id ? std::optional<int64_t>(actor.user_id) : std::nullopt;
  rec.staff_id = r.task.staff_id;
  rec.answered_at = now;
  rec.answers = prep.answers;
  rec.scored = prep.scored;
  r.task.answer_id = surveys_.record(s, rec);
  r.task.satisfied = prep.scored.satisfied;
  r.task.dissatisfied = static_cast<int>(prep.scored.dissatisfied.size());
  r.hotline_told = prep.scored.hotline_told;
  r.fault_fixed = prep.scored.fault_fixed;
  r.task.channel = prep.channel;
  auto sys = acting_for(actor);
  for (auto& nt : prep.tickets) {
    auto t = tickets_.create_in(s, sys, nt.ticket);
    tickets_.act_in(s, sys, t.id, nt.accept_in, nt.accept);
    tickets_.act_in(s, sys, t.id, nt.route_in, nt.route);
    r.task.ticket_ids.push_back(t.id);
  }
  if (prep.reopen_ticket) tickets_.act_in(s, sys, *prep.reopen_ticket, prep.reopen_in, prep.reopen);
}

TaskView CallbackService::attempt(const auth::Principal& p, int64_t id, const AttemptInput& in) {
  bool supervise = p.can(org::perm::kCallbackSupervise);
  if (!p.can(org::perm::kCallbackWork) && !supervise) throw Error::forbidden();
  int64_t now = clock_.now_ms();
  std::optional<store::Row> row;
  std::optional<customers::CustomerFacts> facts;
  db_.read([&](db::Session& s) {
    row = scoped(s, p, id);
    facts = customers_.facts_in(s, row->task.customer_id, row->task.asset_id);
  });
  bool mine = row->task.assignee_id && *row->task.assignee_id == p.user_id;
  if (!mine && !supervise) throw Error::forbidden();
  if (!is_open(row->task.state))
    throw Error(ErrorKind::kConflict, "callbacks.closed",
                {{"state", "@callbacks.state." + std::string(to_string(row->task.state))}});
  if (in.version && *in.version != row->task.version)
    throw Error(ErrorKind::kConflict, "callbacks.version_conflict");
  // Consent and quiet hours hold for every call, whoever records it.
  if (facts && !facts->customer.may_call) throw Error(ErrorKind::kConflict, "callbacks.no_consent");
  if (facts) {
    auto cw = parse_window(facts->customer.quiet_start, facts->customer.quiet_end);
    int64_t until = quiet_until(now, settings_.offset_minutes, settings_.company_quiet, cw);
    if (until > now && in.override_reason.empty())
      throw Error(ErrorKind::kConflict, "callbacks.quiet_hours",
                  {{"until", std::to_string(until)}})
          .with_extra("quiet_until", std::to_string(until));
  }
  std::vector<FieldError> errors;
  if (in.outcome == Outcome::kAnswered && !in.answers_json)
    errors.push_back({"answers", "field.required", {}});
  if (in.outcome == Outcome::kCallBackLater && !in.call_back_at)
    errors.push_back({"call_back_at", "callbacks.call_back_at_required", {}});
  if (in.call_back_at && *in.call_back_at <= now)
    errors.push_back({"call_back_at", "callbacks.call_back_at_past", {}});
  if (!errors.empty()) throw Error::validation(errors);
  std::optional<Prepared> prep;
  if (in.outcome == Outcome::kAnswered)
    prep = prepare_answer(p, *row, *in.answers_json, in.complaint, "phone");

  TaskView out;
  db_.write([&](db::Session& s) {
    auto r = scoped(s, p, id);
    if (r.task.version != row->task.version)
      throw Error(ErrorKind::kConflict, "callbacks.version_conflict");
    auto decision = after_attempt(r.task, in.outcome, now, in.call_back_at);
    if (!decision.effect) throw Error(ErrorKind::kConflict, decision.refusal);
    std::string before = json::serialize(task_json_min(r.task));
    const auto& e = *decision.effect;
    r.task.state = e.state;
    r.task.next_try_at = e.next_try_at;
    if (e.due_at) r.task.due_at = *e.due_at;
    r.task.attempts += 1;
    r.task.last_outcome = std::string(to_string(in.outcome));
    if (!is_open(e.state)) r.task.done_at = now;
    if (!r.task.assignee_id) r.task.assignee_id = p.user_id;
    r.task.updated_at = now;
    store::add_attempt(s, {0, id, now, p.actor_id(), std::string(to_string(in.outcome)), in.note,
                           in.call_back_at, in.override_reason});
    if (prep) apply_answer(s, p, r, *prep, now);
    if (!store::update(s, r)) throw Error(ErrorKind::kConflict, "callbacks.version_conflict");
    r.task.version += 1;
    json::object after = task_json_min(r.task);
    if (!in.override_reason.empty()) after["quiet_hours_override"] = in.override_reason;
    audit::append(s, now,
                  {p.actor_id(), p.username, "callback.attempt", "callback_task",
                   std::to_string(id), r.task.unit_path, before, json::serialize(after),
                   p.request_id});
    std::string type = r.task.state == State::kDone     ? "callback.completed"
                       : r.task.state == State::kFailed ? "callback.failed"
                                                        : "callback.attempted";
    events::publish(s, now,
                    {type, "callback_task", std::to_string(id), r.task.unit_id, p.actor_id(),
                     json::serialize(task_json_min(r.task))});
    out = view(s, p, r);
  });
  return out;
}

}  // namespace kefu::callbacks
