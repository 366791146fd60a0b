// The public complaint form: customers file a complaint or a repair request without
// signing in, after a one-time arithmetic check, rate-limited per address, and follow it
// with a link that shows their ticket's progress and the public replies — nothing else.
#include <random>

#include "modules/org/model.h"
#include "modules/tickets/json.h"
#include "modules/tickets/service.h"
#include "platform/audit/audit.h"
#include "platform/core/ids.h"
#include "platform/events/outbox.h"

namespace kefu::tickets {
namespace {

bool public_kind(std::string_view k) {
  return k == "complaint" || k == "repair" || k == "suggestion" || k == "praise" || k == "inquiry";
}

Error too_many() {
  return Error(ErrorKind::kTooManyRequests, "ticket.public_throttled");
}

}  // namespace

PublicChallenge TicketService::public_challenge(const std::string& ip) {
  int64_t now = clock_.now_ms();
  if (!public_throttle_.allowed("c:" + ip, now)) throw too_many();
  public_throttle_.record_failure("c:" + ip, now);
  std::random_device rd;
  int a = static_cast<int>(rd() % 9) + 1, b = static_cast<int>(rd() % 9) + 1;
  PublicChallenge c{random_hex(16), std::to_string(a) + " + " + std::to_string(b) + " = ?",
                    now + 10 * 60 * 1000};
  db_.write(
      [&](db::Session& s) { store::add_challenge(s, c.id, std::to_string(a + b), c.expires_at); });
  return c;
}

std::vector<PublicUnit> TicketService::public_units() {
  std::vector<PublicUnit> out;
  org::UnitQuery q;
  q.active = true;
  q.limit = 200;
  auto page = org_.list_units(org::OrgService::system_principal("public"), q);
  for (const auto& u : page.items)
    if (u.depth() <= 2 && u.kind != org::UnitKind::kDepartment) out.push_back({u.id, u.name});
  return out;
}

std::vector<RouteTarget> TicketService::route_targets(const auth::Principal& p) {
  if (!p.can(perm::kIntake) && !p.can(perm::kApprove)) throw Error::forbidden();
  std::vector<RouteTarget> out;
  auto sys = org::OrgService::system_principal("tickets");
  org::UnitQuery q;
  q.active = true;
  q.limit = 500;
  for (;;) {
    auto page = org_.list_units(sys, q);
    for (const auto& u : page.items)
      out.push_back(
          {u.id, u.code, u.name, std::string(org::to_string(u.kind)), u.path, u.parent_id});
    if (!page.next_after) break;
    q.after = *page.next_after;
  }
  return out;
}

std::vector<RoutePerson> TicketService::route_people(const auth::Principal& p, int64_t unit_id) {
  if (!p.can(perm::kIntake) && !p.can(perm::kApprove)) throw Error::forbidden();
  auto sys = org::OrgService::system_principal("tickets");
  org::Unit unit;
  try {
    unit = org_.get_unit(sys, unit_id);
  } catch (const Error&) {
    throw Error::not_found("@entity.org_unit");
  }
  std::vector<RoutePerson> out;
  org::UserQuery q;
  q.active = true;
  q.limit = 200;
  for (;;) {
    auto page = org_.list_users(sys, q);
    for (const auto& u : page.items) {
      if (u.unit_path.rfind(unit.path, 0) != 0) continue;
      auto perms = org::permissions_of(u.roles);
      if (std::find(perms.begin(), perms.end(), perm::kHandle) == perms.end()) continue;
      out.push_back({u.id, u.display_name, u.unit_id});
    }
    if (!page.next_after) break;
    q.after = *page.next_after;
  }
  return out;
}

PublicReceipt TicketService::submit_public(const std::string& ip, const PublicInput& in) {
  int64_t now = clock_.now_ms();
  if (!public_throttle_.allowed("f:" + ip, now)) throw too_many();
  std::vector<FieldError> e;
  if (!public_kind(in.kind)) e.push_back({"kind", "field.invalid", {}});
  if (in.name.empty()) e.push_back({"name", "field.required", {}});
  if (!org::valid_phone(in.phone)) e.push_back({"phone", "org.phone_invalid", {}});
  if (in.subject.empty()) e.push_back({"subject", "field.required", {}});
  if (in.challenge_id.empty() || in.answer.empty())
    e.push_back({"answer", "ticket.challenge_failed", {}});
  std::optional<org::Unit> unit;
  auto sys = org::OrgService::system_principal("public");
  try {
    if (in.unit_id) {
      unit = org_.get_unit(sys, *in.unit_id);
      if (!unit->active) throw Error::not_found("unit");
    } else {
      org::UnitQuery q;
      q.limit = 200;
      for (const auto& u : org_.list_units(sys, q).items)
        if (u.depth() == 0) unit = u;
    }
  } catch (const Error&) {
    e.push_back({"unit_id", "ticket.unit_unknown", {}});
  }
  if (!unit && e.empty()) e.push_back({"unit_id", "ticket.unit_unknown", {}});
  if (!e.empty()) throw Error::validation(e);
  // The check is spent in its own transaction, so a wrong answer cannot be retried.
  bool passed = false;
  db_.write(
      [&](db::Session& s) { passed = store::use_challenge(s, in.challenge_id, in.answer, now); });
  public_throttle_.record_failure("f:" + ip, now);
  if (!passed) throw Error::validation({{"answer", "ticket.challenge_failed", {}}});

  Ticket t;
  t.kind = in.kind;
  t.channel = "web_form";
  t.subject = in.subject;
  t.description = in.description;
  t.contact_name = in.name;
  t.contact_phone = in.phone;
  t.unit_id = unit->id;
  t.unit_path = unit->path;
  t.created_at = t.updated_at = now;
  plan_deadlines(t, t.created_at);
  PublicReceipt receipt;
  receipt.token = random_hex(16);
  db_.write([&](db::Session& s) {
    int year = year_in_china(now);
    t.number = number(t.kind, year,
                      store::next_seq(s, std::string(prefix(t.kind)) + "-" + std::to_string(year)));
    store::insert(s, t);
    store::set_public_token(s, t.id, receipt.token);
    index(s, t, true);
    store::add_step(s, t.id, {0, "create", "", "new", std::nullopt, "web", now, "", "{}"});
    schedule_deadline(s, t);
    audit::append(s, now,
                  {std::nullopt, "public", "ticket.create", "ticket", std::to_string(t.id),
                   t.unit_path, "", audit_json(t), ""});
    events::publish(
        s, now,
        {"ticket.created", "ticket", std::to_string(t.id), t.unit_id, std::nullopt, event_json(t)});
  });
  receipt.number = t.number;
  return receipt;
}

PublicStatus TicketService::public_status(const std::string& number, const std::string& token) {
  PublicStatus out;
  bool found = false;
  db_.read([&](db::Session& s) {
    auto t = store::find_public(s, number, token);
    if (!t) return;
    found = true;
    out.number = t->number;
    out.kind = t->kind;
    out.subject = t->subject;
    out.state = t->state;
    out.resolution = t->resolution;
    out.created_at = t->created_at;
    out.closed_at = t->closed_at;
    for (auto& c : store::comments(s, t->id))
      if (c.visibility == "public") {
        c.author_id.reset();
        c.author_name = "客服";
        out.replies.push_back(std::move(c));
      }
  });
  // The same answer for a wrong number and a wrong token: nothing to probe.
  if (!found) throw Error::not_found("@entity.ticket");
  return out;
}

}  // namespace kefu::tickets
