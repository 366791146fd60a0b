// Importing customers from a spreadsheet (CSV or XLSX). Columns are recognised by their
// Chinese or English titles, or mapped by the user; every row is checked before anything
// is written.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_set>

#include <boost/json.hpp>

#include "modules/customers/classes_store.h"
#include "modules/customers/import_columns.h"
#include "modules/customers/search_index.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/core/ids.h"
#include "platform/events/outbox.h"
#include "platform/search/tokenizer.h"
#include "platform/text/csv.h"
#include "platform/text/xlsx.h"

namespace kefu::customers {
namespace {

// Column titles people use, mapped to the fields they fill.
const std::map<std::string, std::string>& known_columns() {
  static const std::map<std::string, std::string> m = {
      {"姓名", "name"},           {"客户姓名", "name"},     {"客户名称", "name"},
      {"name", "name"},           {"手机", "phone"},        {"手机号", "phone"},
      {"电话", "phone"},          {"联系电话", "phone"},    {"phone", "phone"},
      {"mobile", "phone"},        {"门店", "unit"},         {"单元编码", "unit"},
      {"归属单元", "unit"},       {"unit", "unit"},         {"unit_code", "unit"},
      {"地址", "address"},        {"address", "address"},   {"生日", "birthday"},
      {"出生日期", "birthday"},   {"birthday", "birthday"}, {"性别", "gender"},
      {"gender", "gender"},       {"邮箱", "email"},        {"email", "email"},
      {"来源", "source"},         {"source", "source"},     {"备注", "notes"},
      {"notes", "notes"},         {"标签", "tags"},         {"tags", "tags"},
      {"车牌", "plate"},          {"车牌号", "plate"},      {"plate", "plate"},
      {"车架号", "vin"},          {"vin", "vin"},           {"VIN", "vin"},
      {"车型", "model"},          {"model", "model"},       {"允许邮件", "may_email"},
      {"may_email", "may_email"},
  };
  return m;
}

using importing::trim;
using importing::upper;

std::string gender_of(const std::string& v) {
  if (v == "男" || v == "male" || v == "M") return "male";
  if (v == "女" || v == "female" || v == "F") return "female";
  if (v.empty() || v == "未知" || v == "unknown") return "unknown";
  return {};
}

std::vector<std::string> split_tags(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    cur = trim(cur);
    if (!cur.empty() && std::find(out.begin(), out.end(), cur) == out.end()) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == ',' || v[i] == ';' || v[i] == '|')
      flush();
    else if (v.compare(i, 3, "，") == 0 || v.compare(i, 3, "；") == 0 ||
             v.compare(i, 3, "、") == 0) {
      flush();
      i += 2;
    } else
      cur += v[i];
  }
  flush();
  return out;
}

struct Planned {
  size_t line;
  Customer customer;
  std::string plate, vin, model;
};

// What the file's rows would collide with in the archive: looked up for the whole file in a
// few queries before the rows are checked one by one.
struct Taken {
  std::unordered_set<std::string> phones, plates, vins;
};

// The vehicle row of an imported customer, and the text its search row gets from it.
store::Asset vehicle_of(const Planned& plan, const AssetType& type, int64_t now) {
  boost::json::object attrs;
  if (!plan.plate.empty()) attrs["plate"] = plan.plate;
  if (!plan.vin.empty()) attrs["vin"] = plan.vin;
  if (!plan.model.empty()) attrs["model"] = plan.model;
  std::vector<AttrValue> values;
  for (const auto& kv : attrs)
    values.push_back({std::string(kv.key()), std::string(kv.value().as_string()), false, true});
  store::Asset a;
  a.customer_id = plan.customer.id;
  a.type = "vehicle";
  a.attrs_json = boost::json::serialize(attrs);
  a.label = asset_label(type, values);
  a.plate = upper(plan.plate);
  a.vin = upper(plan.vin);
  a.created_at = a.updated_at = now;
  return a;
}

