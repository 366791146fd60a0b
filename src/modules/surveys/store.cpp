#include "modules/surveys/store.h"

#include "modules/surveys/json.h"

namespace kefu::surveys::store {
namespace {

constexpr const char* kHead =
    "SELECT id, code, name, channel, current_version, active, created_at, updated_at FROM "
    "questionnaires";

Head head_from(const db::Row& r) {
  Head h;
  h.id = r.i64(0);
  h.code = r.str(1);
  h.name = r.str(2);
  h.channel = r.str(3);
  h.current_version = static_cast<int>(r.i64(4));
  h.active = r.boolean(5);
  h.created_at = r.i64(6);
  h.updated_at = r.i64(7);
  return h;
}

std::optional<bool> opt_bool(const db::Row& r, size_t i) {
  if (r.is_null(i)) return std::nullopt;
  return r.boolean(i);
}

}  // namespace

std::vector<Head> heads(db::Session& s) {
  std::vector<Head> out;
  for (const auto& r : s.query(std::string(kHead) + " ORDER BY id")) out.push_back(head_from(r));
  return out;
}

std::optional<Head> head(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string(kHead) + " WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return head_from(*r);
}

std::optional<Head> head_by_code(db::Session& s, const std::string& code) {
  auto r = s.query_one(std::string(kHead) + " WHERE code = ?", {code});
  if (!r) return std::nullopt;
  return head_from(*r);
}

std::optional<Questionnaire> load(db::Session& s, const Head& h, int version) {
  auto r = s.query_one(
      "SELECT definition FROM questionnaire_versions WHERE questionnaire_id = ? AND version = ?",
      {h.id, version});
  if (!r) return std::nullopt;
  Questionnaire q = definition_from_text(r->str(0));
  q.id = h.id;
  q.code = h.code;
  q.version = version;
  q.active = h.active;
  return q;
}

std::vector<VersionInfo> versions(db::Session& s, int64_t id) {
  std::vector<VersionInfo> out;
  for (const auto& r :
       s.query("SELECT version, created_at, created_by FROM questionnaire_versions WHERE "
               "questionnaire_id = ? ORDER BY version DESC",
               {id}))
    out.push_back({static_cast<int>(r.i64(0)), r.i64(1), r.opt_i64(2)});
  return out;
}

int64_t insert_head(db::Session& s, const Head& h) {
  return s
      .query_one(
          "INSERT INTO questionnaires (code, name, channel, current_version, active, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {h.code, h.name, h.channel, h.current_version, h.active, h.created_at, h.updated_at})
      ->i64(0);
}

void update_head(db::Session& s, const Head& h) {
  s.exec(
      "UPDATE questionnaires SET name = ?, channel = ?, current_version = ?, active = ?, "
      "updated_at = ? WHERE id = ?",
      {h.name, h.channel, h.current_version, h.active, h.updated_at, h.id});
}

void insert_version(db::Session& s, int64_t id, int version, const std::string& definition,
                    int64_t now, std::optional<int64_t> by) {
  s.exec(
      "INSERT INTO questionnaire_versions (questionnaire_id, version, definition, created_at, "
      "created_by) VALUES (?, ?, ?, ?, ?)",
      {id, version, definition, now, by});
}

bool claim_preset(db::Session& s, const std::string& code, int64_t now) {
  return s.exec(
             "INSERT INTO survey_presets (code, applied_at) VALUES (?, ?) ON CONFLICT (code) DO "
             "NOTHING",
             {code, now}) > 0;
}

std::optional<int64_t> answer_id_of(db::Session& s, const std::string& source, int64_t source_id) {
  auto r = s.query_one("SELECT id FROM survey_answers WHERE source = ? AND source_id = ?",
                       {source, source_id});
  if (!r) return std::nullopt;
  return r->i64(0);
}

int64_t insert_answer(db::Session& s, const SurveyService::AnswerRecord& r) {
  const Scored& sc = r.scored;
  int64_t id =
      s.query_one(
           "INSERT INTO survey_answers (questionnaire_id, version, source, source_id, channel, "
           "customer_id, unit_id, unit_path, agent_id, staff_id, answered_at, overall, satisfied, "
           "hotline_told, fault_fixed, complaint_text, answers_json, dissatisfied_json) VALUES "
           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
           {r.questionnaire_id, r.version, r.source, r.source_id, r.channel, r.customer_id,
            r.unit_id, r.unit_path, r.agent_id, r.staff_id, r.answered_at, sc.overall, sc.satisfied,
            sc.hotline_told, sc.fault_fixed, sc.complaint_text,
            boost::json::serialize(answers_json(r.answers)),
            boost::json::serialize(dissatisfied_json(sc.dissatisfied))})
          ->i64(0);
  for (const auto& d : sc.dimensions)
    s.exec(
        "INSERT INTO survey_answer_dimensions (answer_id, dimension, index_value) VALUES (?, ?, ?)",
        {id, d.code, d.index});
  return id;
}

std::optional<StoredAnswer> answer_of(db::Session& s, const std::string& source,
                                      int64_t source_id) {
  auto r = s.query_one(
      "SELECT id, questionnaire_id, version, source, source_id, channel, customer_id, unit_id, "
      "unit_path, agent_id, staff_id, answered_at, overall, satisfied, hotline_told, fault_fixed, "
      "complaint_text, answers_json, dissatisfied_json FROM survey_answers WHERE source = ? AND "
      "source_id = ?",
      {source, source_id});
  if (!r) return std::nullopt;
  StoredAnswer a;
  a.id = r->i64(0);
  a.questionnaire_id = r->i64(1);
  a.version = static_cast<int>(r->i64(2));
  a.source = r->str(3);
  a.source_id = r->i64(4);
  a.channel = r->str(5);
  a.customer_id = r->i64(6);
  a.unit_id = r->i64(7);
  a.unit_path = r->str(8);
  a.agent_id = r->opt_i64(9);
  a.staff_id = r->opt_i64(10);
  a.answered_at = r->i64(11);
  if (!r->is_null(12)) a.scored.overall = r->f64(12);
  a.scored.satisfied = r->boolean(13);
  a.scored.hotline_told = opt_bool(*r, 14);
  a.scored.fault_fixed = opt_bool(*r, 15);
  a.scored.complaint_text = r->str(16);
  std::vector<FieldError> ignored;
  boost::system::error_code ec;
  auto answers = boost::json::parse(r->str(17), ec);
  if (!ec) a.answers = SurveyService::answers_from_json(answers, ignored);
  auto dis = boost::json::parse(r->str(18), ec);
  if (!ec) a.scored.dissatisfied = dissatisfied_from_json(dis);
  for (const auto& d :
       s.query("SELECT dimension, index_value FROM survey_answer_dimensions WHERE answer_id = ?",
               {a.id}))
    a.scored.dimensions.push_back({d.str(0), d.f64(1)});
  return a;
}

void add_daily(db::Session& s, const DailyKey& k, const std::string& dimension, int64_t n,
               double total) {
  s.exec(
      "INSERT INTO survey_daily (day, questionnaire_id, unit_id, agent_id, staff_id, dimension, "
      "unit_path, n, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (questionnaire_id, day, "
      "unit_id, agent_id, staff_id, dimension) DO UPDATE SET n = survey_daily.n + excluded.n, "
      "total = survey_daily.total + excluded.total",
      {k.day, k.questionnaire_id, k.unit_id, k.agent_id, k.staff_id, dimension, k.unit_path, n,
       total});
}

std::vector<DailySum> daily_sums(db::Session& s, int64_t questionnaire_id,
                                 const std::string& from_day, const std::string& to_day,
                                 const std::string& path_prefix, const std::string& group) {
  std::string key = group == "unit"    ? "CAST(unit_id AS TEXT)"
                    : group == "agent" ? "CAST(agent_id AS TEXT)"
                    : group == "staff" ? "CAST(staff_id AS TEXT)"
                                       : "substr(day, 1, 7)";
  std::vector<DailySum> out;
  for (const auto& r : s.query("SELECT " + key +
                                   " AS k, dimension, SUM(n), SUM(total) FROM survey_daily WHERE "
                                   "questionnaire_id = ? AND day >= ? AND day < ? AND unit_path "
                                   "LIKE ? GROUP BY k, dimension ORDER BY k, dimension",
                               {questionnaire_id, from_day, to_day, path_prefix + "%"}))
    out.push_back({r.str(0), r.str(1), r.i64(2), r.f64(3)});
  return out;
}

std::vector<Benchmark> benchmarks(db::Session& s, const BenchmarkQuery& q) {
  std::string sql =
      "SELECT questionnaire_code, dimension, period, level, value FROM survey_benchmarks WHERE 1 "
      "= 1";
  db::Params p;
  if (q.questionnaire_code) {
    sql += " AND questionnaire_code = ?";
    p.emplace_back(*q.questionnaire_code);
  }
  if (q.from) {
    sql += " AND period >= ?";
    p.emplace_back(*q.from);
  }
  if (q.to) {
    sql += " AND period <= ?";
    p.emplace_back(*q.to);
  }
  sql += " ORDER BY questionnaire_code, period, level, dimension";
  std::vector<Benchmark> out;
  for (const auto& r : s.query(sql, p))
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.f64(4)});
  return out;
}

void put_benchmark(db::Session& s, const Benchmark& b, int64_t now, std::optional<int64_t> by) {
  s.exec(
      "INSERT INTO survey_benchmarks (questionnaire_code, dimension, period, level, value, "
      "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (questionnaire_code, "
      "dimension, period, level) DO UPDATE SET value = excluded.value, updated_at = "
      "excluded.updated_at, updated_by = excluded.updated_by",
      {b.questionnaire_code, b.dimension, b.period, b.level, *b.value, now, by});
}

void delete_benchmark(db::Session& s, const Benchmark& b) {
  s.exec(
      "DELETE FROM survey_benchmarks WHERE questionnaire_code = ? AND dimension = ? AND period = "
      "? AND level = ?",
      {b.questionnaire_code, b.dimension, b.period, b.level});
}

}  // namespace kefu::surveys::store
