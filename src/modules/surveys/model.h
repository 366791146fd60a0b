#pragma once
// Questionnaires, answers and scores: value types and the pure rules (definition checks,
// answer validation with skip logic, weighted dimension scores, the satisfied verdict).
// Standard library only.
//
// Scoring, in short:
// - a scale answer v of a question with range [min, max] counts (v - min) / (max - min);
// - a dimension's index is the weighted mean of its answered, shown scale questions, times
//   the questionnaire's scale (100 or 1000), unrounded;
// - the overall index is the dimension-weighted mean of the dimensions that have an answer;
// - an answer is dissatisfied by its question's rule (scale: value <= dissatisfied_at_or_below;
//   yes/no: answer == dissatisfied_when; single/multi: an option marked dissatisfied), and a
//   non-empty answer to the "complaint" question is a dissatisfaction too;
// - satisfied = the "overall" question, when shown and answered, is not dissatisfied; without
//   one, no answer is dissatisfied.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kefu::surveys {

struct Option {
  std::string code, label;
  bool dissatisfied = false;
};

// Skip logic: the question is shown only if `question` (an earlier one) is shown and its
// answer (an option code, "yes"/"no", or a scale value as text) is one of `any_of`. For a
// multi question, any chosen option counts.
struct ShowIf {
  std::string question;
  std::vector<std::string> any_of;
};

struct Question {
  std::string code, section, text;
  std::string type;                  // "single","multi","scale","yes_no","text"
  int scale_min = 0, scale_max = 0;  // scale: e.g. 0–10 or 1–5
  std::vector<Option> options;       // single/multi
  std::string dimension;             // scale: the weighted dimension it counts in ("" = none)
  double weight = 1;                 // weight inside its dimension
  bool required = false;
  std::optional<ShowIf> show_if;
  std::optional<int> dissatisfied_at_or_below;  // scale
  std::optional<bool> dissatisfied_when;        // yes_no
  // Who answers for a dissatisfied answer: "sales","workshop","body_paint","wash",
  // "logistics","store","delivery","property","service_desk", ...
  std::string department;
  // "overall" (the satisfied verdict), "hotline_told" (400 提及), "fault_fixed" (first-time
  // fix), "complaint" (free text), or "".
  std::string role;
};

struct Dimension {
  std::string code, name;
  double weight = 1;
};

// Placeholders: {customer.name} {asset.plate} {unit.name} {agent.name} ... (render_script).
struct Script {
  std::string opening, satisfied_closing, dissatisfied_closing;
};

struct Questionnaire {
  int64_t id = 0;
  std::string code, name;
  // "sales","after_sales","store","logistics","delivery","complaint","property","online","staff"
  std::string channel;
  int version = 0;
  int scale = 100;  // or 1000
  bool active = true;
  std::vector<Dimension> dimensions;
  std::vector<Question> questions;
  Script script;
};

// scale → int64_t, yes_no → bool, single/text → string, multi → the chosen codes.
using AnswerValue = std::variant<int64_t, bool, std::string, std::vector<std::string>>;
using Answers = std::map<std::string, AnswerValue>;

struct DimensionScore {
  std::string code;
  double index = 0;  // 0..scale, unrounded
};

struct Dissatisfaction {
  std::string question, department;
  std::string text;  // "<question text>：<answer>" (the complaint text for the complaint role)
};

struct Scored {
  std::optional<double> overall;  // none when no dimension has an answer
  std::vector<DimensionScore> dimensions;
  std::vector<Dissatisfaction> dissatisfied;
  bool satisfied = true;
  std::optional<bool> hotline_told, fault_fixed;
  std::string complaint_text;
};

// A problem with one field (the service turns it into kefu::FieldError, same members).
struct Problem {
  std::string field;  // "answers.q3", "questions[2].show_if.question", ...
  std::string code;   // message code
  std::vector<std::pair<std::string, std::string>> params;
};

// Enumerations.
const std::vector<std::string>& question_types();
const std::vector<std::string>& channels();
const std::vector<std::string>& roles();
const std::vector<std::string>& placeholders();  // the names render_script knows
inline constexpr size_t kMaxQuestions = 200;
inline constexpr size_t kMaxOptions = 30;
inline constexpr size_t kMaxDimensions = 20;
inline constexpr size_t kMaxTextAnswer = 2000;  // characters of a text answer

// Codes: letters, digits, - and _, 1–32 characters.
bool valid_code(std::string_view code);
size_t utf8_chars(std::string_view s);

// The answer of a question as skip logic compares it: option code, "yes"/"no", the scale
// value as text, the text itself; a multi answer gives each chosen code.
std::vector<std::string> answer_keys(const AnswerValue& v);

// Which questions are shown for these answers (skip logic in question order).
std::map<std::string, bool> shown(const Questionnaire& q, const Answers& a);

// Answer problems, fields "answers.<code>": unknown question, wrong type, scale value out of
// range, unknown option, missing required (only when shown), answer to a hidden question,
// text too long.
std::vector<Problem> validate(const Questionnaire& q, const Answers& a);

// Scores valid answers (answers to hidden or unknown questions, and answers of the wrong
// type, are ignored).
Scored score(const Questionnaire& q, const Answers& a);

// Definition problems: fields "code", "questions[i].show_if.question", "dimensions[j].weight".
std::vector<Problem> check(const Questionnaire& q);

// Replaces {name} placeholders with values; unknown placeholders are kept as written.
std::string render_script(std::string_view text, const std::map<std::string, std::string>& values);

// Every shown, required question has an answer.
bool complete(const Questionnaire& q, const Answers& a);

// The shipped questionnaires (see presets.cpp), version 1 each, id 0.
const std::vector<Questionnaire>& presets();

// Local calendar day "YYYY-MM-DD" of an instant in a fixed-offset zone.
std::string local_day(int64_t epoch_ms, int utc_offset_minutes);
// "YYYY-MM" is a valid month.
bool valid_month(std::string_view s);
// "2026-12" → "2027-01".
std::string next_month(std::string_view month);

}  // namespace kefu::surveys
