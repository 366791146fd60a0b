// HTTP for classification: parse a definition field by field, call the service, render.
#include <algorithm>

#include "modules/customers/json.h"
#include "modules/customers/routes.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::customers {
namespace {

using http::Context;
using http::Response;

// Problems found in a nested object, reported under its path in the outer input.
void nested_finish(JsonInput& inner, JsonInput& outer, const std::string& at) {
  try {
    inner.finish();
  } catch (const Error& e) {
    for (const auto& f : e.fields()) outer.add_error(at + "." + f.field, f.code, f.params);
  }
}

std::vector<int64_t> int_list(JsonInput& in, const char* key) {
  std::vector<int64_t> out;
  const auto* v = in.raw(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    in.add_error(key, "field.wrong_type", {{"expected", "array"}});
    return out;
  }
  const auto& arr = v->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    if (arr[i].is_int64())
      out.push_back(arr[i].as_int64());
    else
      in.add_error(std::string(key) + "[" + std::to_string(i) + "]", "field.wrong_type",
                   {{"expected", "integer"}});
  }
  return out;
}

ClassCondition read_condition(JsonInput& in) {
  ClassCondition c;
  c.measure = in.text("measure", {1, 40});
  c.op = in.text("op", {1, 10});
  c.kinds = in.optional_text_list("kinds", {1, 40}).value_or(std::vector<std::string>{});
  auto days = in.optional_integer("days").value_or(0);
  if (days < 0 || days > 3660) in.add_error("days", "field.out_of_range");
  c.days = static_cast<int>(std::clamp<int64_t>(days, 0, 3660));
  c.asset_type = in.optional_text("asset_type", {0, 32}).value_or("");
  c.attr = in.optional_text("attr", {0, 40}).value_or("");
  c.values = int_list(in, "values");
  return c;
}

ClassDef read_class(JsonInput& in, bool with_conditions) {
  ClassDef d;
  d.code = in.text("code", {1, 40});
  d.label_zh = in.text("label_zh", {1, 40});
  d.label_en = in.text("label_en", {1, 60});
  d.colour = in.optional_text("colour", {1, 7}).value_or("#8c8c8c");
  if (!with_conditions) return d;
  const auto* list = in.raw("conditions");
  if (!list || !list->is_array()) {
    in.add_error("conditions", !list ? "field.required" : "field.wrong_type",
                 {{"expected", "array"}});
    return d;
  }
  for (size_t j = 0; j < list->as_array().size(); ++j) {
    const auto& v = list->as_array()[j];
    std::string at = "conditions[" + std::to_string(j) + "]";
    if (!v.is_object()) {
      in.add_error(at, "field.wrong_type", {{"expected", "object"}});
      continue;
    }
    JsonInput ci(v.as_object());
    d.conditions.push_back(read_condition(ci));
    nested_finish(ci, in, at);
  }
  return d;
}

// A definition from a body; `code` from the address when given there.
Classification read_classification(JsonInput& in, const std::string& code) {
  Classification c;
  c.code = code.empty() ? in.text("code", {1, 40}) : code;
  if (!code.empty() && in.has("code") && in.text("code", {1, 40}) != code)
    in.add_error("code", "field.invalid");
  c.label_zh = in.text("label_zh", {1, 40});
  c.label_en = in.text("label_en", {1, 60});
  c.active = in.optional_boolean("active").value_or(true);
  if (const auto* d = in.raw("default"); d && d->is_object()) {
    JsonInput di(d->as_object());
    c.fallback = read_class(di, false);
    nested_finish(di, in, "default");
  } else {
    in.add_error("default", !d ? "field.required" : "field.wrong_type", {{"expected", "object"}});
  }
  const auto* list = in.raw("classes");
  if (!list || !list->is_array()) {
    in.add_error("classes", !list ? "field.required" : "field.wrong_type", {{"expected", "array"}});
    return c;
  }
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const auto& v = list->as_array()[i];
    std::string at = "classes[" + std::to_string(i) + "]";
    if (!v.is_object()) {
      in.add_error(at, "field.wrong_type", {{"expected", "object"}});
      continue;
    }
    JsonInput ki(v.as_object());
    c.classes.push_back(read_class(ki, true));
    nested_finish(ki, in, at);
  }
  return c;
}

