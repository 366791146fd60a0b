#include "platform/text/xlsx.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

#include <expat.h>

#include "platform/text/zip.h"

namespace kefu::text {
namespace {

constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// ---- a small SAX wrapper over expat: element names without their namespace prefix

struct Sax {
  std::function<void(std::string_view name, const char** attrs)> start;
  std::function<void(std::string_view name)> end;
  std::function<void(std::string_view text)> text;
};

std::string_view local_name(const char* n) {
  std::string_view s(n);
  auto colon = s.rfind(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

std::optional<std::string> attr(const char** attrs, std::string_view name) {
  for (size_t i = 0; attrs[i]; i += 2)
    if (local_name(attrs[i]) == name) return std::string(attrs[i + 1]);
  return std::nullopt;
}

std::optional<std::string> parse_xml(std::string_view xml, Sax& sax) {
  XML_Parser p = XML_ParserCreate("UTF-8");
  if (!p) return "out of memory";
  XML_SetUserData(p, &sax);
  XML_SetElementHandler(
      p,
      [](void* u, const char* name, const char** attrs) {
        auto* s = static_cast<Sax*>(u);
        if (s->start) s->start(local_name(name), attrs);
      },
      [](void* u, const char* name) {
        auto* s = static_cast<Sax*>(u);
        if (s->end) s->end(local_name(name));
      });
  XML_SetCharacterDataHandler(p, [](void* u, const char* text, int len) {
    auto* s = static_cast<Sax*>(u);
    if (s->text) s->text(std::string_view(text, static_cast<size_t>(len)));
  });
  std::optional<std::string> error;
  // Large sheets are fed in pieces (expat takes int lengths).
  size_t at = 0;
  do {
    size_t n = std::min<size_t>(xml.size() - at, 1u << 24);
    bool last = at + n >= xml.size();
    if (XML_Parse(p, xml.data() + at, static_cast<int>(n), last) == XML_STATUS_ERROR) {
      error = std::string("bad XML: ") + XML_ErrorString(XML_GetErrorCode(p)) + " at line " +
              std::to_string(XML_GetCurrentLineNumber(p));
      break;
    }
    at += n;
  } while (at < xml.size());
  XML_ParserFree(p);
  return error;
}

// "B12" → column 1; nullopt when the reference has no letters.
std::optional<size_t> column_of(std::string_view ref) {
  size_t col = 0, letters = 0;
  for (char c : ref) {
    if (c >= 'A' && c <= 'Z') {
      col = col * 26 + static_cast<size_t>(c - 'A' + 1);
      ++letters;
    } else if (c >= 'a' && c <= 'z') {
      col = col * 26 + static_cast<size_t>(c - 'a' + 1);
      ++letters;
    } else {
      break;
    }
  }
  if (letters == 0 || letters > 3) return std::nullopt;
  return col - 1;
}

std::string format_number(double v) {
  char buf[64];
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.15g", v);
  }
  return buf;
}

// Days since 1970-01-01 → civil date (H. Hinnant's algorithm).
void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

bool is_builtin_date_format(int id) {
  return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
         (id >= 50 && id <= 58);
}

}  // namespace

std::string column_letters(size_t col) {
  std::string s;
  ++col;
  while (col > 0) {
    size_t r = (col - 1) % 26;
    s.insert(s.begin(), static_cast<char>('A' + r));
    col = (col - 1) / 26;
  }
  return s;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;  // not allowed in XML
        out += ch;
    }
  }
  return out;
}

std::string excel_serial_to_date(double serial, bool date1904) {
  double day = std::floor(serial);
  double fraction = serial - day;
  auto n = static_cast<int64_t>(day);
  // 1900 system: day 1 is 1900-01-01, and Excel counts a 1900-02-29 that never was (day 60).
  int64_t days_from_epoch;
  if (date1904) {
    days_from_epoch = n - 24107;  // 1904-01-01 is day 0
  } else {
    if (n >= 61) --n;
    days_from_epoch = n - 25568;  // 1899-12-31 is day 0
  }
  int y;
  unsigned m, d;
  civil_from_days(days_from_epoch, y, m, d);
  char buf[40];
  auto seconds = static_cast<int64_t>(std::llround(fraction * 86400.0));
  if (seconds > 0 && seconds < 86400) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld", y, m, d,
                  static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  }
  return buf;
}