// Writes checked rows in chunks: the chunk's customers, phones and vehicles in multi-row
// statements, then its search rows one after another. SQLite's FTS5 writes its pending terms
// out as a segment whenever another statement opens a savepoint, so search rows interleaved
// with the others gave every customer a segment of its own (and endless merging).
size_t write_planned(db::Session& s, std::vector<Planned>& planned,
                     const std::optional<AssetType>& vehicle, int64_t now) {
  constexpr size_t kChunk = 50000;
  size_t created = 0;
  store::search_bulk_load(s, true);
  for (size_t from = 0; from < planned.size(); from += kChunk) {
    const size_t to = std::min(planned.size(), from + kChunk);
    // A phone taken since the check (a parallel import) is skipped, not doubled.
    std::vector<std::string> numbers;
    for (size_t i = from; i < to; ++i)
      for (const auto& ph : planned[i].customer.phones) numbers.push_back(ph.number);
    std::unordered_set<std::string> taken;
    for (auto& [number, owner] : store::owners_of_phones(s, numbers)) taken.insert(number);
    std::vector<Planned*> rows;
    for (size_t i = from; i < to; ++i) {
      const auto& phones = planned[i].customer.phones;
      if (std::none_of(phones.begin(), phones.end(),
                       [&](const Phone& ph) { return taken.count(ph.number) > 0; }))
        rows.push_back(&planned[i]);
    }
    auto ids = store::reserve_customer_ids(s, rows.size());
    std::vector<const Customer*> customers;
    std::vector<store::Asset> assets;
    std::vector<std::pair<int64_t, std::string>> search_rows;
    for (size_t k = 0; k < rows.size(); ++k) {
      Customer& c = rows[k]->customer;
      c.id = ids[k];
      c.code = customer_code(c.id);
      customers.push_back(&c);
      std::vector<AssetText> texts;
      if (vehicle && (!rows[k]->plate.empty() || !rows[k]->vin.empty())) {
        c.asset_count = 1;  // the completeness written with the row counts the vehicle
        assets.push_back(vehicle_of(*rows[k], *vehicle, now));
        texts.push_back({assets.back().label, assets.back().plate, assets.back().vin});
      }
      // The search row from what is written (no read back); completeness goes with the row.
      search_rows.emplace_back(c.id, search::index_tokens(index_text(c, texts)));
    }
    store::insert_new(s, customers);
    store::insert_new_assets(s, assets);
    store::index_new_many(s, search_rows);
    created += rows.size();
  }
  store::search_bulk_load(s, false);
  return created;
}

}  // namespace

const std::vector<ImportField>& CustomerService::import_fields() {
  static const std::vector<ImportField> f = {
      {"name", "姓名", "Name", true},           {"phone", "手机", "Phone", false},
      {"unit", "单元编码", "Unit code", false}, {"address", "地址", "Address", false},
      {"birthday", "生日", "Birthday", false},  {"gender", "性别", "Gender", false},
      {"email", "邮箱", "Email", false},        {"source", "来源", "Source", false},
      {"notes", "备注", "Notes", false},        {"tags", "标签", "Tags", false},
      {"plate", "车牌号", "Plate", false},      {"vin", "车架号", "VIN", false},
      {"model", "车型", "Model", false},        {"may_email", "允许邮件", "May email", false},
  };
  return f;
}

