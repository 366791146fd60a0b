#pragma once
// Excel workbooks (Office Open XML, .xlsx): a writer of one sheet with inline strings, and
// a reader of the first sheet (shared strings, inline strings, numbers, booleans, and
// dates stored as Excel serial numbers turned back into YYYY-MM-DD). Knows no business.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/text/csv.h"

namespace kefu::text {

struct XlsxCell {
  std::string text;     // the value; for numbers its decimal form
  bool number = false;  // written as a number cell instead of a string
};

// Builds the sheet row by row (memory: the XML of the rows so far), then the archive.
class XlsxWriter {
 public:
  explicit XlsxWriter(std::string sheet_name);
  // The first row: bold and frozen; `widths` in characters per column (optional).
  void header(const std::vector<std::string>& titles, const std::vector<double>& widths = {});
  void row(const std::vector<XlsxCell>& cells);
  size_t rows() const { return rows_; }
  // The .xlsx bytes. The writer is spent afterwards.
  std::string finish();

 private:
  std::string sheet_name_;
  std::string cols_;
  std::string body_;
  size_t rows_ = 0;
  bool has_header_ = false;
};

// "A", "B", ... "Z", "AA" for a 0-based column.
std::string column_letters(size_t col);
// Text as XML character data: & < > " escaped, characters XML cannot hold dropped.
std::string xml_escape(std::string_view s);

struct XlsxResult {
  std::vector<CsvRow> rows;          // rows with a value; line = the sheet's row number
  std::string sheet;                 // the first sheet's name
  std::optional<std::string> error;  // not a workbook, a broken archive, bad XML, ...
};

XlsxResult read_xlsx(std::string_view bytes);

// Excel's day serials: 1900 system (with its phantom 1900-02-29) or 1904 system.
std::string excel_serial_to_date(double serial, bool date1904 = false);
// Whether a number format code shows a date or time ("yyyy/m/d", "h:mm", not "0.00").
bool is_date_format(std::string_view code);

}  // namespace kefu::text