bool is_date_format(std::string_view code) {
  bool in_quote = false, in_bracket = false;
  std::string bracket;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (in_quote) {
      if (c == '"') in_quote = false;
      continue;
    }
    if (in_bracket) {
      if (c == ']') {
        in_bracket = false;
        // [h], [mm], [ss]: elapsed time; colours and conditions are not dates.
        if (!bracket.empty() &&
            (bracket[0] == 'h' || bracket[0] == 'H' || bracket[0] == 'm' || bracket[0] == 'M' ||
             bracket[0] == 's' || bracket[0] == 'S') &&
            bracket.find_first_not_of("hHmMsS") == std::string::npos)
          return true;
        bracket.clear();
      } else {
        bracket += c;
      }
      continue;
    }
    if (c == '"') {
      in_quote = true;
    } else if (c == '[') {
      in_bracket = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or padding)
    } else if (c == ';') {
      break;  // the first section decides
    } else {
      switch (c) {
        case 'y':
        case 'Y':
        case 'm':
        case 'M':
        case 'd':
        case 'D':
        case 'h':
        case 'H':
        case 's':
        case 'S':
          return true;
        case 'G':
        case 'g':
          if (code.substr(i, 7) == "General" || code.substr(i, 7) == "general") i += 6;
          break;
        default:
          break;
      }
    }
  }
  return false;
}

// ---- writer

XlsxWriter::XlsxWriter(std::string sheet_name) : sheet_name_(std::move(sheet_name)) {}

void XlsxWriter::header(const std::vector<std::string>& titles, const std::vector<double>& widths) {
  has_header_ = true;
  if (!widths.empty()) {
    cols_ = "<cols>";
    for (size_t i = 0; i < widths.size(); ++i) {
      char buf[120];
      std::snprintf(buf, sizeof buf,
                    "<col min=\"%zu\" max=\"%zu\" width=\"%.1f\" customWidth=\"1\"/>", i + 1, i + 1,
                    widths[i]);
      cols_ += buf;
    }
    cols_ += "</cols>";
  }
  std::vector<XlsxCell> cells;
  for (const auto& t : titles) cells.push_back({t, false});
  ++rows_;
  std::string r = std::to_string(rows_);
  body_ += "<row r=\"" + r + "\">";
  for (size_t i = 0; i < cells.size(); ++i)
    body_ += "<c r=\"" + column_letters(i) + r + "\" t=\"inlineStr\" s=\"1\"><is><t>" +
             xml_escape(cells[i].text) + "</t></is></c>";
  body_ += "</row>";
}

void XlsxWriter::row(const std::vector<XlsxCell>& cells) {
  ++rows_;
  std::string r = std::to_string(rows_);
  body_ += "<row r=\"" + r + "\">";
  for (size_t i = 0; i < cells.size(); ++i) {
    const auto& c = cells[i];
    if (c.text.empty()) continue;
    std::string ref = column_letters(i) + r;
    if (c.number) {
      body_ += "<c r=\"" + ref + "\"><v>" + xml_escape(c.text) + "</v></c>";
    } else {
      body_ += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">" +
               xml_escape(c.text) + "</t></is></c>";
    }
  }
  body_ += "</row>";
}

