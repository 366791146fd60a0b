#include "modules/customers/service.h"
#include "platform/core/i18n.h"

namespace kefu::customers {

void CustomerService::register_messages() {
  i18n::add({
      {"entity.customer", "客户", "customer"},
      {"entity.asset", "资产", "asset"},
      {"customer.phone_invalid", "不是有效的中国大陆手机号或带区号的固定电话",
       "is not a valid mainland mobile number or landline with area code"},
      {"customer.phone_repeated", "号码重复", "appears twice"},
      {"customer.one_primary", "只能有一个主号码", "only one number can be the primary one"},
      {"customer.phone_taken", "该电话号码已属于另一位客户，请先查重或合并。",
       "That phone number already belongs to another customer; check the duplicates or merge."},
      {"customer.date_invalid", "日期格式应为 YYYY-MM-DD", "must be a date as YYYY-MM-DD"},
      {"customer.time_invalid", "时间格式应为 HH:MM", "must be a time as HH:MM"},
      {"customer.quiet_pair", "免打扰时段需同时填写开始和结束时间",
       "quiet hours need both a start and an end"},
      {"customer.owner_unknown", "负责人不存在或不在您的数据范围内",
       "unknown owner, or outside your data scope"},
      {"customer.owner_inactive", "负责人已停用", "the owner is disabled"},
      {"customer.asset_type_unknown", "未知或已停用的资产类型", "unknown or inactive asset type"},
      {"customer.fields_empty", "至少定义一个字段", "define at least one field"},
      {"customer.key_repeated", "字段键重复", "this key appears twice"},
      {"customer.options_empty", "枚举字段需要选项", "an enum field needs options"},
      {"customer.unknown", "客户不存在或不在您的数据范围内",
       "unknown customer, or outside your data scope"},
      {"customer.asset_not_owned", "该资产不属于此客户",
       "the asset does not belong to this customer"},
      {"customer.time_out_of_range", "时间无效或在未来",
       "is not a valid time, or lies in the future"},
      {"customer.tag_repeated", "标签重复", "this tag appears twice"},
      {"customer.assign_forbidden", "您不能为客户指定其他负责人。",
       "You may not give a customer to another owner."},
      {"customer.staff_unknown", "员工不存在或不在您的数据范围内",
       "unknown staff member, or outside your data scope"},
      {"customer.import_unreadable",
       "文件无法读取（{reason}，第 {line} 行）。请另存为 UTF-8 或 GB18030 编码的 CSV。",
       "The file cannot be read ({reason}, line {line}); save it as CSV in UTF-8 or GB18030."},
      {"customer.import_empty", "文件是空的。", "The file is empty."},
      {"customer.import_no_name_column", "文件缺少“姓名”列。",
       "The file has no name (姓名) column."},
      {"customer.import_no_unit", "文件缺少“门店/单元编码”列，请选择导入到哪个单元。",
       "The file has no unit column; choose the unit to import into."},
      {"customer.import_has_errors",
       "有 {count} 行数据有误，未导入任何数据。请修正后重试，或只导入正确的行。",
       "{count} rows have errors, so nothing was imported. Fix them, or import only the good "
       "rows."},
      {"customer.import_repeated", "与文件第 {value} 行重复", "repeats line {value} of the file"},
      {"customer.vehicle_taken", "该车辆已属于另一位客户",
       "this vehicle already belongs to another customer"},
      {"value_kind.number", "数字", "a number"},
      {"customer.batch_size", "一次提交 1 到 1000 条记录", "send 1 to 1000 records at a time"},
      {"customer.event_recorded", "该外部编号的记录已存在，未重复写入。",
       "An event with this external id was already recorded."},
  });
}

}  // namespace kefu::customers
