// Importing assets of one type from a spreadsheet: the same wizard as the customers and
// history imports (import_columns.h). The columns come from the type's definition (keys and
// labels), so a type an admin made imports without code changes, and every cell is checked
// by check_attributes, the single-asset API's own check.
#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <boost/json.hpp>

#include "modules/customers/import_columns.h"
#include "modules/customers/search_index.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/core/ids.h"

namespace kefu::customers {
namespace {

// "customer_phone", not "phone": an asset type may have a phone field of its own.
const std::map<std::string, std::string>& customer_columns() {
  static const std::map<std::string, std::string> m = {
      {"客户编号", "customer_code"},        {"客户编码", "customer_code"},
      {"客户代码", "customer_code"},        {"customer_code", "customer_code"},
      {"手机", "customer_phone"},           {"手机号", "customer_phone"},
      {"客户手机", "customer_phone"},       {"联系电话", "customer_phone"},
      {"customer_phone", "customer_phone"}, {"mobile", "customer_phone"},
  };
  return m;
}

// The type's own titles, and the customer's where a field does not use the same title.
std::map<std::string, std::string> usual_titles(const AssetType& type) {
  auto titles = asset_column_titles(type);
  for (const auto& [title, field] : customer_columns()) titles.emplace(title, field);
  return titles;
}

// The code of a cell's problem: the single-asset API's, made plainer where the kind of field
// says what is wrong (a date, a phone, a number).
std::string problem_code(const AssetField& f, const std::string& code) {
  if (code != "field.invalid" && code != "field.wrong_type") return code;
  if (f.type == "date") return "customer.date_invalid";
  if (f.type == "phone") return "customer.phone_invalid";
  if (f.type == "integer" || f.type == "money") return "customer.import_number_invalid";
  if (f.type == "enum") return "customer.import_option_invalid";
  return code;
}

// A checked row's cells as the attributes' JSON: numbers as numbers, empty cells left out.
std::string attrs_json_of(const std::vector<AttrValue>& values) {
  boost::json::object attrs;
  for (const auto& v : values) {
    if (v.is_number)
      attrs[v.key] = std::stoll(v.text);
    else
      attrs[v.key] = v.text;
  }
  return boost::json::serialize(attrs);
}

// The plates and VINs the file's rows would take, already taken in the archive.
struct TakenKeys {
  std::unordered_set<std::string> plates, vins;
};

}  // namespace

std::vector<ImportField> CustomerService::asset_import_fields(const auth::Principal& p,
                                                              const std::string& type) {
  if (!p.can(org::perm::kCustomerWrite)) throw Error::forbidden();
  if (type.empty()) throw Error::validation({{"type", "field.required", {}}});
  auto t = db_.reading([&](db::Session& s) { return store::asset_type(s, type); });
  if (!t || !t->active) throw Error::validation({{"type", "customer.asset_type_unknown", {}}});
  std::vector<ImportField> fields = {{"customer_code", "客户编号", "Customer code", false},
                                     {"customer_phone", "手机", "Phone", false}};
  for (const auto& f : t->fields)
    fields.push_back({f.key, f.label_zh, f.label_en.empty() ? f.label_zh : f.label_en, f.required});
  return fields;
}

ImportReport CustomerService::import_assets(const auth::Principal& p, std::string_view bytes,
                                            const ImportOptions& options,
                                            const std::string& type_code) {
  const auto fields = asset_import_fields(p, type_code);
  const AssetType type =
      *db_.reading([&](db::Session& s) { return store::asset_type(s, type_code); });
  ImportReport report;
  text::CsvResult csv = importing::read_rows(bytes, options.format);
  report.encoding = csv.encoding;
  importing::Columns cols =
      importing::map_columns(csv.rows.front().cells, options, fields, usual_titles(type), report);
  if (!cols.has("customer_code") && !cols.has("customer_phone")) {
    report.refused = "customer.import_no_customer_column";
    return report;
  }
  // A field without a column is named by its label in the problems of the rows that need it.
  auto title = [&](const AssetField& f) {
    return cols.has(f.key) ? cols.title(f.key) : f.label_zh;
  };

  const int64_t now = clock_.now_ms();
  const auto& rows = csv.rows;
  std::vector<store::Asset> planned;
  std::set<int64_t> touched;
  db_.read([&](db::Session& s) {
    const importing::RowCustomers customers(s, rows, cols, "customer_phone");
    TakenKeys taken;
    {
      std::vector<std::string> plates, vins;
      for (size_t r = 1; r < rows.size(); ++r) {
        std::vector<AttrValue> key_cells;
        for (const char* key : {"plate", "vin"})
          if (cols.has(key)) key_cells.push_back({key, cols.cell(rows[r].cells, key), false, true});
        store::Asset a = asset_of(type, "", key_cells);
        if (!a.plate.empty()) plates.push_back(a.plate);
        if (!a.vin.empty()) vins.push_back(a.vin);
      }
      taken.plates = store::vehicle_keys_taken(s, store::VehicleKey::kPlate, plates);
      taken.vins = store::vehicle_keys_taken(s, store::VehicleKey::kVin, vins);
    }
    std::unordered_map<std::string, size_t> plate_line, vin_line, identity_line;
    for (size_t r = 1; r < rows.size(); ++r) {
      const auto& row = rows[r].cells;
      const size_t line = rows[r].line;
      ++report.rows;
      const size_t before = report.problem_count;
      const store::CustomerRef* c = customers.find(p, row, line, report);

      std::vector<AttrValue> values;
      for (const auto& f : type.fields)
        if (std::string cell = cols.cell(row, f.key); !cell.empty())
          values.push_back(asset_cell_value(f, cell));
      for (const auto& pr : check_attributes(type, values)) {
        const auto f = std::find_if(type.fields.begin(), type.fields.end(),
                                    [&](const AssetField& x) { return x.key == pr.key; });
        std::string cell = cols.cell(row, pr.key);
        importing::add_problem(report, line, title(*f), problem_code(*f, pr.code), cell);
      }
      store::Asset a = asset_of(type, attrs_json_of(values), values);

      // Vehicles: a plate or VIN belongs to one customer (as in the customers import); other
      // assets: one row per asset and customer in the file.
      auto repeated = [&](std::unordered_map<std::string, size_t>& seen, const std::string& key,
                          const std::string& column) {
        auto [it, fresh] = seen.emplace(key, line);
        if (!fresh)
          importing::add_problem(report, line, column, "customer.import_repeated",
                                 std::to_string(it->second));
        return !fresh;
      };
      if (!a.plate.empty() || !a.vin.empty()) {
        const bool by_plate = !a.plate.empty();
        const std::string column = cols.title(by_plate ? "plate" : "vin");
        bool again = (by_plate && repeated(plate_line, a.plate, cols.title("plate"))) ||
                     (!a.vin.empty() && repeated(vin_line, a.vin, cols.title("vin")));
        if (!again && ((by_plate && taken.plates.count(a.plate)) || taken.vins.count(a.vin)))
          importing::add_problem(report, line, column, "customer.vehicle_taken",
                                 a.plate.empty() ? a.vin : a.plate);
      } else if (c) {
        const AssetField& first = type.fields.front();
        repeated(identity_line, std::to_string(c->id) + '\x1e' + asset_identity(type, values),
                 title(first));
      }

      if (report.problem_count == before && c) {
        a.customer_id = c->id;
        a.created_at = a.updated_at = now;
        touched.insert(c->id);
        planned.push_back(std::move(a));
      } else {
        ++report.invalid;
      }
    }
  });
  if (!importing::to_write(report, planned.size(), options)) return report;
  csv = {};
  const std::string digest = sha256_hex(bytes);
  db_.write([&](db::Session& s) {
    store::insert_new_assets(s, planned);
    report.created = planned.size();
    // Labels, plates and VINs are in the search rows, and an asset counts for completeness:
    // both are rewritten, as when an asset is added by hand.
    for (int64_t id : touched) reindex(s, id);
    reclassify_touched(s, touched, now);
    boost::json::object summary{
        {"type", type.code},         {"rows", report.rows},         {"created", report.created},
        {"skipped", report.invalid}, {"customers", touched.size()}, {"encoding", report.encoding},
        {"sha256", digest}};
    audit::append(
        s, now,
        {p.actor_id(), p.username, "customer.asset.import", "customer_asset_import",
         digest.substr(0, 16), p.unit_path, "", boost::json::serialize(summary), p.request_id});
  });
  report.committed = true;
  return report;
}

}  // namespace kefu::customers
