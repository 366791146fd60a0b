// HTTP for callback tasks, the survey links' public page and the KPIs: parse, call the
// service, render.
#include "modules/callbacks/routes.h"

#include "modules/callbacks/json.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::callbacks {
namespace {

using http::Context;
using http::Response;
const char* const kTask = "@entity.callback";

}  // namespace

void add_routes(http::Router& r, CallbackService& svc) {
  r.add("GET", "/api/v1/callbacks", [&svc](Context& c) {
    QueueQuery q;
    q.view = http::query_text(c.req, "view", 20).value_or("mine");
    if (q.view != "mine" && q.view != "unit" && q.view != "unassigned" && q.view != "all")
      throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "view"}});
    q.assignee_id = http::query_int(c.req, "assignee_id");
    q.customer_id = http::query_int(c.req, "customer_id");
    q.due_from = http::query_int(c.req, "due_from");
    q.due_to = http::query_int(c.req, "due_to");
    q.state = http::query_text(c.req, "state", 20);
    if (q.state && !parse_state(*q.state))
      throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "state"}});
    q.offset = std::max<int64_t>(0, http::query_int(c.req, "offset").value_or(0));
    q.limit = static_cast<int>(http::query_int(c.req, "limit").value_or(50));
    return Response::json(queue_json(svc.queue(c.user(), q)));
  });

  r.add("GET", "/api/v1/callbacks/backlog", [&svc](Context& c) {
    return Response::json(backlog_json(svc.backlog(c.user())));
  });

  r.add("GET", "/api/v1/callbacks/kpis", [&svc](Context& c) {
    KpiQuery q;
    q.from = http::query_text(c.req, "from", 10).value_or("");
    q.to = http::query_text(c.req, "to", 10).value_or("");
    q.group = http::query_text(c.req, "group", 10).value_or("day");
    q.unit_id = http::query_int(c.req, "unit_id");
    return Response::json(kpis_json(svc.kpis(c.user(), q)));
  });

  r.add("POST", "/api/v1/callbacks/reassign", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::vector<int64_t> ids;
    if (const auto* v = in.raw("ids"); v && v->is_array()) {
      for (const auto& x : v->as_array()) {
        if (x.is_int64())
          ids.push_back(x.as_int64());
        else
          in.add_error("ids", "field.wrong_type", {{"expected", "integer"}});
      }
    } else {
      in.add_error("ids", v ? "field.wrong_type" : "field.required");
    }
    auto agent = in.optional_integer("agent_id");
    bool force = in.optional_boolean("force").value_or(false);
    in.finish();
    int n = svc.reassign(c.user(), ids, agent, force);
    return Response::json(boost::json::object{{"reassigned", n}});
  });

  r.add("GET", "/api/v1/callbacks/{id}", [&svc](Context& c) {
    return Response::json(detail_json(svc.get(c.user(), c.id_param("id", kTask))));
  });

  r.add("POST", "/api/v1/callbacks/{id}/start", [&svc](Context& c) {
    return Response::json(task_view_json(svc.start(c.user(), c.id_param("id", kTask))));
  });

  r.add("POST", "/api/v1/callbacks/{id}/attempts", [&svc](Context& c) {
    int64_t id = c.id_param("id", kTask);
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    AttemptInput a;
    auto outcome = in.text("outcome", {1, 20});
    if (in.ok() && !parse_outcome(outcome)) in.add_error("outcome", "callbacks.outcome_unknown");
    a.outcome = parse_outcome(outcome).value_or(Outcome::kNoAnswer);
    a.note = in.optional_text("note", {0, 1000}).value_or("");
    a.call_back_at = in.optional_integer("call_back_at");
    a.override_reason = in.optional_text("override_reason", {0, 200}).value_or("");
    a.complaint = in.optional_text("complaint", {0, 2000}).value_or("");
    a.version = in.optional_integer("version");
    if (const auto* v = in.raw("answers"); v && !v->is_null()) {
      if (!v->is_object())
        in.add_error("answers", "field.wrong_type", {{"expected", "object"}});
      else
        a.answers_json = boost::json::serialize(*v);
    }
    in.finish();
    return Response::json(task_view_json(svc.attempt(c.user(), id, a)));
  });

  r.add("POST", "/api/v1/callbacks/{id}/cancel", [&svc](Context& c) {
    int64_t id = c.id_param("id", kTask);
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto reason = in.text("reason", {1, 200});
    in.finish();
    return Response::json(task_view_json(svc.cancel(c.user(), id, reason)));
  });

  r.add("POST", "/api/v1/callbacks/{id}/survey-link", [&svc](Context& c) {
    int64_t id = c.id_param("id", kTask);
    // No body (older clients): by SMS.
    std::string channel = "sms";
    if (!c.req.body.empty()) {
      auto body = parse_json_object(c.req.body);
      JsonInput in(body);
      channel = in.optional_text("channel", {1, 10}).value_or("sms");
      if (in.ok() && channel != "sms" && channel != "email") in.add_error("channel", "field.invalid");
      in.finish();
    }
    auto link = svc.send_survey(c.user(), id, channel == "email" ? LinkChannel::kEmail : LinkChannel::kSms);
    return Response::json(boost::json::object{{"link", link}}, 201);
  });

  r.add("GET", "/api/v1/callbacks/{id}/messages", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& m : svc.messages(c.user(), c.id_param("id", kTask)))
      items.push_back(message_json(m));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  const http::RouteOptions open{.auth = false};
  r.add(
      "GET", "/api/v1/public/surveys/{token}",
      [&svc](Context& c) {
        return Response::json(public_survey_json(svc.public_survey(c.req.path_param("token"))));
      },
      open);
  r.add(
      "POST", "/api/v1/public/surveys/{token}",
      [&svc](Context& c) {
        auto body = parse_json_object(c.req.body);
        JsonInput in(body);
        std::string answers;
        if (const auto* v = in.raw("answers"); v && v->is_object())
          answers = boost::json::serialize(*v);
        else
          in.add_error("answers", v ? "field.wrong_type" : "field.required");
        in.finish();
        svc.submit_public(c.req.path_param("token"), answers);
        return Response::json(boost::json::object{{"ok", true}}, 201);
      },
      open);
}

}  // namespace kefu::callbacks
