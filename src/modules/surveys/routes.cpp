// HTTP for questionnaires, previews, benchmarks and the dimension report: parse, call the
// service, render. Answers are recorded by other modules (callbacks), never over HTTP here.
#include "modules/surveys/routes.h"

#include <charconv>
#include <set>

#include "modules/org/model.h"
#include "modules/surveys/json.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::surveys {
namespace {

namespace json = boost::json;
using http::Context;
using http::Response;

const char* const kQuestionnaire = "@entity.questionnaire";

// Throws one 422 listing `first` and then the problems of `more` on other fields.
void refuse_merged(std::vector<FieldError> first, const std::vector<FieldError>& more) {
  std::set<std::string> seen;
  for (const auto& e : first) seen.insert(e.field);
  for (const auto& e : more)
    if (seen.insert(e.field).second) first.push_back(e);
  throw Error::validation(std::move(first));
}

// A definition body (POST/PUT): reading problems and the definition rules in one answer.
Questionnaire read_definition(std::string_view body, std::optional<bool>* active) {
  json::value v = parse_json_object(body);
  std::vector<FieldError> errors;
  Questionnaire q = definition_from_json(v, errors);
  if (active) {
    if (const auto* a = v.as_object().if_contains("active")) {
      if (a->is_bool())
        *active = a->as_bool();
      else if (!a->is_null())
        errors.push_back({"active", "field.wrong_type", {{"expected", "boolean"}}});
    }
  }
  if (!errors.empty()) {
    std::vector<FieldError> rules;
    if (!q.code.empty() || q.questions.size())  // the save fills a missing code in
      rules = field_errors(check(q));
    refuse_merged(std::move(errors), rules);
  }
  return q;
}

int version_of(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return 0;
  return v;
}

json::object summary_json(const QuestionnaireSummary& s) {
  return json::object{{"id", s.id},
                      {"code", s.code},
                      {"name", s.name},
                      {"channel", s.channel},
                      {"version", s.version},
                      {"scale", s.scale},
                      {"active", s.active},
                      {"questions", s.questions},
                      {"created_at", s.created_at},
                      {"updated_at", s.updated_at}};
}

json::value rate(int64_t num, int64_t den) {
  if (den <= 0) return nullptr;
  return 100.0 * static_cast<double>(num) / static_cast<double>(den);
}

json::object row_json(const ReportRow& r) {
  json::object dims, dim_n;
  for (const auto& [code, index] : r.dims) dims[code] = index;
  for (const auto& [code, n] : r.dim_n) dim_n[code] = n;
  return json::object{
      {"key", r.key},
      {"label", r.label},
      {"answers", r.answers},
      {"satisfied", r.satisfied},
      {"satisfied_rate", rate(r.satisfied, r.answers)},
      {"hotline_asked", r.hotline_asked},
      {"hotline_told", r.hotline_told},
      {"hotline_rate", rate(r.hotline_told, r.hotline_asked)},
      {"fault_asked", r.fault_asked},
      {"fault_fixed", r.fault_fixed},
      {"fault_fixed_rate", rate(r.fault_fixed, r.fault_asked)},
      {"overall", r.overall ? json::value(*r.overall) : json::value(nullptr)},
      {"dimensions", std::move(dims)},
      {"dimension_n", std::move(dim_n)},
  };
}

std::vector<Benchmark> read_benchmarks(JsonInput& in) {
  std::vector<Benchmark> out;
  const auto* v = in.raw("items");
  if (!v || v->is_null()) {
    in.add_error("items", v ? "field.not_nullable" : "field.required");
    return out;
  }
  if (!v->is_array()) {
    in.add_error("items", "field.wrong_type", {{"expected", "array"}});
    return out;
  }
  const auto& arr = v->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = "items[" + std::to_string(i) + "]";
    Benchmark b;
    if (!arr[i].is_object()) {
      in.add_error(at, "field.wrong_type", {{"expected", "object"}});
      continue;
    }
    JsonInput item(arr[i].as_object());
    b.questionnaire_code = item.text("questionnaire_code", {1, 32});
    b.dimension = item.text("dimension", {1, 32});
    b.period = item.text("period", {7, 7});
    b.level = item.text("level", {1, 10});
    const auto* val = item.raw("value");
    if (!val)
      item.add_error("value", "field.required");
    else if (val->is_number())
      b.value = val->to_number<double>();
    else if (!val->is_null())
      item.add_error("value", "field.wrong_type", {{"expected", "number"}});
    try {
      item.finish();
    } catch (const Error& e) {
      for (const auto& f : e.fields()) in.add_error(at + "." + f.field, f.code, f.params);
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

void add_routes(http::Router& r, SurveyService& svc) {
  r.add("GET", "/api/v1/questionnaires", [&svc](Context& c) {
    json::array items;
    for (const auto& s : svc.list(c.user())) items.push_back(summary_json(s));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/questionnaires", [&svc](Context& c) {
    if (!c.user().can(org::perm::kSurveyAdmin)) throw Error::forbidden();
    Questionnaire q = read_definition(c.req.body, nullptr);
    return Response::json(questionnaire_json(svc.create(c.user(), std::move(q))), 201);
  });

  r.add("GET", "/api/v1/questionnaires/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kQuestionnaire);
    return Response::json(questionnaire_json(svc.get(c.user(), id)));
  });

  r.add("PUT", "/api/v1/questionnaires/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kQuestionnaire);
    if (!c.user().can(org::perm::kSurveyAdmin)) throw Error::forbidden();
    Questionnaire q = read_definition(c.req.body, nullptr);
    return Response::json(questionnaire_json(svc.save(c.user(), id, std::move(q))));
  });

  r.add("PATCH", "/api/v1/questionnaires/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kQuestionnaire);
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto active = in.optional_boolean("active");
    if (!active && in.ok()) in.add_error("active", "field.required");
    in.finish();
    return Response::json(questionnaire_json(svc.set_active(c.user(), id, *active)));
  });

