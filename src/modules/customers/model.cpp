#include "modules/customers/model.h"

#include <algorithm>
#include <cctype>
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

std::optional<std::string> event_kind_of(std::string_view text) {
  std::string t;
  for (char ch : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(t.begin());
  for (const auto& k : event_kinds())
    if (t == k) return k;
  static const std::pair<const char*, const char*> names[] = {
      {"购买", "purchase"},     {"购物", "purchase"},
      {"消费", "purchase"},     {"销售", "purchase"},
      {"成交", "purchase"},     {"交车", "delivery"},
      {"交付", "delivery"},     {"送货", "delivery"},
      {"配送", "delivery"},     {"送货安装", "delivery"},
      {"维修", "repair"},       {"报修", "repair"},
      {"保养", "service"},      {"服务", "service"},
      {"到店", "visit"},        {"来店", "visit"},
      {"来访", "visit"},        {"拜访", "visit"},
      {"到店未购", "visit_without_purchase"}, {"来店未购", "visit_without_purchase"},
      {"未成交", "visit_without_purchase"},   {"订单", "order"},
      {"下单", "order"},        {"来电", "call"},
      {"通话", "call"},         {"电话", "call"},
      {"联系", "contact"},      {"其他", "other"},
      {"其它", "other"},
  };
  for (const auto& [name, kind] : names)
    if (t == name) return std::string(kind);
  return std::nullopt;
}

namespace {

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool strip_prefix(std::string_view& s, std::string_view p) {
  if (s.substr(0, p.size()) != p) return false;
  s.remove_prefix(p.size());
  return true;
}
bool strip_suffix(std::string_view& s, std::string_view p) {
  if (s.size() < p.size() || s.substr(s.size() - p.size()) != p) return false;
  s.remove_suffix(p.size());
  return true;
}

constexpr int64_t kMaxFen = 1'000'000'000'000'000;  // 10^15 fen: ten trillion yuan

// A whole part "1280" or "1,280" (groups of three after the first): its value, or nullopt.
std::optional<int64_t> whole_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool grouped = s.find(',') != std::string_view::npos;
  int64_t v = 0;
  size_t digits_since_comma = 0, leading = 0;
  bool seen_comma = false;
  for (char c : s) {
    if (c == ',') {
      if ((!seen_comma && (leading == 0 || leading > 3)) || (seen_comma && digits_since_comma != 3))
        return std::nullopt;
      seen_comma = true;
      digits_since_comma = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (v > kMaxFen) return std::nullopt;
    v = v * 10 + (c - '0');
    if (seen_comma)
      ++digits_since_comma;
    else
      ++leading;
  }
  if (grouped && digits_since_comma != 3) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int64_t> yuan_to_fen(std::string_view text) {
  std::string_view s = trim_view(text);
  strip_prefix(s, "¥") || strip_prefix(s, "￥");
  strip_suffix(s, "元");
  s = trim_view(s);
  if (s.empty()) return std::nullopt;
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) return std::nullopt;
  auto w = whole_number(whole);
  if (!w) return std::nullopt;
  int64_t cents = 0;
  for (size_t i = 0; i < 2; ++i) {
    int digit = 0;
    if (i < frac.size()) {
      if (frac[i] < '0' || frac[i] > '9') return std::nullopt;
      digit = frac[i] - '0';
    }
    cents = cents * 10 + digit;
  }
  if (*w > kMaxFen / 100) return std::nullopt;
  int64_t fen = *w * 100 + cents;
  if (fen > kMaxFen) return std::nullopt;
  return fen;
}

std::optional<int64_t> parse_fen(std::string_view text) {
  std::string_view s = trim_view(text);
  // Excel may write a whole number with zero decimals.
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    s = s.substr(0, dot);
  }
  auto v = whole_number(s);
  if (!v || *v > kMaxFen) return std::nullopt;
  return v;
}

std::optional<int64_t> parse_local_time(std::string_view text, int offset_minutes) {
  std::string_view s = trim_view(text);
  // Numbers and what separates them: 2026-03-01 14:30:05 → 2026 03 01 14 30 05.
  int64_t parts[6] = {0, 0, 0, 0, 0, 0};
  size_t n = 0, digits = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= '0' && c <= '9') {
      if (n >= 6) return std::nullopt;
      if (++digits > (n == 0 ? 4u : 2u)) return std::nullopt;
      parts[n] = parts[n] * 10 + (c - '0');
      ++i;
      continue;
    }
    size_t len = 0;
    std::string_view rest = s.substr(i);
    bool date_sep = n < 2 && (c == '-' || c == '/' || c == '.');
    bool cjk = rest.substr(0, 3) == "年" || rest.substr(0, 3) == "月" ||
               rest.substr(0, 3) == "日" || rest.substr(0, 3) == "时" ||
               rest.substr(0, 3) == "分" || rest.substr(0, 3) == "秒";
    bool between = n == 2 && (c == ' ' || c == 'T');
    bool time_sep = (n == 3 || n == 4) && c == ':';
    if (cjk)
      len = 3;
    else if (date_sep || between || time_sep)
      len = 1;
    if (len == 0) return std::nullopt;
    if (digits == 0) {
      // "日 " / "日14时": a space after 日 is the date/time break itself.
      if (!(n == 3 && c == ' ')) return std::nullopt;
      i += len;
      continue;
    }
    ++n;
    digits = 0;
    i += len;
    // After 日 a space may follow.
    while (i < s.size() && s[i] == ' ' && n == 3) ++i;
  }
  if (digits) ++n;
  if (n != 3 && n != 5 && n != 6) return std::nullopt;
  int64_t y = parts[0], m = parts[1], d = parts[2], hh = parts[3], mm = parts[4], ss = parts[5];
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return std::nullopt;
  static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > days_in[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  // Days since 1970-01-01 (H. Hinnant's days_from_civil).
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + doe - 719468;
  return ((days * 24 + hh) * 60 + mm - offset_minutes) * 60000 + ss * 1000;
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

// ---- Reading assets from a spreadsheet ----

namespace {

// "车架号(VIN)" → "车架号", "行驶里程（公里）" → "行驶里程": people leave the unit out.
std::string without_bracket(const std::string& label) {
  size_t at = std::min(label.find('('), label.find("（"));
  std::string head = at == std::string::npos ? label : label.substr(0, at);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  return head;
}

}  // namespace

std::map<std::string, std::string> asset_column_titles(const AssetType& type) {
  std::map<std::string, std::string> out;
  std::map<std::string, int> fields_of;  // how many fields a title could mean
  auto offer = [&](std::map<std::string, std::string>& into, const std::string& title,
                   const std::string& key) {
    if (title.empty()) return;
    auto [it, fresh] = into.emplace(title, key);
    if (!fresh && it->second != key) fields_of[title] = 2;
  };
  for (const auto& f : type.fields) {
    for (const std::string& title :
         {f.key, f.label_zh, f.label_en, without_bracket(f.label_zh), without_bracket(f.label_en)})
      offer(out, title, f.key);
  }
  for (const auto& [title, n] : fields_of)
    if (n > 1) out.erase(title);  // ambiguous: the user maps it
  return out;
}

AttrValue asset_cell_value(const AssetField& field, std::string_view text) {
  AttrValue v{field.key, std::string(text), false, true};
  if (field.type == "integer" || field.type == "money") {
    auto n = parse_fen(text);
    if (n) v = {field.key, std::to_string(*n), true, false};
  } else if (field.type == "date") {
    v.text = normalise_date(text);
  } else if (field.type == "phone") {
    if (auto n = normalise_phone(text)) v.text = *n;
  }
  return v;
}

std::string asset_identity(const AssetType& type, const std::vector<AttrValue>& values) {
  std::string out;
  for (const auto& f : type.fields) {
    if (f.type != "text" && f.type != "phone") continue;
    for (const auto& v : values)
      if (v.key == f.key) out += v.text;
    out += '\x1f';
  }
  return out;
}

std::string normalise_date(std::string_view v) {
  int parts[3] = {0, 0, 0};
  size_t n = 0, digits = 0;
  for (size_t i = 0; i < v.size();) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c >= '0' && c <= '9') {
      if (n >= 3) return std::string(v);
      parts[n] = parts[n] * 10 + (c - '0');
      if (++digits > (n == 0 ? 4u : 2u)) return std::string(v);
      ++i;
    } else {
      size_t len = v.compare(i, 3, "年") == 0 || v.compare(i, 3, "月") == 0 ? 3
                   : v.compare(i, 3, "日") == 0                             ? 3
                   : (c == '-' || c == '/' || c == '.')                     ? 1
                                                                            : 0;
      if (len == 0 || digits == 0) return std::string(v);
      ++n;
      digits = 0;
      i += len;
    }
  }
  if (digits) ++n;
  if (n != 3 || parts[0] < 1000) return std::string(v);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
  return buf;
}

std::optional<bool> yes_no_of(std::string_view text) {
  std::string t(text);
  for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* yes : {"是", "允许", "y", "yes", "true", "1"})
    if (t == yes) return true;
  for (const char* no : {"否", "不允许", "n", "no", "false", "0"})
    if (t == no) return false;
  return std::nullopt;
}

}  // namespace kefu::customers
