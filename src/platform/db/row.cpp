#include <charconv>
#include <string>

#include "platform/db/database.h"

namespace kefu::db {

int64_t Row::i64(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) {
    if (*p == "t") return 1;  // PostgreSQL booleans in text form
    if (*p == "f") return 0;
    int64_t out = 0;
    std::from_chars(p->data(), p->data() + p->size(), out);
    return out;
  }
  return 0;
}

double Row::f64(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string Row::str(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

}  // namespace kefu::db
