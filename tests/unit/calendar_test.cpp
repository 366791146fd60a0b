// Working-calendar arithmetic, with the shipped mainland calendar (2026 State Council
// schedule). Every expected value below was worked out by hand; the comments show how.
#include <gtest/gtest.h>

#include "modules/calendar/model.h"

namespace kefu::calendar {
namespace {

const Calendar& cn() {
  static const Calendar c = mainland_standard();
  return c;
}

// Beijing time (UTC+8).
int64_t bj(const char* text) {
  auto t = parse_instant(text, 480);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}
std::string show(int64_t ms) {
  return format_instant(ms, 480);
}

TEST(CalendarDates, CivilRoundTripAndWeekdays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(format_date(days_from_civil(2026, 10, 8)), "2026-10-08");
  EXPECT_EQ(weekday(*parse_date("2026-01-01")), 3);  // Thursday
  EXPECT_EQ(weekday(*parse_date("2026-02-14")), 5);  // Saturday (a make-up day)
  EXPECT_EQ(weekday(*parse_date("2026-10-10")), 5);
  EXPECT_EQ(weekday(*parse_date("2026-09-20")), 6);  // Sunday
  EXPECT_EQ(weekday(*parse_date("1969-12-31")), 2);  // Wednesday, before the epoch
  for (int64_t d = -800; d < 40000; d += 37) EXPECT_EQ(*parse_date(format_date(d)), d);
  EXPECT_FALSE(parse_date("2026-02-29"));
  EXPECT_TRUE(parse_date("2028-02-29"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-1-01"));
  EXPECT_FALSE(parse_date("2026/01/01"));
  EXPECT_EQ(parse_clock("24:00"), 1440);
  EXPECT_FALSE(parse_clock("24:01"));
  EXPECT_FALSE(parse_clock("9:00"));
}

TEST(CalendarDates, Instants) {
  int64_t t = bj("2026-09-30T16:00:00+08:00");
  EXPECT_EQ(t, bj("2026-09-30T08:00:00Z"));
  EXPECT_EQ(t, bj("2026-09-30T16:00"));  // local at the default offset
  EXPECT_EQ(t, bj("2026-09-30 16:00:00.000+0800"));
  EXPECT_EQ(t, *parse_instant(std::to_string(t), 0));
  EXPECT_EQ(show(t), "2026-09-30T16:00:00+08:00");
  EXPECT_EQ(format_instant(t, 0), "2026-09-30T08:00:00+00:00");
  EXPECT_FALSE(parse_instant("2026-09-30T25:00", 480));
  EXPECT_FALSE(parse_instant("yesterday", 480));
  EXPECT_FALSE(parse_instant("2026-09-30T16:00+8", 480));
}

TEST(CalendarZones, FixedTableOnly) {
  EXPECT_EQ(zone_offset("Asia/Shanghai"), 480);
  EXPECT_EQ(zone_offset("Asia/Urumqi"), 360);
  EXPECT_EQ(zone_offset("Asia/Tokyo"), 540);
  EXPECT_EQ(zone_offset("UTC"), 0);
  EXPECT_FALSE(zone_offset("Europe/Berlin"));  // has DST: refused
  EXPECT_FALSE(zone_offset("asia/shanghai"));
}

TEST(CalendarShipped, Schedule2026And2027) {
  const Calendar& c = cn();
  EXPECT_EQ(c.name, "中国大陆标准工时");
  EXPECT_EQ(standard_day_minutes(c), 480);
  for (const char* off : {"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-23", "2026-04-06",
                          "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07"})
    EXPECT_FALSE(is_working_day(c, off)) << off;
  for (const char* on : {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
                         "2026-10-10", "2026-10-08", "2026-02-24"})
    EXPECT_TRUE(is_working_day(c, on)) << on;
  EXPECT_FALSE(is_working_day(c, "2026-03-14"));  // an ordinary Saturday
  EXPECT_EQ(c.days.at("2026-10-01").name, "国庆节");
  EXPECT_FALSE(c.days.at("2026-10-01").provisional);
  EXPECT_TRUE(c.days.at("2027-10-01").provisional);
  EXPECT_TRUE(c.days.at("2027-02-06").provisional);
  for (const auto& [day, rule] : c.days)
    if (day.starts_with("2027")) {
      EXPECT_TRUE(rule.provisional) << day;
      EXPECT_EQ(rule.kind, DayKind::kHoliday) << day << ": no make-up days before the notice";
    }
  // 2026: 33 days off (3+9+3+5+3+3+7) and 6 make-up days (1-4, 2-14, 2-28, 5-9, 9-20, 10-10).
  int off = 0, on = 0;
  for (const auto& [day, rule] : mainland_days(2026)) (rule.kind == DayKind::kHoliday ? off : on)++;
  EXPECT_EQ(off, 33);
  EXPECT_EQ(on, 6);
  // 2025: 1+8+3+5+3+8 = 28 days off, 5 make-up days; Sunday 2025-01-26 and Saturday
  // 2025-10-11 are working days, Wednesday 2025-10-08 is not.
  off = on = 0;
  for (const auto& [day, rule] : mainland_days(2025)) (rule.kind == DayKind::kHoliday ? off : on)++;
  EXPECT_EQ(off, 28);
  EXPECT_EQ(on, 5);
  EXPECT_TRUE(is_working_day(c, "2025-01-26"));
  EXPECT_TRUE(is_working_day(c, "2025-10-11"));
  EXPECT_FALSE(is_working_day(c, "2025-10-08"));
  EXPECT_FALSE(is_working_day(c, "2025-05-31"));
  EXPECT_TRUE(mainland_days(2024).empty());
}

TEST(CalendarArithmetic, FridayEveningPlusTwoHoursIsMondayMorning) {
  // Fri 2026-03-13 17:00: one hour left today (17–18), then Mon 09:00–10:00.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-03-13T17:00:00+08:00"), 120)),
            "2026-03-16T10:00:00+08:00");
}

TEST(CalendarArithmetic, OneWorkingDayOverNationalDay) {
  // Wed 2026-09-30 16:00 + 8 h: 16–18 (2 h) on the 30th; Oct 1–7 off; Thu Oct 8 (a normal
  // working day) 09–12 (3 h) and 13–16 (3 h) → Oct 8 16:00.
  int64_t start = bj("2026-09-30T16:00:00+08:00");
  EXPECT_EQ(show(add_working_days(cn(), start, 1)), "2026-10-08T16:00:00+08:00");
  EXPECT_EQ(add_working_days(cn(), start, 1), add_working_minutes(cn(), start, 480));
  EXPECT_EQ(working_minutes_between(cn(), start, bj("2026-10-08T16:00:00+08:00")), 480);
  // Three working days: Oct 8 16:00 (1), Oct 9 16:00 (2), Sat Oct 10 (make-up) 16:00 (3).
  EXPECT_EQ(show(add_working_days(cn(), start, 3)), "2026-10-10T16:00:00+08:00");
}

TEST(CalendarArithmetic, SpringFestivalWithMakeUpSaturdays) {
  // Fri 02-13 17:00 + 8 h: 1 h on Friday, Sat 02-14 is a make-up day: 09–12, 13–17 → 17:00.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-02-13T17:00:00+08:00"), 480)),
            "2026-02-14T17:00:00+08:00");
  // Sat 02-14 17:00 + 2 h: 1 h that day, 02-15..02-23 off, Tue 02-24 09:00–10:00.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-02-14T17:00:00+08:00"), 120)),
            "2026-02-24T10:00:00+08:00");
  // Fri 02-27 17:00 + 2 h: 1 h that day, Sat 02-28 (make-up) 09:00–10:00.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-02-27T17:00:00+08:00"), 120)),
            "2026-02-28T10:00:00+08:00");
}

