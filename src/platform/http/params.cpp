#include "platform/http/params.h"

#include <charconv>

#include "platform/core/error.h"
#include "platform/core/json_input.h"

namespace kefu::http {
namespace {

[[noreturn]] void bad(std::string_view name) {
  throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", std::string(name)}});
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int64_t> query_int(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  auto i = parse_int(*v);
  if (!i) bad(name);
  return i;
}

std::optional<bool> query_bool(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  bad(name);
}

std::optional<std::string> query_text(const Request& req, std::string_view name, size_t max_len) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  if (v->size() > max_len || !valid_utf8(*v)) bad(name);
  return v;
}

PageRequest page_request(const Request& req) {
  PageRequest p;
  if (auto l = query_int(req, "limit")) {
    if (*l < 1 || *l > 200) bad("limit");
    p.limit = static_cast<int>(*l);
  }
  if (auto a = req.query_param("after"); a && !a->empty()) {
    auto i = parse_int(*a);
    if (!i || *i < 0) throw Error(ErrorKind::kBadRequest, "request.bad_cursor");
    p.after = *i;
  }
  return p;
}

boost::json::object page_json(boost::json::array items, std::optional<int64_t> next_after) {
  boost::json::object o;
  o["items"] = std::move(items);
  if (next_after)
    o["next"] = std::to_string(*next_after);
  else
    o["next"] = nullptr;
  return o;
}

}  // namespace kefu::http
