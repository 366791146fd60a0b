#include "modules/surveys/model.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace kefu::surveys {
namespace {

bool one_of(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

const Question* find_question(const Questionnaire& q, std::string_view code) {
  for (const auto& x : q.questions)
    if (x.code == code) return &x;
  return nullptr;
}

const Option* find_option(const Question& q, std::string_view code) {
  for (const auto& o : q.options)
    if (o.code == code) return &o;
  return nullptr;
}

std::string type_of(const Question& q) {
  if (q.type == "scale") return "integer";
  if (q.type == "yes_no") return "boolean";
  if (q.type == "multi") return "array";
  return "string";
}

// The answer, when it has the question's type and a valid value.
bool well_typed(const Question& q, const AnswerValue& v) {
  if (q.type == "scale") {
    const auto* i = std::get_if<int64_t>(&v);
    return i && *i >= q.scale_min && *i <= q.scale_max;
  }
  if (q.type == "yes_no") return std::holds_alternative<bool>(v);
  if (q.type == "single") {
    const auto* s = std::get_if<std::string>(&v);
    return s && find_option(q, *s);
  }
  if (q.type == "multi") {
    const auto* m = std::get_if<std::vector<std::string>>(&v);
    if (!m) return false;
    std::set<std::string> seen;
    for (const auto& c : *m)
      if (!find_option(q, c) || !seen.insert(c).second) return false;
    return true;
  }
  if (q.type == "text") {
    const auto* s = std::get_if<std::string>(&v);
    return s && utf8_chars(*s) <= kMaxTextAnswer;
  }
  return false;
}

// An answer that counts as given (a blank text or an empty multi does not).
bool given(const AnswerValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return !s->empty();
  if (const auto* m = std::get_if<std::vector<std::string>>(&v)) return !m->empty();
  return true;
}

std::string answer_text(const Question& q, const AnswerValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "是" : "否";
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (q.type == "single")
      if (const auto* o = find_option(q, *s)) return o->label;
    return *s;
  }
  std::string out;
  for (const auto& c : std::get<std::vector<std::string>>(v)) {
    const auto* o = find_option(q, c);
    out += (out.empty() ? "" : "、") + (o ? o->label : c);
  }
  return out;
}

// Is this (valid) answer dissatisfied by the question's rule?
bool dissatisfied_by(const Question& q, const AnswerValue& v) {
  if (q.type == "scale" && q.dissatisfied_at_or_below)
    return std::get<int64_t>(v) <= *q.dissatisfied_at_or_below;
  if (q.type == "yes_no" && q.dissatisfied_when) return std::get<bool>(v) == *q.dissatisfied_when;
  if (q.type == "single") return find_option(q, std::get<std::string>(v))->dissatisfied;
  if (q.type == "multi")
    for (const auto& c : std::get<std::vector<std::string>>(v))
      if (find_option(q, c)->dissatisfied) return true;
  return false;
}

std::string at(const char* list, size_t i, std::string_view member = "") {
  std::string s = std::string(list) + "[" + std::to_string(i) + "]";
  if (!member.empty()) s += "." + std::string(member);
  return s;
}

}  // namespace

const std::vector<std::string>& question_types() {
  static const std::vector<std::string> v = {"single", "multi", "scale", "yes_no", "text"};
  return v;
}

const std::vector<std::string>& channels() {
  static const std::vector<std::string> v = {"sales",     "after_sales", "store",
                                             "logistics", "delivery",    "complaint",
                                             "property",  "online",      "staff"};
  return v;
}

const std::vector<std::string>& roles() {
  static const std::vector<std::string> v = {"overall", "hotline_told", "fault_fixed", "complaint"};
  return v;
}

const std::vector<std::string>& placeholders() {
  static const std::vector<std::string> v = {
      "customer.name", "customer.title", "asset.plate",  "asset.model", "asset.name", "unit.name",
      "agent.name",    "staff.name",     "company.name", "event.date",  "hotline"};
  return v;
}

