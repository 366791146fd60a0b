#pragma once
// Reading spreadsheets people export: CSV per RFC 4180 (quoted fields, doubled quotes,
// CRLF or LF, newlines inside quotes), UTF-8 with or without BOM, or GB18030 (what Excel
// on a Chinese Windows saves) converted to UTF-8.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::text {

struct CsvRow {
  size_t line = 0;  // the file's line where the row starts (1-based), for error reports
  std::vector<std::string> cells;
};

struct CsvResult {
  std::vector<CsvRow> rows;          // including the header row
  std::string encoding;              // "utf-8" or "gb18030"
  std::optional<std::string> error;  // a malformed file: unterminated quote, ...
  size_t error_line = 0;
};

// Converts to UTF-8 (dropping a BOM; GB18030 when the bytes are not valid UTF-8).
std::optional<std::string> to_utf8(std::string_view bytes, std::string* encoding);
CsvResult parse_csv(std::string_view bytes);

// One CSV record (RFC 4180): fields quoted when they hold a comma, quote or line break,
// ended by CRLF.
std::string csv_row(const std::vector<std::string>& cells);
// Text a spreadsheet must not run as a formula: a leading = + - @ tab or CR gets a quote
// mark in front ("CSV injection").
std::string spreadsheet_text(std::string_view s);

}  // namespace kefu::text
