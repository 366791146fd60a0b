#pragma once
// Working calendars: the calendar of an org unit (its own, else its nearest ancestor's, else
// the default) and the deadlines computed with it. Reading needs any signed-in caller;
// writes need calendar.admin. The calendars are cached in memory: writes on this node drop
// the cache at once, other nodes reload within cache_ms.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "modules/calendar/model.h"
#include "modules/org/service.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"

namespace kefu::calendar {

struct CalendarRecord {
  Calendar calendar;  // days: all of them (for_unit) or the requested year (get)
  std::optional<int64_t> unit_id;
  bool is_default = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct CalendarInput {  // create: name and hours required; patch: only what changes
  std::optional<std::string> name;
  std::optional<std::string> time_zone;
  std::optional<WeekHours> hours;
  std::optional<std::optional<int64_t>> unit_id;  // present null = applies to no unit
  std::optional<bool> is_default;                 // true moves the default here
};

struct DayInput {
  std::string day;   // "YYYY-MM-DD"
  std::string kind;  // "holiday" | "workday"
  std::string name;
  bool provisional = false;
};

struct DuePreview {
  int64_t calendar_id = 0;
  int64_t start = 0;   // as given (UTC ms)
  int64_t due_at = 0;  // UTC ms
  int64_t working_minutes = 0;
  int utc_offset_minutes = 0;
};

class CalendarService {
 public:
  CalendarService(db::Database& db, const Clock& clock, org::OrgService& org,
                  std::chrono::milliseconds cache_ttl = std::chrono::seconds(5));
  static void register_messages();
  // Ships the default calendar "中国大陆标准工时" with the 2025 and 2026 schedules and the
  // provisional 2027 holidays (first start, and later shipped years after upgrades). Each data set
  // is applied once; days an admin has entered are never overwritten.
  void ensure_defaults();

  static std::vector<FieldError> check(const CalendarInput& in, bool creating);
  static std::vector<FieldError> check_days(int year, const std::vector<DayInput>& days);

  // For other modules (no caller: the system computes deadlines).
  // Shared with the cache (a calendar holds years of days: not copied per deadline).
  std::shared_ptr<const Calendar> for_unit(int64_t unit_id);
  std::shared_ptr<const Calendar> for_path(const std::string& unit_path);  // "/1/4/9/"
  std::shared_ptr<const Calendar> default_calendar();
  int64_t due(int64_t unit_id, int64_t start_ms, int64_t working_minutes);
  int64_t due_working_days(int64_t unit_id, int64_t start_ms, int days);
  int64_t due_same_day(int64_t unit_id, int64_t start_ms);

  // The API's use cases.
  std::vector<CalendarRecord> list(const auth::Principal& p);  // without days
  // With the days of `year`, or all days when none is given.
  CalendarRecord get(const auth::Principal& p, int64_t id, std::optional<int> year);
  // The calendar that applies to a unit in the caller's scope (without days).
  CalendarRecord effective(const auth::Principal& p, int64_t unit_id);
  CalendarRecord create(const auth::Principal& p, const CalendarInput& in);
  CalendarRecord update(const auth::Principal& p, int64_t id, const CalendarInput& in);
  // Replaces the days of one year; answers the calendar with that year's days.
  CalendarRecord set_days(const auth::Principal& p, int64_t id, int year,
                          const std::vector<DayInput>& days);
  // `start`: ISO-8601 or epoch ms (default now); exactly one of minutes / days.
  DuePreview preview(const auth::Principal& p, int64_t id, const std::optional<std::string>& start,
                     std::optional<int64_t> minutes, std::optional<int64_t> days);

  // Drops the cache (done by every write here).
  void invalidate();

 private:
  struct Snapshot;
  std::shared_ptr<const Snapshot> snapshot();
  std::optional<int64_t> checked_unit(const auth::Principal& p, const CalendarInput& in,
                                      std::string* unit_path);

  db::Database& db_;
  const Clock& clock_;
  org::OrgService& org_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::shared_ptr<const Snapshot> snap_;
  std::chrono::steady_clock::time_point loaded_at_;
  uint64_t generation_ = 0;
};

}  // namespace kefu::calendar
