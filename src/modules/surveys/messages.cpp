#include "modules/surveys/service.h"
#include "platform/core/i18n.h"

namespace kefu::surveys {

void SurveyService::register_messages() {
  i18n::add({
      {"entity.questionnaire", "问卷", "questionnaire"},
      // Answers.
      {"survey.unknown_question", "问卷中没有这道题", "is not a question of this questionnaire"},
      {"survey.hidden_question", "按跳题规则这道题不应作答",
       "this question is skipped for the answers given, so it takes no answer"},
      {"survey.scale_out_of_range", "应在 {min} 到 {max} 之间", "must be between {min} and {max}"},
      {"survey.unknown_option", "没有选项“{option}”", "has no option \"{option}\""},
      {"survey.option_repeated", "选项“{option}”重复", "option \"{option}\" is chosen twice"},
      {"survey.already_answered", "这份问卷已经提交过，不能重复提交。",
       "This survey has already been answered."},
      // Definitions.
      {"survey.code_invalid", "编码只能包含字母、数字、- 和 _（1–32 位）",
       "use 1–32 letters, digits, - or _"},
      {"survey.code_repeated", "编码重复", "this code is used twice"},
      {"survey.code_taken", "问卷编码 {code} 已被使用。",
       "The questionnaire code {code} is taken."},
      {"survey.code_immutable", "问卷编码创建后不能修改", "the code cannot change once created"},
      {"survey.channel_invalid", "渠道无效", "is not a known channel"},
      {"survey.scale_invalid", "满分只能是 100 或 1000", "must be 100 or 1000"},
      {"survey.too_many", "最多 {max} 项", "at most {max} items"},
      {"survey.weight_invalid", "权重应大于 0（最大 1000）", "must be above 0 (at most 1000)"},
      {"survey.no_questions", "至少需要一道题", "needs at least one question"},
      {"survey.type_invalid", "题型应为 single、multi、scale、yes_no 或 text",
       "must be single, multi, scale, yes_no or text"},
      {"survey.range_invalid", "分值范围无效：须 0 ≤ 最小值 < 最大值 ≤ 10",
       "invalid range: needs 0 ≤ min < max ≤ 10"},
      {"survey.only_for_scale", "只适用于打分题", "applies to scale questions only"},
      {"survey.only_for_yes_no", "只适用于是非题", "applies to yes/no questions only"},
      {"survey.options_missing", "单选、多选题至少需要两个选项",
       "single and multiple choice questions need at least two options"},
      {"survey.options_unexpected", "只有单选、多选题有选项",
       "only single and multiple choice questions have options"},
      {"survey.dimension_unknown", "没有这个维度", "is not a dimension of this questionnaire"},
      {"survey.dimension_empty", "该维度下没有打分题",
       "no scale question counts in this dimension"},
      {"survey.department_invalid", "责任部门编码只能是小写字母和 _",
       "use lower-case letters and _ only"},
      {"survey.role_invalid", "用途应为 overall、hotline_told、fault_fixed 或 complaint",
       "must be overall, hotline_told, fault_fixed or complaint"},
      {"survey.role_repeated", "每种用途只能有一道题", "only one question may have this role"},
      {"survey.role_type", "这种用途要求题型为 {type}", "this role needs a {type} question"},
      {"survey.show_if_unknown", "跳题条件引用的题目不存在",
       "refers to a question that does not exist"},
      {"survey.show_if_later", "跳题条件只能引用前面的题目",
       "may refer only to a question that comes before"},
      {"survey.show_if_cycle", "跳题条件形成循环", "the skip conditions form a cycle"},
      {"survey.show_if_text", "不能按问答题的回答跳题", "cannot depend on a free-text answer"},
      {"survey.show_if_value", "“{value}”不是被引用题目的有效回答",
       "\"{value}\" is not a possible answer of that question"},
      {"survey.placeholder_unknown", "未知的占位符 {{name}}", "unknown placeholder {{name}}"},
      // Benchmarks and reports.
      {"survey.questionnaire_unknown", "没有这个问卷编码", "no questionnaire has this code"},
      {"survey.month_invalid", "月份格式应为 YYYY-MM", "must be a month as YYYY-MM"},
      {"survey.level_invalid", "层级应为 region（大区）或 nation（全国）",
       "must be region or nation"},
      {"survey.value_out_of_range", "应在 0 到 {max} 之间", "must be between 0 and {max}"},
      {"survey.benchmark_repeated", "同一条标杆重复出现", "this benchmark appears twice"},
      {"survey.range_reversed", "结束月份不能早于开始月份", "must not come before from"},
      {"survey.range_too_long", "最多查询 {max} 个月", "at most {max} months"},
      {"survey.group_invalid", "分组应为 month、unit、agent 或 staff",
       "must be month, unit, agent or staff"},
  });
}

}  // namespace kefu::surveys