boost::json::object view_json(const ClassificationView& v) {
  auto o = classification_json(v.def);
  o["version"] = v.version;
  o["updated_at"] = v.updated_at;
  o["blank"] = v.blank;
  return o;
}

boost::json::object run_json(const ClassRun& r) {
  boost::json::object o{{"id", r.id},           {"reason", r.reason},
                        {"classification", r.classification}, {"total", r.total},
                        {"done", r.done},       {"changed", r.changed},
                        {"started_at", r.started_at}};
  o["finished_at"] = r.finished_at ? boost::json::value(*r.finished_at) : boost::json::value(nullptr);
  return o;
}

boost::json::array measures_json() {
  boost::json::array out;
  for (const auto& m : measures())
    out.push_back(boost::json::object{{"code", m.code},
                                      {"label_zh", m.label_zh},
                                      {"label_en", m.label_en},
                                      {"unit", m.unit},
                                      {"windowed", m.windowed},
                                      {"by_kind", m.by_kind},
                                      {"by_asset", m.by_asset},
                                      {"may_be_missing", m.may_be_missing}});
  return out;
}

Classification parse_body(Context& c, const std::string& code) {
  auto body = parse_json_object(c.req.body);
  JsonInput in(body);
  Classification def = read_classification(in, code);
  in.finish();
  return def;
}

}  // namespace

void add_class_routes(http::Router& r, CustomerService& svc) {
  r.add("GET", "/api/v1/customer-classifications", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& v : svc.classifications(c.user())) items.push_back(view_json(v));
    boost::json::array ops, kinds;
    for (const auto& o : class_operators()) ops.emplace_back(o);
    for (const auto& k : event_kinds()) kinds.emplace_back(k);
    return Response::json(boost::json::object{{"items", std::move(items)},
                                              {"next", nullptr},
                                              {"measures", measures_json()},
                                              {"operators", std::move(ops)},
                                              {"event_kinds", std::move(kinds)}});
  });

  r.add("GET", "/api/v1/customer-classifications/runs", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& run : svc.class_runs(c.user())) items.push_back(run_json(run));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/customer-classifications/dry-run", [&svc](Context& c) {
    auto result = svc.dry_run(c.user(), parse_body(c, ""));
    boost::json::array counts;
    for (const auto& [k, n] : result.counts)
      counts.push_back(boost::json::object{{"class", k}, {"customers", n}});
    return Response::json(
        boost::json::object{{"customers", result.customers}, {"counts", std::move(counts)}});
  });

  r.add("POST", "/api/v1/customer-classifications/recompute", [&svc](Context& c) {
    std::string code;
    if (!c.req.body.empty()) {
      auto body = parse_json_object(c.req.body);
      JsonInput in(body);
      code = in.optional_text("classification", {1, 40}).value_or("");
      in.finish();
    }
    return Response::json(run_json(svc.recompute(c.user(), code)), 202);
  });

  r.add("GET", "/api/v1/customer-classifications/{code}", [&svc](Context& c) {
    return Response::json(view_json(svc.classification(c.user(), c.req.path_param("code"))));
  });

  r.add("PUT", "/api/v1/customer-classifications/{code}", [&svc](Context& c) {
    std::string code = c.req.path_param("code");
    return Response::json(view_json(svc.save_classification(c.user(), parse_body(c, code))));
  });

  r.add("GET", "/api/v1/customer-classifications/{code}/counts", [&svc](Context& c) {
    auto rep = svc.class_counts(c.user(), c.req.path_param("code"), http::query_int(c.req, "unit_id"));
    auto counts = [](const std::map<std::string, int64_t>& m) {
      boost::json::object o;
      for (const auto& [k, n] : m) o[k] = n;
      return o;
    };
    boost::json::array units;
    for (const auto& u : rep.units)
      units.push_back(boost::json::object{{"unit_id", u.unit_id},
                                          {"unit_name", u.unit_name},
                                          {"own", u.own},
                                          {"total", u.total},
                                          {"counts", counts(u.counts)}});
    return Response::json(boost::json::object{{"classification", view_json(rep.classification)},
                                              {"unit_id", rep.unit_id},
                                              {"unit_name", rep.unit_name},
                                              {"units", std::move(units)},
                                              {"totals", counts(rep.totals)}});
  });
}

}  // namespace kefu::customers
