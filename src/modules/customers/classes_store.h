#pragma once
// SQL for classification: the admin's definitions, the customers' current classes and the
// recomputation runs. Only this module's service calls it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "modules/customers/model.h"
#include "platform/db/database.h"

namespace kefu::customers::store {

struct StoredClassification {
  Classification def;
  int64_t version = 0;
  int64_t updated_at = 0;
};
std::vector<StoredClassification> classifications(db::Session& s);
// Changes whenever a classification is added, saved or switched on or off.
std::string classifications_stamp(db::Session& s);
std::optional<StoredClassification> classification(db::Session& s, const std::string& code);
// Saves a new version (and keeps it in the versions table); returns the version number.
int64_t save_classification(db::Session& s, const Classification& c, std::optional<int64_t> by,
                            int64_t now);

// Events and assets of these customers, as the measures read them.
std::map<int64_t, History> histories(db::Session& s, const std::vector<int64_t>& ids);
// Stored (non-blank) classes: customer → classification → class.
std::map<int64_t, std::map<std::string, std::string>> stored_classes(
    db::Session& s, const std::vector<int64_t>& ids);
void set_class(db::Session& s, int64_t customer_id, const std::string& classification,
               const std::string& class_code, int64_t now);
void clear_class(db::Session& s, int64_t customer_id, const std::string& classification);

// Customer ids after `after`, in order: every visible customer, or (only_history) those
// with events — the only ones whose classes time can move.
std::vector<int64_t> customer_ids_after(db::Session& s, int64_t after, int limit,
                                        bool only_history);
int64_t count_customers(db::Session& s, bool only_history);

struct Run {
  int64_t id = 0;
  std::string reason;          // nightly, rule, manual, import
  std::string classification;  // "" = all
  bool only_history = false;
  int64_t total = 0, done = 0, changed = 0, after_id = 0;
  std::optional<int64_t> requested_by;
  int64_t started_at = 0;
  std::optional<int64_t> finished_at;
};
int64_t insert_run(db::Session& s, const Run& r);
std::optional<Run> find_run(db::Session& s, int64_t id);
void update_run(db::Session& s, const Run& r);
std::vector<Run> recent_runs(db::Session& s, int limit);

// Customers of a subtree per unit path and class ("" = no row: the blank class).
struct PathCount {
  std::string unit_path;
  std::string class_code;
  int64_t count = 0;
};
std::vector<PathCount> class_counts(db::Session& s, const std::string& classification,
                                    const std::string& path_prefix);

std::string classification_text(const Classification& c);
std::optional<Classification> classification_from_text(const std::string& json);

}  // namespace kefu::customers::store
