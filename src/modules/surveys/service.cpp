#include "modules/surveys/service.h"

#include <algorithm>
#include <map>
#include <set>

#include "modules/org/model.h"
#include "modules/surveys/json.h"
#include "modules/surveys/store.h"
#include "platform/audit/audit.h"
#include "platform/core/json_input.h"
#include "platform/events/outbox.h"

namespace kefu::surveys {
namespace {

namespace json = boost::json;

const char* const kQuestionnaire = "@entity.questionnaire";

void require(const auth::Principal& p, std::string_view perm) {
  if (!p.can(perm)) throw Error::forbidden();
}

std::string dump(const Questionnaire& q) {
  return json::serialize(questionnaire_json(q));
}

auth::Principal scope_reader(const auth::Principal& p) {
  auto sys = org::OrgService::system_principal(p.username);
  sys.unit_path = p.unit_path;
  return sys;
}

QuestionnaireSummary summary(const store::Head& h, const Questionnaire& q) {
  return {h.id,
          h.code,
          h.name,
          h.channel,
          h.current_version,
          q.scale,
          h.active,
          q.questions.size(),
          h.created_at,
          h.updated_at};
}

// The definition as it is stored: code, name, channel, scale, dimensions, questions, script.
std::string definition_text(const Questionnaire& q) {
  return json::serialize(definition_json(q));
}

}  // namespace

std::vector<FieldError> field_errors(const std::vector<Problem>& problems,
                                     const std::string& prefix) {
  std::vector<FieldError> out;
  out.reserve(problems.size());
  for (const auto& p : problems)
    out.push_back({prefix.empty() ? p.field : prefix + "." + p.field, p.code, p.params});
  return out;
}

SurveyService::SurveyService(db::Database& db, const Clock& clock, org::OrgService& org,
                             int utc_offset_minutes)
    : db_(db), clock_(clock), org_(org), offset_minutes_(utc_offset_minutes) {}

void SurveyService::ensure_presets() {
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    for (const auto& q : presets()) {
      if (!store::claim_preset(s, q.code, now)) continue;
      if (store::head_by_code(s, q.code)) continue;  // an admin made one with that code
      store::Head h{0, q.code, q.name, q.channel, 1, true, now, now};
      h.id = store::insert_head(s, h);
      store::insert_version(s, h.id, 1, definition_text(q), now, std::nullopt);
    }
  });
}

// ---------------------------------------------------------------- for other modules

std::optional<Questionnaire> SurveyService::current(db::Session& s, int64_t id) {
  auto h = store::head(s, id);
  if (!h || !h->active) return std::nullopt;
  return store::load(s, *h, h->current_version);
}

std::optional<Questionnaire> SurveyService::version(db::Session& s, int64_t id, int v) {
  auto h = store::head(s, id);
  if (!h) return std::nullopt;
  return store::load(s, *h, v);
}

std::optional<Questionnaire> SurveyService::by_code(db::Session& s, const std::string& code) {
  auto h = store::head_by_code(s, code);
  if (!h || !h->active) return std::nullopt;
  return store::load(s, *h, h->current_version);
}

std::optional<SurveyService::Current> SurveyService::current_by_code(db::Session& s,
                                                                    const std::string& code) {
  auto h = store::head_by_code(s, code);
  if (!h || !h->active) return std::nullopt;
  return Current{h->id, h->current_version, h->channel};
}

std::optional<std::string> SurveyService::name_of(db::Session& s, int64_t questionnaire_id) {
  auto h = store::head(s, questionnaire_id);
  if (!h) return std::nullopt;
  return h->name;
}

Answers SurveyService::answers_from_json(const json::value& v, std::vector<FieldError>& errors) {
  Answers out;
  if (!v.is_object()) {
    errors.push_back({"answers", "field.wrong_type", {{"expected", "object"}}});
    return out;
  }
  if (v.as_object().size() > kMaxQuestions) {
    errors.push_back({"answers", "survey.too_many", {{"max", std::to_string(kMaxQuestions)}}});
    return out;
  }
  for (const auto& kv : v.as_object()) {
    std::string code(kv.key());
    const std::string field = "answers." + code;
    const json::value& x = kv.value();
    if (x.is_null()) continue;  // no answer
    if (x.is_int64()) {
      out.emplace(code, x.as_int64());
    } else if (x.is_bool()) {
      out.emplace(code, x.as_bool());
    } else if (x.is_string()) {
      out.emplace(code, std::string(x.as_string()));
    } else if (x.is_array()) {
      std::vector<std::string> codes;
      bool ok = true;
      for (const auto& c : x.as_array()) {
        if (!c.is_string()) {
          ok = false;
          break;
        }
        codes.emplace_back(c.as_string());
      }
      if (ok && codes.size() <= kMaxOptions)
        out.emplace(code, std::move(codes));
      else
        errors.push_back({field, "field.wrong_type", {{"expected", "array of strings"}}});
    } else if (x.is_uint64() || x.is_double()) {
      errors.push_back({field, "field.wrong_type", {{"expected", "integer"}}});
    } else {
      errors.push_back(
          {field, "field.wrong_type", {{"expected", "integer / boolean / string / array"}}});
    }
  }
  return out;
}

