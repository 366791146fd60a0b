// ZIP and XLSX (platform/text): the writer's archive read back by the reader, Chinese text
// included; deflated entries as Excel writes them; dates from serials; broken archives.
#include <gtest/gtest.h>
#include <zlib.h>

#include "platform/text/xlsx.h"
#include "platform/text/zip.h"

namespace kefu::text {
namespace {

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void put32(std::string& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v & 0xffff));
  put16(out, static_cast<uint16_t>(v >> 16));
}

std::string deflate_raw(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A zip whose entries are deflated (method 8), with a data descriptor flag as Excel sets.
std::string zip_deflated(const std::vector<ZipEntry>& entries) {
  std::string out, central;
  for (const auto& e : entries) {
    std::string packed = deflate_raw(e.data);
    uint32_t crc = crc32(e.data), offset = static_cast<uint32_t>(out.size());
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0x0808);
    put16(out, 8);
    put16(out, 0);
    put16(out, 0x21);
    put32(out, 0);  // sizes and crc follow the data (data descriptor)
    put32(out, 0);
    put32(out, 0);
    put16(out, static_cast<uint16_t>(e.name.size()));
    put16(out, 0);
    out += e.name + packed;
    put32(out, 0x08074b50);
    put32(out, crc);
    put32(out, static_cast<uint32_t>(packed.size()));
    put32(out, static_cast<uint32_t>(e.data.size()));
    put32(central, 0x02014b50);
    put16(central, 20);
    put16(central, 20);
    put16(central, 0x0808);
    put16(central, 8);
    put16(central, 0);
    put16(central, 0x21);
    put32(central, crc);
    put32(central, static_cast<uint32_t>(packed.size()));
    put32(central, static_cast<uint32_t>(e.data.size()));
    put16(central, static_cast<uint16_t>(e.name.size()));
    for (int i = 0; i < 4; ++i) put16(central, 0);
    put32(central, 0);
    put32(central, offset);
    central += e.name;
  }
  uint32_t cd = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint16_t>(entries.size()));
  put16(out, static_cast<uint16_t>(entries.size()));
  put32(out, static_cast<uint32_t>(central.size()));
  put32(out, cd);
  put16(out, 0);
  return out;
}

TEST(Zip, Crc32KnownValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
}

TEST(Zip, StoredRoundTripAndDeflatedEntries) {
  std::vector<ZipEntry> entries = {{"a.txt", "hello"}, {"目录/客户.xml", "<客户>张伟</客户>"}};
  auto read = zip_read(zip_store(entries));
  ASSERT_FALSE(read.error) << *read.error;
  EXPECT_EQ(read.entries.at("a.txt"), "hello");
  EXPECT_EQ(read.entries.at("目录/客户.xml"), "<客户>张伟</客户>");

  std::string big(100000, 'x');
  auto deflated = zip_read(zip_deflated({{"big", big}, {"small", "漏水"}}), {"big"});
  ASSERT_FALSE(deflated.error) << *deflated.error;
  EXPECT_EQ(deflated.entries.at("big"), big);
  EXPECT_EQ(deflated.entries.at("small"), "");  // listed, not unpacked
}

TEST(Zip, RefusesBrokenArchives) {
  EXPECT_TRUE(zip_read("not a zip at all, just some text of a reasonable length").error);
  std::string z = zip_store({{"a.txt", "hello world"}});
  std::string corrupt = z;
  corrupt[z.find("hello")] = 'j';  // data no longer matches its CRC
  EXPECT_EQ(*zip_read(corrupt).error, "bad crc: a.txt");
  EXPECT_TRUE(zip_read(z.substr(0, z.size() - 30)).error);
  // A bomb: more unpacked bytes than allowed.
  ZipLimits small;
  small.max_total_bytes = 1000;
  EXPECT_TRUE(zip_read(zip_deflated({{"bomb", std::string(5000, '0')}}), {}, small).error);
}

TEST(Xlsx, WriterOutputReadsBackWithChinese) {
  XlsxWriter w("客户");
  w.header({"姓名", "手机", "地址", "积分"}, {12, 14, 30, 8});
  w.row({{"张伟", false},
         {"13812345678", false},
         {"上海市徐汇区 <漕溪北路> & \"88号\"", false},
         {"1200", true}});
  w.row({{"", false}, {"021-61234567", false}, {"", false}, {"3.5", true}});
  EXPECT_EQ(w.rows(), 3u);
  std::string bytes = w.finish();
  auto zip = zip_read(bytes);
  ASSERT_FALSE(zip.error);
  for (const char* part :
       {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
        "xl/styles.xml", "xl/worksheets/sheet1.xml"})
    EXPECT_TRUE(zip.entries.count(part)) << part;

  auto r = read_xlsx(bytes);
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.sheet, "客户");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].line, 1u);
  EXPECT_EQ(r.rows[0].cells, (std::vector<std::string>{"姓名", "手机", "地址", "积分"}));
  EXPECT_EQ(r.rows[1].cells,
            (std::vector<std::string>{"张伟", "13812345678", "上海市徐汇区 <漕溪北路> & \"88号\"",
                                      "1200"}));
  EXPECT_EQ(r.rows[2].line, 3u);
  EXPECT_EQ(r.rows[2].cells, (std::vector<std::string>{"", "021-61234567", "", "3.5"}));
}

