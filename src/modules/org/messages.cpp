#include "modules/org/service.h"
#include "platform/core/i18n.h"

namespace kefu::org {

void OrgService::register_messages() {
  i18n::add({
      {"entity.org_unit", "组织单元", "org unit"},
      {"entity.parent_unit", "上级组织单元", "parent org unit"},
      {"entity.user", "用户", "user"},
      {"entity.api_token", "API 令牌", "API token"},
      {"unit_kind.head_office", "总部", "head office"},
      {"unit_kind.region", "大区", "region"},
      {"unit_kind.branch", "分部", "branch"},
      {"unit_kind.store", "门店", "store"},
      {"unit_kind.department", "部门", "department"},
      {"org.code_invalid", "编码只能包含字母、数字、- 和 _，最长 32 位",
       "may contain only letters, digits, - and _ (at most 32)"},
      {"org.code_taken", "编码 {code} 已被其他组织单元使用。",
       "The code {code} is already used by another org unit."},
      {"org.kind_not_allowed", "{kind}不能挂在{parent}下",
       "a {kind} cannot be placed under a {parent}"},
      {"org.parent_inactive", "上级单元已停用", "the parent unit is inactive"},
      {"org.root_fixed", "总部不能移动或停用", "the head office cannot be moved or deactivated"},
      {"org.move_cycle", "不能移动到自己的下级单元中", "cannot move a unit under its own subtree"},
      {"org.unit_not_empty", "该单元下还有启用的下级单元或用户，不能停用。",
       "The unit still has active sub-units or users and cannot be deactivated."},
      {"org.unit_unknown", "组织单元不存在或不在您的数据范围内",
       "unknown org unit, or outside your data scope"},
      {"org.already_initialised", "系统已经初始化过。", "kefu has already been initialised."},
      {"org.username_invalid", "用户名为 2–32 位字母、数字或 . - _",
       "must be 2–32 letters, digits, . - or _"},
      {"org.username_taken", "用户名 {username} 已存在。", "The user name {username} is taken."},
      {"org.password_weak", "密码至少 8 位，且需同时包含字母和数字",
       "must have at least 8 characters with letters and digits"},
      {"org.roles_empty", "至少选择一个角色", "choose at least one role"},
      {"org.role_unknown", "未知角色 {role}", "unknown role {role}"},
      {"org.role_duplicate", "角色 {role} 重复", "role {role} appears twice"},
      {"org.role_not_grantable", "您不能授予或修改角色“{role}”。",
       "You may not grant or change the role {role}."},
      {"org.phone_invalid", "请输入 11 位手机号或带区号的固定电话（如 010-12345678）",
       "enter an 11-digit mobile number or a landline with area code (e.g. 010-12345678)"},
      {"org.email_invalid", "邮箱格式不正确", "is not a valid email address"},
      {"org.self_lockout", "不能停用自己、修改自己的角色或所属单元。",
       "You cannot disable yourself or change your own roles or unit."},
      {"org.scopes_empty", "至少选择一个权限范围", "choose at least one scope"},
      {"org.scope_unknown", "未知权限范围 {scope}", "unknown scope {scope}"},
      {"auth.invalid_credentials", "用户名或密码错误。", "Wrong user name or password."},
      {"auth.locked", "登录失败次数过多，账号已临时锁定，请 {minutes} 分钟后再试。",
       "Too many failed sign-ins: the account is locked for {minutes} minutes."},
      {"auth.throttled", "登录尝试过于频繁，请稍后再试。",
       "Too many sign-in attempts; try again later."},
      {"auth.token_invalid", "API 令牌无效、已过期或已吊销。",
       "The API token is invalid, expired or revoked."},
  });
}

}  // namespace kefu::org
