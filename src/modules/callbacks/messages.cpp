#include "modules/callbacks/service.h"
#include "platform/core/i18n.h"

namespace kefu::callbacks {

void CallbackService::register_messages() {
  i18n::add({
      {"entity.callback", "回访任务", "callback task"},
      {"callbacks.state.pending", "待回访", "to call"},
      {"callbacks.state.in_progress", "回访中", "in progress"},
      {"callbacks.state.done", "已完成", "done"},
      {"callbacks.state.failed", "未成功", "failed"},
      {"callbacks.state.cancelled", "已取消", "cancelled"},
      {"callbacks.closed", "回访任务已结束（{state}），不能再登记", "the callback task is over ({state})"},
      {"callbacks.version_conflict", "任务已被他人更新，请刷新后重试", "the task changed meanwhile; reload and try again"},
      {"callbacks.no_consent", "客户已拒绝电话联系，不能回访", "the customer refused calls: no callback"},
      {"callbacks.no_text_consent", "客户已拒绝短信，不能发送评价链接", "the customer refused text messages"},
      {"callbacks.no_mobile", "客户没有可接收短信的手机号码", "the customer has no mobile number"},
      {"callbacks.no_email", "客户档案中没有电子邮箱，不能通过邮件发送评价链接，请改用短信或先补充邮箱", "the customer has no email address on file: send the link by SMS or add the address first"},
      {"callbacks.no_email_consent", "客户不同意接收邮件，不能通过邮件发送评价链接，可改用短信", "the customer does not accept email: the survey link cannot be sent by email (try SMS)"},
      {"callbacks.quiet_hours", "当前处于客户免打扰时段，请在免打扰结束后再拨打，或填写紧急原因", "the customer is in quiet hours; call later or give an override reason"},
      {"callbacks.call_back_at_required", "请填写与客户约定的回拨时间", "give the time agreed with the customer"},
      {"callbacks.call_back_at_past", "约定时间须晚于现在", "the agreed time must be in the future"},
      {"callbacks.outcome_unknown", "未知的回访结果", "unknown outcome"},
      {"callbacks.questionnaire_unknown", "问卷不存在或已停用：{value}", "unknown or inactive questionnaire: {value}"},
      {"callbacks.unit_unknown", "单位不存在", "unknown unit"},
      {"callbacks.param_range", "取值须在 {min} 到 {max} 之间", "must be between {min} and {max}"},
      {"callbacks.assign_unknown", "分配方式须为 balanced、owner 或 none", "assign must be balanced, owner or none"},
      {"callbacks.kind_unknown", "任务类型须为 callback 或 verification", "kind must be callback or verification"},
      {"callbacks.duplicate", "同一事件已为该客户创建过回访", "this event already has a callback for the customer"},
      {"callbacks.agent_unknown", "坐席不存在、已停用、不在您的范围内或不做回访", "unknown agent, inactive, outside your scope or not working callbacks"},
      {"callbacks.task_unknown", "回访任务不存在", "unknown callback task"},
      {"callbacks.ids_range", "请选择 1 到 1000 个任务", "choose 1 to 1000 tasks"},
      {"callbacks.no_agents", "没有可分配的回访坐席", "no agents to assign to"},
      {"callbacks.no_skilled_agents", "没有具备所需技能（{skills}）的回访坐席", "no agent has the required skills ({skills})"},
      {"callbacks.agent_lacks_skills", "该坐席不具备任务 {task} 所需的技能：{skills}（确需分配请勾选“强制分配”）", "the agent lacks the skills task {task} requires: {skills} (use force to assign anyway)"},
      {"callbacks.link_invalid", "链接无效", "the link is not valid"},
      {"callbacks.link_expired", "链接已过期，感谢您的关注", "the link has expired"},
      {"callbacks.survey_answered", "您已提交过评价，感谢您的反馈", "this survey has been answered already"},
      {"callbacks.survey_closed", "本次回访已结束，无需再评价", "this callback is closed"},
      {"callbacks.date_format", "日期格式须为 YYYY-MM-DD", "dates are YYYY-MM-DD"},
      {"callbacks.range", "结束日期须不早于开始日期，且跨度不超过 400 天", "the end must not precede the start, at most 400 days"},
      {"callbacks.group_unknown", "分组须为 day、month、unit 或 agent", "group by day, month, unit or agent"},
  });
}

}  // namespace kefu::callbacks
