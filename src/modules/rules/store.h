#pragma once
// SQL for the rules module's tables (rules, rule_versions, rule_firings), and the reads of
// the platform's events table that dry runs and back-fills need.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/rules/model.h"
#include "platform/db/database.h"
#include "platform/events/consumer.h"

namespace kefu::rules::store {

// A rule row; the definition as JSON text (parsed by the service).
struct RuleRow {
  Rule rule;
  std::string definition;
};

std::vector<RuleRow> list(db::Session& s, bool active_only);
std::optional<RuleRow> find(db::Session& s, int64_t id);
std::optional<RuleRow> find_code(db::Session& s, const std::string& code);
std::vector<RuleRow> versions(db::Session& s, int64_t id);
void insert(db::Session& s, RuleRow& r, std::optional<int64_t> by);
void update(db::Session& s, const RuleRow& r, std::optional<int64_t> by);  // adds the version row
// Summary of the rules table, to notice another node's edits.
std::pair<int64_t, int64_t> stamp(db::Session& s);

// false when a firing with that key exists already.
bool insert_firing(db::Session& s, int64_t rule_id, int version, const std::string& key,
                   std::optional<int64_t> event_id, std::optional<int64_t> customer_id,
                   int64_t now, const std::string& outcome, const std::string& ref,
                   int64_t* id_out);
void set_firing(db::Session& s, int64_t id, const std::string& outcome, const std::string& ref);

struct FiringRow {
  int64_t id = 0;
  int version = 0;
  std::optional<int64_t> event_id, customer_id;
  int64_t fired_at = 0;
  std::string outcome, ref;
};
std::vector<FiringRow> firings(db::Session& s, int64_t rule_id, int64_t before, int limit);

// Events of `type` published at or after `since_ms`, oldest first, after id `after`.
std::vector<events::StoredEvent> events_since(db::Session& s, const std::string& type,
                                              int64_t since_ms, int64_t after, int limit);

}  // namespace kefu::rules::store
