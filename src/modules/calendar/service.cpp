#include "modules/calendar/service.h"

#include <algorithm>
#include <map>
#include <set>

#include "modules/calendar/json.h"
#include "modules/calendar/store.h"
#include "modules/org/model.h"
#include "platform/audit/audit.h"

namespace kefu::calendar {
namespace {

const char* const kCalendar = "@entity.calendar";
const char* const kSeed = "cn-mainland-2025-2027";

void require_admin(const auth::Principal& p) {
  if (!p.can(org::perm::kCalendarAdmin)) throw Error::forbidden();
}

std::string dump(const CalendarRecord& r) {
  return boost::json::serialize(calendar_json(r, false));
}

std::string dump_days(int year, const store::Days& days) {
  return boost::json::serialize(boost::json::object{{"year", year}, {"days", days_json(days)}});
}

auth::Principal scope_reader(const auth::Principal& p) {
  auto sys = org::OrgService::system_principal(p.username);
  sys.unit_path = p.unit_path;
  return sys;
}

// Runs working-time arithmetic; its refusals become 422s on `field`.
template <class F>
int64_t compute(F&& f, const std::string& field) {
  try {
    return f();
  } catch (const NoWorkingTime&) {
    throw Error::validation({{field, "calendar.no_working_time", {}}});
  } catch (const std::logic_error&) {  // out_of_range, invalid_argument
    throw Error::validation({{field, "field.out_of_range", {}}});
  }
}

// "/1/4/9/" → 9, 4, 1 (nearest first).
std::vector<int64_t> ancestors_nearest_first(const std::string& path) {
  std::vector<int64_t> ids;
  int64_t cur = 0;
  bool any = false;
  for (char ch : path) {
    if (ch >= '0' && ch <= '9') {
      cur = cur * 10 + (ch - '0');
      any = true;
    } else if (ch == '/') {
      if (any) ids.push_back(cur);
      cur = 0;
      any = false;
    }
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

}  // namespace

struct CalendarService::Snapshot {
  std::map<int64_t, Calendar> by_id;  // with every day
  std::map<int64_t, int64_t> by_unit;
  std::optional<int64_t> default_id;
};

CalendarService::CalendarService(db::Database& db, const Clock& clock, org::OrgService& org,
                                 std::chrono::milliseconds cache_ttl)
    : db_(db), clock_(clock), org_(org), ttl_(cache_ttl) {}

// ---------------------------------------------------------------- shipped data

void CalendarService::ensure_defaults() {
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    if (!store::claim_seed(s, kSeed, now)) return;
    auto id = store::default_id(s);
    Calendar shipped = mainland_standard();
    if (!id) {
      CalendarRecord r;
      r.calendar = shipped;
      r.calendar.days.clear();
      r.is_default = true;
      r.created_at = r.updated_at = now;
      store::insert(s, r);
      id = r.calendar.id;
    }
    // Like other shipped presets, not audited: the log records what people did.
    for (const auto& [day, rule] : shipped.days) store::add_day(s, *id, day, rule);
  });
  invalidate();
}

// ---------------------------------------------------------------- input rules

std::vector<FieldError> CalendarService::check(const CalendarInput& in, bool creating) {
  std::vector<FieldError> e;
  if (creating && (!in.name || in.name->empty())) e.push_back({"name", "field.required", {}});
  if (!creating && in.name && in.name->empty()) e.push_back({"name", "field.required", {}});
  if (in.time_zone && !zone_offset(*in.time_zone)) {
    std::string zones;
    for (const auto& z : supported_zones())
      zones += (zones.empty() ? "" : ", ") + std::string(z.name);
    e.push_back({"time_zone", "calendar.zone_unknown", {{"zones", zones}}});
  }
  if (creating && !in.hours) e.push_back({"hours", "field.required", {}});
  if (in.hours)
    for (auto& pr : check_hours(*in.hours)) e.push_back({pr.field, pr.code, {}});
  return e;
}

std::vector<FieldError> CalendarService::check_days(int year, const std::vector<DayInput>& days) {
  std::vector<FieldError> e;
  if (year < 2000 || year > 2100) {
    e.push_back({"year", "field.out_of_range", {{"min", "2000"}, {"max", "2100"}}});
    return e;
  }
  if (days.size() > 366) e.push_back({"days", "calendar.too_many_days", {}});
  std::set<std::string> seen;
  std::string prefix = std::to_string(year) + "-";
  for (size_t i = 0; i < days.size(); ++i) {
    const auto& d = days[i];
    std::string at = "days[" + std::to_string(i) + "]";
    if (!parse_date(d.day))
      e.push_back({at + ".day", "calendar.day_invalid", {}});
    else if (d.day.rfind(prefix, 0) != 0)
      e.push_back({at + ".day", "calendar.day_not_in_year", {{"year", std::to_string(year)}}});
    else if (!seen.insert(d.day).second)
      e.push_back({at + ".day", "calendar.day_repeated", {}});
    if (!parse_day_kind(d.kind)) e.push_back({at + ".kind", "calendar.kind_invalid", {}});
    if (d.name.empty()) e.push_back({at + ".name", "field.required", {}});
  }
  return e;
}

// ---------------------------------------------------------------- the cache

void CalendarService::invalidate() {
  std::lock_guard lock(mu_);
  ++generation_;
  snap_.reset();
}

std::shared_ptr<const CalendarService::Snapshot> CalendarService::snapshot() {
  uint64_t generation;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (snap_ && now - loaded_at_ < ttl_) return snap_;
    generation = generation_;
  }
  auto fresh = std::make_shared<Snapshot>();
  db_.read([&](db::Session& s) {
    auto days = store::all_days(s);
    for (auto& r : store::all(s)) {
      int64_t id = r.calendar.id;
      r.calendar.days = std::move(days[id]);
      if (r.unit_id) fresh->by_unit[*r.unit_id] = id;
      if (r.is_default) fresh->default_id = id;
      fresh->by_id.emplace(id, std::move(r.calendar));
    }
  });
  std::lock_guard lock(mu_);
  if (generation == generation_) {  // no write since we started reading
    snap_ = fresh;
    loaded_at_ = now;
  }
  return fresh;
}

