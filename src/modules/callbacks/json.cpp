#include "modules/callbacks/json.h"

namespace kefu::callbacks {
namespace {

namespace json = boost::json;

template <class T>
json::value opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return json::value(*v);
}

json::value rate(const std::optional<double>& v) {
  if (!v) return nullptr;
  return round2(*v);
}

json::object sums_json(const store::Sums& s) {
  return {{"due", s.due},
          {"done", s.done},
          {"failed", s.failed},
          {"first_call", s.first_call},
          {"attempts", s.attempts},
          {"attempted", s.attempted},
          {"answered", s.answered},
          {"satisfied", s.satisfied},
          {"hotline_asked", s.hotline_asked},
          {"hotline_told", s.hotline_told},
          {"fault_asked", s.fault_asked},
          {"fault_fixed", s.fault_fixed},
          {"dissatisfied_tasks", s.dissatisfied_tasks}};
}

json::object kpi_row_json(const KpiRow& r) {
  return {{"key", r.key},
          {"label", r.label},
          {"counts", sums_json(r.sums)},
          {"callback_rate", rate(r.callback_rate)},
          {"first_call_rate", rate(r.first_call_rate)},
          {"avg_attempts", rate(r.avg_attempts)},
          {"satisfaction_rate", rate(r.satisfaction_rate)},
          {"hotline_rate", rate(r.hotline_rate)},
          {"first_fix_rate", rate(r.first_fix_rate)}};
}

json::array skills_array(const std::vector<std::string>& skills) {
  json::array a;
  for (const auto& k : skills) a.emplace_back(k);
  return a;
}

}  // namespace

json::object task_json_min(const Task& t) {
  json::array tickets;
  for (auto id : t.ticket_ids) tickets.push_back(id);
  return {{"id", t.id},
          {"kind", t.kind},
          {"rule_id", opt(t.rule_id)},
          {"rule_version", t.rule_version},
          {"event_id", opt(t.event_id)},
          {"customer_id", t.customer_id},
          {"asset_id", opt(t.asset_id)},
          {"staff_id", opt(t.staff_id)},
          {"unit_id", t.unit_id},
          {"questionnaire_id", t.questionnaire_id},
          {"questionnaire_version", t.questionnaire_version},
          {"priority", t.priority},
          {"state", std::string(to_string(t.state))},
          {"offer_at", t.offer_at},
          {"due_at", t.due_at},
          {"next_try_at", opt(t.next_try_at)},
          {"assignee_id", opt(t.assignee_id)},
          {"skills", skills_array(t.skills)},
          {"attempts", t.attempts},
          {"max_attempts", t.max_attempts},
          {"retry_minutes", t.retry_minutes},
          {"last_outcome", t.last_outcome},
          {"answer_id", opt(t.answer_id)},
          {"channel", t.channel},
          {"satisfied", opt(t.satisfied)},
          {"dissatisfied", t.dissatisfied},
          {"ticket_ids", tickets},
          {"verifies_ticket_id", opt(t.verifies_ticket_id)},
          {"done_at", opt(t.done_at)},
          {"close_reason", t.close_reason},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at},
          {"version", t.version}};
}

json::object task_view_json(const TaskView& v) {
  json::object o = task_json_min(v.task);
  o["customer_name"] = v.customer_name;
  o["customer_code"] = v.customer_code;
  o["phone"] = v.phone;
  o["phone_masked"] = v.phone_masked;
  o["asset_label"] = v.asset_label;
  o["unit_name"] = v.unit_name;
  o["assignee_name"] = v.assignee_name;
  o["questionnaire_name"] = v.questionnaire_name;
  o["questionnaire_channel"] = v.q_channel;
  o["overdue"] = v.overdue;
  o["quiet_until"] = opt(v.quiet_until);
  o["may_call"] = v.may_call;
  return o;
}

