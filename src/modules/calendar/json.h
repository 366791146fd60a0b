#pragma once
// JSON shapes of calendars (API bodies, the hours_json column, audit before/after).
#include <boost/json.hpp>

#include "modules/calendar/service.h"

namespace kefu::calendar {

// {"mon": [{"start": "09:00", "end": "12:00"}, ...], ..., "sun": []}
boost::json::object hours_json(const WeekHours& h);
// Reads the shape above; problems name "hours.mon[0].start" and so on.
WeekHours hours_from_json(const boost::json::value& v, std::vector<FieldError>& errors);
boost::json::array days_json(const std::map<std::string, DayRule>& days);
boost::json::object calendar_json(const CalendarRecord& r, bool with_days);

}  // namespace kefu::calendar
