#pragma once
// Placeholder lists for multi-row `INSERT ... VALUES` on both dialects.
#include <cstddef>
#include <string>
#include <string_view>

namespace kefu::db {

// `group` ("(?, ?)", or "(?, to_tsvector('simple', ?))") repeated `rows` times with commas;
// the caller appends every row's parameters in order.
inline std::string values_rows(size_t rows, std::string_view group) {
  std::string sql;
  sql.reserve(rows * (group.size() + 2));
  for (size_t r = 0; r < rows; ++r) {
    if (r) sql += ", ";
    sql += group;
  }
  return sql;
}

}  // namespace kefu::db
