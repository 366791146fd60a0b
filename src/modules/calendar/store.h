#pragma once
// SQL for the calendar tables. Only this module's service calls it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "modules/calendar/service.h"
#include "platform/db/database.h"

namespace kefu::calendar::store {

using Days = std::map<std::string, DayRule>;

std::vector<CalendarRecord> all(db::Session& s);  // without days, by id
std::optional<CalendarRecord> find(db::Session& s, int64_t id);
// Every calendar's days: calendar id → days.
std::map<int64_t, Days> all_days(db::Session& s);
// The days of one calendar, of one year or all.
Days days_of(db::Session& s, int64_t id, std::optional<int> year);
std::optional<int64_t> default_id(db::Session& s);
std::optional<int64_t> calendar_of_unit(db::Session& s, int64_t unit_id);

void insert(db::Session& s, CalendarRecord& r);  // fills calendar.id
void update(db::Session& s, const CalendarRecord& r);
void clear_default(db::Session& s);
void replace_days(db::Session& s, int64_t id, int year, const Days& days);
// Inserts a day unless the calendar already has one on that date; true when inserted.
bool add_day(db::Session& s, int64_t id, const std::string& day, const DayRule& rule);
// Records that a shipped data set was applied; false when it already was.
bool claim_seed(db::Session& s, const std::string& name, int64_t now);

}  // namespace kefu::calendar::store
