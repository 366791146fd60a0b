// HTTP for tickets: parse, call the service, render.
#include "modules/tickets/routes.h"

#include "modules/tickets/json.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::tickets {
namespace {

using http::Context;
using http::Response;

TicketInput read_ticket(JsonInput& in) {
  TicketInput t;
  t.kind = in.optional_text("kind", {1, 20});
  t.channel = in.optional_text("channel", {1, 20});
  t.severity = in.optional_text("severity", {1, 20});
  t.subject = in.optional_text("subject", {0, 200});
  t.description = in.optional_text("description", {0, 5000});
  t.contact_name = in.optional_text("contact_name", {0, 50});
  t.contact_phone = in.optional_text("contact_phone", {0, 30});
  // null and absent both mean "none" for the optional links
  auto none_or = [&](const char* key) {
    auto v = in.nullable_integer(key);
    return v ? *v : std::nullopt;
  };
  t.category_id = none_or("category_id");
  t.customer_id = none_or("customer_id");
  t.asset_id = none_or("asset_id");
  t.unit_id = in.optional_integer("unit_id");
  t.asked_fen = in.optional_integer("asked_fen");
  t.assignee_id = in.nullable_integer("assignee_id");
  t.tags = in.optional_text_list("tags", {1, 30});
  return t;
}

StepInput read_step(JsonInput& in) {
  StepInput s;
  std::string action = in.text("action", {1, 20});
  if (auto a = parse_action(action))
    s.action = *a;
  else if (!action.empty())
    in.add_error("action", "field.invalid");
  s.comment = in.optional_text("comment", {0, 2000}).value_or("");
  s.resp_unit_id = in.optional_integer("resp_unit_id");
  s.assignee_id = in.optional_integer("assignee_id");
  s.root_cause_id = in.optional_integer("root_cause_id");
  s.responsible_staff_id = in.optional_integer("responsible_staff_id");
  s.solution_index = in.optional_integer("solution_index");
  s.paid_fen = in.optional_integer("paid_fen");
  s.asked_fen = in.optional_integer("asked_fen");
  s.findings = in.optional_text("findings", {0, 5000});
  s.implementation = in.optional_text("implementation", {0, 5000});
  s.solutions = in.optional_text_list("solutions", {1, 500});
  s.satisfied = in.optional_boolean("satisfied");
  s.version = in.optional_integer("version");
  return s;
}

std::vector<int64_t> read_ids(JsonInput& in) {
  std::vector<int64_t> ids;
  const auto* v = in.raw("ids");
  if (!v || !v->is_array()) {
    in.add_error("ids", v ? "field.wrong_type" : "field.required");
    return ids;
  }
  for (const auto& x : v->as_array()) {
    if (!x.is_int64() || x.as_int64() <= 0) {
      in.add_error("ids", "field.invalid");
      return {};
    }
    ids.push_back(x.as_int64());
  }
  return ids;
}

std::optional<std::string> nullable_choice(JsonInput& in, const char* key) {
  auto v = in.nullable_text(key, {1, 20});
  return v ? *v : std::nullopt;
}

SlaPolicy read_policy(JsonInput& in) {
  SlaPolicy p;
  p.name = in.text("name", {1, 100});
  p.kind = nullable_choice(in, "kind");
  p.severity = nullable_choice(in, "severity");
  p.channel = nullable_choice(in, "channel");
  auto cat = in.nullable_integer("category_id");
  p.category_id = cat ? *cat : std::nullopt;
  p.respond_minutes = in.integer("respond_minutes");
  p.resolve_minutes = in.optional_integer("resolve_minutes").value_or(0);
  p.same_day = in.optional_boolean("same_day").value_or(false);
  p.warn_percent = static_cast<int>(in.optional_integer("warn_percent").value_or(80));
  p.active = in.optional_boolean("active").value_or(true);
  return p;
}

}  // namespace