// ---------------------------------------------------------------- for other modules

std::shared_ptr<const Calendar> CalendarService::for_path(const std::string& unit_path) {
  auto snap = snapshot();
  auto in_snap = [&](int64_t id) {
    return std::shared_ptr<const Calendar>(snap, &snap->by_id.at(id));
  };
  for (int64_t unit : ancestors_nearest_first(unit_path))
    if (auto it = snap->by_unit.find(unit); it != snap->by_unit.end()) return in_snap(it->second);
  if (snap->default_id) return in_snap(*snap->default_id);
  return std::make_shared<const Calendar>(mainland_standard());  // before ensure_defaults
}

std::shared_ptr<const Calendar> CalendarService::for_unit(int64_t unit_id) {
  auto unit = org_.cached_unit(unit_id);
  if (!unit) throw Error::not_found("@entity.org_unit");
  return for_path(unit->path);
}

std::shared_ptr<const Calendar> CalendarService::default_calendar() {
  return for_path("");
}

int64_t CalendarService::due(int64_t unit_id, int64_t start_ms, int64_t working_minutes) {
  auto c = for_unit(unit_id);
  return compute([&] { return add_working_minutes(*c, start_ms, working_minutes); }, "minutes");
}

int64_t CalendarService::due_working_days(int64_t unit_id, int64_t start_ms, int days) {
  auto c = for_unit(unit_id);
  return compute([&] { return add_working_days(*c, start_ms, days); }, "days");
}

int64_t CalendarService::due_same_day(int64_t unit_id, int64_t start_ms) {
  auto c = for_unit(unit_id);
  return compute([&] { return end_of_working_day(*c, start_ms); }, "start");
}

// ---------------------------------------------------------------- the API

