// What the imports share (see import_columns.h): reading rows, mapping columns, problems and
// the customers rows name.
#include "modules/customers/import_columns.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_set>

#include "platform/text/xlsx.h"

namespace kefu::customers {

namespace importing {

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

text::CsvResult read_rows(std::string_view bytes, const std::string& format) {
  text::CsvResult csv;
  if (format == "xlsx") {
    if (bytes.empty()) throw Error(ErrorKind::kUnprocessable, "customer.import_empty");
    text::XlsxResult x = text::read_xlsx(bytes);
    if (x.error)
      throw Error(ErrorKind::kUnprocessable, "customer.import_unreadable_xlsx",
                  {{"reason", *x.error}});
    csv.rows = std::move(x.rows);
    csv.encoding = "xlsx";
  } else {
    csv = text::parse_csv(bytes);
  }
  if (csv.error) {
    throw Error(ErrorKind::kUnprocessable, "customer.import_unreadable",
                {{"reason", *csv.error}, {"line", std::to_string(csv.error_line)}});
  }
  if (csv.rows.empty()) throw Error(ErrorKind::kUnprocessable, "customer.import_empty");
  return csv;
}

std::string Columns::cell(const std::vector<std::string>& row, const std::string& field) const {
  auto it = field_col.find(field);
  if (it == field_col.end() || it->second >= row.size()) return {};
  return trim(row[it->second]);
}

std::string Columns::title(const std::string& field) const {
  auto it = title_of.find(field);
  return it != title_of.end() ? it->second : field;
}

Columns map_columns(const std::vector<std::string>& header, const ImportOptions& options,
                    const std::vector<ImportField>& fields,
                    const std::map<std::string, std::string>& usual_titles, ImportReport& report) {
  std::vector<std::string> titles;
  for (const auto& h : header) titles.push_back(trim(h));
  report.headers = titles;
  {
    std::vector<FieldError> errors;
    std::set<std::string> mapped_fields;
    for (const auto& [title, field] : options.mapping) {
      std::string at = "mapping." + title;
      if (std::find(titles.begin(), titles.end(), title) == titles.end())
        errors.push_back({at, "customer.import_mapping_column", {}});
      if (field.empty()) continue;
      bool known = std::any_of(fields.begin(), fields.end(),
                               [&](const ImportField& f) { return f.field == field; });
      if (!known)
        errors.push_back({at, "customer.import_mapping_field", {}});
      else if (!mapped_fields.insert(field).second)
        errors.push_back({at, "customer.import_mapping_repeated", {}});
    }
    if (!errors.empty()) throw Error::validation(std::move(errors));
  }
  Columns out;
  std::vector<std::pair<std::string, size_t>> automatic;  // (field, column) by usual titles
  for (size_t c = 0; c < titles.size(); ++c) {
    const std::string& title = titles[c];
    if (auto m = options.mapping.find(title); m != options.mapping.end()) {
      if (!m->second.empty() && !out.field_col.count(m->second)) {
        out.field_col[m->second] = c;
        out.title_of[m->second] = title;
      }
      continue;
    }
    auto it = usual_titles.find(title);
    if (it != usual_titles.end()) automatic.emplace_back(it->second, c);
  }
  for (const auto& [field, c] : automatic) {
    if (out.field_col.count(field)) continue;  // the user's mapping took this field
    out.field_col[field] = c;
    out.title_of[field] = titles[c];
  }
  for (size_t c = 0; c < titles.size(); ++c) {
    bool used = false;
    for (const auto& [field, col] : out.field_col)
      if (col == c) {
        report.columns.emplace_back(titles[c], field);
        used = true;
      }
    if (!used) report.ignored_columns.push_back(titles[c]);
  }
  return out;
}

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

void add_problem(ImportReport& report, size_t line, const std::string& column,
                 const std::string& code, const std::string& value) {
  constexpr size_t kMaxProblems = 1000;
  ++report.problem_count;
  if (report.problems.size() < kMaxProblems)
    report.problems.push_back({line, column, code, value.substr(0, 100)});
}

bool to_write(ImportReport& report, size_t valid_rows, const ImportOptions& options) {
  report.valid = valid_rows;
  if (options.dry_run) return false;
  return report.invalid == 0 || options.only_valid;
}

RowCustomers::RowCustomers(db::Session& s, const std::vector<text::CsvRow>& rows,
                           const Columns& cols, std::string phone_field)
    : cols_(cols), phone_field_(std::move(phone_field)) {
  std::vector<std::string> codes, phones;
  {
    std::unordered_set<std::string> seen;
    auto add = [&](std::vector<std::string>& to, std::string v, char tag) {
      if (!v.empty() && seen.insert(tag + v).second) to.push_back(std::move(v));
    };
    for (size_t r = 1; r < rows.size(); ++r) {
      const auto& row = rows[r].cells;
      add(codes, upper(cols.cell(row, "customer_code")), 'c');
      if (auto n = normalise_phone(cols.cell(row, phone_field_))) add(phones, *n, 'p');
    }
  }
  std::vector<int64_t> wanted;
  for (auto& c : store::refs_by_codes(s, codes)) {
    id_of_code_[upper(c.code)] = c.id;
    by_id_[c.id] = c;
  }
  for (auto& [number, owner] : store::phone_holders(s, phones)) {
    id_of_phone_[number].push_back(owner);
    if (!by_id_.count(owner)) wanted.push_back(owner);
  }
  for (int hops = 0; hops < 10; ++hops) {
    for (const auto& [id, c] : by_id_)
      if (c.merged_into && !by_id_.count(*c.merged_into)) wanted.push_back(*c.merged_into);
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    if (wanted.empty()) break;
    for (auto& c : store::refs_by_ids(s, wanted)) by_id_[c.id] = c;
    wanted.clear();
  }
}

const store::CustomerRef* RowCustomers::resolve(int64_t id) const {
  for (int hops = 0; hops < 10; ++hops) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return nullptr;
    if (!it->second.merged_into) return &it->second;
    id = *it->second.merged_into;
  }
  return nullptr;
}

const store::CustomerRef* RowCustomers::find(const auth::Principal& p,
                                             const std::vector<std::string>& row, size_t line,
                                             ImportReport& report) const {
  const store::CustomerRef* c = nullptr;
  std::string code = cols_.cell(row, "customer_code");
  std::string phone = cols_.cell(row, phone_field_);
  if (!code.empty()) {
    auto it = id_of_code_.find(upper(code));
    if (it != id_of_code_.end()) c = resolve(it->second);
    if (!c || !p.in_scope(c->unit_path)) {
      add_problem(report, line, cols_.title("customer_code"), "customer.unknown", code);
      return nullptr;
    }
    return c;
  }
  if (phone.empty()) {
    add_problem(report, line,
                cols_.title(cols_.has("customer_code") ? "customer_code" : phone_field_),
                "field.required", "");
    return nullptr;
  }
  auto n = normalise_phone(phone);
  if (!n) {
    add_problem(report, line, cols_.title(phone_field_), "customer.phone_invalid", phone);
    return nullptr;
  }
  if (auto it = id_of_phone_.find(*n); it != id_of_phone_.end())
    for (int64_t holder : it->second)
      if (!c) c = resolve(holder);
  if (!c || !p.in_scope(c->unit_path)) {
    add_problem(report, line, cols_.title(phone_field_), "customer.unknown", phone);
    return nullptr;
  }
  return c;
}

}  // namespace importing

}  // namespace kefu::customers
