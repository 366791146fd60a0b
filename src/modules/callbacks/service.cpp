#include "modules/callbacks/service.h"

#include <map>
#include <set>
#include <unordered_map>

#include <boost/json.hpp>

#include "modules/calendar/model.h"
#include "modules/callbacks/json.h"
#include "platform/audit/audit.h"
#include "platform/core/ids.h"
#include "platform/events/outbox.h"

namespace kefu::callbacks {
namespace {

namespace json = boost::json;
const char* const kTask = "@entity.callback";

std::string join_skills(const std::vector<std::string>& skills) {
  std::string out;
  for (const auto& k : skills) out += (out.empty() ? "" : ", ") + k;
  return out;
}

std::string calendar_day(int64_t days) {
  return calendar::format_date(days);
}

std::optional<int64_t> opt_int(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  return std::nullopt;
}

struct Params {
  std::string questionnaire;
  int max_attempts = 3;
  int retry_minutes = 120;
  std::string assign = "balanced";  // balanced | owner | none
  std::string kind = "callback";    // callback | verification
  std::optional<int64_t> pool_unit_id;
  std::vector<std::string> skills;  // the assignee must have every one
};

Params params_from(const std::string& text, std::vector<FieldError>* errors) {
  Params p;
  json::value v;
  try {
    v = json::parse(text);
  } catch (...) {
    if (errors) errors->push_back({"params", "field.wrong_type", {{"expected", "object"}}});
    return p;
  }
  if (!v.is_object()) {
    if (errors) errors->push_back({"params", "field.wrong_type", {{"expected", "object"}}});
    return p;
  }
  static const std::set<std::string> known = {"questionnaire", "max_attempts", "retry_minutes",
                                              "assign",        "kind",         "pool_unit_id",
                                              "skills"};
  const auto& o = v.as_object();
  for (const auto& kv : o)
    if (!known.count(std::string(kv.key())) && errors)
      errors->push_back({"params." + std::string(kv.key()), "field.unknown", {}});
  auto text_of = [&](const char* k, std::string& out) {
    if (auto* x = o.if_contains(k)) {
      if (x->is_string())
        out = std::string(x->as_string());
      else if (errors)
        errors->push_back(
            {std::string("params.") + k, "field.wrong_type", {{"expected", "string"}}});
    }
  };
  auto int_of = [&](const char* k, int& out, int lo, int hi) {
    if (auto* x = o.if_contains(k)) {
      if (!x->is_int64() || x->as_int64() < lo || x->as_int64() > hi) {
        if (errors)
          errors->push_back({std::string("params.") + k,
                             "callbacks.param_range",
                             {{"min", std::to_string(lo)}, {"max", std::to_string(hi)}}});
      } else {
        out = static_cast<int>(x->as_int64());
      }
    }
  };
  text_of("questionnaire", p.questionnaire);
  int_of("max_attempts", p.max_attempts, 1, 10);
  int_of("retry_minutes", p.retry_minutes, 5, 7 * 24 * 60);
  text_of("assign", p.assign);
  text_of("kind", p.kind);
  p.pool_unit_id = opt_int(o, "pool_unit_id");
  if (auto* x = o.if_contains("skills")) {
    if (!x->is_array()) {
      if (errors) errors->push_back({"params.skills", "field.wrong_type", {{"expected", "array"}}});
    } else {
      const auto& a = x->as_array();
      for (size_t i = 0; i < a.size(); ++i) {
        std::string field = "params.skills[" + std::to_string(i) + "]";
        std::string k = a[i].is_string() ? std::string(a[i].as_string()) : std::string();
        if (!org::valid_skill(k)) {
          if (errors) errors->push_back({field, "org.skill_invalid", {{"skill", k}}});
        } else if (std::find(p.skills.begin(), p.skills.end(), k) != p.skills.end()) {
          if (errors) errors->push_back({field, "org.skill_duplicate", {{"skill", k}}});
        } else {
          p.skills.push_back(k);
        }
      }
      if (a.size() > org::kMaxSkills && errors)
        errors->push_back(
            {"params.skills", "org.skills_too_many", {{"max", std::to_string(org::kMaxSkills)}}});
      std::sort(p.skills.begin(), p.skills.end());
    }
  }
  if (errors) {
    if (p.questionnaire.empty()) errors->push_back({"params.questionnaire", "field.required", {}});
    if (p.assign != "balanced" && p.assign != "owner" && p.assign != "none")
      errors->push_back({"params.assign", "callbacks.assign_unknown", {}});
    if (p.kind != "callback" && p.kind != "verification")
      errors->push_back({"params.kind", "callbacks.kind_unknown", {}});
  }
  return p;
}

}  // namespace

CallbackService::CallbackService(db::Database& db, const Clock& clock, org::OrgService& org,
                                 customers::CustomerService& customers,
                                 tickets::TicketService& tickets, surveys::SurveyService& surveys,
                                 Settings settings)
    : db_(db),
      clock_(clock),
      org_(org),
      customers_(customers),
      tickets_(tickets),
      surveys_(surveys),
      settings_(std::move(settings)) {
  store::set_offset(settings_.offset_minutes);
}

void CallbackService::ensure_ready(rules::RuleService& rules) {
  link_secret_ = db_.writing([&](db::Session& s) {
    return store::secret(s, "survey_links", random_hex(32), clock_.now_ms());
  });
  // The loop's last step is a rule like any other (admins may change or stop it): a ticket
  // opened from a callback is verified with the customer by a callback once it is closed.
  auto sys = org::OrgService::system_principal("callbacks");
  std::optional<org::Unit> root;
  db_.read([&](db::Session& s) { root = org_.unit_in(s, 1); });
  if (!root) return;  // not initialised yet: `kefu init` comes first
  bool exists = false;
  for (const auto& r : rules.list(sys)) exists = exists || r.code == "verify-callback-tickets";
  if (exists) return;
  rules::RuleInput in;
  in.code = "verify-callback-tickets";
  in.name = "回访不满意工单关闭后回访验证";
  in.unit_id = root->id;
  rules::Definition d;
  d.trigger.event = "ticket.closed";
  d.conditions.push_back({"event.channel", "=", {"callback"}});
  d.delay = {"hours", 0};
  d.due = {"working_days", 1};
  d.priority = 5;
  d.action = "callback";
  d.params_json =
      R"({"questionnaire":"complaint_verify","kind":"verification","assign":"balanced"})";
  in.def = d;
  try {
    rules.create(sys, in);
  } catch (const Error& e) {
    // The questionnaire preset may be missing (an admin removed it): no rule then.
  }
}

rules::ActionType CallbackService::action() {
  rules::ActionType a;
  a.type = "callback";
  a.label_zh = "创建回访任务";
  a.label_en = "create a callback task";
  a.emits = {"callback.created"};
  a.check = [this](db::Session& s, const std::string& params) { return check_params(s, params); };
  a.run = [this](db::Session& s, const rules::Firing& f) { return create_from_rule(s, f); };
  return a;
}

std::vector<FieldError> CallbackService::check_params(db::Session& s, const std::string& text) {
  std::vector<FieldError> errors;
  Params p = params_from(text, &errors);
  if (!p.questionnaire.empty() && !surveys_.by_code(s, p.questionnaire))
    errors.push_back(
        {"params.questionnaire", "callbacks.questionnaire_unknown", {{"value", p.questionnaire}}});
  if (p.pool_unit_id && !org_.unit_in(s, *p.pool_unit_id))
    errors.push_back({"params.pool_unit_id", "callbacks.unit_unknown", {}});
  return errors;
}

std::optional<int64_t> CallbackService::balanced(db::Session& s, const std::string& path,
                                                 const std::vector<std::string>& skills) {
  auto now = std::chrono::steady_clock::now();
  std::vector<org::Assignee> people;
  bool fresh = false;
  std::string key = pool_key(path, skills);
  {
    std::lock_guard lock(pools_mu_);
    auto it = pools_.find(key);
    if (it != pools_.end() && now - it->second.read_at < std::chrono::seconds(3) &&
        it->second.epoch == store::load_epoch()) {
      people = it->second.people;
      fresh = true;
    }
  }
  if (!fresh) {
    uint64_t epoch = store::load_epoch();
    // The agents of the pool who have every required skill, weighted by their capacity.
    std::vector<org::Candidate> agents;
    std::vector<int64_t> ids;
    for (const auto& u : org_.people_in(s, path, org::perm::kCallbackWork))
      if (std::find(u.roles.begin(), u.roles.end(), "agent") != u.roles.end()) {
        agents.push_back({u.id, u.skills, u.capacity, 0});
        ids.push_back(u.id);
      }
    std::unordered_map<int64_t, int64_t> loads;
    for (const auto& [id, load] : store::open_load(s, ids)) loads[id] = load;
    for (auto& a : agents) a.load = loads.count(a.id) ? loads[a.id] : 0;
    people = org::eligible(agents, skills);
    std::lock_guard lock(pools_mu_);
    pools_[key] = {now, epoch, people};
  }
  // The same balancing as the customers' bulk assignment (org::balance).
  auto pick = org::balance(std::move(people), 1);
  if (pick.empty()) return std::nullopt;
  return pick.front();
}

std::string CallbackService::pool_key(const std::string& path,
                                      const std::vector<std::string>& skills) {
  std::string key = path;
  for (const auto& k : skills) key += "#" + k;
  return key;
}

void CallbackService::count_assigned(const std::string& pool, int64_t agent,
                                     uint64_t epoch_before) {
  std::lock_guard lock(pools_mu_);
  auto it = pools_.find(pool);
  if (it == pools_.end() || it->second.epoch != epoch_before) return;
  // Exact only when this assignment was the one change since: otherwise the next call reads.
  if (store::load_epoch() != epoch_before + 1) return;
  for (auto& a : it->second.people)
    if (a.id == agent) ++a.load;
  it->second.epoch = epoch_before + 1;
}

rules::ActionResult CallbackService::create_from_rule(db::Session& s, const rules::Firing& f) {
  Params params = params_from(f.rule->def.params_json, nullptr);
  const auto& c = f.customer->customer;
  // No consent, no call task: the firing row records why (DOMAIN §11).
  if (!c.may_call) return {"", "callbacks.no_consent"};
  auto q = surveys_.current_by_code(s, params.questionnaire);
  if (!q) return {"", "callbacks.questionnaire_unknown"};
  store::Row r;
  Task& t = r.task;
  t.kind = params.kind;
  t.rule_id = f.rule->id;
  t.rule_version = f.rule->version;
  t.event_id = f.event_id ? std::optional<int64_t>(f.event_id) : std::nullopt;
  // One callback per event and customer, whichever rules match it.
  t.dedupe_key = f.event_id ? "event:" + std::to_string(f.event_id) +
                                  ":customer:" + std::to_string(f.customer_id)
                            : f.dedupe_key;
  t.customer_id = f.customer_id;
  t.asset_id = f.asset_id;
  t.staff_id = f.staff_id;
  t.unit_id = f.unit_id;
  t.unit_path = f.unit_path;
  t.questionnaire_id = q->id;
  t.questionnaire_version = q->version;
  r.q_channel = q->channel;
  t.priority = f.rule->def.priority;
  t.offer_at = f.offer_at;
  t.due_at = f.due_at;
  t.max_attempts = params.max_attempts;
  t.retry_minutes = params.retry_minutes;
  t.skills = params.skills;
  if (params.kind == "verification" && f.event_type.rfind("ticket.", 0) == 0) {
    json::object payload;
    try {
      auto v = json::parse(f.payload_json);
      if (v.is_object()) payload = v.as_object();
    } catch (...) {
    }
    t.verifies_ticket_id = opt_int(payload, "ticket_id");
  }
  int64_t now = clock_.now_ms();
  t.created_at = t.updated_at = now;

  std::string pool = f.rule->unit_path;
  if (params.pool_unit_id)
    if (auto u = org_.unit_in(s, *params.pool_unit_id)) pool = u->path;
  if (t.verifies_ticket_id) {
    // The agent who heard the complaint verifies its result, when still there.
    if (auto first = store::task_with_ticket(s, *t.verifies_ticket_id))
      if (first->task.assignee_id)
        if (auto u = org_.user_in(s, *first->task.assignee_id);
            u && u->active && org::has_skills(u->skills, t.skills))
          t.assignee_id = u->id;
  }
  if (!t.assignee_id && params.assign == "owner" && c.owner_id)
    if (auto u = org_.user_in(s, *c.owner_id);
        u && u->active && org::has_skills(u->skills, t.skills))
      t.assignee_id = u->id;
  // Nobody with the skills: the task waits unassigned in the unit's queue, showing them.
  bool balanced_pick = false;
  if (!t.assignee_id && params.assign != "none") {
    t.assignee_id = balanced(s, pool, t.skills);
    balanced_pick = t.assignee_id.has_value();
  }

  uint64_t epoch = store::load_epoch();
  if (!store::insert(s, r)) return {"", "callbacks.duplicate"};
  if (balanced_pick) count_assigned(pool_key(pool, t.skills), *t.assignee_id, epoch);
  std::string body = json::serialize(task_json_min(t));
  audit::append(s, now,
                {std::nullopt, "rules", "callback.create", "callback_task", std::to_string(t.id),
                 t.unit_path, "", body, ""});
  events::publish(
      s, now,
      {"callback.created", "callback_task", std::to_string(t.id), t.unit_id, std::nullopt, body});
  return {"callback:" + std::to_string(t.id), ""};
}

store::Row CallbackService::scoped(db::Session& s, const auth::Principal& p, int64_t id) const {
  auto r = store::find(s, id);
  if (!r || !p.in_scope(r->task.unit_path)) {
    // An agent also sees the tasks given to them outside their own unit's subtree.
    if (!r || !r->task.assignee_id || *r->task.assignee_id != p.user_id)
      throw Error::not_found(kTask);
  }
  return *r;
}

CallbackService::Page CallbackService::page_for(db::Session& s,
                                                const std::vector<store::Row>& rows) {
  std::vector<std::pair<int64_t, std::optional<int64_t>>> items;
  items.reserve(rows.size());
  for (const auto& r : rows) items.emplace_back(r.task.customer_id, r.task.asset_id);
  return {customers_.cards_in(s, items), {}, {}};
}

TaskView CallbackService::view(db::Session& s, const auth::Principal& p, const store::Row& r) {
  Page page = page_for(s, {r});
  return view(s, p, r, page);
}

TaskView CallbackService::view(db::Session& s, const auth::Principal& p, const store::Row& r,
                               Page& page) {
  TaskView v;
  v.task = r.task;
  v.q_channel = r.q_channel;
  int64_t now = clock_.now_ms();
  v.overdue = is_open(r.task.state) && r.task.due_at < now;
  if (auto it = page.cards.customers.find(r.task.customer_id); it != page.cards.customers.end()) {
    const auto& c = it->second;
    v.customer_name = c.name;
    v.customer_code = c.code;
    v.may_call = c.may_call;
    for (const auto& ph : c.phones)
      if (ph.primary || v.phone.empty()) v.phone = ph.number;
    bool mine = r.task.assignee_id && *r.task.assignee_id == p.user_id;
    v.phone_masked = !mine;  // only the agent who calls sees the number
    if (v.phone_masked) v.phone = org::mask_phone(v.phone);
    if (r.task.asset_id)
      if (auto a = page.cards.assets.find(*r.task.asset_id);
          a != page.cards.assets.end() && a->second.first == c.id)
        v.asset_label = a->second.second.label;
    auto cw = parse_window(c.quiet_start, c.quiet_end);
    int64_t until = quiet_until(now, settings_.offset_minutes, settings_.company_quiet, cw);
    if (until > now) v.quiet_until = until;
  }
  auto unit = page.units.find(r.task.unit_id);
  if (unit == page.units.end()) {
    auto u = org_.unit_in(s, r.task.unit_id);
    unit = page.units.emplace(r.task.unit_id, u ? u->name : "").first;
  }
  v.unit_name = unit->second;
  if (r.task.assignee_id) {
    auto who = page.users.find(*r.task.assignee_id);
    if (who == page.users.end()) {
      auto u = org_.user_in(s, *r.task.assignee_id);
      std::string name = !u ? "" : u->display_name.empty() ? u->username : u->display_name;
      who = page.users.emplace(*r.task.assignee_id, name).first;
    }
    v.assignee_name = who->second;
  }
  return v;
}

Queue CallbackService::queue(const auth::Principal& p, const QueueQuery& q) {
  bool supervise = p.can(org::perm::kCallbackSupervise);
  if (!p.can(org::perm::kCallbackWork) && !supervise && !p.can(org::perm::kCallbackRead))
    throw Error::forbidden();
  int64_t now = clock_.now_ms();
  store::QueueFilter f;
  f.scope_path = p.unit_path;
  f.now = now;
  f.offset = q.offset;
  f.limit = std::clamp(q.limit, 1, 200);
  f.customer_id = q.customer_id;
  f.due_from = q.due_from;
  f.due_to = q.due_to;
  if (q.state) f.states = {*q.state};
  if (q.view == "mine") {
    if (!p.can(org::perm::kCallbackWork)) throw Error::forbidden();
    f.scope_path = "/";  // one's own tasks wherever they are
    f.assignee_id = p.user_id;
    if (!q.state) f.offered_by = now;
  } else {
    if (!supervise && !p.can(org::perm::kCallbackRead)) throw Error::forbidden();
    if (q.view == "unassigned") f.unassigned = true;
    if (q.assignee_id) f.assignee_id = q.assignee_id;
  }
  Queue out;
  std::map<int64_t, std::string> names;
  db_.read([&](db::Session& s) {
    out.total = store::count(s, f);
    auto rows = store::queue(s, f);
    Page page = page_for(s, rows);
    for (const auto& r : rows) {
      TaskView v = view(s, p, r, page);
      auto it = names.find(r.task.questionnaire_id);
      if (it == names.end()) {
        auto qn = surveys_.name_of(s, r.task.questionnaire_id);
        it = names.emplace(r.task.questionnaire_id, qn.value_or("")).first;
      }
      v.questionnaire_name = it->second;
      if (q.view == "mine" && !q.state && v.quiet_until) {
        ++out.held;  // not offered inside the customer's quiet hours
        continue;
      }
      out.items.push_back(std::move(v));
    }
  });
  return out;
}

TaskDetail CallbackService::get(const auth::Principal& p, int64_t id) {
  if (!p.can(org::perm::kCallbackWork) && !p.can(org::perm::kCallbackRead))
    throw Error::forbidden();
  TaskDetail d;
  db_.read([&](db::Session& s) {
    auto r = scoped(s, p, id);
    d.view = view(s, p, r);
    d.attempts = store::attempts(s, id);
    d.questionnaire = surveys_.version(s, r.task.questionnaire_id, r.task.questionnaire_version);
    if (d.questionnaire) d.view.questionnaire_name = d.questionnaire->name;
    d.answer = surveys_.answer_of(s, "callback", id);
    auto facts = customers_.facts_in(s, r.task.customer_id, r.task.asset_id);
    std::vector<std::pair<std::string, std::string>> values;
    if (facts) {
      const auto& c = facts->customer;
      std::string title =
          polite_title(c.name, c.gender, c.kind == customers::Kind::kPerson, c.name);
      values = {{"customer.name", c.name}, {"customer.title", title}};
      if (facts->asset) {
        values.push_back({"asset.label", facts->asset->label});
        try {
          auto a = json::parse(facts->asset->attrs_json);
          if (a.is_object())
            for (const auto& kv : a.as_object())
              if (kv.value().is_string())
                values.push_back(
                    {"asset." + std::string(kv.key()), std::string(kv.value().as_string())});
        } catch (...) {
        }
      }
    }
    values.push_back({"unit.name", d.view.unit_name});
    values.push_back({"hotline", settings_.hotline});
    values.push_back({"agent.name", p.display_name.empty() ? p.username : p.display_name});
    if (d.questionnaire) {
      d.script.opening = fill(d.questionnaire->script.opening, values);
      d.script.satisfied_closing = fill(d.questionnaire->script.satisfied_closing, values);
      d.script.dissatisfied_closing = fill(d.questionnaire->script.dissatisfied_closing, values);
    }
    store::QueueFilter f;
    f.scope_path = "/";
    f.customer_id = r.task.customer_id;
    f.states = {"pending", "in_progress", "done", "failed", "cancelled"};
    f.now = clock_.now_ms();
    f.limit = 20;
    auto earlier = store::queue(s, f);
    Page page = page_for(s, earlier);
    for (const auto& e : earlier)
      if (e.task.id != id) d.earlier.push_back(view(s, p, e, page));
  });
  try {
    d.assets = customers_.get(p, d.view.task.customer_id).assets;
  } catch (const Error&) {
    // The customer's card is outside the caller's scope: the task's own asset label remains.
  }
  return d;
}

TaskView CallbackService::start(const auth::Principal& p, int64_t id) {
  if (!p.can(org::perm::kCallbackWork)) throw Error::forbidden();
  TaskView out;
  db_.write([&](db::Session& s) {
    auto r = scoped(s, p, id);
    if (!r.task.assignee_id || *r.task.assignee_id != p.user_id) throw Error::forbidden();
    if (!is_open(r.task.state))
      throw Error(ErrorKind::kConflict, "callbacks.closed",
                  {{"state", "@callbacks.state." + std::string(to_string(r.task.state))}});
    TaskView v = view(s, p, r);
    if (!v.may_call) throw Error(ErrorKind::kConflict, "callbacks.no_consent");
    if (r.task.state == State::kPending) {
      r.task.state = State::kInProgress;
      r.task.updated_at = clock_.now_ms();
      if (!store::update(s, r)) throw Error(ErrorKind::kConflict, "callbacks.version_conflict");
      r.task.version += 1;
    }
    out = view(s, p, r);
  });
  return out;
}

TaskView CallbackService::cancel(const auth::Principal& p, int64_t id, const std::string& reason) {
  if (!p.can(org::perm::kCallbackSupervise)) throw Error::forbidden();
  if (reason.empty()) throw Error::validation({{"reason", "field.required", {}}});
  TaskView out;
  db_.write([&](db::Session& s) {
    auto r = scoped(s, p, id);
    if (!is_open(r.task.state))
      throw Error(ErrorKind::kConflict, "callbacks.closed",
                  {{"state", "@callbacks.state." + std::string(to_string(r.task.state))}});
    std::string before = json::serialize(task_json_min(r.task));
    int64_t now = clock_.now_ms();
    r.task.state = State::kCancelled;
    r.task.close_reason = reason;
    r.task.done_at = now;
    r.task.updated_at = now;
    if (!store::update(s, r)) throw Error(ErrorKind::kConflict, "callbacks.version_conflict");
    r.task.version += 1;
    audit::append(s, now,
                  {p.actor_id(), p.username, "callback.cancel", "callback_task", std::to_string(id),
                   r.task.unit_path, before, json::serialize(task_json_min(r.task)), p.request_id});
    out = view(s, p, r);
  });
  return out;
}

int CallbackService::reassign(const auth::Principal& p, const std::vector<int64_t>& ids,
                              std::optional<int64_t> agent_id, bool force) {
  if (!p.can(org::perm::kCallbackSupervise)) throw Error::forbidden();
  if (ids.empty() || ids.size() > 1000)
    throw Error::validation({{"ids", "callbacks.ids_range", {}}});
  int n = 0;
  db_.write([&](db::Session& s) {
    std::optional<org::User> target;
    if (agent_id) {
      auto u = org_.user_in(s, *agent_id);
      auto perms = u ? org::permissions_of(u->roles) : std::vector<std::string>{};
      if (!u || !u->active || !p.in_scope(u->unit_path) ||
          !std::binary_search(perms.begin(), perms.end(), std::string(org::perm::kCallbackWork)))
        throw Error::validation({{"agent_id", "callbacks.agent_unknown", {}}});
      target = u;
    }
    int64_t now = clock_.now_ms();
    json::array moved;
    for (size_t i = 0; i < ids.size(); ++i) {
      auto r = store::find(s, ids[i]);
      if (!r || !p.in_scope(r->task.unit_path))
        throw Error::validation({{"ids[" + std::to_string(i) + "]", "callbacks.task_unknown", {}}});
      if (!is_open(r->task.state))
        throw Error::validation({{"ids[" + std::to_string(i) + "]", "callbacks.closed", {}}});
      // A required skill is a hard filter: a named agent without it only with `force`.
      if (target && !force && !org::has_skills(target->skills, r->task.skills)) {
        std::string missing;
        for (const auto& k : r->task.skills)
          if (!org::has_skills(target->skills, {k})) missing += (missing.empty() ? "" : ", ") + k;
        throw Error::validation({{"agent_id",
                                  "callbacks.agent_lacks_skills",
                                  {{"skills", missing}, {"task", std::to_string(r->task.id)}}}});
      }
      // Balanced: each task in turn goes to the least loaded agent of the supervisor's
      // team who has the task's skills; the loads include the tasks moved so far.
      auto to = agent_id ? agent_id : balanced(s, p.unit_path, r->task.skills);
      if (!to)
        throw Error::validation(
            {{"agent_id", r->task.skills.empty() ? "callbacks.no_agents" : "callbacks.no_skilled_agents",
              {{"skills", join_skills(r->task.skills)}}}});
      json::object entry{
          {"id", r->task.id},
          {"from", r->task.assignee_id ? json::value(*r->task.assignee_id) : json::value(nullptr)},
          {"to", *to}};
      // A supervisor's override of the skill filter stays on record.
      if (target && force && !org::has_skills(target->skills, r->task.skills)) {
        json::array needed;
        for (const auto& k : r->task.skills) needed.emplace_back(k);
        entry["forced_skills"] = std::move(needed);
      }
      moved.push_back(std::move(entry));
      std::optional<int64_t> from = r->task.assignee_id;
      r->task.assignee_id = to;
      r->task.state = State::kPending;
      r->task.updated_at = now;
      if (!store::update(s, *r)) throw Error(ErrorKind::kConflict, "callbacks.version_conflict");
      r->task.version += 1;
      // The live stream tells the new agent and the one who lost the task.
      json::object body = task_json_min(r->task);
      body["from_assignee_id"] = from ? json::value(*from) : json::value(nullptr);
      if (force) body["forced"] = true;
      events::publish(s, now,
                      {"callback.reassigned", "callback_task", std::to_string(r->task.id),
                       r->task.unit_id, p.actor_id(), json::serialize(body)});
      ++n;
    }
    audit::append(s, now,
                  {p.actor_id(), p.username, "callback.reassign", "callback_task", "", p.unit_path,
                   "", json::serialize(moved), p.request_id});
  });
  return n;
}

Backlog CallbackService::backlog(const auth::Principal& p) {
  if (!p.can(org::perm::kCallbackSupervise)) throw Error::forbidden();
  Backlog b;
  int64_t now = clock_.now_ms();
  int64_t off = int64_t(settings_.offset_minutes) * 60000;
  int64_t day_ms = 86400000;
  int64_t today0 = (now + off) / day_ms * day_ms - off;
  db_.read([&](db::Session& s) {
    store::QueueFilter f;
    f.scope_path = p.unit_path;
    f.now = now;
    f.limit = 100000;
    std::map<std::string, int64_t> by_day;
    std::map<int64_t, std::pair<int64_t, int64_t>> by_agent;
    for (const auto& r : store::queue(s, f)) {
      int64_t day = (r.task.due_at + off) / day_ms;
      std::string key = r.task.due_at < now ? "overdue" : calendar_day(day);
      by_day[key] += 1;
      auto& a = by_agent[r.task.assignee_id.value_or(0)];
      a.first += 1;
      if (r.task.due_at < now) a.second += 1;
    }
    if (by_day.count("overdue")) b.by_day.push_back({"overdue", by_day["overdue"]});
    for (const auto& [k, v] : by_day)
      if (k != "overdue") b.by_day.push_back({k, v});
    for (const auto& [id, counts] : by_agent) {
      std::string name;
      if (id)
        if (auto u = org_.user_in(s, id))
          name = u->display_name.empty() ? u->username : u->display_name;
      b.by_agent.emplace_back(id, name, counts.first, counts.second);
    }
    for (const auto& x : store::sums(s, p.unit_path, today0, today0 + day_ms, "none", 0)) {
      b.due_today += x.due;
      b.done_today += x.done;
    }
  });
  b.rate_today = percent(b.done_today, b.due_today);
  return b;
}

std::vector<int64_t> CallbackService::repoint_customer(db::Session& s, int64_t from,
                                                       int64_t into) {
  return store::repoint_customer(s, from, into);
}

void CallbackService::unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids,
                                         int64_t survivor, int64_t back_to) {
  store::unrepoint_customer(s, ids, survivor, back_to);
}

}  // namespace kefu::callbacks