std::vector<CalendarRecord> CalendarService::list(const auth::Principal&) {
  return db_.reading([](db::Session& s) { return store::all(s); });
}

CalendarRecord CalendarService::get(const auth::Principal&, int64_t id, std::optional<int> year) {
  return db_.reading([&](db::Session& s) {
    auto r = store::find(s, id);
    if (!r) throw Error::not_found(kCalendar);
    r->calendar.days = store::days_of(s, id, year);
    return *r;
  });
}

CalendarRecord CalendarService::effective(const auth::Principal& p, int64_t unit_id) {
  auto unit = org_.get_unit(scope_reader(p), unit_id);  // 404 outside the caller's scope
  int64_t id = for_path(unit.path)->id;
  auto r = db_.reading([&](db::Session& s) { return store::find(s, id); });
  if (!r) throw Error::not_found(kCalendar);  // only before ensure_defaults has run
  return *r;
}

// The unit a calendar is to apply to: it must exist inside the caller's scope.
std::optional<int64_t> CalendarService::checked_unit(const auth::Principal& p,
                                                     const CalendarInput& in,
                                                     std::string* unit_path) {
  if (!in.unit_id || !*in.unit_id) return std::nullopt;
  try {
    auto u = org_.get_unit(scope_reader(p), **in.unit_id);
    if (unit_path) *unit_path = u.path;
    return u.id;
  } catch (const Error&) {
    throw Error::validation({{"unit_id", "org.unit_unknown", {}}});
  }
}

CalendarRecord CalendarService::create(const auth::Principal& p, const CalendarInput& in) {
  require_admin(p);
  if (auto e = check(in, true); !e.empty()) throw Error::validation(std::move(e));
  std::string unit_path;
  auto unit = checked_unit(p, in, &unit_path);
  int64_t now = clock_.now_ms();
  auto out = db_.writing([&](db::Session& s) {
    if (unit && store::calendar_of_unit(s, *unit))
      throw Error(ErrorKind::kConflict, "calendar.unit_taken");
    CalendarRecord r;
    r.calendar.name = *in.name;
    r.calendar.time_zone = in.time_zone.value_or("Asia/Shanghai");
    r.calendar.utc_offset_minutes = *zone_offset(r.calendar.time_zone);
    r.calendar.hours = *in.hours;
    r.unit_id = unit;
    r.is_default = in.is_default.value_or(false);
    r.created_at = r.updated_at = now;
    if (r.is_default) store::clear_default(s);
    store::insert(s, r);
    audit::append(
        s, now,
        {p.actor_id(), p.username, "calendar.create", "calendar", std::to_string(r.calendar.id),
         unit ? unit_path : p.unit_path, "", dump(r), p.request_id});
    return r;
  });
  invalidate();
  return out;
}

CalendarRecord CalendarService::update(const auth::Principal& p, int64_t id,
                                       const CalendarInput& in) {
  require_admin(p);
  if (auto e = check(in, false); !e.empty()) throw Error::validation(std::move(e));
  // A calendar of a unit outside the caller's scope is not theirs to change.
  auto current = db_.reading([&](db::Session& s) { return store::find(s, id); });
  if (!current) throw Error::not_found(kCalendar);
  if (current->unit_id) {
    try {
      org_.get_unit(scope_reader(p), *current->unit_id);
    } catch (const Error&) {
      throw Error::forbidden();
    }
  }
  std::string unit_path;
  auto unit = checked_unit(p, in, &unit_path);
  int64_t now = clock_.now_ms();
  auto out = db_.writing([&](db::Session& s) {
    auto before = store::find(s, id);
    if (!before) throw Error::not_found(kCalendar);
    CalendarRecord r = *before;
    if (in.name) r.calendar.name = *in.name;
    if (in.time_zone) {
      r.calendar.time_zone = *in.time_zone;
      r.calendar.utc_offset_minutes = *zone_offset(*in.time_zone);
    }
    if (in.hours) r.calendar.hours = *in.hours;
    if (in.unit_id) r.unit_id = unit;
    if (in.is_default) {
      if (!*in.is_default && before->is_default)
        throw Error::validation({{"is_default", "calendar.default_required", {}}});
      r.is_default = *in.is_default;
    }
    if (r.unit_id && r.unit_id != before->unit_id) {
      auto holder = store::calendar_of_unit(s, *r.unit_id);
      if (holder && *holder != id) throw Error(ErrorKind::kConflict, "calendar.unit_taken");
    }
    if (dump(r) == dump(*before)) return *before;  // nothing changed, nothing recorded
    r.updated_at = now;
    if (r.is_default && !before->is_default) store::clear_default(s);
    store::update(s, r);
    audit::append(s, now,
                  {p.actor_id(), p.username, "calendar.update", "calendar", std::to_string(id),
                   unit ? unit_path : p.unit_path, dump(*before), dump(r), p.request_id});
    return r;
  });
  invalidate();
  return out;
}

