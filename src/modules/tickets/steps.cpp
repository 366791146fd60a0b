// The closed loop's steps, the conversation, links and merges, bulk work, and deadlines.
#include <boost/json.hpp>

#include "modules/org/model.h"
#include "modules/tickets/json.h"
#include "modules/tickets/service.h"
#include "platform/audit/audit.h"
#include "platform/events/outbox.h"

namespace kefu::tickets {
namespace {

std::string actor_name(const auth::Principal& p) {
  return p.display_name.empty() ? p.username : p.display_name;
}

bool needs_reason(Action a) {
  return a == Action::kReject || a == Action::kAnswer || a == Action::kHandBack ||
         a == Action::kSendBack || a == Action::kReopen;
}

// Field rules of each step that do not need the database.
std::vector<FieldError> check_step(const StepInput& in, const Ticket& t) {
  std::vector<FieldError> e;
  if (needs_reason(in.action) && in.comment.empty())
    e.push_back({"comment", "ticket.reason_required", {}});
  switch (in.action) {
    case Action::kRoute:
      if (!in.resp_unit_id) e.push_back({"resp_unit_id", "field.required", {}});
      break;
    case Action::kInvestigate:
      if (!in.root_cause_id) e.push_back({"root_cause_id", "field.required", {}});
      break;
    case Action::kPropose:
      if (!in.solutions || in.solutions->empty())
        e.push_back({"solutions", "ticket.solutions_required", {}});
      if (in.asked_fen && *in.asked_fen < 0)
        e.push_back({"asked_fen", "ticket.money_negative", {}});
      break;
    case Action::kApprove:
      if (!in.solution_index)
        e.push_back({"solution_index", "field.required", {}});
      else if (*in.solution_index < 0 ||
               *in.solution_index >= static_cast<int64_t>(t.solutions.size()))
        e.push_back({"solution_index", "ticket.solution_unknown", {}});
      break;
    case Action::kImplement:
      if (!in.implementation || in.implementation->empty())
        e.push_back({"implementation", "field.required", {}});
      if (in.paid_fen && *in.paid_fen < 0) e.push_back({"paid_fen", "ticket.money_negative", {}});
      break;
    case Action::kVerify:
      if (!in.satisfied) e.push_back({"satisfied", "field.required", {}});
      break;
    default:
      break;
  }
  return e;
}

std::string allowed_json(const std::vector<Action>& actions) {
  boost::json::array a;
  for (auto x : actions) a.emplace_back(std::string(to_string(x)));
  return boost::json::serialize(a);
}

}  // namespace

std::vector<SlaPolicy> TicketService::cached_policies() {
  int64_t now = clock_.now_ms();
  {
    std::lock_guard lock(policies_mu_);
    if (policies_at_ >= 0 && now - policies_at_ < 5000) return policies_;
  }
  std::vector<SlaPolicy> fresh;
  db_.read([&](db::Session& s) { fresh = store::policies(s); });
  std::lock_guard lock(policies_mu_);
  policies_ = fresh;
  policies_at_ = now;
  return fresh;
}

void TicketService::plan_deadlines(Ticket& t, int64_t start_ms) {
  auto policy = pick_policy(cached_policies(), t);
  if (!policy || !time_.add) {
    t.sla_policy_id.reset();
    t.respond_due_at.reset();
    t.resolve_due_at.reset();
    t.manager_due_at.reset();
    t.warn_at.reset();
    return;
  }
  t.sla_policy_id = policy->id;
  // Deadlines count from the minute the ticket was taken: a ticket taken at 16:00:00.3 with
  // two working hours is due at 18:00, not at 09:00:00.3 the next working day.
  int64_t start = start_ms - start_ms % 60000;
  t.respond_due_at = time_.add(t.unit_id, start, policy->respond_minutes);
  t.resolve_due_at = policy->same_day && time_.end_of_day
                         ? time_.end_of_day(t.unit_id, start)
                         : time_.add(t.unit_id, start, policy->resolve_minutes);
  // Half a working day after the breach, a manager takes over what the supervisor did not.
  t.manager_due_at = time_.add(t.unit_id, *t.resolve_due_at, 240);
  t.warn_at = start + (*t.resolve_due_at - start) * policy->warn_percent / 100;
}

// One durable job per round of deadlines, keyed by ticket and round, at the next level
// still ahead: the warning (level 0, nothing escalates, the people concerned hear it is due
// soon), the supervisor at the resolve deadline (1), a manager at the manager's deadline
// (2). Its handler re-arms it for the following level. Pausing cancels it, resuming or a
// new severity moves it; a new round (reopen, not satisfied) gets a new key, since a job
// that ran to its end stays done.
void TicketService::schedule_deadline(db::Session& s, const Ticket& t) {
  if (!jobs_.schedule) return;
  std::string key = "ticket:" + std::to_string(t.id) + ":" + std::to_string(t.deadline_round);
  int level = -1;
  std::optional<int64_t> at;
  if (t.state != State::kClosed && !t.paused_at && t.resolve_due_at) {
    if (!t.breached && t.escalation == 0 && t.warn_at && *t.warn_at > clock_.now_ms()) {
      level = 0;
      at = t.warn_at;
    } else if (t.escalation < 1) {
      level = 1;
      at = t.resolve_due_at;
    } else if (t.escalation < 2 && t.manager_due_at) {
      level = 2;
      at = t.manager_due_at;
    }
  }
  if (!at) {
    if (jobs_.cancel) jobs_.cancel(s, key);
    return;
  }
  boost::json::object payload{{"ticket_id", t.id}, {"level", level}, {"round", t.deadline_round}};
  jobs_.schedule(s, key, *at, boost::json::serialize(payload));
}

std::string TicketService::on_deadline(db::Session& s, const std::string& payload) {
  boost::system::error_code ec;
  auto v = boost::json::parse(payload, ec);
  if (ec || !v.is_object()) return "bad payload";
  const auto& o = v.as_object();
  int64_t id = o.contains("ticket_id") ? o.at("ticket_id").to_number<int64_t>() : 0;
  int level = o.contains("level") ? o.at("level").to_number<int>() : 1;
  int64_t round = o.contains("round") ? o.at("round").to_number<int64_t>() : 0;
  auto found = store::find(s, id);
  if (!found) return "ticket gone";
  Ticket t = *found;
  int64_t now = clock_.now_ms();
  // A job that fires late after a pause, a close or a new round has nothing to do.
  if (t.state == State::kClosed || t.paused_at || t.deadline_round != round)
    return "nothing to do";
  if (level == 0) {  // due soon: tell the live stream, change nothing, wait for the breach
    if (t.breached) {
      schedule_deadline(s, t);
      return "nothing to do";
    }
    events::publish(s, now,
                    {"ticket.due_soon", "ticket", std::to_string(t.id), t.unit_id, std::nullopt,
                     event_json(t)});
    schedule_deadline(s, t);
    return "due soon";
  }
  int64_t due = level >= 2 ? t.manager_due_at.value_or(0) : t.resolve_due_at.value_or(0);
  if (!t.resolve_due_at || now < due || t.escalation >= level) {
    schedule_deadline(s, t);  // the deadlines moved under the job: it follows them
    return "nothing to do";
  }
  std::string before = audit_json(t);
  t.breached = true;
  t.escalation = level;
  t.updated_at = now;
  t.version += 1;
  if (!store::update(s, t)) throw std::runtime_error("ticket changed during escalation");
  boost::json::object data{{"level", level}, {"to", level == 1 ? "supervisor" : "manager"}};
  store::add_step(s, t.id,
                  {0, "escalate", std::string(to_string(t.state)), std::string(to_string(t.state)),
                   std::nullopt, "system", now, "", boost::json::serialize(data)});
  schedule_deadline(s, t);
  audit::append(s, now,
                {std::nullopt, "system", "ticket.escalate", "ticket", std::to_string(t.id),
                 t.unit_path, before, audit_json(t), ""});
  events::publish(
      s, now,
      {"ticket.breached", "ticket", std::to_string(t.id), t.unit_id, std::nullopt, event_json(t)});
  return "escalated to level " + std::to_string(level);
}

PreparedStep TicketService::prepare_step(const auth::Principal& p, int64_t id,
                                        const StepInput& in) {
  require(p, perm::kRead);
  PreparedStep prep;
  auto& resp_unit = prep.resp_unit;
  auto& assignee = prep.assignee;
  auto& staff = prep.staff;
  auto& early = prep.early;
  auto& resumed = prep.resumed;
  // Who is named by the step, resolved through org's service before the transaction.
  auto sys = org::OrgService::system_principal("tickets");
  if (in.resp_unit_id) {
    try {
      resp_unit = org_.get_unit(sys, *in.resp_unit_id);
      if (!resp_unit->active) throw Error::not_found("unit");
    } catch (const Error&) {
      early.push_back({"resp_unit_id", "ticket.unit_unknown", {}});
    }
  }
  auto user_in = [&](std::optional<int64_t> uid, const char* field, std::optional<org::User>& out) {
    if (!uid) return;
    try {
      out = org_.get_user(sys, *uid);
      if (!out->active) throw Error::not_found("user");
    } catch (const Error&) {
      out.reset();
      early.push_back({field, "ticket.assignee_unknown", {}});
    }
  };
  user_in(in.assignee_id, "assignee_id", assignee);
  user_in(in.responsible_staff_id, "responsible_staff_id", staff);
  if (assignee && resp_unit && assignee->unit_path.rfind(resp_unit->path, 0) != 0)
    early.push_back({"assignee_id", "ticket.assignee_outside_unit", {}});

  int64_t now = prep.now = clock_.now_ms();
  // Resuming moves the deadlines by the working time spent waiting: computed on the calendar
  // before the transaction, which then refuses if the ticket moved meanwhile.
  // Reopening, or a customer not satisfied, starts a new round of deadlines from now.
  bool new_round = prep.new_round = in.action == Action::kReopen ||
                   (in.action == Action::kVerify && in.satisfied == std::optional<bool>(false));
  if (id == 0) {
    // A ticket being created in the caller's transaction: nothing to resume.
  } else if (new_round) {
    db_.read([&](db::Session& s) { resumed = scoped(s, p, id); });
    plan_deadlines(*resumed, now);
  } else if (in.action == Action::kResume) {
    db_.read([&](db::Session& s) { resumed = scoped(s, p, id); });
    if (resumed->paused_at && resumed->resolve_due_at && time_.between && time_.add) {
      int64_t paused = *resumed->paused_at - *resumed->paused_at % 60000;
      int64_t left = time_.between(resumed->unit_id, paused, *resumed->resolve_due_at);
      int64_t old_due = *resumed->resolve_due_at;
      resumed->resolve_due_at =
          time_.add(resumed->unit_id, now - now % 60000, std::max<int64_t>(left, 0));
      if (resumed->warn_at) *resumed->warn_at += *resumed->resolve_due_at - old_due;
      resumed->manager_due_at = time_.add(resumed->unit_id, *resumed->resolve_due_at, 240);
    }
  }
  return prep;
}

Ticket TicketService::act_in(db::Session& s, const auth::Principal& p, int64_t id,
                             const StepInput& in, const PreparedStep& prep) {
  const auto& resp_unit = prep.resp_unit;
  const auto& assignee = prep.assignee;
  const auto& staff = prep.staff;
  const auto& early = prep.early;
  const auto& resumed = prep.resumed;
  const bool new_round = prep.new_round;
  const int64_t now = prep.now;
  Ticket after;
    Ticket t = scoped(s, p, id);
    if (t.merged_into) throw Error(ErrorKind::kConflict, "ticket.merged");
    if ((in.version && *in.version != t.version) || (resumed && resumed->version != t.version))
      throw Error(ErrorKind::kConflict, "ticket.version_conflict");
    Facts facts = t.facts();
    facts.satisfied = in.satisfied.value_or(false);
    auto step = next(t.state, in.action, facts);
    if (!step) {
      throw Error(ErrorKind::kConflict, "ticket.transition_refused",
                  {{"state", "@ticket.state." + std::string(to_string(t.state))},
                   {"action", "@ticket.action." + std::string(to_string(in.action))}})
          .with_extra("allowed", allowed_json(allowed(t.state, t.facts(), p.permissions)));
    }
    if (!p.can(permission_for(in.action))) throw Error::forbidden();
    // The responsible unit's own steps need the ticket inside the caller's subtree through
    // that unit (a store clerk cannot investigate for the workshop).
    if (permission_for(in.action) == perm::kHandle && !t.resp_unit_path.empty() &&
        !p.in_scope(t.resp_unit_path))
      throw Error::forbidden();
    auto errors = check_step(in, t);
    errors.insert(errors.end(), early.begin(), early.end());
    if (in.action == Action::kInvestigate && in.root_cause_id) {
      auto rc = store::root_cause(s, *in.root_cause_id);
      if (!rc || !rc->active) errors.push_back({"root_cause_id", "ticket.root_cause_unknown", {}});
    }
    if (!errors.empty()) throw Error::validation(errors);

    std::string before = audit_json(t);
    State from = t.state;
    boost::json::object data;
    switch (in.action) {
      case Action::kAccept:
        break;
      case Action::kReject:
        t.resolution = "not_valid";
        break;
      case Action::kAnswer:
        t.resolution = "answered";
        break;
      case Action::kRoute:
        t.resp_unit_id = resp_unit->id;
        t.resp_unit_path = resp_unit->path;
        t.assignee_id = assignee ? std::optional<int64_t>(assignee->id) : std::nullopt;
        data["resp_unit_id"] = resp_unit->id;
        if (assignee) data["assignee_id"] = assignee->id;
        break;
      case Action::kHandBack:
        t.assignee_id.reset();
        break;
      case Action::kInvestigate:
        t.root_cause_id = in.root_cause_id;
        if (in.findings) t.findings = *in.findings;
        if (staff) t.responsible_staff_id = staff->id;
        if (!t.assignee_id) t.assignee_id = p.actor_id();
        data["root_cause_id"] = *in.root_cause_id;
        break;
      case Action::kPropose:
        t.solutions = *in.solutions;
        t.approved_solution.reset();
        if (in.asked_fen) t.money.asked_fen = *in.asked_fen;
        break;
      case Action::kApprove:
        t.approved_solution = in.solution_index;
        data["solution_index"] = *in.solution_index;
        break;
      case Action::kSendBack:
        break;
      case Action::kImplement:
        t.implementation = *in.implementation;
        if (in.paid_fen) t.money.paid_fen = *in.paid_fen;
        data["paid_fen"] = t.money.paid_fen;
        break;
      case Action::kVerify:
        data["satisfied"] = *in.satisfied;
        if (!*in.satisfied) {
          t.verify_failures += 1;
          if (step->escalate_to_manager) t.escalation = std::max(t.escalation, 2);
        } else {
          t.resolution = "resolved";
        }
        break;
      case Action::kReopen:
        t.resolution.clear();
        t.closed_at.reset();
        if (in.escalate_to_manager) {  // a verification callback found the customer unsatisfied
          t.escalation = 2;
          data["escalated_to"] = "manager";
        }
        break;
      case Action::kPause:
        t.paused_at = now;
        break;
      case Action::kResume:
        t.resolve_due_at = resumed->resolve_due_at;
        t.manager_due_at = resumed->manager_due_at;
        t.warn_at = resumed->warn_at;
        t.paused_ms += now - *t.paused_at;
        t.paused_at.reset();
        break;
    }
    if (new_round) {  // deadlines start over; a manager's escalation stays
      t.sla_policy_id = resumed->sla_policy_id;
      t.respond_due_at = resumed->respond_due_at;
      t.resolve_due_at = resumed->resolve_due_at;
      t.manager_due_at = resumed->manager_due_at;
      t.warn_at = resumed->warn_at;
      t.deadline_round += 1;
      t.breached = false;
      if (t.escalation < 2) t.escalation = 0;
    }
    if (step->escalate_to_manager) data["escalated_to"] = "manager";
    t.state = step->to;
    if (step->closes) {
      t.closed_at = now;
      t.paused_at.reset();
    }
    if (!t.responded_at && (in.action == Action::kAccept || in.action == Action::kReject ||
                            in.action == Action::kAnswer))
      t.responded_at = now;
    t.updated_at = now;
    t.version += 1;
    if (!store::update(s, t)) throw Error(ErrorKind::kConflict, "ticket.version_conflict");
    store::add_step(s, t.id,
                    {0, std::string(to_string(in.action)), std::string(to_string(from)),
                     std::string(to_string(t.state)), p.actor_id(), actor_name(p), now, in.comment,
                     boost::json::serialize(data)});
    if (in.action == Action::kAnswer || in.action == Action::kReject)
      store::add_comment(s, {0, t.id, "public", p.actor_id(), actor_name(p), in.comment, now});
    schedule_deadline(s, t);
    audit::append(
        s, now,
        {p.actor_id(), p.username, "ticket." + std::string(to_string(in.action)), "ticket",
         std::to_string(t.id), t.unit_path, before, audit_json(t), p.request_id});
    std::string type = step->closes                   ? "ticket.closed"
                       : in.action == Action::kRoute  ? "ticket.routed"
                       : in.action == Action::kReopen ? "ticket.reopened"
                                                      : "ticket.changed";
    events::publish(s, now,
                    {type, "ticket", std::to_string(t.id), t.unit_id, p.actor_id(), event_json(t)});
    after = t;
  return after;
}

TicketView TicketService::act(const auth::Principal& p, int64_t id, const StepInput& in) {
  PreparedStep prep = prepare_step(p, id, in);
  Ticket after;
  db_.write([&](db::Session& s) { after = act_in(s, p, id, in, prep); });
  return get(p, after.id).view;
}

store::Comment TicketService::comment(const auth::Principal& p, int64_t id,
                                      const std::string& visibility, const std::string& body) {
  require(p, perm::kRead);
  if (!p.can(perm::kIntake) && !p.can(perm::kHandle)) throw Error::forbidden();
  std::vector<FieldError> e;
  if (visibility != "public" && visibility != "internal")
    e.push_back({"visibility", "field.invalid", {}});
  if (body.empty()) e.push_back({"body", "field.required", {}});
  if (!e.empty()) throw Error::validation(e);
  int64_t now = clock_.now_ms();
  store::Comment c{0, id, visibility, p.actor_id(), actor_name(p), body, now};
  db_.write([&](db::Session& s) {
    Ticket t = scoped(s, p, id);
    c.id = store::add_comment(s, c);
    if (visibility == "public" && !t.responded_at) {
      t.responded_at = now;
      t.updated_at = now;
      t.version += 1;
      store::update(s, t);
    }
    boost::json::object after{{"visibility", visibility}, {"body", body}};
    audit::append(s, now,
                  {p.actor_id(), p.username, "ticket.comment", "ticket", std::to_string(id),
                   t.unit_path, "", boost::json::serialize(after), p.request_id});
    events::publish(
        s, now,
        {"ticket.commented", "ticket", std::to_string(id), t.unit_id, p.actor_id(), event_json(t)});
  });
  return c;
}

void TicketService::link(const auth::Principal& p, int64_t id, int64_t other_id) {
  require(p, perm::kIntake);
  if (id == other_id) throw Error::validation({{"other_id", "ticket.link_self", {}}});
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    Ticket t = scoped(s, p, id);
    scoped(s, p, other_id);
    store::link(s, id, other_id, "related", now);
    audit::append(
        s, now,
        {p.actor_id(), p.username, "ticket.link", "ticket", std::to_string(id), t.unit_path, "",
         "{\"other_id\":" + std::to_string(other_id) + "}", p.request_id});
  });
}