  r.add("GET", "/api/v1/questionnaires/{id}/versions", [&svc](Context& c) {
    int64_t id = c.id_param("id", kQuestionnaire);
    json::array items;
    for (const auto& v : svc.versions(c.user(), id))
      items.push_back(json::object{
          {"version", v.version},
          {"created_at", v.created_at},
          {"created_by", v.created_by ? json::value(*v.created_by) : json::value(nullptr)}});
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("GET", "/api/v1/questionnaires/{id}/versions/{version}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kQuestionnaire);
    int v = version_of(c.req.path_param("version"));
    if (!v) throw Error::not_found(kQuestionnaire);
    return Response::json(questionnaire_json(svc.get_version(c.user(), id, v)));
  });

  r.add("POST", "/api/v1/questionnaires/{id}/preview-score", [&svc](Context& c) {
    int64_t id = c.id_param("id", kQuestionnaire);
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    const auto* raw_answers = in.raw("answers");
    const auto* raw_def = in.raw("definition");
    bool partial = in.optional_boolean("partial").value_or(false);
    if (!raw_answers) in.add_error("answers", "field.required");
    in.finish();
    std::vector<FieldError> errors;
    Answers answers = SurveyService::answers_from_json(*raw_answers, errors);
    if (!raw_answers->is_object()) throw Error::validation(std::move(errors));
    std::optional<Questionnaire> draft;
    if (raw_def && !raw_def->is_null()) {
      std::vector<FieldError> def_errors;
      draft = definition_from_json(*raw_def, def_errors, "definition");
      if (!def_errors.empty()) refuse_merged(std::move(def_errors), errors);
    }
    Preview p;
    try {
      p = svc.preview(c.user(), id, answers, draft, partial);
    } catch (const Error& e) {
      if (errors.empty() || e.kind() != ErrorKind::kUnprocessable) throw;
      refuse_merged(std::move(errors), e.fields());
    }
    if (!errors.empty()) throw Error::validation(std::move(errors));
    json::array shown, missing;
    for (const auto& s : p.shown) shown.push_back(json::value(s));
    for (const auto& s : p.missing) missing.push_back(json::value(s));
    return Response::json(json::object{{"scored", scored_json(p.scored)},
                                       {"complete", p.complete},
                                       {"shown", std::move(shown)},
                                       {"missing", std::move(missing)}});
  });

  r.add("GET", "/api/v1/survey-benchmarks", [&svc](Context& c) {
    BenchmarkQuery q;
    q.questionnaire_code = http::query_text(c.req, "questionnaire_code", 32);
    q.from = http::query_text(c.req, "from", 7);
    q.to = http::query_text(c.req, "to", 7);
    json::array items;
    for (const auto& b : svc.benchmarks(c.user(), q)) items.push_back(benchmark_json(b));
    return Response::json(json::object{{"items", std::move(items)}});
  });

  r.add("PUT", "/api/v1/survey-benchmarks", [&svc](Context& c) {
    if (!c.user().can(org::perm::kSurveyAdmin)) throw Error::forbidden();
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto items = read_benchmarks(in);
    in.finish();
    json::array out;
    for (const auto& b : svc.set_benchmarks(c.user(), items)) out.push_back(benchmark_json(b));
    return Response::json(json::object{{"items", std::move(out)}});
  });

  r.add("GET", "/api/v1/survey-reports/dimensions", [&svc](Context& c) {
    ReportQuery q;
    auto qid = http::query_int(c.req, "questionnaire_id");
    if (!qid)
      throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "questionnaire_id"}});
    q.questionnaire_id = *qid;
    q.from = http::query_text(c.req, "from", 7).value_or("");
    q.to = http::query_text(c.req, "to", 7).value_or(q.from);
    q.group = http::query_text(c.req, "group", 10).value_or("month");
    q.unit_id = http::query_int(c.req, "unit_id");
    Report rep = svc.report(c.user(), q);
    json::array dims;
    for (const auto& d : rep.questionnaire.dimensions)
      dims.push_back(json::object{{"code", d.code}, {"name", d.name}, {"weight", d.weight}});
    json::array rows, benchmarks;
    for (const auto& row : rep.rows) rows.push_back(row_json(row));
    for (const auto& b : rep.benchmarks) benchmarks.push_back(benchmark_json(b));
    return Response::json(
        json::object{{"questionnaire", json::object{{"id", rep.questionnaire.id},
                                                    {"code", rep.questionnaire.code},
                                                    {"name", rep.questionnaire.name},
                                                    {"version", rep.questionnaire.version},
                                                    {"scale", rep.questionnaire.scale},
                                                    {"dimensions", std::move(dims)}}},
                     {"from", q.from},
                     {"to", q.to},
                     {"group", q.group},
                     {"unit_id", q.unit_id ? json::value(*q.unit_id) : json::value(nullptr)},
                     {"rows", std::move(rows)},
                     {"total", row_json(rep.total)},
                     {"benchmarks", std::move(benchmarks)}});
  });
}

}  // namespace kefu::surveys
