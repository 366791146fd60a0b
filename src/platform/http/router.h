#pragma once
// Routes "METHOD /api/v1/users/{id}" to handlers. Patterns are kept so that metrics and
// logs group by route, and so the OpenAPI test can compare the document with the router.
#include <memory>
#include <string>
#include <vector>

#include "platform/http/message.h"

namespace kefu::http {

struct RouteOptions {
  bool auth = true;             // needs a signed-in caller
  bool blocking = true;         // touches the database: runs on the worker pool, never an io thread
  uint64_t max_body_bytes = 0;  // 0 = the server's limit; uploads raise it
  const char* body_type = "application/json";  // the media type a body must have
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  RouteOptions options;
};

struct Match {
  const Route* route = nullptr;
  bool path_known = false;  // some route has this path but not this method (→ 405)
  std::string allow;        // the methods that path accepts, for the Allow header
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  // Fills req.path_params on success.
  Match match(Request& req) const;
  // The body limit for a request line, known before the body is read (0 = default).
  uint64_t body_limit_for(std::string_view method, std::string_view target) const;
  uint64_t largest_body_limit() const { return largest_body_limit_; }
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
  // Answers GET/HEAD requests outside /api/ that no route matched (the console's files).
  void set_fallback(Handler handler) {
    fallback_.handler = std::move(handler);
    fallback_.pattern = "(static)";
    fallback_.method = "GET";
    fallback_.options = {.auth = false};
  }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
  Route fallback_;
  uint64_t largest_body_limit_ = 0;
};

}  // namespace kefu::http
