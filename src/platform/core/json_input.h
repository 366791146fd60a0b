#pragma once
// Strict reading of JSON request bodies: wrong types, unknown fields and missing fields are
// all collected as per-field errors and refused together by finish().
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "platform/core/error.h"

namespace kefu {

// Parses a request body: not JSON, invalid UTF-8 or not an object → 400.
boost::json::object parse_json_object(std::string_view body);

struct TextRule {
  size_t min_len = 0;  // in characters (UTF-8 code points)
  size_t max_len = 200;
};

class JsonInput {
 public:
  explicit JsonInput(const boost::json::object& obj) : obj_(obj) {}

  std::string text(std::string_view key, TextRule rule = {});
  std::optional<std::string> optional_text(std::string_view key, TextRule rule = {});
  int64_t integer(std::string_view key);
  std::optional<int64_t> optional_integer(std::string_view key);
  // A present `null` reads as "clear": outer optional = present, inner = value.
  std::optional<std::optional<int64_t>> nullable_integer(std::string_view key);
  std::optional<std::optional<std::string>> nullable_text(std::string_view key, TextRule rule = {});
  std::optional<bool> optional_boolean(std::string_view key);
  std::vector<std::string> text_list(std::string_view key, TextRule rule = {});
  std::optional<std::vector<std::string>> optional_text_list(std::string_view key,
                                                             TextRule rule = {});
  bool has(std::string_view key) const { return obj_.contains(key); }
  // The raw value of a nested field (arrays of objects), marked as read; null when absent.
  const boost::json::value* raw(std::string_view key) { return find(key); }

  void add_error(std::string field, std::string code,
                 std::vector<std::pair<std::string, std::string>> params = {});
  // Adds domain errors found after parsing, skipping fields that already have one, so that
  // one answer lists every bad field.
  void add_errors(const std::vector<FieldError>& errors);
  bool ok() const { return errors_.empty(); }
  // Adds an error for every field that was not read, then throws if anything is wrong.
  void finish();

 private:
  const boost::json::value* find(std::string_view key);
  std::nullopt_t null_given(std::string_view key);
  std::optional<std::string> read_text(std::string_view key, const boost::json::value& v,
                                       TextRule rule);

  const boost::json::object& obj_;
  std::set<std::string, std::less<>> seen_;
  std::vector<FieldError> errors_;
};

size_t utf8_length(std::string_view s);
bool valid_utf8(std::string_view s);

}  // namespace kefu