Answers SurveyService::parse_answers(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !valid_utf8(text))
    throw Error::validation({{"answers", "field.wrong_type", {{"expected", "object"}}}});
  std::vector<FieldError> errors;
  Answers a = answers_from_json(v, errors);
  if (!errors.empty()) throw Error::validation(std::move(errors));
  return a;
}

Scored SurveyService::check_answers(const Questionnaire& q, const Answers& a) {
  if (auto problems = validate(q, a); !problems.empty())
    throw Error::validation(field_errors(problems));
  return score(q, a);
}

int64_t SurveyService::record(db::Session& s, const AnswerRecord& r) {
  if (store::answer_id_of(s, r.source, r.source_id))
    throw Error(ErrorKind::kConflict, "survey.already_answered");
  int64_t id = store::insert_answer(s, r);
  store::DailyKey k{local_day(r.answered_at, offset_minutes_),
                    r.questionnaire_id,
                    r.unit_id,
                    r.agent_id.value_or(0),
                    r.staff_id.value_or(0),
                    r.unit_path};
  const Scored& sc = r.scored;
  store::add_daily(s, k, "#answers", 1, sc.satisfied ? 1 : 0);
  if (sc.overall) store::add_daily(s, k, "overall", 1, *sc.overall);
  for (const auto& d : sc.dimensions) store::add_daily(s, k, d.code, 1, d.index);
  if (sc.hotline_told) store::add_daily(s, k, "#hotline_told", 1, *sc.hotline_told ? 1 : 0);
  if (sc.fault_fixed) store::add_daily(s, k, "#fault_fixed", 1, *sc.fault_fixed ? 1 : 0);

  json::object payload{{"answer_id", id},
                       {"questionnaire_id", r.questionnaire_id},
                       {"version", r.version},
                       {"source", r.source},
                       {"source_id", r.source_id},
                       {"channel", r.channel},
                       {"customer_id", r.customer_id},
                       {"unit_id", r.unit_id},
                       {"satisfied", sc.satisfied},
                       {"dissatisfied", dissatisfied_json(sc.dissatisfied)},
                       {"complaint_text", sc.complaint_text}};
  payload["overall"] = sc.overall ? json::value(*sc.overall) : json::value(nullptr);
  payload["agent_id"] = r.agent_id ? json::value(*r.agent_id) : json::value(nullptr);
  payload["staff_id"] = r.staff_id ? json::value(*r.staff_id) : json::value(nullptr);
  events::publish(s, clock_.now_ms(),
                  {"survey.completed", "survey_answer", std::to_string(id), r.unit_id, r.agent_id,
                   json::serialize(payload)});
  return id;
}

std::optional<StoredAnswer> SurveyService::answer_of(db::Session& s, const std::string& source,
                                                     int64_t source_id) {
  return store::answer_of(s, source, source_id);
}

json::object SurveyService::to_json(const Questionnaire& q) {
  return questionnaire_json(q);
}
json::object SurveyService::to_json(const Scored& s) {
  return scored_json(s);
}
json::object SurveyService::to_json(const StoredAnswer& a) {
  return answer_json(a);
}

// ---------------------------------------------------------------- admin

std::vector<QuestionnaireSummary> SurveyService::list(const auth::Principal& p) {
  require(p, org::perm::kSurveyRead);
  return db_.reading([&](db::Session& s) {
    std::vector<QuestionnaireSummary> out;
    for (const auto& h : store::heads(s)) {
      auto q = store::load(s, h, h.current_version);
      out.push_back(summary(h, q.value_or(Questionnaire{})));
    }
    return out;
  });
}

