#include "modules/tickets/service.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "modules/org/model.h"
#include "modules/tickets/json.h"
#include "platform/audit/audit.h"
#include "platform/events/outbox.h"
#include "platform/search/tokenizer.h"

namespace kefu::tickets {
namespace {

const char* const kTicket = "@entity.ticket";

// "TS-2026-000123": two capitals, a year, six or more digits.
bool looks_like_number(std::string_view s) {
  auto digits = [](std::string_view d) {
    return !d.empty() &&
           std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return s.size() >= 14 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
         s[2] == '-' && digits(s.substr(3, 4)) && s[7] == '-' && digits(s.substr(8));
}

bool visible(const auth::Principal& p, const Ticket& t) {
  return p.in_scope(t.unit_path) || (!t.resp_unit_path.empty() && p.in_scope(t.resp_unit_path));
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

TicketService::TicketService(db::Database& db, const Clock& clock, org::OrgService& org,
                             customers::CustomerService& customers, WorkingTime time,
                             DeadlineJobs jobs, const storage::Files& files)
    : db_(db),
      clock_(clock),
      org_(org),
      customers_(customers),
      time_(std::move(time)),
      jobs_(std::move(jobs)),
      files_(files) {}

std::vector<FieldError> TicketService::check(const TicketInput& in, bool creating) {
  std::vector<FieldError> e;
  if (creating && !in.kind) e.push_back({"kind", "field.required", {}});
  if (in.kind && !one_of(kinds(), *in.kind)) e.push_back({"kind", "field.invalid", {}});
  if (creating && !in.channel) e.push_back({"channel", "field.required", {}});
  if (in.channel && !one_of(channels(), *in.channel)) e.push_back({"channel", "field.invalid", {}});
  if (in.severity && !one_of(severities(), *in.severity))
    e.push_back({"severity", "field.invalid", {}});
  if ((creating && (!in.subject || in.subject->empty())) || (in.subject && in.subject->empty()))
    e.push_back({"subject", "field.required", {}});
  if (in.contact_phone && !in.contact_phone->empty() && !org::valid_phone(*in.contact_phone))
    e.push_back({"contact_phone", "org.phone_invalid", {}});
  if (in.asked_fen && *in.asked_fen < 0) e.push_back({"asked_fen", "ticket.money_negative", {}});
  if (in.asset_id && !in.customer_id && creating)
    e.push_back({"asset_id", "ticket.asset_without_customer", {}});
  if (creating && !in.customer_id && (!in.contact_name || in.contact_name->empty()) &&
      in.kind != std::optional<std::string>("internal"))
    e.push_back({"customer_id", "ticket.contact_required", {}});
  if (in.tags) {
    std::set<std::string> seen;
    for (size_t i = 0; i < in.tags->size(); ++i) {
      const auto& t = (*in.tags)[i];
      if (t.empty() || utf8_length(t) > 30 || !seen.insert(t).second)
        e.push_back({"tags[" + std::to_string(i) + "]", "field.invalid", {}});
    }
  }
  return e;
}

Ticket TicketService::scoped(db::Session& s, const auth::Principal& p, int64_t id) const {
  auto t = store::find(s, id);
  if (!t || !visible(p, *t)) throw Error::not_found(kTicket);
  return *t;
}

std::string TicketService::unit_name(int64_t id) {
  auto u = org_.cached_unit(id);
  return u ? u->name : "";
}

std::string TicketService::user_name(int64_t id) {
  try {
    return org_.get_user(org::OrgService::system_principal("tickets"), id).display_name;
  } catch (const Error&) {
    return "";
  }
}

void TicketService::index(db::Session& s, const Ticket& t, bool fresh) {
  std::string text = t.number + " " + t.subject + " " + t.description + " " + t.contact_name + " " +
                     t.contact_phone;
  for (const auto& tag : t.tags) text += " " + tag;
  // At the end of the transaction (db::Session::defer): one FTS5 segment per group commit
  // instead of one per ticket.
  s.defer([id = t.id, tokens = search::index_tokens(text), fresh](db::Session& s) {
    store::reindex(s, id, tokens, fresh);
  });
}

bool TicketService::visible_event(const auth::Principal& p, const std::string& payload_json) {
  if (!p.can(perm::kRead)) return false;
  boost::system::error_code ec;
  auto v = boost::json::parse(payload_json, ec);
  if (ec || !v.is_object()) return false;
  const auto& o = v.as_object();
  auto path_of = [&](const char* key) -> std::string {
    const auto* id = o.if_contains(key);
    if (!id || !id->is_int64()) return "";
    auto unit = org_.cached_unit(id->as_int64());
    return unit ? unit->path : "";
  };
  const auto* assignee = o.if_contains("assignee_id");
  if (assignee && assignee->is_int64() && assignee->as_int64() == p.user_id) return true;
  std::string a = path_of("unit_id"), b = path_of("resp_unit_id");
  return (!a.empty() && p.in_scope(a)) || (!b.empty() && p.in_scope(b));
}

// Never called inside a transaction when `names` is set: the names come from other
// services' reads (a read nested in a transaction could exhaust the PostgreSQL pool).
TicketView TicketService::view(const auth::Principal& p, Ticket t, bool names) {
  TicketView v;
  v.allowed = allowed(t.state, t.facts(), p.permissions);
  int64_t now = clock_.now_ms();
  if (t.state == State::kClosed) {
    v.due_state = "";
  } else if (t.paused_at) {
    v.due_state = "paused";
  } else if (t.resolve_due_at) {
    if (t.breached || now >= *t.resolve_due_at)
      v.due_state = "breached";
    else if (t.warn_at && now >= *t.warn_at)
      v.due_state = "due_soon";
    else
      v.due_state = "ok";
  }
  if (names) {
    v.unit_name = unit_name(t.unit_id);
    if (t.resp_unit_id) v.resp_unit_name = unit_name(*t.resp_unit_id);
    if (t.assignee_id) v.assignee_name = user_name(*t.assignee_id);
    if (t.category_id || t.root_cause_id) {
      db_.read([&](db::Session& s) {
        if (t.category_id)
          if (auto c = store::category(s, *t.category_id)) v.category_name = c->name;
        if (t.root_cause_id)
          if (auto r = store::root_cause(s, *t.root_cause_id)) v.root_cause_name = r->name;
      });
    }
    if (t.customer_id) {
      try {
        auto c = customers_.get(p, *t.customer_id);
        v.customer_name = c.customer.name;
        v.customer_code = c.customer.code;
      } catch (const Error&) {
      }
    }
  }
  bool may_see = p.can("customer.pii") || (t.assignee_id && *t.assignee_id == p.user_id) ||
                 (t.created_by && *t.created_by == p.user_id);
  if (!may_see && !t.contact_phone.empty()) {
    t.contact_phone = org::mask_phone(t.contact_phone);
    v.phone_masked = true;
  }
  v.ticket = std::move(t);
  return v;
}

PreparedTicket TicketService::prepare(const auth::Principal& p, const TicketInput& in) {
  require(p, perm::kCreate);
  auto errors = check(in, true);
  if (!errors.empty()) throw Error::validation(errors);

  PreparedTicket prep;
  Ticket& t = prep.t;
  t.kind = *in.kind;
  t.channel = *in.channel;
  t.severity = in.severity.value_or("normal");
  t.subject = *in.subject;
  t.description = in.description.value_or("");
  t.contact_name = in.contact_name.value_or("");
  t.contact_phone = in.contact_phone.value_or("");
  t.tags = in.tags.value_or(std::vector<std::string>{});
  t.money.asked_fen = in.asked_fen.value_or(0);
  t.category_id = in.category_id;

  // Resolve the customer, the unit and the assignee through their modules' services,
  // before the write transaction.
  std::optional<int64_t> customer_unit;
  if (in.customer_id) {
    try {
      auto c = customers_.get(p, *in.customer_id);
      t.customer_id = c.customer.id;
      customer_unit = c.customer.unit_id;
      if (t.contact_name.empty()) t.contact_name = c.customer.name;
      if (t.contact_phone.empty())
        for (const auto& ph : c.customer.phones)
          if (ph.primary && !c.phones_masked) t.contact_phone = ph.number;
      if (in.asset_id) {
        bool owned = false;
        for (const auto& a : c.assets) owned = owned || a.id == *in.asset_id;
        if (!owned) errors.push_back({"asset_id", "ticket.asset_not_owned", {}});
        t.asset_id = in.asset_id;
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kNotFound) throw;
      errors.push_back({"customer_id", "ticket.customer_unknown", {}});
    }
  }
  int64_t unit_id = in.unit_id.value_or(customer_unit.value_or(p.unit_id));
  if (auto u = org_.cached_unit(unit_id); u && p.can(org::perm::kUnitRead) && p.in_scope(u->path)) {
    t.unit_id = u->id;
    t.unit_path = u->path;
  } else {
    errors.push_back({"unit_id", "ticket.unit_unknown", {}});
  }
  if (in.assignee_id && *in.assignee_id) {
    try {
      auto u = org_.get_user(org::OrgService::system_principal("tickets"), **in.assignee_id);
      if (!u.active) throw Error::not_found("user");
      t.assignee_id = u.id;
    } catch (const Error&) {
      errors.push_back({"assignee_id", "ticket.assignee_unknown", {}});
    }
  }
  int64_t now = clock_.now_ms();
  t.created_by = p.actor_id();
  t.created_at = t.updated_at = now;

  plan_deadlines(t, t.created_at);
  prep.errors = std::move(errors);
  return prep;
}

Ticket TicketService::create_in(db::Session& s, const auth::Principal& p, PreparedTicket& prep) {
  Ticket& t = prep.t;
  auto& errors = prep.errors;
  int64_t now = t.created_at;
  if (t.category_id) {
    auto c = store::category(s, *t.category_id);
    if (!c || !c->active)
      errors.push_back({"category_id", "ticket.category_unknown", {}});
    else if (c->kind != t.kind)
      errors.push_back({"category_id", "ticket.category_kind", {}});
  }
  if (!errors.empty()) throw Error::validation(errors);
  int year = year_in_china(now);
  std::string series = std::string(prefix(t.kind)) + "-" + std::to_string(year);
  t.number = number(t.kind, year, store::next_seq(s, series));
  store::insert(s, t);
  index(s, t, true);
  store::add_step(s, t.id,
                  {0, "create", "", std::string(to_string(t.state)), p.actor_id(),
                   p.display_name.empty() ? p.username : p.display_name, now, "", "{}"});
  schedule_deadline(s, t);
  audit::append(s, now,
                {p.actor_id(), p.username, "ticket.create", "ticket", std::to_string(t.id),
                 t.unit_path, "", audit_json(t), p.request_id});
  events::publish(
      s, now,
      {"ticket.created", "ticket", std::to_string(t.id), t.unit_id, p.actor_id(), event_json(t)});
  return t;
}

TicketView TicketService::create(const auth::Principal& p, const TicketInput& in) {
  PreparedTicket prep = prepare(p, in);
  Ticket t;
  // Repeatable: create_in sets the ticket's id and number anew on every run and touches
  // prep.errors only on its way to throwing.
  db_.write_repeatable([&](db::Session& s) { t = create_in(s, p, prep); });
  return view(p, t);  // the row as written: no second read
}

TicketDetail TicketService::get(const auth::Principal& p, int64_t id) {
  require(p, perm::kRead);
  TicketDetail d;
  Ticket t;
  db_.read([&](db::Session& s) {
    t = scoped(s, p, id);
    d.steps = store::steps(s, id);
    d.comments = store::comments(s, id);
    d.links = store::links(s, id);
    d.sanctions = store::sanctions(s, "/", std::nullopt, std::nullopt, id);
    d.attachments = store::attachments(s, id);
  });
  name_sanctions(d.sanctions);
  d.view = view(p, t);
  return d;
}

std::optional<store::ListFilter> TicketService::filter_of(const auth::Principal& p,
                                                          const TicketQuery& q) {
  store::ListFilter f;
  f.scope_path = p.unit_path;
  f.kind = q.kind;
  f.severity = q.severity;
  f.channel = q.channel;
  f.customer_id = q.customer_id;
  f.category_id = q.category_id;
  f.assignee_id = q.assignee_id;
  if (q.q) {
    // A ticket number is looked up as such; anything else is full-text (words of the
    // subject and description, the caller, 4+ digits of a phone number).
    if (looks_like_number(*q.q)) {
      f.number = *q.q;
    } else {
      auto terms = search::query_terms(*q.q);
      if (terms.empty()) return std::nullopt;
      f.fts_query = db_.dialect() == db::Dialect::kSqlite ? search::fts5_match(terms)
                                                          : search::pg_tsquery(terms);
    }
  }
  f.after = q.after;
  f.limit = q.limit + 1;
  f.scan_window = scan_window_;
  if (q.state == "open" || q.state == "closed")
    f.state_group = q.state;
  else if (q.state)
    f.states = {*q.state};
  std::string queue = q.queue.value_or("all");
  int64_t now = clock_.now_ms();
  if (queue == "mine") {
    f.assignee_id = p.user_id;
    f.state_group = "open";
  } else if (queue == "unit") {
    f.resp_unit_path = p.unit_path;
    f.state_group = "open";
  } else if (queue == "unassigned") {
    f.unassigned = true;
  } else if (queue == "due_soon") {
    f.due_before = now + 4 * 3600 * 1000;  // within four hours, or already due
  } else if (queue == "breached") {
    f.breached = true;
    f.state_group = "open";
  }
  if (q.unit_id) {
    try {
      f.unit_path = org_.get_unit(p, *q.unit_id).path;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kNotFound) throw;
      return std::nullopt;
    }
  }
  return f;
}

org::Page<TicketView> TicketService::list(const auth::Principal& p, const TicketQuery& q) {
  require(p, perm::kRead);
  auto f = filter_of(p, q);
  if (!f) return {};
  org::Page<TicketView> page;
  std::vector<Ticket> rows;
  db_.read([&](db::Session& s) { rows = store::list(s, *f); });
  if (rows.size() > static_cast<size_t>(q.limit)) {
    rows.resize(q.limit);
    page.next_after = rows.back().id;
  }
  // Names outside the read, each unit and person looked up once per page.
  std::map<int64_t, std::string> units, users;
  auto unit = [&](int64_t id) -> const std::string& {
    auto it = units.find(id);
    if (it == units.end()) it = units.emplace(id, unit_name(id)).first;
    return it->second;
  };
  for (auto& t : rows) {
    auto v = view(p, std::move(t), false);
    auto& T = v.ticket;
    v.unit_name = unit(T.unit_id);
    if (T.resp_unit_id) v.resp_unit_name = unit(*T.resp_unit_id);
    if (T.assignee_id) {
      if (!users.count(*T.assignee_id)) users[*T.assignee_id] = user_name(*T.assignee_id);
      v.assignee_name = users[*T.assignee_id];
    }
    page.items.push_back(std::move(v));
  }
  return page;
}

QueueCounts TicketService::counts(const auth::Principal& p) {
  require(p, perm::kRead);
  QueueCounts out;
  std::vector<std::optional<store::ListFilter>> filters;  // made before the read: no nesting
  for (const auto& [queue, n] : out.by_queue) {
    TicketQuery q;
    q.queue = queue;
    q.limit = QueueCounts::kCap;  // filter_of asks for one more: "more than kCap"
    filters.push_back(filter_of(p, q));
  }
  db_.read([&](db::Session& s) {
    for (size_t i = 0; i < filters.size(); ++i)
      if (filters[i])
        out.by_queue[i].second = static_cast<int>(store::list_ids(s, *filters[i]).size());
  });
  return out;
}

TicketView TicketService::update(const auth::Principal& p, int64_t id, const TicketInput& in) {
  require(p, perm::kIntake);
  auto errors = check(in, false);
  if (in.kind) errors.push_back({"kind", "ticket.kind_fixed", {}});
  if (in.customer_id || in.unit_id || in.asset_id)
    errors.push_back({"customer_id", "ticket.owner_fixed", {}});
  std::optional<std::optional<int64_t>> assignee;
  if (in.assignee_id) {
    if (!p.can(perm::kApprove) && !(*in.assignee_id && **in.assignee_id == p.user_id))
      throw Error::forbidden();
    if (*in.assignee_id) {
      try {
        auto u = org_.get_user(org::OrgService::system_principal("tickets"), **in.assignee_id);
        if (!u.active) throw Error::not_found("user");
        assignee = std::optional<int64_t>(u.id);
      } catch (const Error&) {
        errors.push_back({"assignee_id", "ticket.assignee_unknown", {}});
      }
    } else {
      assignee = std::optional<int64_t>();
    }
  }
  if (!errors.empty()) throw Error::validation(errors);
  int64_t now = clock_.now_ms();
  // A severity change recomputes the deadlines on the calendar before the transaction.
  std::optional<Ticket> replanned;
  if (in.severity) {
    db_.read([&](db::Session& s) { replanned = scoped(s, p, id); });
    if (replanned->severity != *in.severity && replanned->state != State::kClosed &&
        !replanned->paused_at) {
      replanned->severity = *in.severity;
      plan_deadlines(*replanned, replanned->created_at);
    } else {
      replanned.reset();
    }
  }
  Ticket after;
  db_.write([&](db::Session& s) {
    Ticket t = scoped(s, p, id);
    if (replanned && replanned->version != t.version)
      throw Error(ErrorKind::kConflict, "ticket.version_conflict");
    std::string before = audit_json(t);
    if (in.category_id) {
      auto c = store::category(s, *in.category_id);
      if (!c || !c->active || c->kind != t.kind)
        throw Error::validation({{"category_id", "ticket.category_unknown", {}}});
      t.category_id = c->id;
    }
    if (in.subject) t.subject = *in.subject;
    if (in.description) t.description = *in.description;
    if (in.channel) t.channel = *in.channel;
    if (in.contact_name) t.contact_name = *in.contact_name;
    if (in.contact_phone) t.contact_phone = *in.contact_phone;
    if (in.tags) t.tags = *in.tags;
    if (in.asked_fen) t.money.asked_fen = *in.asked_fen;
    if (assignee) t.assignee_id = *assignee;
    if (in.severity) t.severity = *in.severity;
    if (replanned) {  // a major complaint gets the major policy's deadline
      t.sla_policy_id = replanned->sla_policy_id;
      t.respond_due_at = replanned->respond_due_at;
      t.resolve_due_at = replanned->resolve_due_at;
      t.manager_due_at = replanned->manager_due_at;
      t.warn_at = replanned->warn_at;
      schedule_deadline(s, t);
    }
    t.updated_at = now;
    t.version += 1;
    if (!store::update(s, t)) throw Error(ErrorKind::kConflict, "ticket.version_conflict");
    index(s, t);
    audit::append(s, now,
                  {p.actor_id(), p.username, "ticket.update", "ticket", std::to_string(t.id),
                   t.unit_path, before, audit_json(t), p.request_id});
    events::publish(
        s, now,
        {"ticket.changed", "ticket", std::to_string(t.id), t.unit_id, p.actor_id(), event_json(t)});
    after = t;
  });
  return get(p, after.id).view;
}

}  // namespace kefu::tickets

namespace kefu::tickets {

std::optional<Ticket> TicketService::find_in(db::Session& s, int64_t id) const {
  return store::find(s, id);
}

}  // namespace kefu::tickets