TEST(CalendarArithmetic, LunchBreak) {
  // Mon 2026-03-16 11:30 + 1 h: 11:30–12:00, then 13:00–13:30.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-03-16T11:30:00+08:00"), 60)),
            "2026-03-16T13:30:00+08:00");
  // Starting at 12:30 (lunch) counts from 13:00.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-03-16T12:30:00+08:00"), 30)),
            "2026-03-16T13:30:00+08:00");
  // Ending exactly at the start of lunch is 12:00, not 13:00.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-03-16T11:00:00+08:00"), 60)),
            "2026-03-16T12:00:00+08:00");
  EXPECT_EQ(working_minutes_between(cn(), bj("2026-03-16T11:00:00+08:00"),
                                    bj("2026-03-16T14:00:00+08:00")),
            120);
}

TEST(CalendarArithmetic, StartOnAHolidayOrOutsideHours) {
  // Sat 2026-10-03 (National Day) 10:00 + 1 h → Thu Oct 8 10:00.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-10-03T10:00:00+08:00"), 60)),
            "2026-10-08T10:00:00+08:00");
  // Fri Oct 9 17:30 + 1 h: 30 min that day, Sat Oct 10 (make-up) 09:00–09:30.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-10-09T17:30:00+08:00"), 60)),
            "2026-10-10T09:30:00+08:00");
  // Before opening: 07:00 + 1 h → 10:00; zero minutes = the next working moment.
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-03-16T07:00:00+08:00"), 60)),
            "2026-03-16T10:00:00+08:00");
  EXPECT_EQ(show(add_working_minutes(cn(), bj("2026-03-14T07:00:00+08:00"), 0)),
            "2026-03-16T09:00:00+08:00");
  EXPECT_EQ(show(next_working_moment(cn(), bj("2026-03-16T18:00:00+08:00"))),
            "2026-03-17T09:00:00+08:00");
  EXPECT_EQ(show(next_working_moment(cn(), bj("2026-03-16T10:15:00+08:00"))),
            "2026-03-16T10:15:00+08:00");
  EXPECT_THROW(add_working_minutes(cn(), 0, -1), std::invalid_argument);
}

