#include "modules/calendar/model.h"

#include <algorithm>
#include <cstdio>

namespace kefu::calendar {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMinuteMs = 60'000;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Local position of a UTC instant: the local day and the milliseconds into it.
struct Local {
  int64_t day;
  int64_t ms;
};
Local local_of(const Calendar& c, int64_t utc_ms) {
  int64_t l = utc_ms + int64_t{c.utc_offset_minutes} * kMinuteMs;
  int64_t d = floor_div(l, kDayMs);
  return {d, l - d * kDayMs};
}
int64_t utc_of(const Calendar& c, int64_t day, int64_t ms) {
  return day * kDayMs + ms - int64_t{c.utc_offset_minutes} * kMinuteMs;
}

void require_hours(const Calendar& c) {
  if (!has_hours(c)) throw NoWorkingTime("the calendar has no working hours");
}

const std::vector<Interval> kNone;

}  // namespace

// ---------------------------------------------------------------- civil dates

int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int weekday(int64_t days) {
  // 1970-01-01 was a Thursday (3 when Monday = 0).
  int64_t w = (days + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

bool valid_civil(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::optional<int64_t> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto ys = t.substr(0, 4), ms = t.substr(5, 2), ds = t.substr(8, 2);
  if (!digits(ys) || !digits(ms) || !digits(ds)) return std::nullopt;
  int y = to_int(ys), m = to_int(ms), d = to_int(ds);
  if (!valid_civil(y, m, d)) return std::nullopt;
  return days_from_civil(y, m, d);
}

std::string format_date(int64_t days) {
  CivilDate c = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::optional<int> parse_clock(std::string_view t) {
  if (t.size() != 5 || t[2] != ':' || !digits(t.substr(0, 2)) || !digits(t.substr(3, 2)))
    return std::nullopt;
  int h = to_int(t.substr(0, 2)), m = to_int(t.substr(3, 2));
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string format_clock(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

// ---------------------------------------------------------------- time zones

const std::vector<Zone>& supported_zones() {
  static const std::vector<Zone> zones = {
      {"Asia/Shanghai", 480}, {"Asia/Hong_Kong", 480}, {"Asia/Macau", 480}, {"Asia/Taipei", 480},
      {"Asia/Urumqi", 360},   {"Asia/Singapore", 480}, {"Asia/Tokyo", 540}, {"UTC", 0},
  };
  return zones;
}

std::optional<int> zone_offset(std::string_view name) {
  for (const auto& z : supported_zones())
    if (z.name == name) return z.utc_offset_minutes;
  return std::nullopt;
}

std::optional<int64_t> parse_instant(std::string_view t, int default_offset_minutes) {
  if (t.empty()) return std::nullopt;
  if (digits(t) || (t[0] == '-' && digits(t.substr(1)))) {
    if (t.size() > 15) return std::nullopt;  // beyond year ~30000
    int64_t v = 0;
    for (char c : t.substr(t[0] == '-' ? 1 : 0)) v = v * 10 + (c - '0');
    return t[0] == '-' ? -v : v;
  }
  auto day = parse_date(t.substr(0, std::min<size_t>(10, t.size())));
  if (!day) return std::nullopt;
  int64_t ms = 0;
  int offset = default_offset_minutes;
  std::string_view rest = t.substr(10);
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return std::nullopt;
    rest.remove_prefix(1);
    if (rest.size() < 5 || rest[2] != ':' || !digits(rest.substr(0, 2)) ||
        !digits(rest.substr(3, 2)))
      return std::nullopt;
    int h = to_int(rest.substr(0, 2)), mi = to_int(rest.substr(3, 2));
    if (h > 23 || mi > 59) return std::nullopt;
    ms = (h * 60 + mi) * kMinuteMs;
    rest.remove_prefix(5);
    if (!rest.empty() && rest[0] == ':') {
      if (rest.size() < 3 || !digits(rest.substr(1, 2))) return std::nullopt;
      int s = to_int(rest.substr(1, 2));
      if (s > 59) return std::nullopt;
      ms += s * 1000;
      rest.remove_prefix(3);
      if (!rest.empty() && rest[0] == '.') {
        rest.remove_prefix(1);
        size_t n = 0;
        while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
        if (n == 0 || n > 9) return std::nullopt;
        int frac = 0;
        for (size_t i = 0; i < 3; ++i) frac = frac * 10 + (i < n ? rest[i] - '0' : 0);
        ms += frac;
        rest.remove_prefix(n);
      }
    }
    if (!rest.empty()) {
      if (rest == "Z" || rest == "z") {
        offset = 0;
      } else if (rest[0] == '+' || rest[0] == '-') {
        std::string_view o = rest.substr(1);
        std::string_view hh, mm;
        if (o.size() == 5 && o[2] == ':') {
          hh = o.substr(0, 2);
          mm = o.substr(3, 2);
        } else if (o.size() == 4) {
          hh = o.substr(0, 2);
          mm = o.substr(2, 2);
        } else if (o.size() == 2) {
          hh = o;
          mm = "00";
        } else {
          return std::nullopt;
        }
        if (!digits(hh) || !digits(mm) || to_int(hh) > 18 || to_int(mm) > 59) return std::nullopt;
        offset = (to_int(hh) * 60 + to_int(mm)) * (rest[0] == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  return *day * kDayMs + ms - int64_t{offset} * kMinuteMs;
}

std::string format_instant(int64_t utc_ms, int offset_minutes) {
  int64_t l = utc_ms + int64_t{offset_minutes} * kMinuteMs;
  int64_t d = floor_div(l, kDayMs);
  int64_t in_day = l - d * kDayMs;
  int64_t secs = in_day / 1000;
  char buf[96];
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d%c%02d:%02d", format_date(d).c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60), offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

// ---------------------------------------------------------------- calendars

std::optional<DayKind> parse_day_kind(std::string_view s) {
  if (s == "holiday") return DayKind::kHoliday;
  if (s == "workday") return DayKind::kWorkday;
  return std::nullopt;
}

std::string_view to_string(DayKind k) {
  return k == DayKind::kHoliday ? "holiday" : "workday";
}

WeekHours office_hours() {
  WeekHours h;
  for (int d = 0; d < 5; ++d) h[d] = {{540, 720}, {780, 1080}};
  return h;
}

const std::vector<Interval>& standard_day(const Calendar& c) {
  for (int d = 0; d < 5; ++d)
    if (!c.hours[d].empty()) return c.hours[d];
  for (int d = 5; d < 7; ++d)
    if (!c.hours[d].empty()) return c.hours[d];
  return kNone;
}

int64_t standard_day_minutes(const Calendar& c) {
  int64_t sum = 0;
  for (const auto& iv : standard_day(c)) sum += iv.end - iv.start;
  return sum;
}

bool has_hours(const Calendar& c) {
  return std::any_of(c.hours.begin(), c.hours.end(), [](const auto& v) { return !v.empty(); });
}

std::vector<Problem> check_hours(const WeekHours& hours) {
  std::vector<Problem> out;
  for (size_t d = 0; d < 7; ++d) {
    const auto& ivs = hours[d];
    for (size_t i = 0; i < ivs.size(); ++i) {
      std::string field = "hours." + std::string(weekday_keys()[d]) + "[" + std::to_string(i) + "]";
      const auto& iv = ivs[i];
      if (iv.start < 0 || iv.start >= 1440 || iv.end <= iv.start || iv.end > 1440) {
        out.push_back({field, "calendar.interval_invalid"});
      } else if (i > 0 && iv.start < ivs[i - 1].end) {
        out.push_back({field, "calendar.interval_overlap"});
      }
    }
  }
  if (out.empty() &&
      std::all_of(hours.begin(), hours.end(), [](const auto& v) { return v.empty(); }))
    out.push_back({"hours", "calendar.no_hours"});
  return out;
}

namespace {

void span(std::map<std::string, DayRule>& out, int y, int m, int d_from, int d_to, const char* name,
          bool provisional) {
  for (int d = d_from; d <= d_to; ++d)
    out[format_date(days_from_civil(y, m, d))] = {DayKind::kHoliday, name, provisional};
}
void workday(std::map<std::string, DayRule>& out, int y, int m, int d, const char* name) {
  out[format_date(days_from_civil(y, m, d))] = {DayKind::kWorkday, name, false};
}

}  // namespace

std::map<std::string, DayRule> mainland_days(int year) {
  std::map<std::string, DayRule> out;
  if (year == 2025) {
    // 国务院办公厅关于2025年部分节假日安排的通知 (2024-11-12).
    span(out, 2025, 1, 1, 1, "元旦", false);
    span(out, 2025, 1, 28, 31, "春节", false);
    span(out, 2025, 2, 1, 4, "春节", false);
    workday(out, 2025, 1, 26, "春节调休上班");
    workday(out, 2025, 2, 8, "春节调休上班");
    span(out, 2025, 4, 4, 6, "清明节", false);
    span(out, 2025, 5, 1, 5, "劳动节", false);
    workday(out, 2025, 4, 27, "劳动节调休上班");
    span(out, 2025, 5, 31, 31, "端午节", false);
    span(out, 2025, 6, 1, 2, "端午节", false);
    span(out, 2025, 10, 1, 8, "国庆节、中秋节", false);
    workday(out, 2025, 9, 28, "国庆节调休上班");
    workday(out, 2025, 10, 11, "国庆节调休上班");
  } else if (year == 2026) {
    // 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
    span(out, 2026, 1, 1, 3, "元旦", false);
    workday(out, 2026, 1, 4, "元旦调休上班");
    span(out, 2026, 2, 15, 23, "春节", false);
    workday(out, 2026, 2, 14, "春节调休上班");
    workday(out, 2026, 2, 28, "春节调休上班");
    span(out, 2026, 4, 4, 6, "清明节", false);
    span(out, 2026, 5, 1, 5, "劳动节", false);
    workday(out, 2026, 5, 9, "劳动节调休上班");
    span(out, 2026, 6, 19, 21, "端午节", false);
    span(out, 2026, 9, 25, 27, "中秋节", false);
    span(out, 2026, 10, 1, 7, "国庆节", false);
    workday(out, 2026, 9, 20, "国庆节调休上班");
    workday(out, 2026, 10, 10, "国庆节调休上班");
  } else if (year == 2027) {
    // Not yet published: the statutory holidays (全国年节及纪念日放假办法, 2024) on their
    // 2027 dates, with the National Day week as usual; no make-up days. Provisional.
    span(out, 2027, 1, 1, 1, "元旦", true);
    span(out, 2027, 2, 5, 8, "春节", true);  // 除夕 (02-05) and 正月初一至初三
    span(out, 2027, 4, 5, 5, "清明节", true);
    span(out, 2027, 5, 1, 2, "劳动节", true);
    span(out, 2027, 6, 9, 9, "端午节", true);
    span(out, 2027, 9, 15, 15, "中秋节", true);
    span(out, 2027, 10, 1, 7, "国庆节", true);
  }
  return out;
}

Calendar mainland_standard() {
  Calendar c;
  c.name = std::string(kMainlandName);
  c.time_zone = "Asia/Shanghai";
  c.utc_offset_minutes = 480;
  c.hours = office_hours();
  for (int y : {2025, 2026, 2027}) c.days.merge(mainland_days(y));
  return c;
}

// ---------------------------------------------------------------- working time

const std::vector<Interval>& hours_on(const Calendar& c, int64_t day) {
  if (!c.days.empty()) {
    auto it = c.days.find(format_date(day));
    if (it != c.days.end()) return it->second.kind == DayKind::kHoliday ? kNone : standard_day(c);
  }
  return c.hours[weekday(day)];
}

bool is_working_day(const Calendar& c, int64_t day) {
  return !hours_on(c, day).empty();
}

bool is_working_day(const Calendar& c, std::string_view date) {
  auto d = parse_date(date);
  if (!d) throw std::invalid_argument("not a date: " + std::string(date));
  return is_working_day(c, *d);
}

int64_t next_working_moment(const Calendar& c, int64_t utc_ms) {
  require_hours(c);
  auto [day, pos] = local_of(c, utc_ms);
  for (int i = 0; i <= kSearchDays; ++i, ++day, pos = 0) {
    for (const auto& iv : hours_on(c, day))
      if (pos < iv.end * kMinuteMs) return utc_of(c, day, std::max(pos, iv.start * kMinuteMs));
  }
  throw NoWorkingTime("no working time within three years");
}

int64_t add_working_minutes(const Calendar& c, int64_t start_ms, int64_t minutes) {
  if (minutes < 0) throw std::invalid_argument("negative working minutes");
  if (minutes > kMaxSpanDays * 1440) throw std::out_of_range("too many working minutes");
  int64_t start = next_working_moment(c, start_ms);
  if (minutes == 0) return start;
  int64_t remaining = minutes * kMinuteMs;
  auto [day, pos] = local_of(c, start);
  int idle = 0;
  for (int64_t i = 0; i <= kMaxSpanDays * 7; ++i, ++day, pos = 0) {
    bool any = false;
    for (const auto& iv : hours_on(c, day)) {
      int64_t e = iv.end * kMinuteMs;
      if (pos >= e) continue;
      int64_t from = std::max(pos, iv.start * kMinuteMs);
      int64_t avail = e - from;
      any = true;
      if (remaining <= avail) return utc_of(c, day, from + remaining);
      remaining -= avail;
    }
    idle = any ? 0 : idle + 1;
    if (idle > kSearchDays) throw NoWorkingTime("no working time within three years");
  }
  throw std::out_of_range("deadline too far away");
}

int64_t working_minutes_between(const Calendar& c, int64_t a_ms, int64_t b_ms) {
  if (b_ms < a_ms) return -working_minutes_between(c, b_ms, a_ms);
  if ((b_ms - a_ms) / kDayMs > kMaxSpanDays) throw std::out_of_range("span too long");
  auto [day, pos] = local_of(c, a_ms);
  auto [last_day, last_pos] = local_of(c, b_ms);
  int64_t total = 0;
  for (; day <= last_day; ++day, pos = 0) {
    int64_t until = day == last_day ? last_pos : kDayMs;
    for (const auto& iv : hours_on(c, day)) {
      int64_t from = std::max(pos, iv.start * kMinuteMs);
      int64_t to = std::min(until, iv.end * kMinuteMs);
      if (to > from) total += to - from;
    }
  }
  return total / kMinuteMs;
}

int64_t add_working_days(const Calendar& c, int64_t start_ms, int days) {
  if (days < 0) throw std::invalid_argument("negative working days");
  require_hours(c);
  return add_working_minutes(c, start_ms, int64_t{days} * standard_day_minutes(c));
}

int64_t end_of_working_day(const Calendar& c, int64_t start_ms) {
  require_hours(c);
  auto [day, pos] = local_of(c, start_ms);
  const auto& today = hours_on(c, day);
  if (!today.empty() && pos < today.back().end * kMinuteMs)
    return utc_of(c, day, today.back().end * kMinuteMs);
  for (int i = 1; i <= kSearchDays; ++i) {
    const auto& h = hours_on(c, day + i);
    if (!h.empty()) return utc_of(c, day + i, h.back().end * kMinuteMs);
  }
  throw NoWorkingTime("no working time within three years");
}

}  // namespace kefu::calendar
