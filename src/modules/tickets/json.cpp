#include "modules/tickets/json.h"

namespace kefu::tickets {
namespace {

template <class T>
boost::json::value opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value_from(*v);
}

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

boost::json::object core_json(const Ticket& t) {
  return {{"id", t.id},
          {"number", t.number},
          {"kind", t.kind},
          {"channel", t.channel},
          {"category_id", opt(t.category_id)},
          {"severity", t.severity},
          {"state", std::string(to_string(t.state))},
          {"resolution", t.resolution},
          {"customer_id", opt(t.customer_id)},
          {"asset_id", opt(t.asset_id)},
          {"contact_name", t.contact_name},
          {"contact_phone", t.contact_phone},
          {"unit_id", t.unit_id},
          {"resp_unit_id", opt(t.resp_unit_id)},
          {"assignee_id", opt(t.assignee_id)},
          {"subject", t.subject},
          {"description", t.description},
          {"tags", strings(t.tags)},
          {"root_cause_id", opt(t.root_cause_id)},
          {"findings", t.findings},
          {"responsible_staff_id", opt(t.responsible_staff_id)},
          {"solutions", strings(t.solutions)},
          {"approved_solution", opt(t.approved_solution)},
          {"implementation", t.implementation},
          {"verify_failures", t.verify_failures},
          {"escalation", t.escalation},
          {"sla_policy_id", opt(t.sla_policy_id)},
          {"paused", t.paused_at.has_value()},
          {"respond_due_at", opt(t.respond_due_at)},
          {"responded_at", opt(t.responded_at)},
          {"resolve_due_at", opt(t.resolve_due_at)},
          {"manager_due_at", opt(t.manager_due_at)},
          {"warn_at", opt(t.warn_at)},
          {"breached", t.breached},
          {"asked_fen", t.money.asked_fen},
          {"paid_fen", t.money.paid_fen},
          {"saved_fen", t.money.saved_fen()},
          {"merged_into", opt(t.merged_into)},
          {"created_by", opt(t.created_by)},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at},
          {"closed_at", opt(t.closed_at)},
          {"version", t.version}};
}

}  // namespace

boost::json::object ticket_json(const TicketView& v) {
  auto o = core_json(v.ticket);
  boost::json::array allowed;
  for (auto a : v.allowed) allowed.emplace_back(std::string(to_string(a)));
  o["allowed_actions"] = std::move(allowed);
  o["unit_name"] = v.unit_name;
  o["resp_unit_name"] = v.resp_unit_name;
  o["assignee_name"] = v.assignee_name;
  o["category_name"] = v.category_name;
  o["root_cause_name"] = v.root_cause_name;
  o["customer_name"] = v.customer_name;
  o["customer_code"] = v.customer_code;
  o["phone_masked"] = v.phone_masked;
  o["due_state"] = v.due_state;
  return o;
}

boost::json::object comment_json(const store::Comment& c) {
  return {{"id", c.id},
          {"visibility", c.visibility},
          {"author_id", opt(c.author_id)},
          {"author_name", c.author_name},
          {"body", c.body},
          {"created_at", c.created_at}};
}

boost::json::object attachment_json(const store::Attachment& a) {
  return {{"id", a.id},
          {"name", a.name},
          {"content_type", a.content_type},
          {"size", a.size},
          {"sha256", a.sha256},
          {"uploaded_by", opt(a.uploaded_by)},
          {"created_at", a.created_at},
          {"url", "/api/v1/tickets/" + std::to_string(a.ticket_id) + "/attachments/" +
                      std::to_string(a.id)}};
}