std::string XlsxWriter::finish() {
  std::string sheet;
  sheet.reserve(body_.size() + 1024);
  sheet += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
  sheet += std::string("<worksheet xmlns=\"") + kMainNs + "\" xmlns:r=\"" + kRelNs + "\">";
  if (has_header_)
    sheet +=
        "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" "
        "activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>";
  sheet += cols_;
  sheet += "<sheetData>";
  sheet += body_;
  body_.clear();
  body_.shrink_to_fit();
  sheet += "</sheetData></worksheet>";

  std::vector<ZipEntry> entries;
  entries.push_back(
      {"[Content_Types].xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
       "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
       "<Default Extension=\"rels\" "
       "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
       "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
       "<Override PartName=\"/xl/workbook.xml\" "
       "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/"
       ">"
       "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
       "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
       "<Override PartName=\"/xl/styles.xml\" "
       "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
       "</Types>"});
  entries.push_back(
      {"_rels/.rels",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
       "officeDocument\" Target=\"xl/workbook.xml\"/>"
       "</Relationships>"});
  entries.push_back({"xl/workbook.xml",
                     std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                                 "<workbook xmlns=\"") +
                         kMainNs + "\" xmlns:r=\"" + kRelNs + "\"><sheets><sheet name=\"" +
                         xml_escape(sheet_name_) +
                         "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"});
  entries.push_back(
      {"xl/_rels/workbook.xml.rels",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
       "Target=\"worksheets/sheet1.xml\"/>"
       "<Relationship Id=\"rId2\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
       "Target=\"styles.xml\"/>"
       "</Relationships>"});
  entries.push_back(
      {"xl/styles.xml",
       std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                   "<styleSheet xmlns=\"") +
           kMainNs +
           "\">"
           "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"等线\"/><family val=\"2\"/>"
           "<charset val=\"134\"/></font><font><b/><sz val=\"11\"/><name val=\"等线\"/>"
           "<family val=\"2\"/><charset val=\"134\"/></font></fonts>"
           "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
           "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
           "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border>"
           "</borders>"
           "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
           "borderId=\"0\"/></cellStyleXfs>"
           "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" "
           "xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
           "applyFont=\"1\"/></cellXfs>"
           "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"
           "</cellStyles></styleSheet>"});
  entries.push_back({"xl/worksheets/sheet1.xml", std::move(sheet)});
  return zip_store(entries);
}

// ---- reader

