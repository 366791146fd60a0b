// Classification and lifecycle: measures over a customer's history, first-match classes,
// the checks an admin's rules must pass and the presets from the seeds. Pure: no clock, no
// database; `now_ms` is given.
#include <algorithm>
#include <limits>
#include <set>

#include "modules/customers/model.h"

namespace kefu::customers {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

bool counts_kind(const ClassCondition& c, const std::string& kind) {
  return c.kinds.empty() || std::find(c.kinds.begin(), c.kinds.end(), kind) != c.kinds.end();
}

// In the window: the last `days` days up to now (and the day of grace the archive allows
// for clocks ahead); 0 = all of the history.
bool in_window(const ClassCondition& c, int64_t at, int64_t now_ms) {
  return c.days == 0 || at > now_ms - c.days * kDayMs;
}

int64_t whole_days(int64_t from, int64_t to) { return to > from ? (to - from) / kDayMs : 0; }

bool valid_code(std::string_view s) {
  if (s.empty() || s.size() > 40 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; });
}

bool valid_colour(std::string_view s) {
  if (s.size() != 7 || s[0] != '#') return false;
  return std::all_of(s.begin() + 1, s.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
  });
}

// How many values an operator takes.
size_t arity(std::string_view op) {
  if (op == "missing" || op == "exists") return 0;
  if (op == "between") return 2;
  return 1;
}

// The same measure of the same events or assets: conditions that can form bands.
std::string measure_key(const ClassCondition& c) {
  auto kinds = c.kinds;
  std::sort(kinds.begin(), kinds.end());
  std::string k = c.measure + "|" + std::to_string(c.days) + "|" + c.asset_type + "|" + c.attr;
  for (const auto& x : kinds) k += "|" + x;
  return k;
}

void check_condition(const ClassCondition& c, const std::string& at,
                     std::vector<RuleProblem>& out) {
  const MeasureInfo* m = find_measure(c.measure);
  if (!m) {
    out.push_back({at + "measure", "classify.measure_unknown"});
    return;
  }
  const auto& ops = class_operators();
  if (std::find(ops.begin(), ops.end(), c.op) == ops.end()) {
    out.push_back({at + "op", "classify.op_unknown"});
  } else if (!m->may_be_missing && (c.op == "missing" || c.op == "exists")) {
    out.push_back({at + "op", "classify.op_unfit"});  // a sum or a count is never missing
  } else if (c.values.size() != arity(c.op)) {
    out.push_back({at + "values", "classify.values_count"});
  } else if (std::any_of(c.values.begin(), c.values.end(), [](int64_t v) { return v < 0; })) {
    out.push_back({at + "values", "classify.value_negative"});
  } else if (c.op == "between" && c.values[0] >= c.values[1]) {
    out.push_back({at + "values", "classify.between_order"});
  }
  if (m->windowed ? (c.days < 0 || c.days > 3660) : c.days != 0)
    out.push_back({at + "days", m->windowed ? "field.out_of_range" : "classify.days_unfit"});
  if (!m->by_kind && !c.kinds.empty()) out.push_back({at + "kinds", "classify.kinds_unfit"});
  for (size_t k = 0; k < c.kinds.size(); ++k)
    if (!one_of(event_kinds(), c.kinds[k]))
      out.push_back({at + "kinds[" + std::to_string(k) + "]", "classify.kind_unknown"});
  if (m->by_asset && c.measure == "asset_max" && c.asset_type.empty())
    out.push_back({at + "asset_type", "field.required"});
  if (c.measure == "asset_max" && c.attr.empty()) out.push_back({at + "attr", "field.required"});
  if (!m->by_asset && !c.asset_type.empty())
    out.push_back({at + "asset_type", "classify.asset_unfit"});
}

void check_class_labels(const ClassDef& d, const std::string& at, std::vector<RuleProblem>& out) {
  if (!valid_code(d.code)) out.push_back({at + "code", "classify.code_invalid"});
  if (d.label_zh.empty()) out.push_back({at + "label_zh", "field.required"});
  if (d.label_en.empty()) out.push_back({at + "label_en", "field.required"});
  if (!valid_colour(d.colour)) out.push_back({at + "colour", "classify.colour_invalid"});
}

// Lower bound (inclusive) of ">="/">" and upper bound (exclusive) of "<"/"<=".
std::optional<int64_t> lower_of(const ClassCondition& c) {
  if (c.op == ">=") return c.values[0];
  if (c.op == ">") return c.values[0] + 1;
  return std::nullopt;
}
std::optional<int64_t> upper_of(const ClassCondition& c) {
  if (c.op == "<") return c.values[0];
  if (c.op == "<=") return c.values[0] + 1;
  return std::nullopt;
}

