#include "modules/customers/model.h"

#include <algorithm>
#include <cstdio>

namespace kefu::customers {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Area codes: 010 and 02x are three digits; the rest four (0571, 0755 ...).
size_t area_code_length(std::string_view digits) {
  if (digits.size() >= 3 && digits[0] == '0' && (digits[1] == '1' || digits[1] == '2')) return 3;
  return 4;
}

}  // namespace

std::optional<Kind> parse_kind(std::string_view s) {
  if (s == "person") return Kind::kPerson;
  if (s == "organisation") return Kind::kOrganisation;
  return std::nullopt;
}

std::string_view to_string(Kind k) {
  return k == Kind::kPerson ? "person" : "organisation";
}

bool one_of(const std::vector<std::string>& allowed, std::string_view v) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

namespace {
const std::vector<std::pair<std::string, std::string>>& source_names() {
  static const std::vector<std::pair<std::string, std::string>> v = {
      {"walk_in", "到店"}, {"hotline", "热线"},  {"web", "网站"},       {"referral", "转介绍"},
      {"import", "导入"},  {"campaign", "活动"}, {"partner", "合作方"}, {"other", "其他"}};
  return v;
}
}  // namespace

std::string source_label(std::string_view code) {
  for (const auto& [c, zh] : source_names())
    if (c == code) return zh;
  return std::string(code);
}

std::optional<std::string> source_of(std::string_view text) {
  for (const auto& [c, zh] : source_names())
    if (c == text || zh == text) return c;
  return std::nullopt;
}

std::optional<std::string> normalise_phone(std::string_view raw) {
  std::string digits;
  bool had_separator_after_area = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty()) {
      continue;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') {
      if (c == '-' || c == ')') had_separator_after_area = true;
    } else {
      return std::nullopt;  // letters, extensions: not a number we can call
    }
  }
  if (digits.rfind("0086", 0) == 0)
    digits = digits.substr(4);
  else if (digits.size() == 13 && digits.rfind("86", 0) == 0)
    digits = digits.substr(2);
  if (digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9')
    return digits;
  (void)had_separator_after_area;
  if (digits.size() >= 10 && digits.size() <= 12 && digits[0] == '0') {
    size_t area = area_code_length(digits);
    std::string local = digits.substr(area);
    if (local.size() >= 7 && local.size() <= 8 && local[0] != '0' && local[0] != '1')
      return digits.substr(0, area) + "-" + local;
  }
  return std::nullopt;
}

bool is_mobile(std::string_view n) {
  return n.size() == 11 && all_digits(n) && n[0] == '1';
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)))
    return false;
  int y = std::stoi(std::string(s.substr(0, 4))), m = std::stoi(std::string(s.substr(5, 2))),
      d = std::stoi(std::string(s.substr(8, 2)));
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool valid_clock_time(std::string_view s) {
  if (s.size() != 5 || s[2] != ':' || !all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)))
    return false;
  return std::stoi(std::string(s.substr(0, 2))) < 24 && std::stoi(std::string(s.substr(3, 2))) < 60;
}

std::string customer_code(int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "C%08lld", static_cast<long long>(id));
  return buf;
}

