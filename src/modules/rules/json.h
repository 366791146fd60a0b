#pragma once
// JSON shapes of the rules module: definitions (API bodies and stored text) and rules.
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "modules/rules/model.h"
#include "modules/rules/service.h"
#include "platform/core/error.h"

namespace kefu::rules {

// Reads a definition; problems are added to `errors` with fields under `at`.
Definition definition_from_json(const boost::json::value& v, std::vector<FieldError>& errors,
                                const std::string& at = "definition");
boost::json::object definition_json(const Definition& d);
Definition definition_from_text(const std::string& text);  // stored text, trusted
boost::json::object rule_json(const Rule& r);
boost::json::object catalogue_json(const std::vector<TriggerInfo>& triggers,
                                   const std::vector<ActionType>& actions);
boost::json::object dry_run_json(const DryRun& d);

}  // namespace kefu::rules