bool valid_code(std::string_view code) {
  if (code.empty() || code.size() > 32) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

size_t utf8_chars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<std::string> answer_keys(const AnswerValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return {std::to_string(*i)};
  if (const auto* b = std::get_if<bool>(&v)) return {*b ? "yes" : "no"};
  if (const auto* s = std::get_if<std::string>(&v)) return {*s};
  return std::get<std::vector<std::string>>(v);
}

std::map<std::string, bool> shown(const Questionnaire& q, const Answers& a) {
  std::map<std::string, bool> out;
  for (const auto& x : q.questions) {
    bool show = true;
    if (x.show_if) {
      show = false;
      auto dep = out.find(x.show_if->question);  // earlier questions only (check() insists)
      const Question* dq = find_question(q, x.show_if->question);
      auto ans = a.find(x.show_if->question);
      if (dep != out.end() && dep->second && dq && ans != a.end() && well_typed(*dq, ans->second))
        for (const auto& k : answer_keys(ans->second))
          if (one_of(x.show_if->any_of, k)) show = true;
    }
    out.emplace(x.code, show);
  }
  return out;
}

std::vector<Problem> validate(const Questionnaire& q, const Answers& a) {
  std::vector<Problem> out;
  auto vis = shown(q, a);
  for (const auto& [code, v] : a) {
    const std::string field = "answers." + code;
    const Question* x = find_question(q, code);
    if (!x) {
      out.push_back({field, "survey.unknown_question", {}});
      continue;
    }
    if (!vis[code]) {
      out.push_back({field, "survey.hidden_question", {}});
      continue;
    }
    if (x->type == "scale") {
      const auto* i = std::get_if<int64_t>(&v);
      if (!i)
        out.push_back({field, "field.wrong_type", {{"expected", "integer"}}});
      else if (*i < x->scale_min || *i > x->scale_max)
        out.push_back(
            {field,
             "survey.scale_out_of_range",
             {{"min", std::to_string(x->scale_min)}, {"max", std::to_string(x->scale_max)}}});
    } else if (x->type == "yes_no") {
      if (!std::holds_alternative<bool>(v))
        out.push_back({field, "field.wrong_type", {{"expected", "boolean"}}});
    } else if (x->type == "single") {
      const auto* s = std::get_if<std::string>(&v);
      if (!s)
        out.push_back({field, "field.wrong_type", {{"expected", "string"}}});
      else if (!find_option(*x, *s))
        out.push_back({field, "survey.unknown_option", {{"option", *s}}});
    } else if (x->type == "multi") {
      const auto* m = std::get_if<std::vector<std::string>>(&v);
      if (!m) {
        out.push_back({field, "field.wrong_type", {{"expected", "array"}}});
      } else {
        std::set<std::string> seen;
        for (const auto& c : *m) {
          if (!find_option(*x, c)) {
            out.push_back({field, "survey.unknown_option", {{"option", c}}});
            break;
          }
          if (!seen.insert(c).second) {
            out.push_back({field, "survey.option_repeated", {{"option", c}}});
            break;
          }
        }
      }
    } else {  // text
      const auto* s = std::get_if<std::string>(&v);
      if (!s)
        out.push_back({field, "field.wrong_type", {{"expected", type_of(*x)}}});
      else if (utf8_chars(*s) > kMaxTextAnswer)
        out.push_back({field, "field.too_long", {{"max", std::to_string(kMaxTextAnswer)}}});
    }
  }
  for (const auto& x : q.questions) {
    if (!x.required || !vis[x.code]) continue;
    auto it = a.find(x.code);
    if (it == a.end() || !given(it->second))
      out.push_back({"answers." + x.code, "field.required", {}});
  }
  return out;
}

bool complete(const Questionnaire& q, const Answers& a) {
  auto vis = shown(q, a);
  for (const auto& x : q.questions) {
    if (!x.required || !vis[x.code]) continue;
    auto it = a.find(x.code);
    if (it == a.end() || !given(it->second) || !well_typed(x, it->second)) return false;
  }
  return true;
}

Scored score(const Questionnaire& q, const Answers& a) {
  Scored out;
  auto vis = shown(q, a);
  std::map<std::string, std::pair<double, double>> dims;  // code → (Σ w·norm, Σ w)
  std::optional<bool> overall_bad;
  for (const auto& x : q.questions) {
    auto it = a.find(x.code);
    if (it == a.end() || !vis[x.code] || !well_typed(x, it->second) || !given(it->second)) continue;
    const AnswerValue& v = it->second;
    if (x.type == "scale" && !x.dimension.empty() && x.scale_max > x.scale_min) {
      double norm = static_cast<double>(std::get<int64_t>(v) - x.scale_min) /
                    static_cast<double>(x.scale_max - x.scale_min);
      auto& d = dims[x.dimension];
      d.first += x.weight * norm;
      d.second += x.weight;
    }
    bool bad = dissatisfied_by(x, v);
    if (x.role == "overall") overall_bad = bad;
    if (x.role == "hotline_told" && x.type == "yes_no") out.hotline_told = std::get<bool>(v);
    if (x.role == "fault_fixed" && x.type == "yes_no") out.fault_fixed = std::get<bool>(v);
    if (x.role == "complaint" && x.type == "text") {
      out.complaint_text = std::get<std::string>(v);
      out.dissatisfied.push_back({x.code, x.department, out.complaint_text});
      continue;
    }
    if (bad) out.dissatisfied.push_back({x.code, x.department, x.text + "：" + answer_text(x, v)});
  }
  double wsum = 0, total = 0;
  for (const auto& d : q.dimensions) {
    auto it = dims.find(d.code);
    if (it == dims.end() || it->second.second <= 0) continue;
    double index = it->second.first / it->second.second * q.scale;
    out.dimensions.push_back({d.code, index});
    total += d.weight * index;
    wsum += d.weight;
  }
  if (wsum > 0) out.overall = total / wsum;
  out.satisfied = overall_bad ? !*overall_bad : out.dissatisfied.empty();
  return out;
}

std::vector<Problem> check(const Questionnaire& q) {
  std::vector<Problem> out;
  auto text_rule = [&](const std::string& field, const std::string& s, size_t max, bool required) {
    if (required && s.empty())
      out.push_back({field, "field.required", {}});
    else if (utf8_chars(s) > max)
      out.push_back({field, "field.too_long", {{"max", std::to_string(max)}}});
  };
  if (!valid_code(q.code)) out.push_back({"code", "survey.code_invalid", {}});
  text_rule("name", q.name, 60, true);
  if (!one_of(channels(), q.channel)) out.push_back({"channel", "survey.channel_invalid", {}});
  if (q.scale != 100 && q.scale != 1000) out.push_back({"scale", "survey.scale_invalid", {}});

  // Dimensions.
  std::set<std::string> dim_codes;
  if (q.dimensions.size() > kMaxDimensions)
    out.push_back({"dimensions", "survey.too_many", {{"max", std::to_string(kMaxDimensions)}}});
  for (size_t j = 0; j < q.dimensions.size(); ++j) {
    const auto& d = q.dimensions[j];
    if (!valid_code(d.code) || d.code == "overall")
      out.push_back({at("dimensions", j, "code"), "survey.code_invalid", {}});
    else if (!dim_codes.insert(d.code).second)
      out.push_back({at("dimensions", j, "code"), "survey.code_repeated", {}});
    text_rule(at("dimensions", j, "name"), d.name, 40, true);
    if (!(d.weight > 0 && d.weight <= 1000))
      out.push_back({at("dimensions", j, "weight"), "survey.weight_invalid", {}});
  }

  // Questions.
  if (q.questions.empty()) out.push_back({"questions", "survey.no_questions", {}});
  if (q.questions.size() > kMaxQuestions)
    out.push_back({"questions", "survey.too_many", {{"max", std::to_string(kMaxQuestions)}}});
  std::map<std::string, size_t> index;  // code → first position
  for (size_t i = 0; i < q.questions.size(); ++i) {
    const auto& x = q.questions[i];
    if (!valid_code(x.code))
      out.push_back({at("questions", i, "code"), "survey.code_invalid", {}});
    else if (!index.emplace(x.code, i).second)
      out.push_back({at("questions", i, "code"), "survey.code_repeated", {}});
  }
  std::set<std::string> used_dims;
  std::map<std::string, size_t> role_at;
  for (size_t i = 0; i < q.questions.size(); ++i) {
    const auto& x = q.questions[i];
    text_rule(at("questions", i, "section"), x.section, 40, false);
    text_rule(at("questions", i, "text"), x.text, 300, true);
    const bool choice = x.type == "single" || x.type == "multi";
    if (!one_of(question_types(), x.type)) {
      out.push_back({at("questions", i, "type"), "survey.type_invalid", {}});
      continue;
    }
    if (x.type == "scale") {
      if (x.scale_min < 0 || x.scale_max > 10 || x.scale_min >= x.scale_max)
        out.push_back({at("questions", i, "scale_max"), "survey.range_invalid", {}});
      else if (x.dissatisfied_at_or_below && (*x.dissatisfied_at_or_below < x.scale_min ||
                                              *x.dissatisfied_at_or_below >= x.scale_max))
        out.push_back(
            {at("questions", i, "dissatisfied_at_or_below"),
             "survey.scale_out_of_range",
             {{"min", std::to_string(x.scale_min)}, {"max", std::to_string(x.scale_max - 1)}}});
    } else if (x.dissatisfied_at_or_below) {
      out.push_back({at("questions", i, "dissatisfied_at_or_below"), "survey.only_for_scale", {}});
    }
    if (x.dissatisfied_when && x.type != "yes_no")
      out.push_back({at("questions", i, "dissatisfied_when"), "survey.only_for_yes_no", {}});
    if (choice) {
      if (x.options.size() < 2)
        out.push_back({at("questions", i, "options"), "survey.options_missing", {}});
      else if (x.options.size() > kMaxOptions)
        out.push_back({at("questions", i, "options"),
                       "survey.too_many",
                       {{"max", std::to_string(kMaxOptions)}}});
      std::set<std::string> codes;
      for (size_t k = 0; k < x.options.size(); ++k) {
        std::string f = at("questions", i, at("options", k, "code"));
        if (!valid_code(x.options[k].code))
          out.push_back({f, "survey.code_invalid", {}});
        else if (!codes.insert(x.options[k].code).second)
          out.push_back({f, "survey.code_repeated", {}});
        text_rule(at("questions", i, at("options", k, "label")), x.options[k].label, 60, true);
      }
    } else if (!x.options.empty()) {
      out.push_back({at("questions", i, "options"), "survey.options_unexpected", {}});
    }
    if (!x.dimension.empty()) {
      if (x.type != "scale")
        out.push_back({at("questions", i, "dimension"), "survey.only_for_scale", {}});
      else if (!dim_codes.count(x.dimension))
        out.push_back({at("questions", i, "dimension"), "survey.dimension_unknown", {}});
      else
        used_dims.insert(x.dimension);
    }
    if (!(x.weight > 0 && x.weight <= 1000))
      out.push_back({at("questions", i, "weight"), "survey.weight_invalid", {}});
    if (!x.department.empty() &&
        (x.department.size() > 32 ||
         !std::all_of(x.department.begin(), x.department.end(),
                      [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })))
      out.push_back({at("questions", i, "department"), "survey.department_invalid", {}});
    if (!x.role.empty()) {
      const std::string f = at("questions", i, "role");
      if (!one_of(roles(), x.role))
        out.push_back({f, "survey.role_invalid", {}});
      else if (role_at.count(x.role))
        out.push_back({f, "survey.role_repeated", {}});
      else if ((x.role == "hotline_told" || x.role == "fault_fixed") && x.type != "yes_no")
        out.push_back({f, "survey.role_type", {{"type", "yes_no"}}});
      else if (x.role == "complaint" && x.type != "text")
        out.push_back({f, "survey.role_type", {{"type", "text"}}});
      else if (x.role == "overall" && x.type != "scale" && x.type != "yes_no" && x.type != "single")
        out.push_back({f, "survey.role_type", {{"type", "scale / yes_no / single"}}});
      role_at.emplace(x.role, i);
    }
    if (x.show_if) {
      const std::string f = at("questions", i, "show_if.question");
      auto dep = index.find(x.show_if->question);
      if (dep == index.end()) {
        out.push_back({f, "survey.show_if_unknown", {}});
      } else {
        // Follow the chain of conditions: coming back here is a cycle.
        bool cycle = false;
        std::set<std::string> seen{x.code};
        const Question* cur = &q.questions[dep->second];
        while (cur) {
          if (!seen.insert(cur->code).second) {
            cycle = cur->code == x.code;
            break;
          }
          if (!cur->show_if) break;
          auto nx = index.find(cur->show_if->question);
          cur = nx == index.end() ? nullptr : &q.questions[nx->second];
        }
        const Question& dq = q.questions[dep->second];
        if (cycle || dep->second == i)
          out.push_back({f, "survey.show_if_cycle", {}});
        else if (dep->second > i)
          out.push_back({f, "survey.show_if_later", {}});
        else if (dq.type == "text")
          out.push_back({f, "survey.show_if_text", {}});
        else if (x.show_if->any_of.empty())
          out.push_back({at("questions", i, "show_if.any_of"), "field.required", {}});
        else
          for (size_t k = 0; k < x.show_if->any_of.size(); ++k) {
            const auto& val = x.show_if->any_of[k];
            bool ok = false;
            if (dq.type == "yes_no") ok = val == "yes" || val == "no";
            if (dq.type == "single" || dq.type == "multi") ok = find_option(dq, val) != nullptr;
            if (dq.type == "scale")
              for (int s = dq.scale_min; s <= dq.scale_max; ++s)
                if (val == std::to_string(s)) ok = true;
            if (!ok) {
              out.push_back({at("questions", i, at("show_if.any_of", k)),
                             "survey.show_if_value",
                             {{"value", val}}});
              break;
            }
          }
      }
    }
  }
  for (size_t j = 0; j < q.dimensions.size(); ++j)
    if (dim_codes.count(q.dimensions[j].code) && !used_dims.count(q.dimensions[j].code))
      out.push_back({at("dimensions", j, "code"), "survey.dimension_empty", {}});

  // Script: lengths and placeholders.
  for (auto [name, s] : {std::pair<const char*, const std::string*>{"opening", &q.script.opening},
                         {"satisfied_closing", &q.script.satisfied_closing},
                         {"dissatisfied_closing", &q.script.dissatisfied_closing}}) {
    std::string f = std::string("script.") + name;
    text_rule(f, *s, 1000, false);
    size_t pos = 0;
    while ((pos = s->find('{', pos)) != std::string::npos) {
      size_t end = s->find('}', pos);
      if (end == std::string::npos) break;
      std::string ph = s->substr(pos + 1, end - pos - 1);
      if (!one_of(placeholders(), ph)) {
        out.push_back({f, "survey.placeholder_unknown", {{"name", ph}}});
        break;
      }
      pos = end + 1;
    }
  }
  return out;
}

std::string render_script(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    auto it = values.find(std::string(text.substr(open + 1, close - open - 1)));
    if (it != values.end())
      out += it->second;
    else
      out.append(text.substr(open, close - open + 1));
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

std::string local_day(int64_t epoch_ms, int utc_offset_minutes) {
  int64_t ms = epoch_ms + static_cast<int64_t>(utc_offset_minutes) * 60000;
  int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

bool valid_month(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6})
    if (s[i] < '0' || s[i] > '9') return false;
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int y = std::stoi(std::string(s.substr(0, 4)));
  return m >= 1 && m <= 12 && y >= 2000 && y <= 2100;
}

std::string next_month(std::string_view month) {
  int y = std::stoi(std::string(month.substr(0, 4)));
  int m = std::stoi(std::string(month.substr(5, 2))) + 1;
  if (m == 13) {
    m = 1;
    ++y;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  return buf;
}

}  // namespace kefu::surveys
