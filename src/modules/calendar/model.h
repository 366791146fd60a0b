#pragma once
// Working calendars: civil dates, fixed-offset time zones, working hours per weekday,
// public holidays and make-up working days (调休上班), and the working-time arithmetic that
// deadlines are computed with. Pure; standard library only.
//
// Times are UTC epoch milliseconds. A calendar's hours are local wall-clock minutes since
// midnight in its zone; zones are fixed offsets (no DST: the supported zones have none).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::calendar {

// ---------------------------------------------------------------- civil dates

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithms).
int64_t days_from_civil(int year, int month, int day);
CivilDate civil_from_days(int64_t days);
// 0 = Monday ... 6 = Sunday.
int weekday(int64_t days);
bool valid_civil(int year, int month, int day);
// "YYYY-MM-DD" (exactly that shape, a real date) → days since the epoch.
std::optional<int64_t> parse_date(std::string_view text);
std::string format_date(int64_t days);
// "HH:MM" → minutes since midnight, 00:00..24:00 ("24:00" only as an interval's end).
std::optional<int> parse_clock(std::string_view text);
std::string format_clock(int minutes);

// ---------------------------------------------------------------- time zones

// The zones kefu knows (GCC 12 ships no tz database): fixed offsets without DST.
struct Zone {
  std::string_view name;
  int utc_offset_minutes;
};
const std::vector<Zone>& supported_zones();
std::optional<int> zone_offset(std::string_view name);

// ISO-8601 instant: "2026-09-30T16:00:00+08:00", "...Z", "2026-09-30T16:00" (seconds and
// fraction optional); without an offset the time is local at `default_offset_minutes`.
// A bare date "2026-09-30" is its local midnight. Also accepts plain epoch milliseconds.
std::optional<int64_t> parse_instant(std::string_view text, int default_offset_minutes);
// "2026-10-09T10:00:00+08:00"
std::string format_instant(int64_t utc_ms, int offset_minutes);

// ---------------------------------------------------------------- calendars

struct Interval {
  int start = 0;  // minutes since local midnight, 0..1439
  int end = 0;    // exclusive, start < end <= 1440
  bool operator==(const Interval&) const = default;
};

enum class DayKind { kHoliday, kWorkday };
std::optional<DayKind> parse_day_kind(std::string_view s);
std::string_view to_string(DayKind k);  // "holiday" | "workday"

// An exception to the weekly pattern on one date: a day off (非工作日, e.g. "国庆节"), or a
// make-up working day (调休上班日) that works the calendar's standard day (see below).
struct DayRule {
  DayKind kind = DayKind::kHoliday;
  std::string name;
  bool provisional = false;  // shipped before the official notice: an admin should confirm
  bool operator==(const DayRule&) const = default;
};

using WeekHours = std::array<std::vector<Interval>, 7>;  // Monday .. Sunday

struct Calendar {
  int64_t id = 0;
  std::string name;
  std::string time_zone = "Asia/Shanghai";
  int utc_offset_minutes = 480;
  WeekHours hours;                      // per weekday Mon..Sun; empty = not a working day
  std::map<std::string, DayRule> days;  // "YYYY-MM-DD" → exception
};

// Mon–Fri 09:00–12:00, 13:00–18:00.
WeekHours office_hours();
// The standard working day: the hours of the first of Monday..Friday that has any (else of
// the first weekday that has any). Make-up working days work these hours, and "one working
// day" lasts standard_day_minutes.
const std::vector<Interval>& standard_day(const Calendar& c);
int64_t standard_day_minutes(const Calendar& c);
bool has_hours(const Calendar& c);

// A problem found in a calendar's input: `field` names the place ("hours.mon[1]"), `code`
// the message ("calendar.interval_overlap").
struct Problem {
  std::string field;
  std::string code;
};
std::vector<Problem> check_hours(const WeekHours& hours);
inline const std::array<std::string_view, 7>& weekday_keys() {
  static const std::array<std::string_view, 7> keys = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};
  return keys;
}

// The shipped calendar "中国大陆标准工时": office hours, Asia/Shanghai, the State Council
// schedules of 2025 (notice of 2024-11-12) and 2026 (notice of 2025-11-04), and 2027's
// statutory holidays marked provisional (no make-up days until the notice is published).
Calendar mainland_standard();
// The shipped days of one year (empty when kefu ships none for it).
std::map<std::string, DayRule> mainland_days(int year);
inline constexpr std::string_view kMainlandName = "中国大陆标准工时";

// ---------------------------------------------------------------- working time

// Thrown when a calendar has no working time at all, or none within kSearchDays.
class NoWorkingTime : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// Working-time searches give up after this many consecutive days without working time.
inline constexpr int kSearchDays = 3 * 366;
// Spans longer than this are refused (std::out_of_range): 100 years.
inline constexpr int64_t kMaxSpanDays = 36525;

// Whether `day` (days since the epoch, local) is a working day: a make-up day is; a holiday
// is not; otherwise the weekday has hours.
bool is_working_day(const Calendar& c, int64_t day);
bool is_working_day(const Calendar& c, std::string_view date);
// The hours worked on `day` (empty when it is not a working day).
const std::vector<Interval>& hours_on(const Calendar& c, int64_t day);

// The first moment at or after `utc_ms` that lies inside working hours.
int64_t next_working_moment(const Calendar& c, int64_t utc_ms);
// The moment the `minutes`-th working minute counted from `start_ms` ends. A start outside
// working hours starts counting at the next working moment; 0 minutes = that moment.
// Negative minutes are refused (std::invalid_argument).
int64_t add_working_minutes(const Calendar& c, int64_t start_ms, int64_t minutes);
// Working minutes (whole, rounded toward zero) between two moments; negative when b < a,
// so between(a, b) == -between(b, a).
int64_t working_minutes_between(const Calendar& c, int64_t a_ms, int64_t b_ms);
// "N working days" = N × standard_day_minutes working minutes counted from start_ms (the
// domain's rule: a ticket received at 16:00 with one working day is due at 16:00 of the
// next working day, not at its end of day).
int64_t add_working_days(const Calendar& c, int64_t start_ms, int days);
// "The same working day": the end of today's working hours when today is a working day and
// `start_ms` is before its end, else the end of the next working day.
int64_t end_of_working_day(const Calendar& c, int64_t start_ms);

}  // namespace kefu::calendar