// A duplicate is closed into the ticket that goes on: linked, its conversation left where it
// was, counted once in statistics (lists skip merged tickets).
TicketView TicketService::merge(const auth::Principal& p, int64_t id, int64_t into_id) {
  require(p, perm::kIntake);
  if (id == into_id) throw Error::validation({{"into_id", "ticket.link_self", {}}});
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    Ticket t = scoped(s, p, id);
    Ticket into = scoped(s, p, into_id);
    if (t.merged_into || into.merged_into || into.state == State::kClosed)
      throw Error(ErrorKind::kConflict, "ticket.merge_refused");
    std::string before = audit_json(t);
    State from = t.state;
    t.merged_into = into.id;
    t.state = State::kClosed;
    t.resolution = "merged";
    t.closed_at = now;
    t.updated_at = now;
    t.version += 1;
    store::update(s, t);
    store::link(s, id, into_id, "duplicate", now);
    store::add_step(s, id,
                    {0, "merge", std::string(to_string(from)), "closed", p.actor_id(),
                     actor_name(p), now, into.number, "{}"});
    schedule_deadline(s, t);
    audit::append(s, now,
                  {p.actor_id(), p.username, "ticket.merge", "ticket", std::to_string(id),
                   t.unit_path, before, audit_json(t), p.request_id});
  });
  return get(p, into_id).view;
}

