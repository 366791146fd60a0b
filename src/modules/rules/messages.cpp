#include "modules/rules/service.h"
#include "platform/core/i18n.h"

namespace kefu::rules {

void RuleService::register_messages() {
  i18n::add({
      {"entity.rule", "规则", "rule"},
      {"rules.trigger_one", "触发方式须为一个事件、一个日期字段或一个定期计划之一",
       "a trigger is one event, one date field or one schedule"},
      {"rules.days_before_range", "提前天数须在 0 到 366 之间",
       "days before must be between 0 and 366"},
      {"rules.schedule_every", "计划周期须为 day（每天）、week（每周）或 month（每月）：{value}",
       "a schedule runs every day, week or month: {value}"},
      {"rules.schedule_weekday", "每周计划须指定星期几（1 = 周一 … 7 = 周日）",
       "a weekly schedule needs a weekday (1 = Monday … 7 = Sunday)"},
      {"rules.schedule_monthday", "每月计划须指定 1 到 28 日之间的一天",
       "a monthly schedule needs a day of the month from 1 to 28"},
      {"rules.schedule_on_day", "每天执行的计划不能指定日期", "a daily schedule takes no day"},
      {"rules.catch_up_range", "日期和定期规则最多补跑最近 7 天",
       "date and schedule rules catch up at most the last 7 days"},
      {"rules.trigger_unknown", "未知的触发事件：{value}", "unknown trigger: {value}"},
      {"rules.days_range", "天数须在 1 到 366 之间", "days must be between 1 and 366"},
      {"rules.field_unknown", "未知字段：{value}", "unknown field: {value}"},
      {"rules.op_unknown", "未知的比较方式：{value}", "unknown operator: {value}"},
      {"rules.op_unfit", "该字段不能用此比较方式：{value}",
       "this field does not take the operator {value}"},
      {"rules.bool_value", "取值须为 true 或 false", "the value must be true or false"},
      {"rules.number_value", "取值须为数字：{value}", "the value must be a number: {value}"},
      {"rules.span_unit", "时间单位须为 hours 或 working_days",
       "the unit must be hours or working_days"},
      {"rules.span_range", "时长超出范围", "the span is out of range"},
      {"rules.priority_range", "优先级须在 0 到 9 之间", "priority must be between 0 and 9"},
      {"rules.unit_unknown", "单位不存在或不在您的管辖范围内",
       "unknown unit, or outside your scope"},
      {"rules.action_unknown", "未知的动作：{value}", "unknown action: {value}"},
      {"rules.cycle", "规则会循环触发自身（动作产生的事件又触发规则）",
       "the rules would trigger themselves in a cycle"},
      {"rules.code_format", "编码只能包含字母、数字、- 和 _",
       "the code may hold letters, digits, - and _"},
      {"rules.code_taken", "编码已被使用", "the code is taken"},
      {"rules.code_fixed", "规则编码不能修改", "a rule's code cannot change"},
      {"rules.inactive", "规则已停用，不能补跑", "the rule is inactive and cannot be back-filled"},
      {"rules.stale", "事件过旧（应完成时间已过一周以上），未自动生成任务",
       "the event is too old (due more than a week ago): no work created"},
  });
}

}  // namespace kefu::rules