boost::json::object detail_json(const TicketDetail& d) {
  auto o = ticket_json(d.view);
  boost::json::array steps;
  for (const auto& s : d.steps) {
    boost::system::error_code ec;
    auto data = boost::json::parse(s.data_json, ec);
    steps.push_back(
        boost::json::object{{"id", s.id},
                            {"action", s.action},
                            {"from_state", s.from_state},
                            {"to_state", s.to_state},
                            {"actor_id", opt(s.actor_id)},
                            {"actor_name", s.actor_name},
                            {"at", s.at},
                            {"comment", s.comment},
                            {"data", ec ? boost::json::value(boost::json::object()) : data}});
  }
  o["steps"] = std::move(steps);
  boost::json::array comments;
  for (const auto& c : d.comments) comments.push_back(comment_json(c));
  o["comments"] = std::move(comments);
  boost::json::array links;
  for (const auto& [id, kind] : d.links)
    links.push_back(boost::json::object{{"ticket_id", id}, {"kind", kind}});
  o["links"] = std::move(links);
  boost::json::array sanctions;
  for (const auto& x : d.sanctions) sanctions.push_back(sanction_json(x));
  o["sanctions"] = std::move(sanctions);
  boost::json::array attachments;
  for (const auto& a : d.attachments) attachments.push_back(attachment_json(a));
  o["attachments"] = std::move(attachments);
  return o;
}

boost::json::object category_json(const store::Category& c) {
  return {{"id", c.id},     {"kind", c.kind},    {"parent_id", opt(c.parent_id)},
          {"path", c.path}, {"code", c.code},    {"name", c.name},
          {"sort", c.sort}, {"active", c.active}};
}

boost::json::object root_cause_json(const store::RootCause& r) {
  return {{"id", r.id}, {"code", r.code}, {"name", r.name}, {"sort", r.sort}, {"active", r.active}};
}

boost::json::object policy_json(const SlaPolicy& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"kind", opt(p.kind)},
          {"severity", opt(p.severity)},
          {"channel", opt(p.channel)},
          {"category_id", opt(p.category_id)},
          {"respond_minutes", p.respond_minutes},
          {"resolve_minutes", p.resolve_minutes},
          {"same_day", p.same_day},
          {"warn_percent", p.warn_percent},
          {"active", p.active}};
}

boost::json::object sanction_json(const store::Sanction& x) {
  return {{"id", x.id},
          {"ticket_id", x.ticket_id},
          {"ticket_number", x.ticket_number},
          {"kind", x.kind},
          {"user_id", opt(x.user_id)},
          {"user_name", x.user_name},
          {"unit_id", x.unit_id},
          {"unit_name", x.unit_name},
          {"amount_fen", x.amount_fen},
          {"reason", x.reason},
          {"month", x.month},
          {"state", x.state},
          {"proposed_by", opt(x.proposed_by)},
          {"decided_by", opt(x.decided_by)},
          {"created_at", x.created_at},
          {"decided_at", opt(x.decided_at)}};
}

boost::json::object view_json(const ViewOut& v) {
  boost::json::value filters;
  try {
    filters = boost::json::parse(v.view.filters_json);
  } catch (...) {
  }
  if (!filters.is_object()) filters = boost::json::object{};
  return {{"id", v.view.id},
          {"name", v.view.name},
          {"filters", std::move(filters)},
          {"shared", v.view.shared_unit_id.has_value()},
          {"shared_unit_id", opt(v.view.shared_unit_id)},
          {"shared_unit_name", v.shared_unit_name},
          {"owner_id", v.view.owner_id},
          {"owner_name", v.owner_name},
          {"mine", v.mine},
          {"updated_at", v.view.updated_at}};
}

std::string audit_json(const Ticket& t) {
  return boost::json::serialize(core_json(t));
}

std::string event_json(const Ticket& t) {
  boost::json::object o{{"ticket_id", t.id},
                        {"number", t.number},
                        {"kind", t.kind},
                        {"channel", t.channel},
                        {"category_id", opt(t.category_id)},
                        {"state", std::string(to_string(t.state))},
                        {"severity", t.severity},
                        {"customer_id", opt(t.customer_id)},
                        {"unit_id", t.unit_id},
                        {"resp_unit_id", opt(t.resp_unit_id)},
                        {"assignee_id", opt(t.assignee_id)},
                        {"resolution", t.resolution}};
  return boost::json::serialize(o);
}

}  // namespace kefu::tickets