void add_public_routes(http::Router& r, TicketService& svc) {
  const http::RouteOptions open{.auth = false};
  r.add(
      "GET", "/api/v1/public/units",
      [&svc](Context&) {
        boost::json::array items;
        for (const auto& u : svc.public_units())
          items.push_back(boost::json::object{{"id", u.id}, {"name", u.name}});
        return Response::json(http::page_json(std::move(items), std::nullopt));
      },
      open);
  r.add(
      "POST", "/api/v1/public/challenges",
      [&svc](Context& c) {
        auto ch = svc.public_challenge(c.req.remote_addr);
        return Response::json(
            boost::json::object{
                {"id", ch.id}, {"question", ch.question}, {"expires_at", ch.expires_at}},
            201);
      },
      open);
  r.add(
      "POST", "/api/v1/public/tickets",
      [&svc](Context& c) {
        auto body = parse_json_object(c.req.body);
        JsonInput in(body);
        PublicInput p;
        p.kind = in.optional_text("kind", {1, 20}).value_or("complaint");
        p.name = in.text("name", {1, 50});
        p.phone = in.text("phone", {1, 30});
        p.subject = in.text("subject", {1, 200});
        p.description = in.optional_text("description", {0, 5000}).value_or("");
        p.unit_id = in.optional_integer("unit_id");
        p.challenge_id = in.text("challenge_id", {1, 64});
        p.answer = in.text("answer", {1, 10});
        in.finish();
        auto receipt = svc.submit_public(c.req.remote_addr, p);
        return Response::json(
            boost::json::object{
                {"number", receipt.number},
                {"token", receipt.token},
                {"follow_url", "/public/tickets/" + receipt.number + "?t=" + receipt.token}},
            201);
      },
      open);
  r.add(
      "GET", "/api/v1/public/tickets/{number}",
      [&svc](Context& c) {
        auto token = http::query_text(c.req, "t", 64).value_or("");
        auto st = svc.public_status(c.req.path_param("number"), token);
        boost::json::array replies;
        for (const auto& x : st.replies)
          replies.push_back(boost::json::object{{"body", x.body}, {"created_at", x.created_at}});
        return Response::json(boost::json::object{
            {"number", st.number},
            {"kind", st.kind},
            {"subject", st.subject},
            {"state", std::string(to_string(st.state))},
            {"state_label",
             i18n::render(c.lang, "ticket.state." + std::string(to_string(st.state)))},
            {"resolution", st.resolution},
            {"created_at", st.created_at},
            {"closed_at", st.closed_at ? boost::json::value(*st.closed_at) : nullptr},
            {"replies", std::move(replies)}});
      },
      open);
}

