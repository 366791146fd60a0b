#include <gtest/gtest.h>

#include "platform/text/csv.h"

namespace kefu::text {
namespace {

std::vector<std::vector<std::string>> cells(const CsvResult& r) {
  std::vector<std::vector<std::string>> out;
  for (const auto& row : r.rows) out.push_back(row.cells);
  return out;
}

TEST(Csv, QuotesNewlinesAndBlankLines) {
  auto r = parse_csv(
      "姓名,备注\r\n张伟,\"厨房漏水,已报修\"\r\n\r\n\"李\"\"娜\",\"第一行\n第二行\"\n王强,\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(cells(r), (std::vector<std::vector<std::string>>{{"姓名", "备注"},
                                                             {"张伟", "厨房漏水,已报修"},
                                                             {"李\"娜", "第一行\n第二行"},
                                                             {"王强", ""}}));
  EXPECT_EQ(r.rows[1].line, 2u);
  EXPECT_EQ(r.rows[2].line, 4u);
  EXPECT_EQ(r.rows[3].line, 6u);  // the quoted newline moved the line count on
}

TEST(Csv, BomIsDropped) {
  auto r = parse_csv(
      "\xEF\xBB\xBF"
      "name\nx");
  EXPECT_EQ(r.encoding, "utf-8");
  EXPECT_EQ(r.rows[0].cells[0], "name");
}

TEST(Csv, Gb18030IsConverted) {
  // "张伟" in GB18030 (as Excel saves it on a Chinese Windows).
  auto r = parse_csv("\xD5\xC5\xCE\xB0,13812345678\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.encoding, "gb18030");
  EXPECT_EQ(r.rows[0].cells[0], "张伟");
}

TEST(Csv, UnterminatedQuoteIsReported) {
  auto r = parse_csv("a,b\n1,\"open\n2,3\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "unterminated_quote");
  EXPECT_EQ(r.error_line, 2u);
}

TEST(Csv, NoTrailingNewlineAndEmptyCells) {
  auto r = parse_csv("a,,c");
  EXPECT_EQ(cells(r), (std::vector<std::vector<std::string>>{{"a", "", "c"}}));
}

}  // namespace
}  // namespace kefu::text
