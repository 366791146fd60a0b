#pragma once
// JSON shapes of questionnaires, answers and scores (API bodies, the definition column,
// audit before/after).
#include <boost/json.hpp>

#include "modules/surveys/service.h"

namespace kefu::surveys {

// The definition as stored per version: code, name, channel, scale, dimensions, questions,
// script.
boost::json::object definition_json(const Questionnaire& q);
// Adds id, version, active to the definition.
boost::json::object questionnaire_json(const Questionnaire& q);
// Strict reading: wrong types, unknown and missing fields become errors named from
// `prefix` ("" → "questions[0].text", "definition" → "definition.questions[0].text").
Questionnaire definition_from_json(const boost::json::value& v, std::vector<FieldError>& errors,
                                   const std::string& prefix = "");
// A stored definition (trusted).
Questionnaire definition_from_text(const std::string& text);

boost::json::object answers_json(const Answers& a);
boost::json::object scored_json(const Scored& s);
boost::json::array dissatisfied_json(const std::vector<Dissatisfaction>& d);
std::vector<Dissatisfaction> dissatisfied_from_json(const boost::json::value& v);
boost::json::object answer_json(const StoredAnswer& a);
boost::json::object benchmark_json(const Benchmark& b);

}  // namespace kefu::surveys