Questionnaire SurveyService::get(const auth::Principal& p, int64_t id) {
  require(p, org::perm::kSurveyRead);
  auto q = db_.reading([&](db::Session& s) -> std::optional<Questionnaire> {
    auto h = store::head(s, id);
    if (!h) return std::nullopt;
    return store::load(s, *h, h->current_version);
  });
  if (!q) throw Error::not_found(kQuestionnaire);
  return *q;
}

Questionnaire SurveyService::get_version(const auth::Principal& p, int64_t id, int v) {
  require(p, org::perm::kSurveyRead);
  auto q = db_.reading([&](db::Session& s) { return version(s, id, v); });
  if (!q) throw Error::not_found(kQuestionnaire);
  return *q;
}

std::vector<VersionInfo> SurveyService::versions(const auth::Principal& p, int64_t id) {
  require(p, org::perm::kSurveyRead);
  auto out = db_.reading([&](db::Session& s) {
    if (!store::head(s, id)) throw Error::not_found(kQuestionnaire);
    return store::versions(s, id);
  });
  return out;
}

Questionnaire SurveyService::create(const auth::Principal& p, Questionnaire def) {
  require(p, org::perm::kSurveyAdmin);
  if (auto problems = check(def); !problems.empty())
    throw Error::validation(field_errors(problems));
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    if (store::head_by_code(s, def.code))
      throw Error(ErrorKind::kConflict, "survey.code_taken", {{"code", def.code}});
    store::Head h{0, def.code, def.name, def.channel, 1, true, now, now};
    h.id = store::insert_head(s, h);
    store::insert_version(s, h.id, 1, definition_text(def), now, p.actor_id());
    def.id = h.id;
    def.version = 1;
    def.active = true;
    audit::append(s, now,
                  {p.actor_id(), p.username, "survey.questionnaire.create", "questionnaire",
                   std::to_string(h.id), p.unit_path, "", dump(def), p.request_id});
    return def;
  });
}

Questionnaire SurveyService::save(const auth::Principal& p, int64_t id, Questionnaire def) {
  require(p, org::perm::kSurveyAdmin);
  auto existing = db_.reading([&](db::Session& s) { return store::head(s, id); });
  if (!existing) throw Error::not_found(kQuestionnaire);
  if (def.code.empty()) def.code = existing->code;
  std::vector<FieldError> errors;
  if (def.code != existing->code) errors.push_back({"code", "survey.code_immutable", {}});
  for (auto& e : field_errors(check(def)))
    if (e.field != "code" || errors.empty()) errors.push_back(std::move(e));
  if (!errors.empty()) throw Error::validation(std::move(errors));
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    auto h = store::head(s, id);
    if (!h) throw Error::not_found(kQuestionnaire);
    auto before = store::load(s, *h, h->current_version);
    if (before && definition_text(*before) == definition_text(def)) return *before;
    h->current_version += 1;
    h->name = def.name;
    h->channel = def.channel;
    h->updated_at = now;
    store::update_head(s, *h);
    store::insert_version(s, id, h->current_version, definition_text(def), now, p.actor_id());
    def.id = id;
    def.version = h->current_version;
    def.active = h->active;
    audit::append(
        s, now,
        {p.actor_id(), p.username, "survey.questionnaire.version", "questionnaire",
         std::to_string(id), p.unit_path, before ? dump(*before) : "", dump(def), p.request_id});
    return def;
  });
}

Questionnaire SurveyService::set_active(const auth::Principal& p, int64_t id, bool active) {
  require(p, org::perm::kSurveyAdmin);
  int64_t now = clock_.now_ms();
  auto out = db_.writing([&](db::Session& s) -> std::optional<Questionnaire> {
    auto h = store::head(s, id);
    if (!h) return std::nullopt;
    auto q = store::load(s, *h, h->current_version);
    if (!q) return std::nullopt;
    if (h->active == active) return q;
    h->active = active;
    h->updated_at = now;
    store::update_head(s, *h);
    std::string before = dump(*q);
    q->active = active;
    audit::append(
        s, now,
        {p.actor_id(), p.username,
         active ? "survey.questionnaire.activate" : "survey.questionnaire.deactivate",
         "questionnaire", std::to_string(id), p.unit_path, before, dump(*q), p.request_id});
    return q;
  });
  if (!out) throw Error::not_found(kQuestionnaire);
  return *out;
}

