#pragma once
// Questionnaires (versioned definitions), answers with their scores, daily roll-ups, regional
// and national benchmarks, and the dimension report.
//
// For other modules (callbacks): the functions taking a db::Session& run inside the CALLER's
// transaction and never open a session of their own. A typical completion:
//
//   auto q = surveys.version(s, qid, v);                 // the version the task was given
//   auto scored = surveys.check_answers(*q, answers);    // 422 with "answers.<code>" fields
//   if (surveys.answer_of(s, "callback", task_id)) -> 409 (or let record() throw it)
//   int64_t id = surveys.record(s, {...});               // + roll-ups + "survey.completed"
//   audit::append(s, ...);                               // the caller's own audit row
//
// Admin and report use cases take the caller's Principal: `survey.admin` for questionnaires
// and benchmarks, `survey.read` to read them and the reports; reports cover the caller's
// unit subtree only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "modules/org/service.h"
#include "modules/surveys/model.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"

namespace kefu::surveys {

struct StoredAnswer {
  int64_t id = 0;
  int64_t questionnaire_id = 0;
  int version = 0;
  std::string source;  // "callback", ...
  int64_t source_id = 0;
  std::string channel;  // "phone","sms","web","face"
  int64_t customer_id = 0;
  int64_t unit_id = 0;
  std::string unit_path;
  std::optional<int64_t> agent_id, staff_id;
  int64_t answered_at = 0;
  Answers answers;
  Scored scored;  // as recorded
};

struct QuestionnaireSummary {
  int64_t id = 0;
  std::string code, name, channel;
  int version = 0;  // the current one
  int scale = 100;
  bool active = true;
  size_t questions = 0;
  int64_t created_at = 0, updated_at = 0;
};

struct VersionInfo {
  int version = 0;
  int64_t created_at = 0;
  std::optional<int64_t> created_by;
};

struct Benchmark {
  std::string questionnaire_code;
  std::string dimension;        // a dimension code or "overall"
  std::string period;           // "YYYY-MM"
  std::string level;            // "region" | "nation"
  std::optional<double> value;  // none = remove (in a PUT)
};

struct BenchmarkQuery {
  std::optional<std::string> questionnaire_code, from, to;  // months, inclusive
};

struct ReportQuery {
  int64_t questionnaire_id = 0;
  std::string from, to;            // "YYYY-MM", inclusive
  std::string group = "month";     // month | unit | agent | staff
  std::optional<int64_t> unit_id;  // a subtree inside the caller's scope (default: the caller's)
};

struct ReportRow {
  std::string key;    // "2026-03", or the unit / user id as text ("0" = none)
  std::string label;  // the month, the unit's or the user's name
  int64_t answers = 0;
  int64_t satisfied = 0;
  int64_t hotline_asked = 0, hotline_told = 0;
  int64_t fault_asked = 0, fault_fixed = 0;
  std::optional<double> overall;                     // unrounded, 0..scale
  std::vector<std::pair<std::string, double>> dims;  // code → index, unrounded
  std::vector<std::pair<std::string, int64_t>> dim_n;
};

struct Report {
  Questionnaire questionnaire;  // the current version (names of the dimensions)
  ReportQuery query;
  std::vector<ReportRow> rows;
  ReportRow total;
  std::vector<Benchmark> benchmarks;  // of the months in the range
};

struct Preview {
  Scored scored;
  bool complete = false;
  std::vector<std::string> shown;    // codes of the questions shown for these answers
  std::vector<std::string> missing;  // shown required questions without an answer
};

// kefu::FieldError from the model's problems (same members).
std::vector<FieldError> field_errors(const std::vector<Problem>& problems,
                                     const std::string& prefix = "");

class SurveyService {
 public:
  SurveyService(db::Database& db, const Clock& clock, org::OrgService& org,
                int utc_offset_minutes = 480);
  static void register_messages();
  // The shipped questionnaires (presets()), each created once; admins' edits are kept.
  void ensure_presets();