// A workbook as Excel saves it: deflated, shared strings (rich text, phonetic runs),
// numbers, a date style, skipped cells and rows, a blank row.
TEST(Xlsx, ReadsExcelStyleWorkbook) {
  const std::string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  std::vector<ZipEntry> e = {
      {"xl/workbook.xml",
       "<workbook xmlns=\"" + ns +
           "\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
           "<sheets><sheet name=\"导入\" sheetId=\"1\" r:id=\"rId7\"/><sheet name=\"其他\" "
           "sheetId=\"2\" r:id=\"rId8\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId8\" Target=\"worksheets/sheet2.xml\"/>"
       "<Relationship Id=\"rId7\" Target=\"/xl/worksheets/data.xml\"/></Relationships>"},
      {"xl/sharedStrings.xml",
       "<sst xmlns=\"" + ns +
           "\"><si><t>姓名</t></si><si><t>生日</t></si><si><r><t>张</t></r><r><rPr><b/></rPr>"
           "<t>伟</t></r><rPh><t>ZHANG</t></rPh></si><si><t xml:space=\"preserve\"> 手机 </t>"
           "</si><si><t>A&amp;B</t></si></sst>"},
      {"xl/styles.xml",
       "<styleSheet xmlns=\"" + ns +
           "\"><numFmts count=\"1\"><numFmt numFmtId=\"176\" "
           "formatCode=\"yyyy&quot;年&quot;m&quot;月"
           "&quot;d&quot;日&quot;\"/></numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/>"
           "</cellStyleXfs><cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
           "<xf numFmtId=\"176\"/><xf numFmtId=\"2\"/></cellXfs></styleSheet>"},
      {"xl/worksheets/data.xml",
       "<x:worksheet xmlns:x=\"" + ns +
           "\"><x:sheetData>"
           "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B1\" t=\"s\">"
           "<x:v>3</x:v></x:c><x:c r=\"D1\" t=\"s\"><x:v>1</x:v></x:c></x:row>"
           "<x:row r=\"2\"><x:c r=\"D2\"/></x:row>"
           "<x:row r=\"4\"><x:c r=\"A4\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"B4\"><x:v>13812345678"
           "</x:v></x:c><x:c r=\"C4\" t=\"b\"><x:v>1</x:v></x:c><x:c r=\"D4\" s=\"1\"><x:v>31111"
           "</x:v></x:c></x:row>"
           "<x:row r=\"5\"><x:c r=\"A5\" t=\"inlineStr\"><x:is><x:t>李娜</x:t></x:is></x:c>"
           "<x:c r=\"B5\" s=\"3\"><x:v>1.3812345678E10</x:v></x:c><x:c r=\"C5\" t=\"s\"><x:v>4"
           "</x:v></x:c><x:c r=\"D5\" s=\"2\"><x:v>45658.5</x:v></x:c></x:row>"
           "<x:row><x:c t=\"str\"><x:v>公式结果</x:v></x:c><x:c><x:v>0.1</x:v></x:c></x:row>"
           "</x:sheetData></x:worksheet>"},
      {"xl/worksheets/sheet2.xml", "<worksheet xmlns=\"" + ns + "\"><sheetData/></worksheet>"},
  };
  auto r = read_xlsx(zip_deflated(e));
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.sheet, "导入");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].cells, (std::vector<std::string>{"姓名", " 手机 ", "", "生日"}));
  EXPECT_EQ(r.rows[1].line, 4u);
  EXPECT_EQ(r.rows[1].cells,
            (std::vector<std::string>{"张伟", "13812345678", "TRUE", "1985-03-05"}));
  EXPECT_EQ(r.rows[2].cells,
            (std::vector<std::string>{"李娜", "13812345678", "A&B", "2025-01-01 12:00"}));
  EXPECT_EQ(r.rows[3].line, 6u);
  EXPECT_EQ(r.rows[3].cells, (std::vector<std::string>{"公式结果", "0.1"}));
}

TEST(Xlsx, DatesAndFormats) {
  EXPECT_EQ(excel_serial_to_date(1), "1900-01-01");
  EXPECT_EQ(excel_serial_to_date(59), "1900-02-28");
  EXPECT_EQ(excel_serial_to_date(61), "1900-03-01");
  EXPECT_EQ(excel_serial_to_date(45658), "2025-01-01");
  EXPECT_EQ(excel_serial_to_date(0, true), "1904-01-01");
  EXPECT_EQ(excel_serial_to_date(44196, true), "2025-01-01");
  EXPECT_TRUE(is_date_format("yyyy/m/d"));
  EXPECT_TRUE(is_date_format("[$-804]yyyy\"年\"m\"月\"d\"日\""));
  EXPECT_TRUE(is_date_format("h:mm:ss"));
  EXPECT_TRUE(is_date_format("[h]:mm"));
  EXPECT_FALSE(is_date_format("0.00"));
  EXPECT_FALSE(is_date_format("General"));
  EXPECT_FALSE(is_date_format("[Red]#,##0"));
  EXPECT_FALSE(is_date_format("\"days\" 0"));
  EXPECT_EQ(column_letters(0), "A");
  EXPECT_EQ(column_letters(25), "Z");
  EXPECT_EQ(column_letters(26), "AA");
  EXPECT_EQ(column_letters(701), "ZZ");
  EXPECT_EQ(column_letters(702), "AAA");
}

TEST(Xlsx, RefusesWhatIsNotAWorkbook) {
  EXPECT_TRUE(read_xlsx("姓名,手机\n张三,13800000000\n").error);
  EXPECT_TRUE(read_xlsx(zip_store({{"word/document.xml", "<w/>"}})).error);
  auto bad_xml = read_xlsx(zip_store(
      {{"xl/workbook.xml", "<workbook><sheets><sheet r:id=\"rId1\"/></sheets></workbook>"},
       {"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"}}));
  ASSERT_TRUE(bad_xml.error);
}

}  // namespace
}  // namespace kefu::text