CalendarRecord CalendarService::set_days(const auth::Principal& p, int64_t id, int year,
                                         const std::vector<DayInput>& days) {
  require_admin(p);
  if (auto e = check_days(year, days); !e.empty()) throw Error::validation(std::move(e));
  auto current = db_.reading([&](db::Session& s) { return store::find(s, id); });
  if (!current) throw Error::not_found(kCalendar);
  if (current->unit_id) {
    try {
      org_.get_unit(scope_reader(p), *current->unit_id);
    } catch (const Error&) {
      throw Error::forbidden();
    }
  }
  store::Days next;
  for (const auto& d : days) next[d.day] = {*parse_day_kind(d.kind), d.name, d.provisional};
  int64_t now = clock_.now_ms();
  auto out = db_.writing([&](db::Session& s) {
    auto r = store::find(s, id);
    if (!r) throw Error::not_found(kCalendar);
    store::Days before = store::days_of(s, id, year);
    if (before != next) {
      store::replace_days(s, id, year, next);
      r->updated_at = now;
      store::update(s, *r);
      audit::append(s, now,
                    {p.actor_id(), p.username, "calendar.days.set", "calendar", std::to_string(id),
                     p.unit_path, dump_days(year, before), dump_days(year, next), p.request_id});
    }
    r->calendar.days = next;
    return *r;
  });
  invalidate();
  return out;
}

DuePreview CalendarService::preview(const auth::Principal& p, int64_t id,
                                    const std::optional<std::string>& start,
                                    std::optional<int64_t> minutes, std::optional<int64_t> days) {
  CalendarRecord r = get(p, id, std::nullopt);
  const Calendar& c = r.calendar;
  std::vector<FieldError> e;
  int64_t from = clock_.now_ms();
  if (start) {
    auto t = parse_instant(*start, c.utc_offset_minutes);
    if (!t)
      e.push_back({"start", "calendar.instant_invalid", {}});
    else
      from = *t;
  }
  if (minutes.has_value() == days.has_value())
    e.push_back({"minutes", "calendar.minutes_or_days", {}});
  else if (minutes && (*minutes < 0 || *minutes > 1440LL * 3660))
    e.push_back({"minutes", "field.out_of_range", {{"min", "0"}, {"max", "5270400"}}});
  else if (days && (*days < 0 || *days > 3660))
    e.push_back({"days", "field.out_of_range", {{"min", "0"}, {"max", "3660"}}});
  if (!e.empty()) throw Error::validation(std::move(e));
  DuePreview out;
  out.calendar_id = id;
  out.start = from;
  out.utc_offset_minutes = c.utc_offset_minutes;
  if (minutes) {
    out.working_minutes = *minutes;
    out.due_at = compute([&] { return add_working_minutes(c, from, *minutes); }, "minutes");
  } else {
    out.working_minutes = *days * standard_day_minutes(c);
    out.due_at =
        compute([&] { return add_working_days(c, from, static_cast<int>(*days)); }, "days");
  }
  return out;
}

}  // namespace kefu::calendar