Preview SurveyService::preview(const auth::Principal& p, int64_t id, const Answers& answers,
                               const std::optional<Questionnaire>& draft, bool partial) {
  Questionnaire q = get(p, id);  // survey.read, 404
  if (draft) {
    Questionnaire d = *draft;
    if (d.code.empty()) d.code = q.code;
    if (auto problems = check(d); !problems.empty())
      throw Error::validation(field_errors(problems, "definition"));
    d.id = q.id;
    d.version = q.version;
    q = std::move(d);
  }
  Preview out;
  std::vector<Problem> problems;
  for (auto& pr : validate(q, answers)) {
    if (pr.code == "field.required") out.missing.push_back(pr.field.substr(8));  // "answers."
    if (!partial || pr.code != "field.required") problems.push_back(std::move(pr));
  }
  if (!problems.empty()) throw Error::validation(field_errors(problems));
  out.scored = score(q, answers);
  out.complete = out.missing.empty();
  auto vis = shown(q, answers);
  for (const auto& x : q.questions)
    if (vis[x.code]) out.shown.push_back(x.code);
  return out;
}

// ---------------------------------------------------------------- benchmarks

std::vector<Benchmark> SurveyService::benchmarks(const auth::Principal& p,
                                                 const BenchmarkQuery& q) {
  require(p, org::perm::kSurveyRead);
  std::vector<FieldError> e;
  if (q.from && !valid_month(*q.from)) e.push_back({"from", "survey.month_invalid", {}});
  if (q.to && !valid_month(*q.to)) e.push_back({"to", "survey.month_invalid", {}});
  if (!e.empty()) throw Error::validation(std::move(e));
  return db_.reading([&](db::Session& s) { return store::benchmarks(s, q); });
}

std::vector<Benchmark> SurveyService::set_benchmarks(const auth::Principal& p,
                                                     const std::vector<Benchmark>& items) {
  require(p, org::perm::kSurveyAdmin);
  if (items.size() > 2000)
    throw Error::validation({{"items", "survey.too_many", {{"max", "2000"}}}});
  // The questionnaires named, with their current definitions (dimension codes and scale).
  std::map<std::string, std::optional<Questionnaire>> named;
  db_.read([&](db::Session& s) {
    for (const auto& b : items) {
      if (named.count(b.questionnaire_code)) continue;
      auto h = store::head_by_code(s, b.questionnaire_code);
      named[b.questionnaire_code] = h ? store::load(s, *h, h->current_version) : std::nullopt;
    }
  });
  std::vector<FieldError> e;
  std::set<std::string> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& b = items[i];
    const std::string at = "items[" + std::to_string(i) + "]";
    const auto& q = named[b.questionnaire_code];
    if (!q) {
      e.push_back({at + ".questionnaire_code", "survey.questionnaire_unknown", {}});
      continue;
    }
    bool dim_ok = b.dimension == "overall";
    for (const auto& d : q->dimensions) dim_ok = dim_ok || d.code == b.dimension;
    if (!dim_ok) e.push_back({at + ".dimension", "survey.dimension_unknown", {}});
    if (!valid_month(b.period)) e.push_back({at + ".period", "survey.month_invalid", {}});
    if (b.level != "region" && b.level != "nation")
      e.push_back({at + ".level", "survey.level_invalid", {}});
    if (b.value && !(*b.value >= 0 && *b.value <= q->scale))
      e.push_back(
          {at + ".value", "survey.value_out_of_range", {{"max", std::to_string(q->scale)}}});
    if (!seen.insert(b.questionnaire_code + "|" + b.dimension + "|" + b.period + "|" + b.level)
             .second)
      e.push_back({at, "survey.benchmark_repeated", {}});
  }
  if (!e.empty()) throw Error::validation(std::move(e));
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    std::vector<Benchmark> out;
    std::set<std::string> codes;
    for (const auto& b : items) codes.insert(b.questionnaire_code);
    json::array before, after;
    for (const auto& code : codes)
      for (const auto& b : store::benchmarks(s, {code, std::nullopt, std::nullopt}))
        before.push_back(benchmark_json(b));
    for (const auto& b : items) {
      if (b.value)
        store::put_benchmark(s, b, now, p.actor_id());
      else
        store::delete_benchmark(s, b);
    }
    for (const auto& code : codes)
      for (auto& b : store::benchmarks(s, {code, std::nullopt, std::nullopt})) {
        after.push_back(benchmark_json(b));
        out.push_back(std::move(b));
      }
    if (before != after)
      audit::append(
          s, now,
          {p.actor_id(), p.username, "survey.benchmarks.set", "survey_benchmarks", *codes.begin(),
           p.unit_path, json::serialize(before), json::serialize(after), p.request_id});
    return out;
  });
}