const std::vector<AssetType>& preset_asset_types() {
  static const std::vector<AssetType> presets = {
      {"vehicle",
       "车辆",
       "Vehicle",
       {{"plate", "车牌号", "Plate", "text", true, {}},
        {"vin", "车架号(VIN)", "VIN", "text", false, {}},
        {"model", "车型", "Model", "text", false, {}},
        {"delivery_date", "交车日期", "Delivery date", "date", false, {}},
        {"mileage_km", "行驶里程(公里)", "Mileage (km)", "integer", false, {}},
        {"insurance_expiry", "保险到期日", "Insurance expiry", "date", false, {}}},
       true},
      {"property_unit",
       "房产",
       "Property unit",
       {{"building", "楼栋", "Building", "text", true, {}},
        {"unit", "单元", "Unit", "text", false, {}},
        {"room", "房号", "Room", "text", true, {}},
        {"move_in_date", "入住日期", "Move-in date", "date", false, {}}},
       true},
      {"phone_line",
       "电话号码/套餐",
       "Phone line",
       {{"number", "号码", "Number", "phone", true, {}},
        {"plan", "套餐", "Plan", "text", false, {}},
        {"arpu_fen", "月均消费(分)", "ARPU (fen)", "money", false, {}}},
       true},
      {"securities_account",
       "证券账户",
       "Securities account",
       {{"account_no", "资金账号", "Account number", "text", true, {}},
        {"risk_preference",
         "风险偏好",
         "Risk preference",
         "enum",
         false,
         {"conservative", "steady", "aggressive"}}},
       true},
      {"shop_account",
       "网店账号",
       "Shop account",
       {{"platform", "平台", "Platform", "text", true, {}},
        {"account", "账号", "Account", "text", true, {}}},
       true},
  };
  return presets;
}

std::vector<AttrProblem> check_attributes(const AssetType& type,
                                          const std::vector<AttrValue>& values) {
  std::vector<AttrProblem> problems;
  auto find = [&](const std::string& key) -> const AttrValue* {
    for (const auto& v : values)
      if (v.key == key) return &v;
    return nullptr;
  };
  for (const auto& f : type.fields) {
    const AttrValue* v = find(f.key);
    if (!v || (v->is_string && v->text.empty())) {
      if (f.required) problems.push_back({f.key, "field.required"});
      continue;
    }
    bool ok = true;
    if (f.type == "integer" || f.type == "money") {
      ok = v->is_number && all_digits(v->text);
      if (!ok) problems.push_back({f.key, "field.wrong_type"});
      continue;
    }
    if (!v->is_string) {
      problems.push_back({f.key, "field.wrong_type"});
      continue;
    }
    if (f.type == "date")
      ok = valid_date(v->text);
    else if (f.type == "phone")
      ok = normalise_phone(v->text).has_value();
    else if (f.type == "enum")
      ok = one_of(f.options, v->text);
    else
      ok = v->text.size() <= 200;
    if (!ok) problems.push_back({f.key, "field.invalid"});
  }
  for (const auto& v : values) {
    bool known = std::any_of(type.fields.begin(), type.fields.end(),
                             [&](const AssetField& f) { return f.key == v.key; });
    if (!known) problems.push_back({v.key, "field.unknown"});
  }
  return problems;
}

std::string asset_label(const AssetType& type, const std::vector<AttrValue>& values) {
  std::string out;
  for (const auto& f : type.fields) {
    if (f.type != "text" && f.type != "phone") continue;
    for (const auto& v : values) {
      if (v.key != f.key || v.text.empty()) continue;
      if (!out.empty()) out += ' ';
      out += v.text;
    }
    if (out.size() > 60) break;
  }
  return out.empty() ? type.name_zh : out;
}

std::string outbox_type(std::string_view kind, std::string_view asset_type) {
  if (kind == "purchase") return "sale.completed";
  if (kind == "delivery")
    return asset_type == "vehicle" ? "vehicle.delivered" : "delivery.completed";
  if (kind == "repair" || kind == "service") return "repair.closed";
  if (kind == "visit_without_purchase") return "store.visit_without_purchase";
  if (kind == "order") return "order.placed";
  return "customer." + std::string(kind);
}

Completeness completeness(const Customer& c) {
  Completeness out;
  struct Part {
    const char* name;
    bool present;
    int weight;
  };
  const Part parts[] = {
      {"phone", !c.phones.empty(), 35},
      {"address", !c.address.empty(), 20},
      {"birthday", c.kind == Kind::kOrganisation || !c.birthday.empty(), 15},
      {"assets", c.asset_count > 0, 20},
      {"owner", c.owner_id.has_value(), 10},
  };
  for (const auto& p : parts) {
    if (p.present)
      out.score += p.weight;
    else
      out.missing.emplace_back(p.name);
  }
  return out;
}

}  // namespace kefu::customers