XlsxResult read_xlsx(std::string_view bytes) {
  XlsxResult result;
  auto fail = [&](std::string why) {
    result.rows.clear();
    result.error = std::move(why);
    return result;
  };
  // First the small parts, to find the first sheet's file.
  auto meta = zip_read(bytes, {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                               "xl/sharedStrings.xml", "xl/styles.xml"});
  if (meta.error) return fail(*meta.error);
  auto part = [&](const std::string& name) -> const std::string* {
    auto it = meta.entries.find(name);
    return it == meta.entries.end() ? nullptr : &it->second;
  };
  const std::string* workbook = part("xl/workbook.xml");
  if (!workbook) return fail("not an Excel workbook (xl/workbook.xml is missing)");

  std::string first_rid;
  bool date1904 = false;
  {
    Sax sax;
    sax.start = [&](std::string_view name, const char** attrs) {
      if (name == "sheet" && first_rid.empty()) {
        first_rid = attr(attrs, "id").value_or("");
        result.sheet = attr(attrs, "name").value_or("");
      } else if (name == "workbookPr") {
        auto v = attr(attrs, "date1904").value_or("0");
        date1904 = v == "1" || v == "true";
      }
    };
    if (auto e = parse_xml(*workbook, sax)) return fail(*e);
  }
  std::string sheet_path = "xl/worksheets/sheet1.xml";
  if (const std::string* rels = part("xl/_rels/workbook.xml.rels"); rels && !first_rid.empty()) {
    Sax sax;
    sax.start = [&](std::string_view name, const char** attrs) {
      if (name == "Relationship" && attr(attrs, "Id").value_or("") == first_rid) {
        std::string target = attr(attrs, "Target").value_or("");
        if (!target.empty() && target[0] == '/')
          sheet_path = target.substr(1);
        else if (!target.empty())
          sheet_path = "xl/" + target;
      }
    };
    if (auto e = parse_xml(*rels, sax)) return fail(*e);
  }

  std::vector<std::string> shared;
  if (const std::string* sst = part("xl/sharedStrings.xml")) {
    std::string cur;
    bool in_si = false, in_t = false;
    int phonetic = 0;
    Sax sax;
    sax.start = [&](std::string_view name, const char**) {
      if (name == "si") {
        in_si = true;
        cur.clear();
      } else if (name == "rPh") {
        ++phonetic;
      } else if (name == "t" && in_si && phonetic == 0) {
        in_t = true;
      }
    };
    sax.end = [&](std::string_view name) {
      if (name == "si") {
        shared.push_back(std::move(cur));
        cur.clear();
        in_si = false;
      } else if (name == "rPh") {
        --phonetic;
      } else if (name == "t") {
        in_t = false;
      }
    };
    sax.text = [&](std::string_view t) {
      if (in_t) cur += t;
    };
    if (auto e = parse_xml(*sst, sax)) return fail(*e);
  }

  // Styles: which cell formats (the s attribute) show dates.
  std::vector<bool> date_style;
  if (const std::string* styles = part("xl/styles.xml")) {
    std::map<int, std::string> custom;
    bool in_xfs = false;
    Sax sax;
    sax.start = [&](std::string_view name, const char** attrs) {
      if (name == "numFmt") {
        custom[std::atoi(attr(attrs, "numFmtId").value_or("0").c_str())] =
            attr(attrs, "formatCode").value_or("");
      } else if (name == "cellXfs") {
        in_xfs = true;
      } else if (name == "xf" && in_xfs) {
        int id = std::atoi(attr(attrs, "numFmtId").value_or("0").c_str());
        auto it = custom.find(id);
        date_style.push_back(it != custom.end() ? is_date_format(it->second)
                                                : is_builtin_date_format(id));
      }
    };
    sax.end = [&](std::string_view name) {
      if (name == "cellXfs") in_xfs = false;
    };
    if (auto e = parse_xml(*styles, sax)) return fail(*e);
  }

  auto data = zip_read(bytes, {sheet_path});
  if (data.error) return fail(*data.error);
  auto it = data.entries.find(sheet_path);
  if (it == data.entries.end()) return fail("the first sheet is missing: " + sheet_path);

  CsvRow row;
  size_t next_row = 1, next_col = 0, col = 0;
  std::string type, value, inline_text;
  int style = 0;
  bool in_row = false, in_cell = false, in_v = false, in_is_t = false, in_is = false;
  int phonetic = 0;
  Sax sax;
  sax.start = [&](std::string_view name, const char** attrs) {
    if (name == "row") {
      in_row = true;
      row = CsvRow{};
      auto r = attr(attrs, "r");
      row.line = r ? static_cast<size_t>(std::strtoull(r->c_str(), nullptr, 10)) : next_row;
      if (row.line == 0) row.line = next_row;
      next_row = row.line + 1;
      next_col = 0;
    } else if (name == "c" && in_row) {
      in_cell = true;
      auto ref = attr(attrs, "r");
      auto c = ref ? column_of(*ref) : std::nullopt;
      col = c ? *c : next_col;
      next_col = col + 1;
      type = attr(attrs, "t").value_or("n");
      style = std::atoi(attr(attrs, "s").value_or("0").c_str());
      value.clear();
      inline_text.clear();
    } else if (in_cell && name == "v") {
      in_v = true;
    } else if (in_cell && name == "is") {
      in_is = true;
    } else if (in_is && name == "rPh") {
      ++phonetic;
    } else if (in_is && name == "t" && phonetic == 0) {
      in_is_t = true;
    }
  };
  sax.end = [&](std::string_view name) {
    if (name == "v") {
      in_v = false;
    } else if (name == "t") {
      in_is_t = false;
    } else if (name == "rPh") {
      --phonetic;
    } else if (name == "is") {
      in_is = false;
    } else if (name == "c" && in_cell) {
      in_cell = false;
      std::string text;
      if (type == "s") {
        size_t idx = static_cast<size_t>(std::strtoull(value.c_str(), nullptr, 10));
        if (idx < shared.size()) text = shared[idx];
      } else if (type == "inlineStr") {
        text = inline_text;
      } else if (type == "b") {
        text = value == "1" ? "TRUE" : "FALSE";
      } else if (type == "str" || type == "e") {
        text = value;
      } else if (!value.empty()) {
        char* end = nullptr;
        double v = std::strtod(value.c_str(), &end);
        if (end == value.c_str()) {
          text = value;
        } else if (style >= 0 && static_cast<size_t>(style) < date_style.size() &&
                   date_style[static_cast<size_t>(style)]) {
          text = excel_serial_to_date(v, date1904);
        } else {
          text = format_number(v);
        }
      }
      if (col < 16384) {
        if (row.cells.size() <= col) row.cells.resize(col + 1);
        row.cells[col] = std::move(text);
      }
    } else if (name == "row" && in_row) {
      in_row = false;
      bool any = false;
      for (const auto& c : row.cells)
        if (!c.empty()) any = true;
      if (any) result.rows.push_back(std::move(row));
    }
  };
  sax.text = [&](std::string_view t) {
    if (in_v)
      value += t;
    else if (in_is_t)
      inline_text += t;
  };
  if (auto e = parse_xml(it->second, sax)) return fail(*e);
  return result;
}

}  // namespace kefu::text