int TicketService::bulk_assign(const auth::Principal& p, const std::vector<int64_t>& ids,
                               int64_t assignee_id) {
  require(p, perm::kApprove);
  if (ids.empty() || ids.size() > 500) throw Error::validation({{"ids", "ticket.bulk_size", {}}});
  org::User u;
  try {
    u = org_.get_user(org::OrgService::system_principal("tickets"), assignee_id);
    if (!u.active) throw Error::not_found("user");
  } catch (const Error&) {
    throw Error::validation({{"assignee_id", "ticket.assignee_unknown", {}}});
  }
  int64_t now = clock_.now_ms();
  int changed = 0;
  db_.write([&](db::Session& s) {
    for (int64_t id : ids) {  // all or nothing: one unknown id refuses the whole batch
      Ticket t = scoped(s, p, id);
      if (t.state == State::kClosed) throw Error(ErrorKind::kConflict, "ticket.closed");
      std::string before = audit_json(t);
      t.assignee_id = u.id;
      t.updated_at = now;
      t.version += 1;
      store::update(s, t);
      store::add_step(
          s, id,
          {0, "assign", std::string(to_string(t.state)), std::string(to_string(t.state)),
           p.actor_id(), actor_name(p), now, "", "{\"assignee_id\":" + std::to_string(u.id) + "}"});
      audit::append(s, now,
                    {p.actor_id(), p.username, "ticket.assign", "ticket", std::to_string(id),
                     t.unit_path, before, audit_json(t), p.request_id});
      events::publish(
          s, now,
          {"ticket.changed", "ticket", std::to_string(id), t.unit_id, p.actor_id(), event_json(t)});
      ++changed;
    }
  });
  return changed;
}

