#pragma once
// Plain request/response types: handlers and the router never see Beast, which stays in
// server.cpp (one translation unit for its templates).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "platform/auth/principal.h"
#include "platform/core/i18n.h"
#include "platform/http/event_stream.h"

namespace kefu::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  Headers headers;  // names lower-cased
  std::string body;
  std::string remote_addr;
  std::string request_id;
  std::vector<std::pair<std::string, std::string>> path_params;

  std::string_view header(std::string_view lower_name) const;
  std::optional<std::string> query_param(std::string_view name) const;
  const std::string& path_param(std::string_view name) const;
  std::string cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  // Set for a server-sent events response: the body is this channel, written until it
  // closes (status 200, no Content-Length).
  std::shared_ptr<EventStream> stream;

  static Response json(const boost::json::value& v, int status = 200);
  static Response no_content() { return Response{204, "", {}, "", nullptr}; }
  static Response text(std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// What a handler receives: the request, the caller (when signed in) and their language.
struct Context {
  Request& req;
  i18n::Lang lang = i18n::Lang::kZh;
  std::optional<auth::Principal> principal;

  // The signed-in caller; throws 401 when there is none.
  const auth::Principal& user() const;
  // Path parameter as a positive id; anything else is 404 (an id that cannot exist).
  int64_t id_param(std::string_view name, std::string_view what) const;
};

using Handler = std::function<Response(Context&)>;

}  // namespace kefu::http