TEST(CalendarArithmetic, WorkingMinutesBetweenIsAntisymmetric) {
  int64_t fri = bj("2026-03-13T17:00:00+08:00"), mon = bj("2026-03-16T10:00:00+08:00");
  EXPECT_EQ(working_minutes_between(cn(), fri, mon), 120);
  EXPECT_EQ(working_minutes_between(cn(), mon, fri), -120);
  EXPECT_EQ(working_minutes_between(cn(), fri, fri), 0);
  // Entirely outside working hours: a weekend.
  EXPECT_EQ(working_minutes_between(cn(), bj("2026-03-14T00:00:00+08:00"),
                                    bj("2026-03-16T09:00:00+08:00")),
            0);
  // A whole ordinary week: 5 × 480.
  EXPECT_EQ(working_minutes_between(cn(), bj("2026-03-16T00:00:00+08:00"),
                                    bj("2026-03-23T00:00:00+08:00")),
            2400);
  // Seconds are floored: 09:00:00 → 09:00:59 is 0 whole minutes.
  EXPECT_EQ(working_minutes_between(cn(), bj("2026-03-16T09:00:00+08:00"),
                                    bj("2026-03-16T09:00:59+08:00")),
            0);
  // Adding then measuring gives the minutes back, from any start.
  for (int64_t start = bj("2026-09-25T08:10:00+08:00"); start < bj("2026-10-12T00:00:00+08:00");
       start += 97 * 60'000)
    for (int64_t m : {1, 59, 480, 1000}) {
      int64_t due = add_working_minutes(cn(), start, m);
      EXPECT_EQ(working_minutes_between(cn(), start, due), m) << show(start) << " + " << m;
    }
}

TEST(CalendarArithmetic, EndOfWorkingDay) {
  EXPECT_EQ(show(end_of_working_day(cn(), bj("2026-03-16T10:00:00+08:00"))),
            "2026-03-16T18:00:00+08:00");
  EXPECT_EQ(show(end_of_working_day(cn(), bj("2026-03-16T07:00:00+08:00"))),
            "2026-03-16T18:00:00+08:00");
  // At or after the end of today's hours: the end of the next working day.
  EXPECT_EQ(show(end_of_working_day(cn(), bj("2026-03-16T18:00:00+08:00"))),
            "2026-03-17T18:00:00+08:00");
  EXPECT_EQ(show(end_of_working_day(cn(), bj("2026-03-14T10:00:00+08:00"))),
            "2026-03-16T18:00:00+08:00");
  EXPECT_EQ(show(end_of_working_day(cn(), bj("2026-09-30T19:00:00+08:00"))),
            "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(show(end_of_working_day(cn(), bj("2026-02-13T18:30:00+08:00"))),
            "2026-02-14T18:00:00+08:00");
}

TEST(CalendarArithmetic, OtherZonesAndAroundTheClock) {
  Calendar store;
  store.name = "门店";
  store.time_zone = "Asia/Urumqi";
  store.utc_offset_minutes = 360;
  for (auto& d : store.hours) d = {{540, 1260}};  // every day 09:00–21:00 local (UTC+6)
  // 2026-03-14T20:00+06:00 + 2 h: 1 h that day, 09:00–10:00 the next day (UTC+6).
  int64_t start = *parse_instant("2026-03-14T20:00:00+06:00", 360);
  EXPECT_EQ(format_instant(add_working_minutes(store, start, 120), 360),
            "2026-03-15T10:00:00+06:00");
  Calendar always;
  for (auto& d : always.hours) d = {{0, 1440}};
  int64_t t = bj("2026-10-01T23:30:00+08:00");
  EXPECT_EQ(show(add_working_minutes(always, t, 60)), "2026-10-02T00:30:00+08:00");
  EXPECT_EQ(show(add_working_minutes(always, t, 30)), "2026-10-02T00:00:00+08:00");
  EXPECT_EQ(working_minutes_between(always, t, t + 3 * 86'400'000LL), 3 * 1440);
  EXPECT_EQ(show(add_working_days(always, t, 1)), "2026-10-02T23:30:00+08:00");
}

TEST(CalendarArithmetic, NoWorkingTimeIsRefused) {
  Calendar none;
  EXPECT_FALSE(has_hours(none));
  EXPECT_THROW(add_working_minutes(none, 0, 60), NoWorkingTime);
  EXPECT_THROW(next_working_moment(none, 0), NoWorkingTime);
  EXPECT_THROW(end_of_working_day(none, 0), NoWorkingTime);
  EXPECT_THROW(add_working_days(none, 0, 1), NoWorkingTime);
  EXPECT_EQ(working_minutes_between(none, 0, 86'400'000), 0);
  // Hours, but every day of four years a holiday: the search gives up after three years.
  Calendar off;
  off.hours = office_hours();
  int64_t from = *parse_date("2026-01-01");
  for (int64_t d = from; d < from + 4 * 366; ++d)
    off.days[format_date(d)] = {DayKind::kHoliday, "停业", false};
  EXPECT_THROW(add_working_minutes(off, bj("2026-01-01T00:00:00+08:00"), 1), NoWorkingTime);
  EXPECT_THROW(add_working_minutes(cn(), 0, 1LL << 40), std::out_of_range);
}

TEST(CalendarArithmetic, LongSpansAreFast) {
  // 250 working days from 2026-01-05: whole days are skipped, not minutes.
  int64_t start = bj("2026-01-05T09:00:00+08:00");
  int64_t due = add_working_days(cn(), start, 250);
  EXPECT_EQ(working_minutes_between(cn(), start, due), 250 * 480);
}

TEST(CalendarRules, HoursAreChecked) {
  WeekHours h = office_hours();
  EXPECT_TRUE(check_hours(h).empty());
  h[0] = {{780, 1080}, {540, 720}};  // out of order
  h[1] = {{540, 720}, {700, 800}};   // overlapping
  h[2] = {{600, 600}};               // empty
  h[3] = {{540, 1441}};              // past midnight
  h[4] = {{540, 720}, {720, 1080}};  // touching is fine
  auto problems = check_hours(h);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].field, "hours.mon[1]");
  EXPECT_EQ(problems[0].code, "calendar.interval_overlap");
  EXPECT_EQ(problems[1].field, "hours.tue[1]");
  EXPECT_EQ(problems[2].field, "hours.wed[0]");
  EXPECT_EQ(problems[2].code, "calendar.interval_invalid");
  EXPECT_EQ(problems[3].field, "hours.thu[0]");
  EXPECT_EQ(check_hours(WeekHours{}).at(0).code, "calendar.no_hours");
}

}  // namespace
}  // namespace kefu::calendar
