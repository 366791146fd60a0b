#include "modules/calendar/store.h"

#include "modules/calendar/json.h"

namespace kefu::calendar::store {
namespace {

constexpr const char* kCols =
    "id, name, time_zone, hours_json, unit_id, is_default, created_at, updated_at";

CalendarRecord from(const db::Row& r) {
  CalendarRecord out;
  Calendar& c = out.calendar;
  c.id = r.i64(0);
  c.name = r.str(1);
  c.time_zone = r.str(2);
  c.utc_offset_minutes = zone_offset(c.time_zone).value_or(480);
  boost::system::error_code ec;
  auto v = boost::json::parse(r.str(3), ec);
  std::vector<FieldError> ignored;
  if (!ec) c.hours = hours_from_json(v, ignored);
  out.unit_id = r.opt_i64(4);
  out.is_default = r.boolean(5);
  out.created_at = r.i64(6);
  out.updated_at = r.i64(7);
  return out;
}

DayRule rule_from(const db::Row& r, size_t first) {
  return {parse_day_kind(r.str(first)).value_or(DayKind::kHoliday), r.str(first + 1),
          r.boolean(first + 2)};
}

std::string hours_text(const WeekHours& h) {
  return boost::json::serialize(hours_json(h));
}

}  // namespace

std::vector<CalendarRecord> all(db::Session& s) {
  std::vector<CalendarRecord> out;
  for (const auto& r : s.query(std::string("SELECT ") + kCols + " FROM calendars ORDER BY id"))
    out.push_back(from(r));
  return out;
}

std::optional<CalendarRecord> find(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string("SELECT ") + kCols + " FROM calendars WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return from(*r);
}

std::map<int64_t, Days> all_days(db::Session& s) {
  std::map<int64_t, Days> out;
  for (const auto& r :
       s.query("SELECT calendar_id, day, kind, name, provisional FROM calendar_days ORDER BY "
               "calendar_id, day"))
    out[r.i64(0)].emplace(r.str(1), rule_from(r, 2));
  return out;
}

Days days_of(db::Session& s, int64_t id, std::optional<int> year) {
  Days out;
  std::string sql = "SELECT day, kind, name, provisional FROM calendar_days WHERE calendar_id = ?";
  db::Params p{id};
  if (year) {
    sql += " AND day >= ? AND day <= ?";
    p.emplace_back(std::to_string(*year) + "-01-01");
    p.emplace_back(std::to_string(*year) + "-12-31");
  }
  sql += " ORDER BY day";
  for (const auto& r : s.query(sql, p)) out.emplace(r.str(0), rule_from(r, 1));
  return out;
}

std::optional<int64_t> default_id(db::Session& s) {
  auto r = s.query_one("SELECT id FROM calendars WHERE is_default = 1");
  if (!r) return std::nullopt;
  return r->i64(0);
}

std::optional<int64_t> calendar_of_unit(db::Session& s, int64_t unit_id) {
  auto r = s.query_one("SELECT id FROM calendars WHERE unit_id = ?", {unit_id});
  if (!r) return std::nullopt;
  return r->i64(0);
}

void insert(db::Session& s, CalendarRecord& r) {
  const Calendar& c = r.calendar;
  r.calendar.id =
      s.query_one(
           "INSERT INTO calendars (name, time_zone, hours_json, unit_id, is_default, created_at, "
           "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
           {c.name, c.time_zone, hours_text(c.hours), r.unit_id, r.is_default, r.created_at,
            r.updated_at})
          ->i64(0);
}

void update(db::Session& s, const CalendarRecord& r) {
  const Calendar& c = r.calendar;
  s.exec(
      "UPDATE calendars SET name = ?, time_zone = ?, hours_json = ?, unit_id = ?, is_default = ?, "
      "updated_at = ? WHERE id = ?",
      {c.name, c.time_zone, hours_text(c.hours), r.unit_id, r.is_default, r.updated_at, c.id});
}

void clear_default(db::Session& s) {
  s.exec("UPDATE calendars SET is_default = 0 WHERE is_default = 1");
}

void replace_days(db::Session& s, int64_t id, int year, const Days& days) {
  s.exec("DELETE FROM calendar_days WHERE calendar_id = ? AND day >= ? AND day <= ?",
         {id, std::to_string(year) + "-01-01", std::to_string(year) + "-12-31"});
  for (const auto& [day, r] : days)
    s.exec(
        "INSERT INTO calendar_days (calendar_id, day, kind, name, provisional) VALUES (?, ?, ?, "
        "?, ?)",
        {id, day, to_string(r.kind), r.name, r.provisional});
}

bool add_day(db::Session& s, int64_t id, const std::string& day, const DayRule& r) {
  return s.exec(
             "INSERT INTO calendar_days (calendar_id, day, kind, name, provisional) VALUES (?, "
             "?, ?, ?, ?) ON CONFLICT (calendar_id, day) DO NOTHING",
             {id, day, to_string(r.kind), r.name, r.provisional}) > 0;
}

bool claim_seed(db::Session& s, const std::string& name, int64_t now) {
  return s.exec(
             "INSERT INTO calendar_seeds (name, applied_at) VALUES (?, ?) ON CONFLICT (name) DO "
             "NOTHING",
             {name, now}) > 0;
}

}  // namespace kefu::calendar::store
