#include "modules/customers/json.h"

namespace kefu::customers {
namespace {
boost::json::value parsed(const std::string& s) {
  boost::system::error_code ec;
  auto v = boost::json::parse(s, ec);
  return ec ? boost::json::value(boost::json::object()) : v;
}
boost::json::value opt(const std::optional<int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
}  // namespace

boost::json::object customer_json(const CustomerView& v, bool with_details) {
  const Customer& c = v.customer;
  boost::json::object o{{"id", c.id},
                        {"code", c.code},
                        {"kind", std::string(to_string(c.kind))},
                        {"name", c.name},
                        {"gender", c.gender},
                        {"birthday", c.birthday},
                        {"email", c.email},
                        {"address", c.address},
                        {"source", c.source},
                        {"unit_id", c.unit_id},
                        {"may_call", c.may_call},
                        {"may_text", c.may_text},
                        {"may_email", c.may_email},
                        {"quiet_start", c.quiet_start},
                        {"quiet_end", c.quiet_end},
                        {"notes", c.notes},
                        {"created_at", c.created_at},
                        {"updated_at", c.updated_at}};
  o["owner_id"] = opt(c.owner_id);
  o["merged_into"] = opt(c.merged_into);
  boost::json::array tags;
  for (const auto& t : c.tags) tags.emplace_back(t);
  o["tags"] = std::move(tags);
  boost::json::array phones;
  for (const auto& p : c.phones)
    phones.push_back(
        boost::json::object{{"number", p.number}, {"label", p.label}, {"primary", p.primary}});
  o["phones"] = std::move(phones);
  o["phones_masked"] = v.phones_masked;
  boost::json::array missing;
  for (const auto& m : v.completeness.missing) missing.emplace_back(m);
  o["completeness"] =
      boost::json::object{{"score", v.completeness.score}, {"missing", std::move(missing)}};
  o["asset_count"] = c.asset_count;
  boost::json::object classes;
  for (const auto& [k, v2] : v.classes) classes[k] = v2;
  o["classes"] = std::move(classes);
  if (with_details) {
    boost::json::array assets;
    for (const auto& a : v.assets) assets.push_back(asset_json(a));
    o["assets"] = std::move(assets);
  }
  return o;
}

boost::json::object asset_json(const AssetView& a) {
  return {{"id", a.id},
          {"type", a.type},
          {"label", a.label},
          {"attrs", parsed(a.attrs_json)},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at}};
}

boost::json::object asset_type_json(const AssetType& t) {
  boost::json::array fields;
  for (const auto& f : t.fields) {
    boost::json::array opts;
    for (const auto& op : f.options) opts.emplace_back(op);
    fields.push_back(boost::json::object{{"key", f.key},
                                         {"label_zh", f.label_zh},
                                         {"label_en", f.label_en},
                                         {"type", f.type},
                                         {"required", f.required},
                                         {"options", std::move(opts)}});
  }
  return {{"code", t.code},
          {"name_zh", t.name_zh},
          {"name_en", t.name_en},
          {"active", t.active},
          {"fields", std::move(fields)}};
}

namespace {
boost::json::object class_def_json(const ClassDef& d, bool with_conditions) {
  boost::json::object o{{"code", d.code},
                        {"label_zh", d.label_zh},
                        {"label_en", d.label_en},
                        {"colour", d.colour}};
  if (!with_conditions) return o;
  boost::json::array conds;
  for (const auto& c : d.conditions) {
    boost::json::array kinds, values;
    for (const auto& k : c.kinds) kinds.emplace_back(k);
    for (auto x : c.values) values.emplace_back(x);
    boost::json::object co{{"measure", c.measure}, {"op", c.op}, {"values", std::move(values)}};
    if (!kinds.empty()) co["kinds"] = std::move(kinds);
    if (c.days) co["days"] = c.days;
    if (!c.asset_type.empty()) co["asset_type"] = c.asset_type;
    if (!c.attr.empty()) co["attr"] = c.attr;
    conds.push_back(std::move(co));
  }
  o["conditions"] = std::move(conds);
  return o;
}
}  // namespace

boost::json::object classification_json(const Classification& c) {
  boost::json::array classes;
  for (const auto& k : c.classes) classes.push_back(class_def_json(k, true));
  return {{"code", c.code},
          {"label_zh", c.label_zh},
          {"label_en", c.label_en},
          {"active", c.active},
          {"classes", std::move(classes)},
          {"default", class_def_json(c.fallback, false)}};
}

boost::json::object event_json(const EventView& e) {
  boost::json::object o{{"id", e.id},
                        {"customer_id", e.customer_id},
                        {"kind", e.kind},
                        {"occurred_at", e.occurred_at},
                        {"unit_id", e.unit_id},
                        {"amount_fen", e.amount_fen},
                        {"attrs", parsed(e.attrs_json)}};
  o["staff_id"] = opt(e.staff_id);
  o["asset_id"] = opt(e.asset_id);
  o["external_id"] =
      e.external_id ? boost::json::value(*e.external_id) : boost::json::value(nullptr);
  return o;
}

boost::json::object import_report_json(const ImportReport& r, i18n::Lang lang,
                                       const std::vector<ImportField>& import_fields) {
  boost::json::array columns, ignored, problems;
  for (const auto& [title, field] : r.columns)
    columns.push_back(boost::json::object{{"title", title}, {"field", field}});
  for (const auto& t : r.ignored_columns) ignored.emplace_back(t);
  for (const auto& p : r.problems) {
    problems.push_back(
        boost::json::object{{"line", p.line},
                            {"column", p.column},
                            {"code", p.code},
                            {"value", p.value},
                            {"message", i18n::render(lang, p.code, {{"value", p.value}})}});
  }
  boost::json::array headers, fields;
  for (const auto& h : r.headers) headers.emplace_back(h);
  for (const auto& f : import_fields)
    fields.push_back(
        boost::json::object{{"field", f.field},
                            {"label", lang == i18n::Lang::kEn ? f.label_en : f.label_zh},
                            {"required", f.required}});
  return {{"encoding", r.encoding},
          {"headers", std::move(headers)},
          {"fields", std::move(fields)},
          {"rows", r.rows},
          {"valid", r.valid},
          {"invalid", r.invalid},
          {"created", r.created},
          {"committed", r.committed},
          {"columns", std::move(columns)},
          {"ignored_columns", std::move(ignored)},
          {"problems", std::move(problems)},
          {"problem_count", r.problem_count}};
}

std::optional<std::vector<AttrValue>> attr_values(const std::string& json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  std::vector<AttrValue> out;
  for (const auto& kv : v.as_object()) {
    AttrValue a;
    a.key = std::string(kv.key());
    if (kv.value().is_string()) {
      a.text = std::string(kv.value().as_string());
      a.is_string = true;
    } else if (kv.value().is_int64() || kv.value().is_uint64()) {
      a.text = boost::json::serialize(kv.value());
      a.is_number = true;
    } else if (!kv.value().is_null()) {
      a.text = boost::json::serialize(kv.value());
    } else {
      a.is_string = true;  // null reads as "not given"
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kefu::customers