// ---------------------------------------------------------------- report

Report SurveyService::report(const auth::Principal& p, const ReportQuery& rq) {
  require(p, org::perm::kSurveyRead);
  std::vector<FieldError> e;
  if (!valid_month(rq.from)) e.push_back({"from", "survey.month_invalid", {}});
  if (!valid_month(rq.to)) e.push_back({"to", "survey.month_invalid", {}});
  if (e.empty() && rq.to < rq.from) e.push_back({"to", "survey.range_reversed", {}});
  if (e.empty()) {
    int months = (std::stoi(rq.to.substr(0, 4)) - std::stoi(rq.from.substr(0, 4))) * 12 +
                 std::stoi(rq.to.substr(5, 2)) - std::stoi(rq.from.substr(5, 2)) + 1;
    if (months > 36) e.push_back({"to", "survey.range_too_long", {{"max", "36"}}});
  }
  if (rq.group != "month" && rq.group != "unit" && rq.group != "agent" && rq.group != "staff")
    e.push_back({"group", "survey.group_invalid", {}});
  if (!e.empty()) throw Error::validation(std::move(e));
  std::string path = p.unit_path;
  if (rq.unit_id) path = org_.get_unit(scope_reader(p), *rq.unit_id).path;  // 404 outside scope

  Report out;
  out.query = rq;
  std::vector<store::DailySum> sums;
  std::optional<Questionnaire> q;
  db_.read([&](db::Session& s) {
    auto h = store::head(s, rq.questionnaire_id);
    if (!h) return;
    q = store::load(s, *h, h->current_version);
    if (!q) return;
    sums = store::daily_sums(s, rq.questionnaire_id, rq.from + "-01", next_month(rq.to) + "-01",
                             path, rq.group);
    out.benchmarks = store::benchmarks(s, {h->code, rq.from, rq.to});
  });
  if (!q) throw Error::not_found(kQuestionnaire);
  out.questionnaire = *q;

  // Fold the sums into rows (in key order) and the total.
  std::map<std::string, std::map<std::string, std::pair<int64_t, double>>> by_key;
  std::map<std::string, std::pair<int64_t, double>> total;
  for (const auto& x : sums) {
    auto& cell = by_key[x.key][x.dimension];
    cell.first += x.n;
    cell.second += x.total;
    auto& t = total[x.dimension];
    t.first += x.n;
    t.second += x.total;
  }
  auto fold = [&](const std::string& key,
                  const std::map<std::string, std::pair<int64_t, double>>& m) {
    ReportRow r;
    r.key = key;
    auto get = [&](const char* d) {
      auto it = m.find(d);
      return it == m.end() ? std::pair<int64_t, double>{0, 0} : it->second;
    };
    auto [answers, satisfied] = get("#answers");
    r.answers = answers;
    r.satisfied = static_cast<int64_t>(satisfied + 0.5);
    auto [ha, ht] = get("#hotline_told");
    r.hotline_asked = ha;
    r.hotline_told = static_cast<int64_t>(ht + 0.5);
    auto [fa, ff] = get("#fault_fixed");
    r.fault_asked = fa;
    r.fault_fixed = static_cast<int64_t>(ff + 0.5);
    if (auto [n, t] = get("overall"); n > 0) r.overall = t / static_cast<double>(n);
    for (const auto& d : out.questionnaire.dimensions) {
      auto it = m.find(d.code);
      if (it == m.end() || it->second.first == 0) continue;
      r.dims.emplace_back(d.code, it->second.second / static_cast<double>(it->second.first));
      r.dim_n.emplace_back(d.code, it->second.first);
    }
    return r;
  };
  if (rq.group == "month")  // every month of the range, with or without answers
    for (std::string m = rq.from; m <= rq.to; m = next_month(m)) by_key[m];
  for (const auto& [key, m] : by_key) out.rows.push_back(fold(key, m));
  out.total = fold("total", total);

  // Labels: months as they are; units and people by name (outside any transaction).
  auto sys = org::OrgService::system_principal();
  for (auto& r : out.rows) {
    r.label = r.key;
    if (rq.group == "month") continue;
    int64_t id = std::stoll(r.key);
    if (id == 0) {
      r.label = "";
      continue;
    }
    try {
      r.label =
          rq.group == "unit" ? org_.get_unit(sys, id).name : org_.get_user(sys, id).display_name;
    } catch (const Error&) {
      r.label = "#" + r.key;
    }
  }
  return out;
}

}  // namespace kefu::surveys
