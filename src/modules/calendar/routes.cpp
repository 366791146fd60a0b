// HTTP for working calendars: parse, call the service, render.
#include "modules/calendar/routes.h"

#include <charconv>

#include "modules/calendar/json.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::calendar {
namespace {

using http::Context;
using http::Response;

const char* const kCalendar = "@entity.calendar";

// Reads a create/patch body; problems with the hours come back in `hour_errors` so that the
// service's interval rules run only on hours that could be read.
CalendarInput read_calendar(JsonInput& in, std::vector<FieldError>& hour_errors) {
  CalendarInput c;
  c.name = in.optional_text("name", {0, 60});
  c.time_zone = in.optional_text("time_zone", {1, 40});
  c.unit_id = in.nullable_integer("unit_id");
  c.is_default = in.optional_boolean("is_default");
  if (const auto* v = in.raw("hours")) {
    if (v->is_null())
      hour_errors.push_back({"hours", "field.not_nullable", {}});
    else
      c.hours = hours_from_json(*v, hour_errors);
  }
  return c;
}

void check_into(JsonInput& in, const CalendarInput& c, const std::vector<FieldError>& hour_errors,
                bool creating) {
  in.add_errors(hour_errors);
  for (const auto& e : CalendarService::check(c, creating)) {
    bool about_hours = e.field.rfind("hours", 0) == 0;
    if (!about_hours || hour_errors.empty()) in.add_errors({e});
  }
  in.finish();
}

std::vector<DayInput> read_days(JsonInput& in) {
  std::vector<DayInput> out;
  const auto* v = in.raw("days");
  if (!v || v->is_null()) {
    in.add_error("days", v ? "field.not_nullable" : "field.required");
    return out;
  }
  if (!v->is_array()) {
    in.add_error("days", "field.wrong_type", {{"expected", "array"}});
    return out;
  }
  const auto& arr = v->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string at = "days[" + std::to_string(i) + "]";
    DayInput d;
    if (!arr[i].is_object()) {
      in.add_error(at, "field.wrong_type", {{"expected", "object"}});
      d.kind = "holiday";
      d.name = "-";
      d.day = "-";
      out.push_back(d);
      continue;
    }
    JsonInput item(arr[i].as_object());
    d.day = item.text("day", {1, 10});
    d.kind = item.text("kind", {1, 10});
    d.name = item.text("name", {1, 40});
    d.provisional = item.optional_boolean("provisional").value_or(false);
    try {
      item.finish();
    } catch (const Error& e) {
      for (const auto& f : e.fields()) in.add_error(at + "." + f.field, f.code, f.params);
    }
    out.push_back(d);
  }
  return out;
}

int year_of(std::string_view s) {
  int y = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), y);
  if (ec != std::errc() || p != s.data() + s.size()) return 0;  // refused as out of range
  return y;
}

}  // namespace

void add_routes(http::Router& r, CalendarService& svc) {
  r.add("GET", "/api/v1/calendars", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& rec : svc.list(c.user())) items.push_back(calendar_json(rec, false));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("GET", "/api/v1/calendars/effective", [&svc](Context& c) {
    auto unit = http::query_int(c.req, "unit_id");
    if (!unit) throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "unit_id"}});
    return Response::json(calendar_json(svc.effective(c.user(), *unit), false));
  });

  r.add("POST", "/api/v1/calendars", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::vector<FieldError> hour_errors;
    CalendarInput ci = read_calendar(in, hour_errors);
    check_into(in, ci, hour_errors, true);
    return Response::json(calendar_json(svc.create(c.user(), ci), true), 201);
  });

  r.add("GET", "/api/v1/calendars/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kCalendar);
    std::optional<int> year;
    if (auto y = http::query_int(c.req, "year")) {
      if (*y < 2000 || *y > 2100)
        throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "year"}});
      year = static_cast<int>(*y);
    }
    return Response::json(calendar_json(svc.get(c.user(), id, year), true));
  });

  r.add("PATCH", "/api/v1/calendars/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kCalendar);
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::vector<FieldError> hour_errors;
    CalendarInput ci = read_calendar(in, hour_errors);
    check_into(in, ci, hour_errors, false);
    return Response::json(calendar_json(svc.update(c.user(), id, ci), true));
  });

  r.add("PUT", "/api/v1/calendars/{id}/days/{year}", [&svc](Context& c) {
    int64_t id = c.id_param("id", kCalendar);
    int year = year_of(c.req.path_param("year"));
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto days = read_days(in);
    if (in.ok()) in.add_errors(CalendarService::check_days(year, days));
    in.finish();
    return Response::json(calendar_json(svc.set_days(c.user(), id, year, days), true));
  });

  r.add("GET", "/api/v1/calendars/{id}/due", [&svc](Context& c) {
    int64_t id = c.id_param("id", kCalendar);
    auto start = http::query_text(c.req, "start", 40);
    auto minutes = http::query_int(c.req, "minutes");
    auto days = http::query_int(c.req, "days");
    DuePreview d = svc.preview(c.user(), id, start, minutes, days);
    return Response::json(
        boost::json::object{{"calendar_id", d.calendar_id},
                            {"start", d.start},
                            {"due_at", d.due_at},
                            {"due_at_local", format_instant(d.due_at, d.utc_offset_minutes)},
                            {"working_minutes", d.working_minutes}});
  });
}

}  // namespace kefu::calendar