  // ---- for other modules, inside THEIR transaction (no nested sessions)
  // The current version, when the questionnaire exists and is active.
  std::optional<Questionnaire> current(db::Session& s, int64_t questionnaire_id);
  // A given version, active or not (answers keep the version they were given with).
  std::optional<Questionnaire> version(db::Session& s, int64_t questionnaire_id, int version);
  // The current version of the active questionnaire with this code.
  std::optional<Questionnaire> by_code(db::Session& s, const std::string& code);
  // Which questionnaire and version that is, without reading its definition (a rule
  // creating thousands of tasks needs only this).
  struct Current {
    int64_t id = 0;
    int version = 0;
    std::string channel;
  };
  std::optional<Current> current_by_code(db::Session& s, const std::string& code);
  // The questionnaire's name, without reading a definition (queues show it on every row).
  std::optional<std::string> name_of(db::Session& s, int64_t questionnaire_id);
  // JSON object {"<question code>": 7 | true | "opt" | ["a","b"] | null (= no answer)};
  // throws Error::validation (fields "answers" / "answers.<code>") when malformed.
  static Answers parse_answers(std::string_view json);
  // Reads an already parsed value; problems are appended to `errors`.
  static Answers answers_from_json(const boost::json::value& v, std::vector<FieldError>& errors);
  // validate() (throws Error::validation, 422, one entry per bad answer) + score().
  static Scored check_answers(const Questionnaire& q, const Answers& a);

  struct AnswerRecord {
    int64_t questionnaire_id = 0;
    int version = 0;
    std::string source = "callback";
    int64_t source_id = 0;
    std::string channel;  // "phone","sms","web","face"
    int64_t customer_id = 0;
    int64_t unit_id = 0;
    std::string unit_path;
    std::optional<int64_t> agent_id, staff_id;
    int64_t answered_at = 0;
    Answers answers;
    Scored scored;  // from check_answers
  };
  // Stores the answer, its dimension indices and the daily roll-ups, and publishes
  // "survey.completed" (payload: answer_id, questionnaire_id, version, source, source_id,
  // customer_id, unit_id, satisfied, overall, dissatisfied[], complaint_text). Returns the
  // answer id. A second answer for the same (source, source_id) throws
  // Error(kConflict, "survey.already_answered"); a concurrent one loses on the UNIQUE
  // constraint (db::ConstraintError → 409). The caller appends its own audit row.
  int64_t record(db::Session& s, const AnswerRecord& r);
  std::optional<StoredAnswer> answer_of(db::Session& s, const std::string& source,
                                        int64_t source_id);

  // JSON shapes for other modules' responses.
  static boost::json::object to_json(const Questionnaire& q);
  static boost::json::object to_json(const Scored& s);
  static boost::json::object to_json(const StoredAnswer& a);

  // ---- admin (survey.admin to write, survey.read to read)
  std::vector<QuestionnaireSummary> list(const auth::Principal& p);
  Questionnaire get(const auth::Principal& p, int64_t id);  // current version, even inactive
  Questionnaire get_version(const auth::Principal& p, int64_t id, int version);
  std::vector<VersionInfo> versions(const auth::Principal& p, int64_t id);
  // Creates version 1. Definition problems: 422 per field; a taken code: 409.
  Questionnaire create(const auth::Principal& p, Questionnaire def);
  // Saves a new version (unless nothing changed); the code cannot change.
  Questionnaire save(const auth::Principal& p, int64_t id, Questionnaire def);
  Questionnaire set_active(const auth::Principal& p, int64_t id, bool active);
  // Validates and scores answers against the current version, or against `draft` (the
  // editor's unsaved definition, checked first: problems come back as "definition.<field>").
  // `partial`: unanswered required questions are listed in `missing` instead of refused
  // (a form being filled in).
  Preview preview(const auth::Principal& p, int64_t id, const Answers& answers,
                  const std::optional<Questionnaire>& draft, bool partial = false);

  // ---- benchmarks (read: survey.read; write: survey.admin)
  std::vector<Benchmark> benchmarks(const auth::Principal& p, const BenchmarkQuery& q);
  // Upserts the given entries (value none = remove); answers the stored entries of the
  // questionnaires touched.
  std::vector<Benchmark> set_benchmarks(const auth::Principal& p,
                                        const std::vector<Benchmark>& items);

  // ---- report (survey.read, scoped): read from the daily roll-ups.
  Report report(const auth::Principal& p, const ReportQuery& q);

 private:
  db::Database& db_;
  const Clock& clock_;
  org::OrgService& org_;
  int offset_minutes_;
};

}  // namespace kefu::surveys
