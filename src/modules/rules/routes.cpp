// HTTP for rules: parse, call the service, render.
#include "modules/rules/routes.h"

#include "modules/rules/json.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::rules {
namespace {

using http::Context;
using http::Response;
const char* const kRule = "@entity.rule";

RuleInput read_rule(JsonInput& in) {
  RuleInput r;
  r.code = in.optional_text("code", {1, 40});
  r.name = in.optional_text("name", {1, 80});
  r.unit_id = in.optional_integer("unit_id");
  r.active = in.optional_boolean("active");
  if (const auto* v = in.raw("definition"); v && !v->is_null()) {
    std::vector<FieldError> errors;
    r.def = definition_from_json(*v, errors);
    in.add_errors(errors);
  }
  return r;
}

int days_param(const http::Request& req) {
  auto d = http::query_int(req, "days");
  return static_cast<int>(d.value_or(30));
}

}  // namespace

void add_routes(http::Router& r, RuleService& svc) {
  r.add("GET", "/api/v1/rule-catalogue", [&svc](Context& c) {
    return Response::json(catalogue_json(svc.triggers(c.user()), svc.actions()));
  });

  r.add("GET", "/api/v1/rules", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& rule : svc.list(c.user())) items.push_back(rule_json(rule));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/rules", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    RuleInput ri = read_rule(in);
    in.finish();
    return Response::json(rule_json(svc.create(c.user(), ri)), 201);
  });

  r.add("GET", "/api/v1/rules/{id}", [&svc](Context& c) {
    return Response::json(rule_json(svc.get(c.user(), c.id_param("id", kRule))));
  });

  r.add("PATCH", "/api/v1/rules/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kRule);
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    RuleInput ri = read_rule(in);
    in.finish();
    return Response::json(rule_json(svc.update(c.user(), id, ri)));
  });

  r.add("GET", "/api/v1/rules/{id}/versions", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& v : svc.versions(c.user(), c.id_param("id", kRule)))
      items.push_back(rule_json(v));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/rules/dry-run", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto unit_id = in.optional_integer("unit_id");
    auto days = in.optional_integer("days");
    Definition d;
    if (const auto* v = in.raw("definition"); v && !v->is_null()) {
      std::vector<FieldError> errors;
      d = definition_from_json(*v, errors);
      in.add_errors(errors);
    } else {
      in.add_error("definition", "field.required");
    }
    in.finish();
    return Response::json(dry_run_json(svc.dry_run(c.user(), unit_id.value_or(c.user().unit_id), d,
                                                   static_cast<int>(days.value_or(30)))));
  });

  r.add("POST", "/api/v1/rules/{id}/backfill", [&svc](Context& c) {
    int64_t id = c.id_param("id", kRule);
    auto res = svc.backfill(c.user(), id, days_param(c.req));
    return Response::json(boost::json::object{{"examined", res.examined},
                                              {"created", res.created},
                                              {"skipped", res.skipped},
                                              {"already", res.already}});
  });

  r.add("GET", "/api/v1/rules/{id}/firings", [&svc](Context& c) {
    int64_t id = c.id_param("id", kRule);
    auto before = http::query_int(c.req, "before").value_or(0);
    boost::json::array items;
    for (const auto& f : svc.firings(c.user(), id, before, 100)) {
      boost::json::object o{{"id", f.id},
                            {"version", f.version},
                            {"fired_at", f.fired_at},
                            {"outcome", f.outcome},
                            {"ref", f.ref}};
      o["event_id"] = f.event_id ? boost::json::value(*f.event_id) : nullptr;
      o["customer_id"] = f.customer_id ? boost::json::value(*f.customer_id) : nullptr;
      items.push_back(o);
    }
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });
}

}  // namespace kefu::rules
