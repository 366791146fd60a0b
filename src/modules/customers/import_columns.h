#pragma once
// What the customers import and the history import share: reading the file into rows and
// deciding which column fills which field (the user's mapping first, then usual titles).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "modules/customers/service.h"
#include "platform/text/csv.h"

namespace kefu::customers::importing {

std::string trim(std::string s);

// The file's rows (CSV: UTF-8 or GB18030; XLSX: the first sheet); 422 when it cannot be read
// or is empty. `encoding` is set to what was detected.
text::CsvResult read_rows(std::string_view bytes, const std::string& format);

struct Columns {
  std::map<std::string, size_t> field_col;       // field → column
  std::map<std::string, std::string> title_of;   // field → the file's title
  bool has(const char* field) const { return field_col.count(field) > 0; }
  // The cell of a field in a row ("" when the field has no column), trimmed.
  std::string cell(const std::vector<std::string>& row, const char* field) const;
  // The file's own title of a field's column, for problems.
  std::string title(const char* field) const;
};

// Checks the user's mapping (422 on mapping.<title> for a column the file lacks, an unknown
// field, a field given twice), then maps the header; fills the report's headers, columns and
// ignored columns.
Columns map_columns(const std::vector<std::string>& header, const ImportOptions& options,
                    const std::vector<ImportField>& fields,
                    const std::map<std::string, std::string>& usual_titles, ImportReport& report);

}  // namespace kefu::customers::importing
