#include "modules/calendar/json.h"

namespace kefu::calendar {

boost::json::object hours_json(const WeekHours& h) {
  boost::json::object o;
  for (size_t d = 0; d < 7; ++d) {
    boost::json::array day;
    for (const auto& iv : h[d])
      day.push_back(
          boost::json::object{{"start", format_clock(iv.start)}, {"end", format_clock(iv.end)}});
    o[weekday_keys()[d]] = std::move(day);
  }
  return o;
}

WeekHours hours_from_json(const boost::json::value& v, std::vector<FieldError>& errors) {
  WeekHours h;
  if (!v.is_object()) {
    errors.push_back({"hours", "field.wrong_type", {{"expected", "object"}}});
    return h;
  }
  for (const auto& [key, val] : v.as_object()) {
    std::string field = "hours." + std::string(key);
    size_t d = 0;
    while (d < 7 && weekday_keys()[d] != std::string_view(key)) ++d;
    if (d == 7) {
      errors.push_back({field, "field.unknown", {}});
      continue;
    }
    if (!val.is_array()) {
      errors.push_back({field, "field.wrong_type", {{"expected", "array"}}});
      continue;
    }
    const auto& arr = val.as_array();
    if (arr.size() > 12) {
      errors.push_back({field, "calendar.too_many_intervals", {}});
      continue;
    }
    for (size_t i = 0; i < arr.size(); ++i) {
      std::string at = field + "[" + std::to_string(i) + "]";
      if (!arr[i].is_object()) {
        errors.push_back({at, "field.wrong_type", {{"expected", "object"}}});
        continue;
      }
      const auto& item = arr[i].as_object();
      Interval iv;
      bool ok = true;
      for (const auto& [k, x] : item)
        if (k != "start" && k != "end") {
          errors.push_back({at + "." + std::string(k), "field.unknown", {}});
          ok = false;
        }
      for (auto [name, slot] : {std::pair{"start", &iv.start}, std::pair{"end", &iv.end}}) {
        const auto* x = item.if_contains(name);
        std::optional<int> m;
        if (x && x->is_string()) m = parse_clock(std::string_view(x->as_string()));
        if (!x) {
          errors.push_back({at + "." + name, "field.required", {}});
          ok = false;
        } else if (!m) {
          errors.push_back({at + "." + name, "calendar.clock_invalid", {}});
          ok = false;
        } else {
          *slot = *m;
        }
      }
      if (ok)
        h[d].push_back(iv);
      else
        h[d].push_back({0, 0});  // keeps later indexes in place; reported above
    }
  }
  return h;
}

boost::json::array days_json(const std::map<std::string, DayRule>& days) {
  boost::json::array a;
  for (const auto& [day, r] : days)
    a.push_back(boost::json::object{{"day", day},
                                    {"kind", std::string(to_string(r.kind))},
                                    {"name", r.name},
                                    {"provisional", r.provisional}});
  return a;
}

boost::json::object calendar_json(const CalendarRecord& r, bool with_days) {
  const Calendar& c = r.calendar;
  boost::json::object o{{"id", c.id},
                        {"name", c.name},
                        {"time_zone", c.time_zone},
                        {"utc_offset_minutes", c.utc_offset_minutes},
                        {"hours", hours_json(c.hours)},
                        {"is_default", r.is_default},
                        {"standard_day_minutes", standard_day_minutes(c)},
                        {"created_at", r.created_at},
                        {"updated_at", r.updated_at}};
  o["unit_id"] = r.unit_id ? boost::json::value(*r.unit_id) : boost::json::value(nullptr);
  if (with_days) o["days"] = days_json(c.days);
  return o;
}

}  // namespace kefu::calendar
