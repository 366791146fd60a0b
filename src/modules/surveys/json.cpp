#include "modules/surveys/json.h"

#include <cmath>
#include <set>

namespace kefu::surveys {
namespace {

namespace json = boost::json;

json::value opt(const std::optional<int>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value opt(const std::optional<bool>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value opt(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// Reads one JSON object strictly, naming problems "<prefix>.<key>".
class Reader {
 public:
  Reader(const json::value& v, std::string prefix, std::vector<FieldError>& errors)
      : prefix_(std::move(prefix)), errors_(errors) {
    if (v.is_object())
      obj_ = &v.as_object();
    else
      errors_.push_back(
          {prefix_.empty() ? "body" : prefix_, "field.wrong_type", {{"expected", "object"}}});
  }
  bool ok() const { return obj_ != nullptr; }
  std::string field(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }
  const json::value* get(std::string_view key) {
    if (!obj_) return nullptr;
    seen_.emplace(key);
    const json::value* v = obj_->if_contains(key);
    return v;
  }
  std::string text(std::string_view key, size_t max, bool required) {
    const json::value* v = get(key);
    if (!v || v->is_null()) {
      if (required && obj_) errors_.push_back({field(key), "field.required", {}});
      return "";
    }
    if (!v->is_string()) {
      errors_.push_back({field(key), "field.wrong_type", {{"expected", "string"}}});
      return "";
    }
    std::string s(v->as_string());
    if (utf8_chars(s) > max)
      errors_.push_back({field(key), "field.too_long", {{"max", std::to_string(max)}}});
    return s;
  }
  std::optional<int64_t> integer(std::string_view key, bool required) {
    const json::value* v = get(key);
    if (!v || v->is_null()) {
      if (required && obj_) errors_.push_back({field(key), "field.required", {}});
      return std::nullopt;
    }
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() || (v->is_double() && std::floor(v->as_double()) == v->as_double())) {
      errors_.push_back({field(key), "field.out_of_range", {}});
      return std::nullopt;
    }
    errors_.push_back({field(key), "field.wrong_type", {{"expected", "integer"}}});
    return std::nullopt;
  }
  std::optional<double> number(std::string_view key) {
    const json::value* v = get(key);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_number()) return v->to_number<double>();
    errors_.push_back({field(key), "field.wrong_type", {{"expected", "number"}}});
    return std::nullopt;
  }
  std::optional<bool> boolean(std::string_view key) {
    const json::value* v = get(key);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_bool()) return v->as_bool();
    errors_.push_back({field(key), "field.wrong_type", {{"expected", "boolean"}}});
    return std::nullopt;
  }
  const json::array* array(std::string_view key, bool required) {
    const json::value* v = get(key);
    if (!v || v->is_null()) {
      if (required && obj_) errors_.push_back({field(key), "field.required", {}});
      return nullptr;
    }
    if (!v->is_array()) {
      errors_.push_back({field(key), "field.wrong_type", {{"expected", "array"}}});
      return nullptr;
    }
    return &v->as_array();
  }
  void finish() {
    if (!obj_) return;
    for (const auto& kv : *obj_)
      if (!seen_.count(std::string(kv.key())))
        errors_.push_back({field(kv.key()), "field.unknown", {}});
  }

 private:
  const json::object* obj_ = nullptr;
  std::string prefix_;
  std::vector<FieldError>& errors_;
  std::set<std::string, std::less<>> seen_;
};

std::string item(const std::string& prefix, std::string_view list, size_t i) {
  std::string base = prefix.empty() ? std::string(list) : prefix + "." + std::string(list);
  return base + "[" + std::to_string(i) + "]";
}

std::optional<int> small_int(Reader& r, std::string_view key, bool required = false) {
  auto v = r.integer(key, required);
  if (!v) return std::nullopt;
  if (*v < -1000000 || *v > 1000000) return 1000001;  // refused later as out of range
  return static_cast<int>(*v);
}

}  // namespace

json::object definition_json(const Questionnaire& q) {
  json::array dims;
  for (const auto& d : q.dimensions)
    dims.push_back(json::object{{"code", d.code}, {"name", d.name}, {"weight", d.weight}});
  json::array qs;
  for (const auto& x : q.questions) {
    json::array options;
    for (const auto& o : x.options)
      options.push_back(
          json::object{{"code", o.code}, {"label", o.label}, {"dissatisfied", o.dissatisfied}});
    json::value show_if = nullptr;
    if (x.show_if) {
      json::array any;
      for (const auto& s : x.show_if->any_of) any.push_back(json::value(s));
      show_if = json::object{{"question", x.show_if->question}, {"any_of", std::move(any)}};
    }
    json::object o{{"code", x.code},
                   {"section", x.section},
                   {"text", x.text},
                   {"type", x.type},
                   {"scale_min", x.scale_min},
                   {"scale_max", x.scale_max},
                   {"options", std::move(options)},
                   {"dimension", x.dimension},
                   {"weight", x.weight},
                   {"required", x.required},
                   {"show_if", std::move(show_if)},
                   {"dissatisfied_at_or_below", opt(x.dissatisfied_at_or_below)},
                   {"dissatisfied_when", opt(x.dissatisfied_when)},
                   {"department", x.department},
                   {"role", x.role}};
    qs.push_back(std::move(o));
  }
  return json::object{
      {"code", q.code},
      {"name", q.name},
      {"channel", q.channel},
      {"scale", q.scale},
      {"dimensions", std::move(dims)},
      {"questions", std::move(qs)},
      {"script", json::object{{"opening", q.script.opening},
                              {"satisfied_closing", q.script.satisfied_closing},
                              {"dissatisfied_closing", q.script.dissatisfied_closing}}}};
}

json::object questionnaire_json(const Questionnaire& q) {
  json::object o = definition_json(q);
  o["id"] = q.id;
  o["version"] = q.version;
  o["active"] = q.active;
  return o;
}

Questionnaire definition_from_json(const json::value& v, std::vector<FieldError>& errors,
                                   const std::string& prefix) {
  Questionnaire q;
  Reader r(v, prefix, errors);
  if (!r.ok()) return q;
  q.code = r.text("code", 32, false);
  q.name = r.text("name", 60, true);
  q.channel = r.text("channel", 20, true);
  q.scale = small_int(r, "scale").value_or(100);
  if (const auto* dims = r.array("dimensions", false)) {
    for (size_t j = 0; j < dims->size(); ++j) {
      Reader d((*dims)[j], item(prefix, "dimensions", j), errors);
      Dimension dim;
      dim.code = d.text("code", 32, true);
      dim.name = d.text("name", 40, true);
      dim.weight = d.number("weight").value_or(1);
      d.finish();
      q.dimensions.push_back(std::move(dim));
    }
  }
  if (const auto* qs = r.array("questions", true)) {
    for (size_t i = 0; i < qs->size(); ++i) {
      const std::string at = item(prefix, "questions", i);
      Reader x((*qs)[i], at, errors);
      Question qn;
      qn.code = x.text("code", 32, true);
      qn.section = x.text("section", 40, false);
      qn.text = x.text("text", 300, true);
      qn.type = x.text("type", 10, true);
      qn.scale_min = small_int(x, "scale_min").value_or(0);
      qn.scale_max = small_int(x, "scale_max").value_or(0);
      if (const auto* opts = x.array("options", false)) {
        for (size_t k = 0; k < opts->size(); ++k) {
          Reader o((*opts)[k], at + ".options[" + std::to_string(k) + "]", errors);
          Option op;
          op.code = o.text("code", 32, true);
          op.label = o.text("label", 60, true);
          op.dissatisfied = o.boolean("dissatisfied").value_or(false);
          o.finish();
          qn.options.push_back(std::move(op));
        }
      }
      qn.dimension = x.text("dimension", 32, false);
      qn.weight = x.number("weight").value_or(1);
      qn.required = x.boolean("required").value_or(false);
      if (const auto* si = x.get("show_if"); si && !si->is_null()) {
        Reader s(*si, at + ".show_if", errors);
        ShowIf show;
        show.question = s.text("question", 32, true);
        if (const auto* any = s.array("any_of", true)) {
          for (size_t k = 0; k < any->size(); ++k) {
            if ((*any)[k].is_string())
              show.any_of.emplace_back((*any)[k].as_string());
            else if ((*any)[k].is_int64())  // a scale value given as a number
              show.any_of.push_back(std::to_string((*any)[k].as_int64()));
            else
              errors.push_back({at + ".show_if.any_of[" + std::to_string(k) + "]",
                                "field.wrong_type",
                                {{"expected", "string"}}});
          }
        }
        s.finish();
        qn.show_if = std::move(show);
      }
      qn.dissatisfied_at_or_below = small_int(x, "dissatisfied_at_or_below");
      qn.dissatisfied_when = x.boolean("dissatisfied_when");
      qn.department = x.text("department", 32, false);
      qn.role = x.text("role", 20, false);
      x.finish();
      q.questions.push_back(std::move(qn));
    }
  }
  if (const auto* sc = r.get("script"); sc && !sc->is_null()) {
    Reader s(*sc, prefix.empty() ? "script" : prefix + ".script", errors);
    q.script.opening = s.text("opening", 1000, false);
    q.script.satisfied_closing = s.text("satisfied_closing", 1000, false);
    q.script.dissatisfied_closing = s.text("dissatisfied_closing", 1000, false);
    s.finish();
  }
  // Read by the routes (not part of the definition): ignored here when present.
  r.get("active");
  r.get("id");
  r.get("version");
  r.finish();
  return q;
}

Questionnaire definition_from_text(const std::string& text) {
  std::vector<FieldError> ignored;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return {};
  return definition_from_json(v, ignored);
}

json::object answers_json(const Answers& a) {
  json::object o;
  for (const auto& [code, v] : a) {
    if (const auto* i = std::get_if<int64_t>(&v))
      o[code] = *i;
    else if (const auto* b = std::get_if<bool>(&v))
      o[code] = *b;
    else if (const auto* s = std::get_if<std::string>(&v))
      o[code] = *s;
    else {
      json::array arr;
      for (const auto& c : std::get<std::vector<std::string>>(v)) arr.push_back(json::value(c));
      o[code] = std::move(arr);
    }
  }
  return o;
}

json::array dissatisfied_json(const std::vector<Dissatisfaction>& d) {
  json::array out;
  for (const auto& x : d)
    out.push_back(
        json::object{{"question", x.question}, {"department", x.department}, {"text", x.text}});
  return out;
}

std::vector<Dissatisfaction> dissatisfied_from_json(const json::value& v) {
  std::vector<Dissatisfaction> out;
  if (!v.is_array()) return out;
  for (const auto& x : v.as_array()) {
    if (!x.is_object()) continue;
    const auto& o = x.as_object();
    auto str = [&](const char* k) {
      const auto* p = o.if_contains(k);
      return p && p->is_string() ? std::string(p->as_string()) : std::string();
    };
    out.push_back({str("question"), str("department"), str("text")});
  }
  return out;
}

json::object scored_json(const Scored& s) {
  json::array dims;
  for (const auto& d : s.dimensions)
    dims.push_back(json::object{{"code", d.code}, {"index", d.index}});
  return json::object{{"overall", opt(s.overall)},
                      {"dimensions", std::move(dims)},
                      {"dissatisfied", dissatisfied_json(s.dissatisfied)},
                      {"satisfied", s.satisfied},
                      {"hotline_told", opt(s.hotline_told)},
                      {"fault_fixed", opt(s.fault_fixed)},
                      {"complaint_text", s.complaint_text}};
}

json::object answer_json(const StoredAnswer& a) {
  auto id_or_null = [](const std::optional<int64_t>& v) {
    return v ? json::value(*v) : json::value(nullptr);
  };
  return json::object{{"id", a.id},
                      {"questionnaire_id", a.questionnaire_id},
                      {"version", a.version},
                      {"source", a.source},
                      {"source_id", a.source_id},
                      {"channel", a.channel},
                      {"customer_id", a.customer_id},
                      {"unit_id", a.unit_id},
                      {"agent_id", id_or_null(a.agent_id)},
                      {"staff_id", id_or_null(a.staff_id)},
                      {"answered_at", a.answered_at},
                      {"answers", answers_json(a.answers)},
                      {"scored", scored_json(a.scored)}};
}

json::object benchmark_json(const Benchmark& b) {
  return json::object{{"questionnaire_code", b.questionnaire_code},
                      {"dimension", b.dimension},
                      {"period", b.period},
                      {"level", b.level},
                      {"value", opt(b.value)}};
}

}  // namespace kefu::surveys
