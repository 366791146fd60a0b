#include <gtest/gtest.h>

#include "platform/search/tokenizer.h"

namespace kefu::search {
namespace {

bool has(const std::string& tokens, const std::string& t) {
  return (" " + tokens + " ").find(" " + t + " ") != std::string::npos;
}

// A query matches a document when every term is among its tokens (prefix terms: a token
// starting with it) — the semantics FTS5 and tsquery give the strings we build.
bool matches(std::string_view doc, std::string_view query) {
  std::string tokens = " " + index_tokens(doc) + " ";
  auto terms = query_terms(query);
  if (terms.empty()) return false;
  for (const auto& t : terms) {
    bool found = t.prefix ? tokens.find(" " + t.token) != std::string::npos
                          : tokens.find(" " + t.token + " ") != std::string::npos;
    if (!found) return false;
  }
  return true;
}

TEST(Tokenizer, HanTextGivesUnigramsAndBigrams) {
  auto t = index_tokens("厨房漏水");
  for (const char* w : {"厨", "房", "漏", "水", "厨房", "房漏", "漏水"})
    EXPECT_TRUE(has(t, w)) << w;
  EXPECT_FALSE(has(t, "厨房漏"));
}

TEST(Tokenizer, TwoCharacterWordsMatch) {
  EXPECT_TRUE(matches("张伟 上海市徐汇区漕溪北路", "张伟"));
  EXPECT_TRUE(matches("客户反映厨房漏水严重", "漏水"));
  EXPECT_TRUE(matches("客户反映厨房漏水严重", "厨房漏水"));
  EXPECT_FALSE(matches("客户反映厨房渗水", "漏水"));
  EXPECT_TRUE(matches("张伟", "张"));
}

TEST(Tokenizer, AnyFourDigitsOfAPhoneMatch) {
  EXPECT_TRUE(matches("13812345678", "5678"));
  EXPECT_TRUE(matches("13812345678", "1234567"));
  EXPECT_TRUE(matches("13812345678", "13812345678"));
  EXPECT_FALSE(matches("13812345678", "8765"));
}

TEST(Tokenizer, PlatesAndVinsMixHanLettersAndDigits) {
  EXPECT_TRUE(matches("沪A12345", "沪A12345"));
  EXPECT_TRUE(matches("沪A·12345", "12345"));
  EXPECT_TRUE(matches("沪A12345", "a123"));
  EXPECT_TRUE(matches("LSVAM4187C2184847", "2184847"));
  EXPECT_TRUE(matches("LSVAM4187C2184847", "lsvam"));
}

TEST(Tokenizer, FullWidthAndCaseAreFolded) {
  EXPECT_TRUE(matches("ＶＩＰ客户 １３８１２３４５６７８", "vip"));
  EXPECT_TRUE(matches("ＶＩＰ客户 １３８１２３４５６７８", "5678"));
  EXPECT_TRUE(matches("Zhang Wei", "ZHANG"));
}

TEST(Tokenizer, ShortWordsArePrefixes) {
  auto terms = query_terms("zh");
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_TRUE(terms[0].prefix);
  EXPECT_TRUE(matches("zhang wei", "zh"));
}

TEST(Tokenizer, PunctuationAndJunkGiveNothing) {
  EXPECT_TRUE(query_terms("  ,.!？、 ").empty());
  EXPECT_EQ(fts5_match(query_terms("")), "");
  EXPECT_EQ(index_tokens("\xff\xfe"), "");  // invalid UTF-8 is dropped, not crashed on
}

TEST(Tokenizer, QueryExpressionsForBothBackends) {
  auto terms = query_terms("张伟 13");
  EXPECT_EQ(fts5_match(terms), "\"张伟\" AND \"13\"*");
  EXPECT_EQ(pg_tsquery(terms), "'张伟' & '13':*");
}

}  // namespace
}  // namespace kefu::search