// Bands: classes with one condition each on the same measure. A later band that an earlier
// one already covers can never win (thresholds in the wrong order); two ranges that share
// values overlap.
void check_bands(const Classification& c, std::vector<RuleProblem>& out) {
  for (size_t j = 1; j < c.classes.size(); ++j) {
    const auto& later = c.classes[j].conditions;
    if (later.size() != 1 || later[0].values.size() != arity(later[0].op)) continue;
    for (size_t i = 0; i < j; ++i) {
      const auto& earlier = c.classes[i].conditions;
      if (earlier.size() != 1 || earlier[0].values.size() != arity(earlier[0].op)) continue;
      const auto& a = earlier[0];
      const auto& b = later[0];
      if (measure_key(a) != measure_key(b)) continue;
      std::string at = "classes[" + std::to_string(j) + "].conditions[0].values";
      auto la = lower_of(a), lb = lower_of(b), ua = upper_of(a), ub = upper_of(b);
      if ((la && lb && *la <= *lb) || (ua && ub && *ua >= *ub)) {
        out.push_back({at, "classify.band_unreachable"});
        break;
      }
      if (a.op == "between" && b.op == "between" && a.values[0] < b.values[1] &&
          b.values[0] < a.values[1]) {
        out.push_back({at, "classify.band_overlap"});
        break;
      }
    }
  }
}

ClassCondition cond(std::string measure, std::vector<std::string> kinds, int days, std::string op,
                    std::vector<int64_t> values) {
  return {std::move(measure), std::move(kinds), days, "", "", std::move(op), std::move(values)};
}

}  // namespace

const std::vector<MeasureInfo>& measures() {
  static const std::vector<MeasureInfo> v = {
      {"spend", "消费金额", "Spend", "fen", true, true, false, false},
      {"event_count", "次数", "Number of events", "count", true, true, false, false},
      {"days_since_last", "距最近一次天数", "Days since the last", "days", false, true, false, true},
      {"days_since_first", "距首次天数", "Days since the first", "days", false, true, false, true},
      {"asset_count", "资产数量", "Number of assets", "count", false, false, true, false},
      {"asset_max", "资产属性最大值", "Largest asset attribute", "number", false, false, true, true},
  };
  return v;
}

const MeasureInfo* find_measure(std::string_view code) {
  for (const auto& m : measures())
    if (m.code == code) return &m;
  return nullptr;
}

const std::vector<std::string>& class_operators() {
  static const std::vector<std::string> v = {"=",  "!=",      "<",       "<=",    ">",
                                             ">=", "between", "missing", "exists"};
  return v;
}

std::optional<int64_t> measure_value(const ClassCondition& c, const History& h, int64_t now_ms) {
  if (c.measure == "spend" || c.measure == "event_count") {
    int64_t sum = 0;
    for (const auto& e : h.events)
      if (counts_kind(c, e.kind) && in_window(c, e.occurred_at, now_ms))
        sum += c.measure == "spend" ? e.amount_fen : 1;
    return sum;
  }
  if (c.measure == "days_since_last" || c.measure == "days_since_first") {
    std::optional<int64_t> at;
    for (const auto& e : h.events) {
      if (!counts_kind(c, e.kind)) continue;
      if (!at || (c.measure == "days_since_last" ? e.occurred_at > *at : e.occurred_at < *at))
        at = e.occurred_at;
    }
    if (!at) return std::nullopt;
    return whole_days(*at, now_ms);
  }
  if (c.measure == "asset_count") {
    return static_cast<int64_t>(std::count_if(h.assets.begin(), h.assets.end(), [&](const HistoryAsset& a) {
      return c.asset_type.empty() || a.type == c.asset_type;
    }));
  }
  if (c.measure == "asset_max") {
    std::optional<int64_t> best;
    for (const auto& a : h.assets) {
      if (a.type != c.asset_type) continue;
      auto it = a.numbers.find(c.attr);
      if (it != a.numbers.end() && (!best || it->second > *best)) best = it->second;
    }
    return best;
  }
  return std::nullopt;
}

bool holds(const ClassCondition& c, const History& h, int64_t now_ms) {
  auto v = measure_value(c, h, now_ms);
  if (c.op == "missing") return !v;
  if (c.op == "exists") return v.has_value();
  if (!v || c.values.size() != arity(c.op)) return false;
  int64_t x = *v;
  if (c.op == "between") return c.values[0] <= x && x < c.values[1];
  int64_t t = c.values[0];
  if (c.op == "=") return x == t;
  if (c.op == "!=") return x != t;
  if (c.op == "<") return x < t;
  if (c.op == "<=") return x <= t;
  if (c.op == ">") return x > t;
  if (c.op == ">=") return x >= t;
  return false;
}

const std::string& classify(const Classification& c, const History& h, int64_t now_ms) {
  for (const auto& k : c.classes) {
    if (k.conditions.empty()) continue;  // refused by the checks; never matches everyone
    if (std::all_of(k.conditions.begin(), k.conditions.end(),
                    [&](const ClassCondition& x) { return holds(x, h, now_ms); }))
      return k.code;
  }
  return c.fallback.code;
}

const std::string& blank_class(const Classification& c) { return classify(c, History{}, 0); }

bool uses_assets(const Classification& c) {
  for (const auto& k : c.classes)
    for (const auto& x : k.conditions)
      if (x.measure == "asset_count" || x.measure == "asset_max") return true;
  return false;
}