void add_routes(http::Router& r, TicketService& svc) {
  add_public_routes(r, svc);
  r.add("GET", "/api/v1/tickets", [&svc](Context& c) {
    auto page = http::page_request(c.req);
    TicketQuery q;
    q.queue = http::query_text(c.req, "queue", 20);
    if (q.queue && *q.queue != "mine" && *q.queue != "unit" && *q.queue != "unassigned" &&
        *q.queue != "due_soon" && *q.queue != "breached" && *q.queue != "all")
      throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "queue"}});
    q.state = http::query_text(c.req, "state", 20);
    if (q.state && *q.state != "open" && *q.state != "closed" && !parse_state(*q.state))
      throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "state"}});
    q.kind = http::query_text(c.req, "kind", 20);
    q.severity = http::query_text(c.req, "severity", 20);
    q.channel = http::query_text(c.req, "channel", 20);
    q.q = http::query_text(c.req, "q", 100);
    q.customer_id = http::query_int(c.req, "customer_id");
    q.category_id = http::query_int(c.req, "category_id");
    q.unit_id = http::query_int(c.req, "unit_id");
    q.assignee_id = http::query_int(c.req, "assignee_id");
    q.after = page.after;
    q.limit = page.limit;
    auto result = svc.list(c.user(), q);
    boost::json::array items;
    for (const auto& v : result.items) items.push_back(ticket_json(v));
    return Response::json(http::page_json(std::move(items), result.next_after));
  });

  r.add("GET", "/api/v1/ticket-queue-counts", [&svc](Context& c) {
    boost::json::object counts;
    for (const auto& [queue, n] : svc.counts(c.user()).by_queue) counts[queue] = n;
    return Response::json(
        boost::json::object{{"counts", std::move(counts)}, {"cap", QueueCounts::kCap}});
  });

  r.add("POST", "/api/v1/tickets", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    TicketInput ti = read_ticket(in);
    in.add_errors(TicketService::check(ti, true));
    in.finish();
    return Response::json(ticket_json(svc.create(c.user(), ti)), 201);
  });

  r.add("GET", "/api/v1/tickets/{id}", [&svc](Context& c) {
    return Response::json(detail_json(svc.get(c.user(), c.id_param("id", "@entity.ticket"))));
  });

  r.add("PATCH", "/api/v1/tickets/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    TicketInput ti = read_ticket(in);
    in.finish();
    return Response::json(ticket_json(svc.update(c.user(), id, ti)));
  });

  r.add("POST", "/api/v1/tickets/{id}/steps", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    StepInput s = read_step(in);
    in.finish();
    return Response::json(ticket_json(svc.act(c.user(), id, s)));
  });

  r.add("POST", "/api/v1/tickets/{id}/comments", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::string visibility = in.optional_text("visibility", {1, 10}).value_or("internal");
    std::string text = in.text("body", {1, 5000});
    in.finish();
    return Response::json(comment_json(svc.comment(c.user(), id, visibility, text)), 201);
  });

  // The file is the body, sent with its own Content-Type; ?name= gives its file name.
  r.add("POST", "/api/v1/tickets/{id}/attachments",
        [&svc](Context& c) {
          int64_t id = c.id_param("id", "@entity.ticket");
          auto name = http::query_text(c.req, "name", 400);
          if (!name) throw Error::validation({{"name", "field.required", {}}});
          std::string type(c.req.header("content-type"));
          type = type.substr(0, type.find(';'));
          while (!type.empty() && type.back() == ' ') type.pop_back();
          for (auto& ch : type)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          return Response::json(attachment_json(svc.attach(c.user(), id, *name, type, c.req.body)),
                                201);
        },
        {.max_body_bytes = 10u << 20, .body_type = "*/*"});

  r.add("GET", "/api/v1/tickets/{id}/attachments/{attachment_id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket");
    int64_t aid = c.id_param("attachment_id", "@entity.attachment");
    auto [a, bytes] = svc.attachment(c.user(), id, aid);
    // Images and PDFs open in the browser; everything else downloads. The sandbox keeps a
    // PDF's scripts from running with the console's origin.
    bool inline_ok = a.content_type.rfind("image/", 0) == 0 || a.content_type == "application/pdf";
    Response r = Response::text(std::move(bytes), a.content_type);
    std::string encoded;
    for (unsigned char ch : a.name) {
      if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
        encoded += static_cast<char>(ch);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", ch);
        encoded += buf;
      }
    }
    r.headers.emplace_back("Content-Disposition", std::string(inline_ok ? "inline" : "attachment") +
                                                      "; filename*=UTF-8''" + encoded);
    r.headers.emplace_back("Cache-Control", "private, max-age=86400");
    r.headers.emplace_back("Content-Security-Policy", "sandbox");
    return r;
  });

  r.add("POST", "/api/v1/tickets/{id}/links", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    int64_t other = in.integer("other_id");
    in.finish();
    svc.link(c.user(), id, other);
    return Response::json(detail_json(svc.get(c.user(), id)));
  });

  r.add("POST", "/api/v1/tickets/{id}/merge", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    int64_t into = in.integer("into_id");
    in.finish();
    return Response::json(ticket_json(svc.merge(c.user(), id, into)));
  });

  r.add("POST", "/api/v1/tickets/bulk/assign", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto ids = read_ids(in);
    int64_t assignee = in.integer("assignee_id");
    in.finish();
    return Response::json(
        boost::json::object{{"changed", svc.bulk_assign(c.user(), ids, assignee)}});
  });

  r.add("POST", "/api/v1/tickets/bulk/close", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto ids = read_ids(in);
    std::string reason = in.text("reason", {1, 500});
    in.finish();
    return Response::json(boost::json::object{{"changed", svc.bulk_close(c.user(), ids, reason)}});
  });

  r.add("POST", "/api/v1/tickets/{id}/sanctions", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    SanctionInput x;
    x.kind = in.text("kind", {1, 10});
    x.user_id = in.optional_integer("user_id");
    x.unit_id = in.optional_integer("unit_id");
    x.amount_fen = in.integer("amount_fen");
    x.reason = in.text("reason", {1, 500});
    in.finish();
    return Response::json(sanction_json(svc.propose_sanction(c.user(), id, x)), 201);
  });

  r.add("GET", "/api/v1/ticket-route-targets", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& u : svc.route_targets(c.user()))
      items.push_back(boost::json::object{
          {"id", u.id},
          {"code", u.code},
          {"name", u.name},
          {"kind", u.kind},
          {"path", u.path},
          {"parent_id", u.parent_id ? boost::json::value(*u.parent_id) : nullptr}});
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("GET", "/api/v1/ticket-route-targets/{id}/people", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& u : svc.route_people(c.user(), c.id_param("id", "@entity.org_unit")))
      items.push_back(boost::json::object{
          {"id", u.id}, {"display_name", u.display_name}, {"unit_id", u.unit_id}});
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("GET", "/api/v1/ticket-sanctions", [&svc](Context& c) {
    auto month = http::query_text(c.req, "month", 7);
    boost::json::array items;
    for (const auto& x : svc.sanctions(c.user(), month, http::query_int(c.req, "user_id")))
      items.push_back(sanction_json(x));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/ticket-sanctions/{id}/decision", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.ticket_sanction");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto approve = in.optional_boolean("approve");
    if (!approve) in.add_error("approve", "field.required");
    in.finish();
    return Response::json(sanction_json(svc.decide_sanction(c.user(), id, *approve)));
  });

  r.add("GET", "/api/v1/ticket-views", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& v : svc.views(c.user())) items.push_back(view_json(v));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/ticket-views", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::string name = in.text("name", {1, 40});
    bool shared = in.optional_boolean("shared").value_or(false);
    ViewFilters filters;
    const boost::json::value* f = in.raw("filters");
    if (!f || !f->is_object()) {
      in.add_error("filters", f ? "field.wrong_type" : "field.required",
                   f ? std::vector<std::pair<std::string, std::string>>{{"expected", "object"}}
                     : std::vector<std::pair<std::string, std::string>>{});
    } else {
      JsonInput fin(f->as_object());
      for (const char* key : {"queue", "kind", "severity", "channel", "state", "q"})
        if (auto v = fin.optional_text(key, {0, 100})) filters[key] = *v;
      try {
        fin.finish();
      } catch (const Error& e) {
        for (const auto& fe : e.fields()) in.add_error("filters." + fe.field, fe.code, fe.params);
      }
      in.add_errors(TicketService::check_view_filters(filters));
    }
    in.finish();
    auto [view, created] = svc.save_view(c.user(), name, filters, shared);
    return Response::json(view_json(view), created ? 201 : 200);
  });

  r.add("DELETE", "/api/v1/ticket-views/{id}", [&svc](Context& c) {
    svc.delete_view(c.user(), c.id_param("id", "@entity.ticket_view"));
    return Response::no_content();
  });

  r.add("GET", "/api/v1/ticket-categories", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& x : svc.categories(c.user(), http::query_text(c.req, "kind", 20)))
      items.push_back(category_json(x));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/ticket-categories", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    store::Category x;
    x.kind = in.text("kind", {1, 20});
    x.code = in.text("code", {1, 40});
    x.name = in.text("name", {1, 60});
    x.parent_id = in.optional_integer("parent_id");
    x.sort = static_cast<int>(in.optional_integer("sort").value_or(0));
    in.finish();
    return Response::json(category_json(svc.save_category(c.user(), x)), 201);
  });

  r.add("PATCH", "/api/v1/ticket-categories/{id}", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    store::Category x;
    x.id = c.id_param("id", "@entity.ticket_category");
    x.name = in.text("name", {1, 60});
    x.sort = static_cast<int>(in.optional_integer("sort").value_or(0));
    x.active = in.optional_boolean("active").value_or(true);
    in.finish();
    return Response::json(category_json(svc.save_category(c.user(), x)));
  });

  r.add("GET", "/api/v1/ticket-root-causes", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& x : svc.root_causes(c.user())) items.push_back(root_cause_json(x));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/ticket-root-causes", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    store::RootCause x;
    x.code = in.text("code", {1, 40});
    x.name = in.text("name", {1, 60});
    x.sort = static_cast<int>(in.optional_integer("sort").value_or(0));
    x.active = in.optional_boolean("active").value_or(true);
    in.finish();
    return Response::json(root_cause_json(svc.save_root_cause(c.user(), x)), 201);
  });

  r.add("GET", "/api/v1/sla-policies", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& x : svc.policies(c.user())) items.push_back(policy_json(x));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/sla-policies", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    SlaPolicy p = read_policy(in);
    in.finish();
    return Response::json(policy_json(svc.save_policy(c.user(), p)), 201);
  });

  r.add("PUT", "/api/v1/sla-policies/{id}", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    SlaPolicy p = read_policy(in);
    p.id = c.id_param("id", "@entity.sla_policy");
    in.finish();
    return Response::json(policy_json(svc.save_policy(c.user(), p)));
  });

  r.add("GET", "/api/v1/ticket-stats/money", [&svc](Context& c) {
    auto from = http::query_int(c.req, "from").value_or(0);
    auto to = http::query_int(c.req, "to").value_or(INT64_MAX);
    auto m = svc.money(c.user(), from, to);
    return Response::json(boost::json::object{{"tickets", m.tickets},
                                              {"asked_fen", m.money.asked_fen},
                                              {"paid_fen", m.money.paid_fen},
                                              {"saved_fen", m.money.saved_fen()},
                                              {"saved_bp", m.money.saved_bp()}});
  });

  r.add("GET", "/api/v1/ticket-stats/categories", [&svc](Context& c) {
    auto kind = http::query_text(c.req, "kind", 20).value_or("complaint");
    auto year = http::query_int(c.req, "year");
    if (!year) throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "year"}});
    auto st = svc.category_stats(c.user(), kind, static_cast<int>(*year));
    boost::json::array months, rows, totals;
    for (const auto& m : st.months) months.emplace_back(m);
    for (auto t : st.totals) totals.emplace_back(t);
    for (const auto& row : st.rows) {
      boost::json::array counts;
      for (auto n : row.counts) counts.emplace_back(n);
      rows.push_back(boost::json::object{
          {"category_id", row.category_id ? boost::json::value(*row.category_id) : nullptr},
          {"name", row.name},
          {"counts", std::move(counts)},
          {"total", row.total}});
    }
    return Response::json(boost::json::object{
        {"months", std::move(months)}, {"rows", std::move(rows)}, {"totals", std::move(totals)}});
  });
}

}  // namespace kefu::tickets
