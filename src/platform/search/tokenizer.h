#pragma once
// One tokenizer for full-text search in Chinese, fed to SQLite FTS5 and PostgreSQL
// (to_tsvector('simple', ...)) alike, so both backends find the same records:
//  - Han (and kana/hangul) runs give every single character and every adjacent pair
//    (bigrams), so two-character words such as 张伟 or 漏水 match without a dictionary;
//  - letter/digit runs give the lower-cased word and, when 4 characters or longer, every
//    4-character window, so any 4+ consecutive digits of a phone number, a plate or a VIN
//    match;
//  - full-width letters and digits are folded to ASCII first.
#include <string>
#include <string_view>
#include <vector>

namespace kefu::search {

// Tokens for indexing a document, space-separated, each at most once.
std::string index_tokens(std::string_view text);

struct QueryTerm {
  std::string token;
  bool prefix = false;  // short letter/digit runs match words that start with them
};
// What a search box query must match: every term (AND).
std::vector<QueryTerm> query_terms(std::string_view query);

// FTS5 MATCH expression for the terms ("" when there is nothing to search).
std::string fts5_match(const std::vector<QueryTerm>& terms);
// PostgreSQL to_tsquery('simple', ...) expression for the terms.
std::string pg_tsquery(const std::vector<QueryTerm>& terms);

}  // namespace kefu::search