const ClassDef* find_class(const Classification& c, std::string_view code) {
  if (c.fallback.code == code) return &c.fallback;
  for (const auto& k : c.classes)
    if (k.code == code) return &k;
  return nullptr;
}

std::vector<RuleProblem> check_classification(const Classification& c) {
  std::vector<RuleProblem> out;
  if (!valid_code(c.code)) out.push_back({"code", "classify.code_invalid"});
  if (c.label_zh.empty()) out.push_back({"label_zh", "field.required"});
  if (c.label_en.empty()) out.push_back({"label_en", "field.required"});
  if (c.classes.empty() || c.classes.size() > 20)
    out.push_back({"classes", "classify.classes_count"});
  check_class_labels(c.fallback, "default.", out);
  std::set<std::string> seen{c.fallback.code};
  for (size_t i = 0; i < c.classes.size(); ++i) {
    const auto& k = c.classes[i];
    std::string at = "classes[" + std::to_string(i) + "].";
    check_class_labels(k, at, out);
    if (valid_code(k.code) && !seen.insert(k.code).second)
      out.push_back({at + "code", "classify.class_repeated"});
    if (k.conditions.empty() || k.conditions.size() > 10)
      out.push_back({at + "conditions", "classify.conditions_count"});
    for (size_t j = 0; j < k.conditions.size(); ++j)
      check_condition(k.conditions[j], at + "conditions[" + std::to_string(j) + "].", out);
  }
  if (out.empty()) check_bands(c, out);
  return out;
}

const std::vector<Classification>& preset_classifications() {
  // What counts as paid business and as coming to us (seed 001: spend and service visits;
  // free services carry no amount, so they add nothing to spend).
  const std::vector<std::string> paid = {"purchase", "order", "delivery", "repair", "service"};
  const std::vector<std::string> came = {"purchase", "delivery", "repair", "service", "visit",
                                         "visit_without_purchase"};
  const std::vector<std::string> bought = {"purchase", "order", "delivery"};
  static const std::vector<Classification> v = {
      {"value_tier",
       "价值等级",
       "Value tier",
       true,
       {{"vip", "VIP", "VIP", "#722ed1", {cond("spend", paid, 365, ">=", {5000000})}},
        {"high", "高价值", "High value", "#cf1322", {cond("spend", paid, 365, ">=", {1000000})}},
        {"medium", "中价值", "Medium value", "#d48806", {cond("spend", paid, 365, ">=", {200000})}},
        {"low", "低价值", "Low value", "#389e0d", {cond("spend", paid, 365, ">=", {1})}}},
       {"none", "近一年无消费", "No spend in 12 months", "#8c8c8c", {}}},
      {"arpu_tier",
       "通信价值等级",
       "ARPU tier",
       false,  // telecom only: switched on for that industry
       {{"butler", "高端（专属管家）", "Top (dedicated butler)", "#722ed1",
         {{"asset_max", {}, 0, "phone_line", "arpu_fen", ">=", {30000}}}},
        {"mid", "中端", "Mid-range", "#1677ff",
         {{"asset_max", {}, 0, "phone_line", "arpu_fen", ">=", {10000}}}},
        {"mass", "大众", "Mass market", "#389e0d",
         {{"asset_max", {}, 0, "phone_line", "arpu_fen", "exists", {}}}}},
       {"no_line", "无号码", "No phone line", "#8c8c8c", {}}},
      {"visit_frequency",
       "到店频次",
       "Visit frequency",
       true,
       {{"frequent", "常客", "Frequent", "#722ed1", {cond("event_count", came, 365, ">=", {6})}},
        {"regular", "经常", "Regular", "#1677ff", {cond("event_count", came, 365, ">=", {3})}},
        {"occasional", "偶尔", "Occasional", "#d48806", {cond("event_count", came, 365, ">=", {1})}}},
       {"none", "一年未到店", "Not in 12 months", "#8c8c8c", {}}},
      {"lifecycle",
       "生命周期",
       "Lifecycle",
       true,
       {{"prospect", "潜在客户", "Prospect", "#1677ff",
         {cond("event_count", {"visit", "visit_without_purchase"}, 0, ">=", {1}),
          cond("event_count", bought, 0, "=", {0})}},
        {"churned", "已流失", "Churned", "#8c8c8c", {cond("days_since_last", came, 0, ">=", {180})}},
        {"at_risk", "流失预警", "At risk", "#fa8c16", {cond("days_since_last", came, 0, ">=", {90})}},
        {"loyal", "忠诚客户", "Loyal", "#722ed1",
         {cond("event_count", {"repair", "service"}, 365, ">=", {3}),
          cond("spend", paid, 365, ">=", {500000})}},
        {"active", "活跃客户", "Active", "#52c41a", {cond("days_since_last", came, 0, "<", {90})}}},
       {"new", "新客户", "New", "#13c2c2", {}}},
  };
  return v;
}

}  // namespace kefu::customers