ImportReport CustomerService::import_file(const auth::Principal& p, std::string_view bytes,
                                          const ImportOptions& options) {
  if (!p.can(org::perm::kCustomerWrite)) throw Error::forbidden();
  ImportReport report;
  auto problem = [&](size_t line, const std::string& column, const std::string& code,
                     const std::string& value) {
    importing::add_problem(report, line, column, code, value);
  };
  text::CsvResult csv = importing::read_rows(bytes, options.format);
  report.encoding = csv.encoding;
  // The header row decides what each column is: the user's mapping first, then the usual
  // titles.
  importing::Columns columns = importing::map_columns(csv.rows.front().cells, options,
                                                      import_fields(), known_columns(), report);
  const auto& field_col = columns.field_col;
  // Without these the rows cannot be read; the report (headers, detected columns) goes back
  // with the refusal so that the user can map the columns.
  if (!field_col.count("name")) {
    report.refused = "customer.import_no_name_column";
    return report;
  }
  if (!field_col.count("unit") && !options.unit_id) {
    report.refused = "customer.import_no_unit";
    return report;
  }

  // Units the caller may import into, by code and by id (through the org service).
  auto reader = org::OrgService::system_principal(p.username);
  reader.unit_path = p.unit_path;
  std::map<std::string, org::Unit> units;
  for (int64_t after = 0;;) {
    auto page =
        org_.list_units(reader, {std::nullopt, std::nullopt, std::nullopt, true, after, 200});
    for (auto& u : page.items) units[u.code] = u;
    if (!page.next_after) break;
    after = *page.next_after;
  }
  std::optional<org::Unit> default_unit;
  if (options.unit_id) {
    for (const auto& [code, u] : units)
      if (u.id == *options.unit_id) default_unit = u;
    if (!default_unit) throw Error::validation({{"unit_id", "org.unit_unknown", {}}});
  }

  auto cell = [&](const std::vector<std::string>& row, const char* field) {
    return columns.cell(row, field);
  };
  auto col = [&](const char* field) { return columns.title(field); };

  std::vector<Planned> planned;
  planned.reserve(csv.rows.size());
  std::map<std::string, size_t> phone_line, plate_line, vin_line;
  int64_t now = clock_.now_ms();
  db_.read([&](db::Session& s) {
    Taken taken;
    {
      std::vector<std::string> numbers, plates, vins;
      for (size_t r = 1; r < csv.rows.size(); ++r) {
        const auto& row = csv.rows[r].cells;
        if (auto n = normalise_phone(cell(row, "phone"))) numbers.push_back(std::move(*n));
        if (auto v = upper(cell(row, "plate")); !v.empty()) plates.push_back(std::move(v));
        if (auto v = upper(cell(row, "vin")); !v.empty()) vins.push_back(std::move(v));
      }
      for (auto& [number, owner] : store::owners_of_phones(s, numbers)) taken.phones.insert(number);
      taken.plates = store::vehicle_keys_taken(s, store::VehicleKey::kPlate, plates);
      taken.vins = store::vehicle_keys_taken(s, store::VehicleKey::kVin, vins);
    }
    for (size_t r = 1; r < csv.rows.size(); ++r) {
      const auto& row = csv.rows[r].cells;
      size_t line = csv.rows[r].line;
      ++report.rows;
      size_t before = report.problem_count;
      Planned plan{line, {}, {}, {}, {}};
      Customer& c = plan.customer;
      c.name = cell(row, "name");
      if (c.name.empty())
        problem(line, col("name"), "field.required", "");
      else if (c.name.size() > 100)
        problem(line, col("name"), "field.too_long", c.name);
      std::string unit_code = cell(row, "unit");
      if (!unit_code.empty()) {
        auto it = units.find(unit_code);
        if (it == units.end())
          problem(line, col("unit"), "org.unit_unknown", unit_code);
        else {
          c.unit_id = it->second.id;
          c.unit_path = it->second.path;
        }
      } else if (default_unit) {
        c.unit_id = default_unit->id;
        c.unit_path = default_unit->path;
      } else {
        problem(line, col("unit"), "field.required", "");
      }
      std::string phone = cell(row, "phone");
      if (!phone.empty()) {
        auto n = normalise_phone(phone);
        if (!n)
          problem(line, col("phone"), "customer.phone_invalid", phone);
        else if (auto seen = phone_line.find(*n); seen != phone_line.end())
          problem(line, col("phone"), "customer.import_repeated", std::to_string(seen->second));
        else if (taken.phones.count(*n))
          problem(line, col("phone"), "customer.phone_taken", phone);
        else {
          phone_line[*n] = line;
          c.phones.push_back({*n, "mobile", true});
        }
      }
      c.birthday = normalise_date(cell(row, "birthday"));
      if (!c.birthday.empty() && !valid_date(c.birthday))
        problem(line, col("birthday"), "customer.date_invalid", c.birthday);
      std::string g = cell(row, "gender");
      c.gender = gender_of(g);
      if (c.gender.empty()) problem(line, col("gender"), "field.invalid", g);
      c.email = cell(row, "email");
      if (!c.email.empty() && !org::valid_email(c.email))
        problem(line, col("email"), "org.email_invalid", c.email);
      std::string source = cell(row, "source");
      if (source.empty())
        c.source = "import";
      else if (auto code = source_of(source))
        c.source = *code;
      else
        problem(line, col("source"), "field.invalid", source);
      // Consent to email: yes unless the file says no, as for a customer made by hand.
      if (std::string consent = cell(row, "may_email"); !consent.empty()) {
        if (auto yes = yes_no_of(consent))
          c.may_email = *yes;
        else
          problem(line, col("may_email"), "field.invalid", consent);
      }
      c.address = cell(row, "address");
      c.notes = cell(row, "notes");
      c.tags = split_tags(cell(row, "tags"));
      plan.plate = cell(row, "plate");
      plan.vin = cell(row, "vin");
      plan.model = cell(row, "model");
      std::string plate_key = upper(plan.plate), vin_key = upper(plan.vin);
      if (!plate_key.empty() || !vin_key.empty()) {
        if (!plate_key.empty() && plate_line.count(plate_key))
          problem(line, col("plate"), "customer.import_repeated",
                  std::to_string(plate_line[plate_key]));
        else if (!vin_key.empty() && vin_line.count(vin_key))
          problem(line, col("vin"), "customer.import_repeated", std::to_string(vin_line[vin_key]));
        else if ((!plate_key.empty() && taken.plates.count(plate_key)) ||
                 (!vin_key.empty() && taken.vins.count(vin_key)))
          problem(line, col(plate_key.empty() ? "vin" : "plate"), "customer.vehicle_taken",
                  plan.plate + plan.vin);
        if (!plate_key.empty()) plate_line.emplace(plate_key, line);
        if (!vin_key.empty()) vin_line.emplace(vin_key, line);
      }
      c.created_at = c.updated_at = now;
      if (report.problem_count == before)
        planned.push_back(std::move(plan));
      else
        ++report.invalid;
    }
  });
  if (!importing::to_write(report, planned.size(), options)) return report;
  csv = {};  // the rows are in `planned` now; the cells' memory goes back before writing
  const std::string digest = sha256_hex(bytes);
  db_.write([&](db::Session& s) {
    report.created = write_planned(s, planned, store::asset_type(s, "vehicle"), now);
    // Imported customers have no events; only asset measures (vehicles) can place them
    // outside the blank class, and then one recomputation covers the file.
    for (const auto& c : store::classifications(s))
      if (c.def.active && uses_assets(c.def) && report.created > 0) {
        start_run(s, "import", "", p.actor_id(), now);
        break;
      }
    boost::json::object summary{{"rows", report.rows},
                                {"created", report.created},
                                {"skipped", report.invalid},
                                {"encoding", report.encoding},
                                {"sha256", digest}};
    std::string body = boost::json::serialize(summary);
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.import", "customer_import",
                   digest.substr(0, 16), p.unit_path, "", body, p.request_id});
    events::publish(s, now,
                    {"customers.imported", "customer_import", digest.substr(0, 16), p.unit_id,
                     p.actor_id(), body});
  });
  report.committed = true;
  if (wake_jobs_) wake_jobs_();
  return report;
}

ImportFile CustomerService::import_upload(const auth::Principal& p, const std::string& upload_id,
                                         const std::optional<std::string>& format) {
  if (!p.can(org::perm::kCustomerWrite)) throw Error::forbidden();
  if (!uploads_) throw Error::not_found("@entity.upload");
  auto file = uploads_->assemble(p.user_id, upload_id);
  ImportFile out;
  out.bytes = std::move(file.bytes);
  if (format) {
    out.format = *format;
  } else {
    std::string name = file.filename;
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto ends = [&](std::string_view suffix) {
      return name.size() >= suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends(".xlsx"))
      out.format = "xlsx";
    else if (ends(".csv") || ends(".txt"))
      out.format = "csv";
    else
      throw Error(ErrorKind::kUnsupportedMedia, "customer.import_format");
  }
  return out;
}

}  // namespace kefu::customers