int TicketService::bulk_close(const auth::Principal& p, const std::vector<int64_t>& ids,
                              const std::string& reason) {
  require(p, perm::kManage);
  std::vector<FieldError> e;
  if (ids.empty() || ids.size() > 500) e.push_back({"ids", "ticket.bulk_size", {}});
  if (reason.empty()) e.push_back({"reason", "ticket.reason_required", {}});
  if (!e.empty()) throw Error::validation(e);
  int64_t now = clock_.now_ms();
  int changed = 0;
  db_.write([&](db::Session& s) {
    for (int64_t id : ids) {
      Ticket t = scoped(s, p, id);
      if (t.state == State::kClosed) continue;
      std::string before = audit_json(t);
      State from = t.state;
      t.state = State::kClosed;
      t.resolution = "closed_by_manager";
      t.closed_at = now;
      t.paused_at.reset();
      t.updated_at = now;
      t.version += 1;
      store::update(s, t);
      store::add_step(s, id,
                      {0, "close", std::string(to_string(from)), "closed", p.actor_id(),
                       actor_name(p), now, reason, "{}"});
      schedule_deadline(s, t);
      audit::append(s, now,
                    {p.actor_id(), p.username, "ticket.close", "ticket", std::to_string(id),
                     t.unit_path, before, audit_json(t), p.request_id});
      events::publish(
          s, now,
          {"ticket.closed", "ticket", std::to_string(id), t.unit_id, p.actor_id(), event_json(t)});
      ++changed;
    }
  });
  return changed;
}

}  // namespace kefu::tickets
