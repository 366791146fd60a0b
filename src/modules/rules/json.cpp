#include "modules/rules/json.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

namespace kefu::rules {
namespace {

namespace json = boost::json;

void wrong(std::vector<FieldError>& e, const std::string& at, const char* expected) {
  e.push_back({at, "field.wrong_type", {{"expected", expected}}});
}

// Every key of `o` outside `known` is a field.unknown at `at`.<key>.
void unknown_keys(const json::object& o, std::initializer_list<std::string_view> known,
                  std::vector<FieldError>& e, const std::string& at) {
  for (const auto& kv : o)
    if (std::find(known.begin(), known.end(), std::string_view(kv.key())) == known.end())
      e.push_back({at + "." + std::string(kv.key()), "field.unknown", {}});
}

std::string text_at(const json::object& o, const char* key, std::vector<FieldError>& e,
                    const std::string& at, bool required) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) e.push_back({at + "." + key, "field.required", {}});
    return "";
  }
  if (!v->is_string()) {
    wrong(e, at + "." + key, "string");
    return "";
  }
  return std::string(v->as_string());
}

int64_t int_at(const json::object& o, const char* key, std::vector<FieldError>& e,
               const std::string& at, int64_t fallback) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_int64()) {
    wrong(e, at + "." + key, "integer");
    return fallback;
  }
  return v->as_int64();
}

Span span_from(const json::value* v, std::vector<FieldError>& e, const std::string& at,
               Span fallback) {
  if (!v || v->is_null()) return fallback;
  if (!v->is_object()) {
    wrong(e, at, "object");
    return fallback;
  }
  const auto& o = v->as_object();
  unknown_keys(o, {"unit", "amount"}, e, at);
  Span s;
  s.unit = text_at(o, "unit", e, at, true);
  s.amount = int_at(o, "amount", e, at, 0);
  return s;
}

json::object span_json(const Span& s) {
  return {{"unit", s.unit}, {"amount", s.amount}};
}

// {"every": "day" | "week" | "month", "on": weekday 1–7 or day of the month 1–28}
Schedule schedule_from(const json::value* v, std::vector<FieldError>& e, const std::string& at) {
  Schedule s;
  if (!v || v->is_null()) return s;
  if (!v->is_object()) {
    wrong(e, at, "object");
    return s;
  }
  const auto& o = v->as_object();
  unknown_keys(o, {"every", "on"}, e, at);
  s.every = text_at(o, "every", e, at, true);
  s.on = static_cast<int>(int_at(o, "on", e, at, 0));
  return s;
}

const char* trigger_kind(const std::string& key) {
  if (key == "schedule") return "schedule";
  if (key.rfind("date:", 0) == 0) return "date";
  return "event";
}

}  // namespace

Definition definition_from_json(const json::value& v, std::vector<FieldError>& e,
                                const std::string& at) {
  Definition d;
  if (!v.is_object()) {
    wrong(e, at, "object");
    return d;
  }
  const auto& o = v.as_object();
  unknown_keys(o, {"trigger", "conditions", "delay", "due", "priority", "action", "params"}, e, at);
  if (auto* t = o.if_contains("trigger"); t && t->is_object()) {
    const auto& to = t->as_object();
    d.trigger.event = text_at(to, "event", e, at + ".trigger", false);
    d.trigger.date_field = text_at(to, "date_field", e, at + ".trigger", false);
    d.trigger.days_before = static_cast<int>(int_at(to, "days_before", e, at + ".trigger", 0));
    d.trigger.schedule = schedule_from(to.if_contains("schedule"), e, at + ".trigger.schedule");
    unknown_keys(to, {"event", "date_field", "days_before", "schedule"}, e, at + ".trigger");
  } else {
    e.push_back({at + ".trigger", t ? "field.wrong_type" : "field.required", {}});
  }
  if (auto* c = o.if_contains("conditions"); c && !c->is_null()) {
    if (!c->is_array()) {
      wrong(e, at + ".conditions", "array");
    } else {
      const auto& arr = c->as_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        std::string ca = at + ".conditions[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) {
          wrong(e, ca, "object");
          continue;
        }
        const auto& co = arr[i].as_object();
        Condition cond;
        cond.field = text_at(co, "field", e, ca, true);
        cond.op = text_at(co, "op", e, ca, true);
        if (auto* vs = co.if_contains("values"); vs && !vs->is_null()) {
          if (!vs->is_array()) {
            wrong(e, ca + ".values", "array");
          } else {
            for (const auto& x : vs->as_array()) {
              if (x.is_string())
                cond.values.emplace_back(x.as_string());
              else if (x.is_int64())
                cond.values.push_back(std::to_string(x.as_int64()));
              else if (x.is_double())
                cond.values.push_back(json::serialize(x));
              else if (x.is_bool())
                cond.values.push_back(x.as_bool() ? "true" : "false");
              else
                wrong(e, ca + ".values", "string");
            }
          }
        }
        d.conditions.push_back(std::move(cond));
      }
    }
  }
  d.delay = span_from(o.if_contains("delay"), e, at + ".delay", Span{"hours", 0});
  d.due = span_from(o.if_contains("due"), e, at + ".due", Span{"hours", 24});
  d.priority = static_cast<int>(int_at(o, "priority", e, at, 0));
  d.action = text_at(o, "action", e, at, true);
  if (auto* p = o.if_contains("params"); p && !p->is_null()) {
    if (!p->is_object())
      wrong(e, at + ".params", "object");
    else
      d.params_json = json::serialize(*p);
  }
  return d;
}

