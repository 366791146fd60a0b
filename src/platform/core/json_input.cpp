#include "platform/core/json_input.h"

namespace kefu {

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n == 2 && c < 0xc2) return false;  // overlong
    for (size_t k = 1; k < n; ++k)
      if ((p[i + k] & 0xc0) != 0x80) return false;
    if (n == 3) {
      unsigned cp = ((c & 0x0f) << 12) | ((p[i + 1] & 0x3f) << 6) | (p[i + 2] & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    }
    if (n == 4) {
      unsigned cp = ((c & 0x07) << 18) | ((p[i + 1] & 0x3f) << 12) | ((p[i + 2] & 0x3f) << 6) |
                    (p[i + 3] & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return false;
    }
    i += n;
  }
  return true;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++n;
  return n;
}

boost::json::object parse_json_object(std::string_view body) {
  if (!valid_utf8(body)) throw Error(ErrorKind::kBadRequest, "request.invalid_utf8");
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 32;
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) throw Error(ErrorKind::kBadRequest, "request.malformed_json", {{"reason", ec.message()}});
  if (!v.is_object()) throw Error(ErrorKind::kBadRequest, "request.not_an_object");
  return std::move(v.as_object());
}

const boost::json::value* JsonInput::find(std::string_view key) {
  seen_.emplace(key);
  auto it = obj_.find(key);
  if (it == obj_.end()) return nullptr;
  return &it->value();
}

std::nullopt_t JsonInput::null_given(std::string_view key) {
  // null is not "leave it as it is": a field that cannot be cleared refuses it.
  add_error(std::string(key), "field.not_nullable");
  return std::nullopt;
}

void JsonInput::add_errors(const std::vector<FieldError>& errors) {
  // A field that already has an error, or whose parent has one ("phones[0]" covers
  // "phones[0].number"), is not reported twice.
  auto covered = [&](const std::string& field) {
    for (const auto& have : errors_) {
      if (have.field == field) return true;
      if (field.size() > have.field.size() &&
          field.compare(0, have.field.size(), have.field) == 0 &&
          (field[have.field.size()] == '.' || field[have.field.size()] == '['))
        return true;
    }
    return false;
  };
  for (const auto& e : errors)
    if (!covered(e.field)) errors_.push_back(e);
}

void JsonInput::add_error(std::string field, std::string code,
                          std::vector<std::pair<std::string, std::string>> params) {
  errors_.push_back({std::move(field), std::move(code), std::move(params)});
}

std::optional<std::string> JsonInput::read_text(std::string_view key, const boost::json::value& v,
                                                TextRule rule) {
  if (!v.is_string()) {
    add_error(std::string(key), "field.wrong_type", {{"expected", "string"}});
    return std::nullopt;
  }
  std::string s(v.as_string());
  // Trim surrounding spaces: names pasted from spreadsheets carry them.
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  size_t len = utf8_length(s);
  if (len < rule.min_len) {
    add_error(std::string(key), rule.min_len == 1 ? "field.required" : "field.too_short",
              {{"min", std::to_string(rule.min_len)}});
    return std::nullopt;
  }
  if (len > rule.max_len) {
    add_error(std::string(key), "field.too_long", {{"max", std::to_string(rule.max_len)}});
    return std::nullopt;
  }
  return s;
}

std::string JsonInput::text(std::string_view key, TextRule rule) {
  const auto* v = find(key);
  if (!v || v->is_null()) {
    add_error(std::string(key), "field.required");
    return {};
  }
  return read_text(key, *v, rule).value_or("");
}

std::optional<std::string> JsonInput::optional_text(std::string_view key, TextRule rule) {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_null()) return null_given(key);
  return read_text(key, *v, rule);
}

std::optional<std::optional<std::string>> JsonInput::nullable_text(std::string_view key,
                                                                   TextRule rule) {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<std::string>();
  auto s = read_text(key, *v, rule);
  if (!s) return std::nullopt;
  return std::optional<std::string>(*s);
}

namespace {
std::optional<int64_t> as_int(const boost::json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v.as_uint64());
  return std::nullopt;
}
}  // namespace

int64_t JsonInput::integer(std::string_view key) {
  const auto* v = find(key);
  if (!v || v->is_null()) {
    add_error(std::string(key), "field.required");
    return 0;
  }
  auto i = as_int(*v);
  if (!i) add_error(std::string(key), "field.wrong_type", {{"expected", "integer"}});
  return i.value_or(0);
}

std::optional<int64_t> JsonInput::optional_integer(std::string_view key) {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_null()) return null_given(key);
  auto i = as_int(*v);
  if (!i) add_error(std::string(key), "field.wrong_type", {{"expected", "integer"}});
  return i;
}

std::optional<std::optional<int64_t>> JsonInput::nullable_integer(std::string_view key) {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<int64_t>();
  auto i = as_int(*v);
  if (!i) {
    add_error(std::string(key), "field.wrong_type", {{"expected", "integer"}});
    return std::nullopt;
  }
  return std::optional<int64_t>(*i);
}

std::optional<bool> JsonInput::optional_boolean(std::string_view key) {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_null()) return null_given(key);
  if (!v->is_bool()) {
    add_error(std::string(key), "field.wrong_type", {{"expected", "boolean"}});
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::vector<std::string>> JsonInput::optional_text_list(std::string_view key,
                                                                      TextRule rule) {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_null()) return null_given(key);
  if (!v->is_array()) {
    add_error(std::string(key), "field.wrong_type", {{"expected", "array"}});
    return std::nullopt;
  }
  std::vector<std::string> out;
  const auto& arr = v->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    auto s = read_text(std::string(key) + "[" + std::to_string(i) + "]", arr[i], rule);
    if (s) out.push_back(*s);
  }
  return out;
}

std::vector<std::string> JsonInput::text_list(std::string_view key, TextRule rule) {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) {
    seen_.emplace(key);
    add_error(std::string(key), "field.required");
    return {};
  }
  return optional_text_list(key, rule).value_or(std::vector<std::string>{});
}

void JsonInput::finish() {
  for (const auto& kv : obj_) {
    if (!seen_.count(std::string_view(kv.key()))) add_error(std::string(kv.key()), "field.unknown");
  }
  if (!errors_.empty()) throw Error::validation(std::move(errors_));
}

}  // namespace kefu
