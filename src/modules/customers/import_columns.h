#pragma once
// What the customers, history and assets imports share: reading the file into rows, deciding
// which column fills which field (the user's mapping first, then usual titles), recording a
// row's problems, and finding the customer a row names.
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/text/csv.h"

namespace kefu::customers {

// The asset row of checked attribute values, as the single-asset API makes it (assets.cpp):
// the label, and plate and VIN upper-cased without spaces, dashes or dots.
store::Asset asset_of(const AssetType& type, const std::string& attrs_json,
                      const std::vector<AttrValue>& values);

}  // namespace kefu::customers

namespace kefu::customers::importing {

std::string trim(std::string s);
std::string upper(std::string s);

// The file's rows (CSV: UTF-8 or GB18030; XLSX: the first sheet); 422 when it cannot be read
// or is empty. `encoding` is set to what was detected.
text::CsvResult read_rows(std::string_view bytes, const std::string& format);

struct Columns {
  std::map<std::string, size_t> field_col;      // field → column
  std::map<std::string, std::string> title_of;  // field → the file's title
  bool has(const std::string& field) const { return field_col.count(field) > 0; }
  // The cell of a field in a row ("" when the field has no column), trimmed.
  std::string cell(const std::vector<std::string>& row, const std::string& field) const;
  // The file's own title of a field's column, for problems.
  std::string title(const std::string& field) const;
};

// Checks the user's mapping (422 on mapping.<title> for a column the file lacks, an unknown
// field, a field given twice), then maps the header; fills the report's headers, columns and
// ignored columns.
Columns map_columns(const std::vector<std::string>& header, const ImportOptions& options,
                    const std::vector<ImportField>& fields,
                    const std::map<std::string, std::string>& usual_titles, ImportReport& report);

// Counts a problem of a row and keeps the first 1000 for the report (a file of 100,000 bad
// rows must not answer with 100,000 problems).
void add_problem(ImportReport& report, size_t line, const std::string& column,
                 const std::string& code, const std::string& value);

// Records how many rows passed; false when nothing is to be written: a dry run, or bad rows
// when the whole file must go in (mode=all, the default).
bool to_write(ImportReport& report, size_t valid_rows, const ImportOptions& options);

// The customers a file's rows name by code (field "customer_code") or else phone ("phone"),
// looked up for the whole file in batches before the rows are checked. A merged customer
// leads to its survivor: source systems keep the old codes.
class RowCustomers {
 public:
  // `phone_field`: the field of the customer's phone (the assets import has "customer_phone",
  // since an asset type may have a field named phone of its own).
  RowCustomers(db::Session& s, const std::vector<text::CsvRow>& rows, const Columns& cols,
               std::string phone_field = "phone");
  // The row's customer; else a problem on the row (unknown, phone invalid, neither given)
  // and nullptr. One outside the caller's scope is unknown, so that a file cannot probe
  // which codes or phones exist elsewhere.
  const store::CustomerRef* find(const auth::Principal& p, const std::vector<std::string>& row,
                                 size_t line, ImportReport& report) const;

 private:
  const store::CustomerRef* resolve(int64_t id) const;
  const Columns& cols_;
  std::string phone_field_;
  std::unordered_map<int64_t, store::CustomerRef> by_id_;
  std::unordered_map<std::string, int64_t> id_of_code_;
  std::unordered_map<std::string, std::vector<int64_t>> id_of_phone_;  // a deleted one too
};

}  // namespace kefu::customers::importing
