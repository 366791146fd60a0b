#include "modules/calendar/service.h"
#include "platform/core/i18n.h"

namespace kefu::calendar {

void CalendarService::register_messages() {
  i18n::add({
      {"entity.calendar", "工作日历", "working calendar"},
      {"calendar.zone_unknown", "不支持的时区（可选：{zones}）",
       "unsupported time zone (choose one of: {zones})"},
      {"calendar.clock_invalid", "时间格式应为 HH:MM（00:00–24:00）",
       "must be a time as HH:MM (00:00–24:00)"},
      {"calendar.interval_invalid", "时段无效：开始须早于结束，且在 00:00–24:00 之内",
       "invalid period: the start must come before the end, within 00:00–24:00"},
      {"calendar.interval_overlap", "时段与前一时段重叠或顺序颠倒",
       "overlaps the previous period, or comes before it"},
      {"calendar.too_many_intervals", "每天最多 12 个时段", "at most 12 periods a day"},
      {"calendar.no_hours", "至少需要一个工作时段", "needs at least one working period"},
      {"calendar.day_invalid", "日期格式应为 YYYY-MM-DD", "must be a date as YYYY-MM-DD"},
      {"calendar.day_not_in_year", "日期不在 {year} 年内", "is not a date of {year}"},
      {"calendar.day_repeated", "日期重复", "this date appears twice"},
      {"calendar.too_many_days", "一年最多 366 天", "a year has at most 366 days"},
      {"calendar.kind_invalid", "类型应为 holiday（放假）或 workday（调休上班）",
       "must be holiday (day off) or workday (make-up working day)"},
      {"calendar.unit_taken", "该组织单元已有工作日历。", "That org unit already has a calendar."},
      {"calendar.default_required", "必须有一个默认日历；请把另一个日历设为默认。",
       "There must be a default calendar; make another calendar the default instead."},
      {"calendar.no_working_time", "该日历在三年内没有任何工作时间",
       "the calendar has no working time within three years"},
      {"calendar.instant_invalid",
       "时间应为 ISO-8601 格式（如 2026-09-30T16:00:00+08:00）或毫秒时间戳",
       "must be an ISO-8601 time (e.g. 2026-09-30T16:00:00+08:00) or epoch milliseconds"},
      {"calendar.minutes_or_days", "请给出 minutes 或 days 二者之一",
       "give exactly one of minutes and days"},
  });
}

}  // namespace kefu::calendar