json::object detail_json(const TaskDetail& d) {
  json::object o = task_view_json(d.view);
  json::array attempts;
  for (const auto& a : d.attempts)
    attempts.push_back(json::object{{"id", a.id},
                                    {"at", a.at},
                                    {"agent_id", opt(a.agent_id)},
                                    {"outcome", a.outcome},
                                    {"note", a.note},
                                    {"call_back_at", opt(a.call_back_at)},
                                    {"override_reason", a.override_reason}});
  o["attempt_log"] = attempts;
  o["questionnaire"] = d.questionnaire
                           ? json::value(surveys::SurveyService::to_json(*d.questionnaire))
                           : json::value(nullptr);
  o["script"] = json::object{{"opening", d.script.opening},
                             {"satisfied_closing", d.script.satisfied_closing},
                             {"dissatisfied_closing", d.script.dissatisfied_closing}};
  o["answer"] = d.answer ? json::value(surveys::SurveyService::to_json(*d.answer))
                         : json::value(nullptr);
  json::array assets;
  for (const auto& a : d.assets)
    assets.push_back(json::object{{"id", a.id}, {"type", a.type}, {"label", a.label},
                                  {"attrs", json::parse(a.attrs_json)}});
  o["assets"] = assets;
  json::array earlier;
  for (const auto& e : d.earlier) earlier.push_back(task_view_json(e));
  o["earlier"] = earlier;
  return o;
}

json::object queue_json(const Queue& q) {
  json::array items;
  for (const auto& v : q.items) items.push_back(task_view_json(v));
  return {{"items", items}, {"total", q.total}, {"held", q.held}};
}

json::object backlog_json(const Backlog& b) {
  json::array days, agents;
  for (const auto& [k, n] : b.by_day) days.push_back(json::object{{"day", k}, {"open", n}});
  for (const auto& [id, name, open, overdue] : b.by_agent)
    agents.push_back(
        json::object{{"agent_id", id}, {"name", name}, {"open", open}, {"overdue", overdue}});
  return {{"by_day", days},
          {"by_agent", agents},
          {"due_today", b.due_today},
          {"done_today", b.done_today},
          {"callback_rate_today", rate(b.rate_today)}};
}

json::object kpis_json(const Kpis& k) {
  json::array rows, channels;
  for (const auto& r : k.rows) rows.push_back(kpi_row_json(r));
  for (const auto& [ch, answered, satisfied, r] : k.channels)
    channels.push_back(json::object{{"channel", ch},
                                    {"answered", answered},
                                    {"satisfied", satisfied},
                                    {"satisfaction_rate", rate(r)}});
  return {{"from", k.query.from},
          {"to", k.query.to},
          {"group", k.query.group},
          {"rows", rows},
          {"total", kpi_row_json(k.total)},
          {"channels", channels},
          {"overall_satisfaction", rate(k.overall_satisfaction)},
          {"tickets", json::object{{"opened", k.tickets},
                                   {"closed", k.tickets_closed},
                                   {"closed_in_time", k.tickets_closed_in_time},
                                   {"closed_in_time_rate", rate(k.tickets_in_time_rate)}}}};
}

json::object public_survey_json(const PublicSurvey& s) {
  json::object q = surveys::SurveyService::to_json(s.questionnaire);
  // The customer sees the questions, not how the company routes or weighs them.
  if (auto* qs = q.if_contains("questions"); qs && qs->is_array())
    for (auto& x : qs->as_array())
      if (x.is_object()) {
        x.as_object().erase("department");
        x.as_object().erase("dissatisfied_at_or_below");
        x.as_object().erase("dissatisfied_when");
        x.as_object().erase("weight");
      }
  q.erase("script");
  return {{"greeting", s.greeting},
          {"unit_name", s.unit_name},
          {"expires_at", s.expires_at},
          {"questionnaire", q}};
}

json::object message_json(const notify::Message& m) {
  std::string state = m.state;
  // Held: waiting for quiet hours to end. A message waiting for another try is queued.
  if (state == "queued" && m.tries == 0 && m.send_after > m.created_at) state = "held";
  return {{"id", m.id},         {"channel", m.channel}, {"recipient", m.recipient},
          {"subject", m.subject}, {"body", m.body},     {"state", state},
          {"send_after", m.send_after}, {"sent_at", opt(m.sent_at)}, {"error", m.error},
          {"tries", m.tries},   {"created_at", m.created_at}};
}

}  // namespace kefu::callbacks
