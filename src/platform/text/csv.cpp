#include "platform/text/csv.h"

#include <algorithm>

#include <iconv.h>

#include "platform/core/json_input.h"

namespace kefu::text {
namespace {

std::optional<std::string> convert(std::string_view in, const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(in.size() * 2 + 16, '\0');
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  bool ok = true;
  while (src_left > 0) {
    size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    if (r != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) {
      size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      dst_left = out.size() - used;
      continue;
    }
    ok = false;
    break;
  }
  iconv_close(cd);
  if (!ok) return std::nullopt;
  out.resize(static_cast<size_t>(dst - out.data()));
  return out;
}

}  // namespace

std::optional<std::string> to_utf8(std::string_view bytes, std::string* encoding) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (valid_utf8(bytes)) {
    if (encoding) *encoding = "utf-8";
    return std::string(bytes);
  }
  auto converted = convert(bytes, "GB18030");
  if (converted && encoding) *encoding = "gb18030";
  return converted;
}

CsvResult parse_csv(std::string_view bytes) {
  CsvResult result;
  auto text = to_utf8(bytes, &result.encoding);
  if (!text) {
    result.error = "encoding";
    return result;
  }
  const std::string& s = *text;
  size_t line = 1;
  size_t i = 0;
  while (i < s.size()) {
    CsvRow row;
    row.line = line;
    std::string cell;
    bool row_done = false;
    while (!row_done) {
      cell.clear();
      if (i < s.size() && s[i] == '"') {
        size_t start_line = line;
        ++i;
        bool closed = false;
        while (i < s.size()) {
          char c = s[i];
          if (c == '"') {
            if (i + 1 < s.size() && s[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          cell += c;
          ++i;
        }
        if (!closed) {
          result.error = "unterminated_quote";
          result.error_line = start_line;
          return result;
        }
        // Anything between the closing quote and the separator is kept, as spreadsheets do.
        while (i < s.size() && s[i] != ',' && s[i] != '\n' && s[i] != '\r') cell += s[i++];
      } else {
        size_t end = std::min(s.find_first_of(",\n\r", i), s.size());
        cell.assign(s, i, end - i);
        i = end;
      }
      row.cells.emplace_back(std::move(cell));
      if (i >= s.size()) {
        row_done = true;
      } else if (s[i] == ',') {
        ++i;
      } else {  // end of line: \n, \r\n or \r
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        ++i;
        ++line;
        row_done = true;
      }
    }
    bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) result.rows.push_back(std::move(row));
  }
  return result;
}

std::string csv_row(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    const std::string& c = cells[i];
    if (c.find_first_of(",\"\r\n") == std::string::npos) {
      out += c;
      continue;
    }
    out += '"';
    for (char ch : c) {
      if (ch == '"') out += '"';
      out += ch;
    }
    out += '"';
  }
  out += "\r\n";
  return out;
}

std::string spreadsheet_text(std::string_view s) {
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    return "'" + std::string(s);
  return std::string(s);
}

}  // namespace kefu::text
