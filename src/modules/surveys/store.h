#pragma once
// SQL for the survey tables. Only this module's service calls it.
#include <optional>
#include <string>
#include <vector>

#include "modules/surveys/service.h"
#include "platform/db/database.h"

namespace kefu::surveys::store {

struct Head {  // the questionnaires row
  int64_t id = 0;
  std::string code, name, channel;
  int current_version = 0;
  bool active = true;
  int64_t created_at = 0, updated_at = 0;
};

std::vector<Head> heads(db::Session& s);
std::optional<Head> head(db::Session& s, int64_t id);
std::optional<Head> head_by_code(db::Session& s, const std::string& code);
// The definition of a version with id, version and active filled in.
std::optional<Questionnaire> load(db::Session& s, const Head& h, int version);
std::vector<VersionInfo> versions(db::Session& s, int64_t id);

int64_t insert_head(db::Session& s, const Head& h);
void update_head(db::Session& s, const Head& h);
void insert_version(db::Session& s, int64_t id, int version, const std::string& definition,
                    int64_t now, std::optional<int64_t> by);
bool claim_preset(db::Session& s, const std::string& code, int64_t now);

std::optional<int64_t> answer_id_of(db::Session& s, const std::string& source, int64_t source_id);
int64_t insert_answer(db::Session& s, const SurveyService::AnswerRecord& r);
std::optional<StoredAnswer> answer_of(db::Session& s, const std::string& source, int64_t source_id);

struct DailyKey {
  std::string day;
  int64_t questionnaire_id = 0, unit_id = 0, agent_id = 0, staff_id = 0;
  std::string unit_path;
};
void add_daily(db::Session& s, const DailyKey& k, const std::string& dimension, int64_t n,
               double total);

struct DailySum {
  std::string key;  // the group's key
  std::string dimension;
  int64_t n = 0;
  double total = 0;
};
// Sums of the roll-ups of one questionnaire, days [from_day, to_day), units under
// `path_prefix`, grouped by "month" | "unit" | "agent" | "staff".
std::vector<DailySum> daily_sums(db::Session& s, int64_t questionnaire_id,
                                 const std::string& from_day, const std::string& to_day,
                                 const std::string& path_prefix, const std::string& group);

std::vector<Benchmark> benchmarks(db::Session& s, const BenchmarkQuery& q);
void put_benchmark(db::Session& s, const Benchmark& b, int64_t now, std::optional<int64_t> by);
void delete_benchmark(db::Session& s, const Benchmark& b);

}  // namespace kefu::surveys::store
