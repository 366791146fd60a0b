#include "platform/http/router.h"

#include <algorithm>
#include <charconv>

#include <boost/json/serialize.hpp>

#include "platform/core/error.h"

namespace kefu::http {
namespace {

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_param(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  auto r = std::make_unique<Route>();
  r->segments = split(pattern);
  r->method = std::move(method);
  r->pattern = std::move(pattern);
  r->handler = std::move(handler);
  r->options = options;
  largest_body_limit_ = std::max(largest_body_limit_, options.max_body_bytes);
  routes_.push_back(std::move(r));
}

Match Router::match(Request& req) const {
  Match m;
  auto segs = split(req.path);
  for (const auto& r : routes_) {
    if (r->segments.size() != segs.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r->segments[i];
      if (is_param(p))
        params.emplace_back(p.substr(1, p.size() - 2), segs[i]);
      else
        ok = p == segs[i];
    }
    if (!ok) continue;
    if (r->method != req.method && !(req.method == "HEAD" && r->method == "GET")) {
      m.path_known = true;
      m.allow += (m.allow.empty() ? "" : ", ") + r->method;
      continue;
    }
    req.path_params = std::move(params);
    m.route = r.get();
    return m;
  }
  bool page_request = (req.method == "GET" || req.method == "HEAD") &&
                      req.path.rfind("/api/", 0) != 0 && req.path != "/api";
  if (!m.path_known && fallback_.handler && page_request) m.route = &fallback_;
  return m;
}

uint64_t Router::body_limit_for(std::string_view method, std::string_view target) const {
  Request probe;
  probe.method = std::string(method);
  probe.path = std::string(target.substr(0, target.find('?')));
  Match m = match(probe);
  return m.route ? m.route->options.max_body_bytes : 0;
}

std::string_view Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

const std::string& Request::path_param(std::string_view name) const {
  for (const auto& [k, v] : path_params)
    if (k == name) return v;
  static const std::string empty;
  return empty;
}

std::string Request::cookie(std::string_view name) const {
  std::string_view h = header("cookie");
  while (!h.empty()) {
    size_t semi = h.find(';');
    std::string_view part = h.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name)
      return std::string(part.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    h.remove_prefix(semi + 1);
  }
  return {};
}

Response Response::json(const boost::json::value& v, int status) {
  return Response{status, "application/json", {}, boost::json::serialize(v), nullptr};
}

Response Response::text(std::string body, std::string content_type) {
  return Response{200, std::move(content_type), {}, std::move(body), nullptr};
}

const auth::Principal& Context::user() const {
  if (!principal) throw Error(ErrorKind::kUnauthenticated, "auth.required");
  return *principal;
}

int64_t Context::id_param(std::string_view name, std::string_view what) const {
  const std::string& s = req.path_param(name);
  int64_t id = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || p != s.data() + s.size() || id <= 0)
    throw Error::not_found(std::string(what));
  return id;
}

}  // namespace kefu::http