json::object definition_json(const Definition& d) {
  json::object trigger;
  if (!d.trigger.event.empty()) trigger["event"] = d.trigger.event;
  if (!d.trigger.date_field.empty()) {
    trigger["date_field"] = d.trigger.date_field;
    trigger["days_before"] = d.trigger.days_before;
  }
  if (!d.trigger.schedule.every.empty())
    trigger["schedule"] =
        json::object{{"every", d.trigger.schedule.every}, {"on", d.trigger.schedule.on}};
  json::array conds;
  for (const auto& c : d.conditions) {
    json::array vals;
    for (const auto& v : c.values) vals.emplace_back(v);
    conds.push_back(json::object{{"field", c.field}, {"op", c.op}, {"values", vals}});
  }
  json::value params;
  try {
    params = json::parse(d.params_json);
  } catch (...) {
    params = json::object();
  }
  return {{"trigger", trigger},      {"conditions", conds},    {"delay", span_json(d.delay)},
          {"due", span_json(d.due)}, {"priority", d.priority}, {"action", d.action},
          {"params", params}};
}

Definition definition_from_text(const std::string& text) {
  std::vector<FieldError> ignored;
  return definition_from_json(json::parse(text), ignored);
}

json::object rule_json(const Rule& r) {
  return {{"id", r.id},
          {"code", r.code},
          {"name", r.name},
          {"unit_id", r.unit_id},
          {"active", r.active},
          {"version", r.version},
          {"definition", definition_json(r.def)},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

json::object catalogue_json(const std::vector<TriggerInfo>& all,
                            const std::vector<ActionType>& actions) {
  static const char* kTypes[] = {"text", "number", "bool", "list", "unit", "date"};
  json::array triggers;
  for (const auto& t : all) {
    json::array fields;
    for (const auto& f : t.fields)
      fields.push_back(json::object{{"key", f.key},
                                    {"type", kTypes[static_cast<int>(f.type)]},
                                    {"label_zh", f.label_zh},
                                    {"label_en", f.label_en}});
    json::object info{{"key", t.event},
                      {"kind", trigger_kind(t.event)},
                      {"label_zh", t.label_zh},
                      {"label_en", t.label_en},
                      {"fields", fields}};
    if (t.event.rfind("date:", 0) == 0)
      info["date_kind"] =
          date_kind(t.event.substr(5)) == DateKind::kAnniversary ? "anniversary" : "exact";
    triggers.push_back(std::move(info));
  }
  json::array acts;
  for (const auto& a : actions)
    acts.push_back(
        json::object{{"type", a.type}, {"label_zh", a.label_zh}, {"label_en", a.label_en}});
  json::array ops = {"=",      "!=",      "<",      "<=",       ">",
                     ">=",     "in",      "not_in", "contains", "not_contains",
                     "exists", "missing", "in_unit"};
  return {{"triggers", triggers}, {"actions", acts}, {"ops", ops}};
}

json::object dry_run_json(const DryRun& d) {
  json::array items;
  for (const auto& i : d.sample) {
    json::object o{{"event_id", i.event_id},
                   {"event_type", i.event_type},
                   {"customer_id", i.customer_id},
                   {"customer_name", i.customer_name},
                   {"occurred_at", i.occurred_at},
                   {"offer_at", i.offer_at},
                   {"due_at", i.due_at}};
    if (!i.day.empty()) o["day"] = i.day;
    if (i.asset_id) o["asset_id"] = *i.asset_id;
    items.push_back(std::move(o));
  }
  json::array days;
  for (const auto& [day, n] : d.per_day) days.push_back(json::object{{"day", day}, {"matched", n}});
  return {{"examined", d.examined},
          {"matched", d.matched},
          {"truncated", d.truncated},
          {"sample", items},
          {"days", days}};
}

}  // namespace kefu::rules
