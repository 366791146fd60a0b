#include "modules/rules/model.h"

#include <algorithm>
#include <charconv>
#include <functional>

#include "modules/calendar/model.h"

namespace kefu::rules {
namespace {

const std::set<std::string, std::less<>> kOps = {
    "=",        "!=",           "<",      "<=",      ">",      ">=", "in", "not_in",
    "contains", "not_contains", "exists", "missing", "in_unit"};

// The customer's own fields (birthdays and schedules have no asset).
std::vector<Field> person_fields() {
  return {
      {"customer.kind", FieldType::kText, "客户类型", "customer kind"},
      {"customer.source", FieldType::kText, "客户来源", "customer source"},
      {"customer.tags", FieldType::kList, "客户标签", "customer tags"},
      {"customer.unit_id", FieldType::kUnit, "客户归属单位", "customer's unit"},
      {"customer.gender", FieldType::kText, "性别", "gender"},
      {"customer.may_call", FieldType::kBool, "允许电话联系", "may be called"},
      {"customer.may_text", FieldType::kBool, "允许短信", "may be texted"},
      {"customer.has_owner", FieldType::kBool, "有专属客服", "has an owning agent"},
      // customer.class.lifecycle = at_risk: the classes of the customers module.
      {"customer.class.*", FieldType::kText, "客户分类", "customer class"},
  };
}

// Fields every customer-related trigger with an asset offers.
std::vector<Field> customer_fields() {
  auto f = person_fields();
  f.push_back({"asset.type", FieldType::kText, "资产类型", "asset type"});
  f.push_back({"asset.attrs.*", FieldType::kText, "资产属性", "asset attribute"});
  return f;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string two_digits(int n) {
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

bool leap(int year) {
  return calendar::valid_civil(year, 2, 29);
}

void check_schedule(const Schedule& s, std::vector<Problem>& out) {
  const std::string at = "trigger.schedule.";
  if (s.every == "day") {
    if (s.on != 0) out.push_back({at + "on", "rules.schedule_on_day", ""});
  } else if (s.every == "week") {
    if (s.on < 1 || s.on > 7) out.push_back({at + "on", "rules.schedule_weekday", ""});
  } else if (s.every == "month") {
    if (s.on < 1 || s.on > 28) out.push_back({at + "on", "rules.schedule_monthday", ""});
  } else {
    out.push_back({at + "every", "rules.schedule_every", s.every});
  }
}

std::vector<Field> customer_event_fields() {
  std::vector<Field> f = {
      {"event.kind", FieldType::kText, "事件类型", "event kind"},
      {"event.unit_id", FieldType::kUnit, "发生单位", "unit"},
      {"event.staff_id", FieldType::kNumber, "经办员工", "staff"},
      {"event.amount_fen", FieldType::kNumber, "金额（分）", "amount (fen)"},
      {"event.asset_type", FieldType::kText, "资产类型", "asset type"},
      {"event.attrs.*", FieldType::kText, "事件属性", "event attribute"},
  };
  auto c = customer_fields();
  f.insert(f.end(), c.begin(), c.end());
  return f;
}

std::vector<Field> ticket_event_fields() {
  std::vector<Field> f = {
      {"event.kind", FieldType::kText, "工单类型", "ticket kind"},
      {"event.channel", FieldType::kText, "受理渠道", "channel"},
      {"event.severity", FieldType::kText, "严重程度", "severity"},
      {"event.resolution", FieldType::kText, "处理结论", "resolution"},
      {"event.unit_id", FieldType::kUnit, "发生单位", "unit"},
      {"event.resp_unit_id", FieldType::kUnit, "责任部门", "responsible unit"},
      {"event.category_id", FieldType::kNumber, "工单分类", "category"},
  };
  auto c = customer_fields();
  f.insert(f.end(), c.begin(), c.end());
  return f;
}

std::string trim_star(std::string_view key) {
  return std::string(key.substr(0, key.size() - 1));  // "asset.attrs.*" → "asset.attrs."
}

bool as_number(const FactValue& v, double* out) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *out = static_cast<double>(*i), true;
  if (const auto* d = std::get_if<double>(&v)) return *out = *d, true;
  if (const auto* b = std::get_if<bool>(&v)) return *out = *b ? 1 : 0, true;
  if (const auto* s = std::get_if<std::string>(&v)) {
    auto n = number(*s);
    if (n) return *out = *n, true;
  }
  return false;
}

std::string as_text(const FactValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* d = std::get_if<double>(&v)) {
    auto t = std::to_string(*d);
    while (!t.empty() && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
  }
  return "";
}

bool present(const FactValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return false;
  if (const auto* s = std::get_if<std::string>(&v)) return !s->empty();
  if (const auto* l = std::get_if<std::vector<std::string>>(&v)) return !l->empty();
  return true;
}

bool equals(const FactValue& v, const std::string& want) {
  double a = 0;
  auto b = number(want);
  if (b && !std::holds_alternative<std::string>(v) && as_number(v, &a)) return a == *b;
  if (const auto* bv = std::get_if<bool>(&v)) return (want == "true") == *bv;
  return as_text(v) == want;
}

bool holds(const Condition& c, const FactValue& v,
           const std::map<std::string, std::string>& unit_paths, const Facts& facts) {
  const auto& op = c.op;
  if (op == "exists") return present(v);
  if (op == "missing") return !present(v);
  if (!present(v)) return op == "!=" || op == "not_in" || op == "not_contains";
  if (op == "=") return !c.values.empty() && equals(v, c.values[0]);
  if (op == "!=") return c.values.empty() || !equals(v, c.values[0]);
  if (op == "in" || op == "not_in") {
    bool any = std::any_of(c.values.begin(), c.values.end(),
                           [&](const std::string& w) { return equals(v, w); });
    return op == "in" ? any : !any;
  }
  if (op == "contains" || op == "not_contains") {
    bool any = false;
    if (const auto* l = std::get_if<std::vector<std::string>>(&v)) {
      for (const auto& w : c.values) any = any || std::find(l->begin(), l->end(), w) != l->end();
    } else {
      std::string text = as_text(v);
      for (const auto& w : c.values) any = any || text.find(w) != std::string::npos;
    }
    return op == "contains" ? any : !any;
  }
  if (op == "in_unit") {
    // The unit fact's path is given beside it as "<field>.path".
    auto it = facts.find(c.field + ".path");
    if (it == facts.end()) return false;
    std::string path = as_text(it->second);
    for (const auto& w : c.values) {
      auto u = unit_paths.find(w);
      if (u != unit_paths.end() && path.rfind(u->second, 0) == 0) return true;
    }
    return false;
  }
  if (c.values.empty()) return false;
  double a = 0;
  auto b = number(c.values[0]);
  if (!b || !as_number(v, &a)) {
    // Dates ("YYYY-MM-DD") compare as text.
    std::string t = as_text(v);
    const std::string& w = c.values[0];
    if (op == "<") return t < w;
    if (op == "<=") return t <= w;
    if (op == ">") return t > w;
    return t >= w;
  }
  if (op == "<") return a < *b;
  if (op == "<=") return a <= *b;
  if (op == ">") return a > *b;
  return a >= *b;
}

}  // namespace

const std::vector<TriggerInfo>& catalogue() {
  static const std::vector<TriggerInfo> all = [] {
    std::vector<TriggerInfo> t = {
        {"vehicle.delivered", "新车交付", "vehicle delivered", customer_event_fields()},
        {"sale.completed", "销售成交", "sale completed", customer_event_fields()},
        {"repair.closed", "维修/保养完工", "repair or service closed", customer_event_fields()},
        {"delivery.completed", "送货安装完成", "delivery completed", customer_event_fields()},
        {"store.visit_without_purchase", "来店未购买", "store visit without purchase",
         customer_event_fields()},
        {"order.placed", "网店下单", "online order placed", customer_event_fields()},
        {"customer.call", "来电/联系", "call or contact", customer_event_fields()},
        {"customer.visit", "到店", "visit", customer_event_fields()},
        {"member.joined", "入会", "member joined", customer_event_fields()},
        {"ticket.closed", "工单关闭", "ticket closed", ticket_event_fields()},
        {"ticket.created", "工单创建", "ticket created", ticket_event_fields()},
    };
    return t;
  }();
  return all;
}

TriggerKind kind_of(const Trigger& t) {
  int n = !t.event.empty() + !t.date_field.empty() + !t.schedule.every.empty();
  if (n > 1) return TriggerKind::kSeveral;
  if (!t.event.empty()) return TriggerKind::kEvent;
  if (!t.date_field.empty()) return TriggerKind::kDate;
  if (!t.schedule.every.empty()) return TriggerKind::kSchedule;
  return TriggerKind::kNone;
}

std::string trigger_key(const Trigger& t) {
  switch (kind_of(t)) {
    case TriggerKind::kDate:
      return "date:" + t.date_field;
    case TriggerKind::kSchedule:
      return "schedule";
    default:
      return t.event;
  }
}

const DateField& birthday_field() {
  static const DateField f{"customer.birthday", "客户生日", "customer's birthday"};
  return f;
}

std::vector<TriggerInfo> time_triggers(const std::vector<DateField>& dates) {
  std::vector<TriggerInfo> out = {{"date:" + birthday_field().key, birthday_field().label_zh,
                                   birthday_field().label_en, person_fields()}};
  for (const auto& d : dates)
    if (d.key != birthday_field().key)
      out.push_back({"date:" + d.key, d.label_zh, d.label_en, customer_fields()});
  out.push_back({"schedule", "定期计划", "schedule", person_fields()});
  return out;
}

std::vector<Field> fields_for(const Trigger& t, const std::vector<DateField>& dates) {
  auto kind = kind_of(t);
  if (kind == TriggerKind::kDate || kind == TriggerKind::kSchedule) {
    std::string key = trigger_key(t);
    for (const auto& info : time_triggers(dates))
      if (info.event == key) return info.fields;
    return {};
  }
  if (kind != TriggerKind::kEvent) return {};
  for (const auto& info : catalogue())
    if (info.event == t.event) return info.fields;
  return {};
}

DateKind date_kind(std::string_view field) {
  static const std::set<std::string, std::less<>> kStarts = {
      "customer.birthday", "asset.delivery_date", "asset.move_in_date", "asset.purchase_date",
      "asset.open_date",   "asset.join_date",     "asset.start_date"};
  if (kStarts.count(field) || ends_with(field, "_since")) return DateKind::kAnniversary;
  return DateKind::kExact;
}

DateLookup date_lookup(std::string_view field, int64_t fire_day, int days_before) {
  DateLookup out;
  out.kind = date_kind(field);
  out.target_day = fire_day + days_before;
  if (out.kind == DateKind::kExact) {
    out.values.push_back(calendar::format_date(out.target_day));
    return out;
  }
  auto t = calendar::civil_from_days(out.target_day);
  out.values.push_back(two_digits(t.month) + "-" + two_digits(t.day));
  if (t.month == 2 && t.day == 28 && !leap(t.year)) out.values.push_back("02-29");
  return out;
}

bool date_fires(std::string_view field, std::string_view value, int64_t fire_day, int days_before) {
  auto day = calendar::parse_date(value);
  if (!day) return false;
  int64_t target = fire_day + days_before;
  if (date_kind(field) == DateKind::kExact) return *day == target;
  auto v = calendar::civil_from_days(*day);
  auto t = calendar::civil_from_days(target);
  if (v.year >= t.year) return false;  // from the first anniversary on
  if (v.month == t.month && v.day == t.day) return true;
  return v.month == 2 && v.day == 29 && t.month == 2 && t.day == 28 && !leap(t.year);
}

bool schedule_fires(const Schedule& s, int64_t day) {
  if (s.every == "day") return true;
  if (s.every == "week") return calendar::weekday(day) + 1 == s.on;
  if (s.every == "month") return calendar::civil_from_days(day).day == s.on;
  return false;
}

std::optional<Field> find_field(const std::vector<Field>& fields, std::string_view key) {
  for (const auto& f : fields) {
    if (f.key == key) return f;
    if (f.key.size() > 2 && f.key.compare(f.key.size() - 2, 2, ".*") == 0) {
      std::string prefix = trim_star(f.key);
      if (key.size() > prefix.size() && key.substr(0, prefix.size()) == prefix) return f;
    }
  }
  return std::nullopt;
}

bool valid_op(std::string_view op) {
  return kOps.count(op) > 0;
}

bool op_fits(std::string_view op, FieldType type) {
  if (op == "exists" || op == "missing" || op == "=" || op == "!=" || op == "in" || op == "not_in")
    return true;
  if (op == "contains" || op == "not_contains")
    return type == FieldType::kList || type == FieldType::kText;
  if (op == "in_unit") return type == FieldType::kUnit;
  // < <= > >=
  return type == FieldType::kNumber || type == FieldType::kDate || type == FieldType::kText;
}

std::optional<double> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<Problem> check(const Definition& d, const std::vector<DateField>& dates) {
  std::vector<Problem> out;
  auto kind = kind_of(d.trigger);
  if (kind == TriggerKind::kNone || kind == TriggerKind::kSeveral)
    out.push_back({"trigger", "rules.trigger_one", ""});
  auto fields = fields_for(d.trigger, dates);
  if (fields.empty() && kind == TriggerKind::kEvent)
    out.push_back({"trigger.event", "rules.trigger_unknown", d.trigger.event});
  if (fields.empty() && kind == TriggerKind::kDate)
    out.push_back({"trigger.date_field", "rules.trigger_unknown", d.trigger.date_field});
  if (kind == TriggerKind::kDate && (d.trigger.days_before < 0 || d.trigger.days_before > 366))
    out.push_back({"trigger.days_before", "rules.days_before_range", ""});
  if (kind == TriggerKind::kSchedule) check_schedule(d.trigger.schedule, out);
  for (size_t i = 0; i < d.conditions.size(); ++i) {
    const auto& c = d.conditions[i];
    std::string at = "conditions[" + std::to_string(i) + "]";
    auto f = find_field(fields, c.field);
    if (!f) {
      if (!fields.empty()) out.push_back({at + ".field", "rules.field_unknown", c.field});
      continue;
    }
    if (!valid_op(c.op)) {
      out.push_back({at + ".op", "rules.op_unknown", c.op});
      continue;
    }
    if (!op_fits(c.op, f->type)) {
      out.push_back({at + ".op", "rules.op_unfit", c.op});
      continue;
    }
    bool needs_values = c.op != "exists" && c.op != "missing";
    if (needs_values && c.values.empty()) out.push_back({at + ".values", "field.required", ""});
    if (f->type == FieldType::kBool)
      for (const auto& v : c.values)
        if (v != "true" && v != "false") out.push_back({at + ".values", "rules.bool_value", v});
    if (f->type == FieldType::kNumber || f->type == FieldType::kUnit)
      for (const auto& v : c.values)
        if (!number(v)) out.push_back({at + ".values", "rules.number_value", v});
  }
  auto span_ok = [&](const Span& s, const std::string& at) {
    if (s.unit != "hours" && s.unit != "working_days")
      out.push_back({at + ".unit", "rules.span_unit", s.unit});
    else if (s.amount < 0 || s.amount > (s.unit == "hours" ? 24 * 366 : 250))
      out.push_back({at + ".amount", "rules.span_range", ""});
  };
  span_ok(d.delay, "delay");
  span_ok(d.due, "due");
  if (d.priority < 0 || d.priority > 9) out.push_back({"priority", "rules.priority_range", ""});
  return out;
}

bool matches(const Definition& d, const Facts& facts,
             const std::map<std::string, std::string>& unit_paths, std::string_view prefix) {
  static const FactValue kNone{};
  for (const auto& c : d.conditions) {
    if (!prefix.empty() && c.field.rfind(prefix, 0) != 0) continue;
    auto it = facts.find(c.field);
    if (!holds(c, it == facts.end() ? kNone : it->second, unit_paths, facts)) return false;
  }
  return true;
}

bool has_cycle(const std::vector<std::pair<std::string, std::vector<std::string>>>& edges) {
  // Graph over event types: trigger → each event its action emits.
  std::map<std::string, std::vector<std::string>> next;
  for (const auto& [trigger, emits] : edges)
    for (const auto& e : emits) next[trigger].push_back(e);
  std::map<std::string, int> mark;  // 0 new, 1 on the stack, 2 done
  std::function<bool(const std::string&)> visit = [&](const std::string& n) {
    int& m = mark[n];
    if (m == 1) return true;
    if (m == 2) return false;
    m = 1;
    for (const auto& x : next[n])
      if (visit(x)) return true;
    mark[n] = 2;
    return false;
  };
  for (const auto& [trigger, emits] : edges)
    if (visit(trigger)) return true;
  return false;
}

std::string add_days(std::string_view ymd, int days) {
  auto d = calendar::parse_date(ymd);
  if (!d) return "";
  return calendar::format_date(*d + days);
}

}  // namespace kefu::rules
