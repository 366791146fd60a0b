#pragma once
// Query-string parameters and keyset paging, refused with 400 when malformed.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "platform/http/message.h"

namespace kefu::http {

std::optional<int64_t> query_int(const Request& req, std::string_view name);
std::optional<bool> query_bool(const Request& req, std::string_view name);
// Non-empty text, at most `max_len` bytes.
std::optional<std::string> query_text(const Request& req, std::string_view name,
                                      size_t max_len = 100);

struct PageRequest {
  int64_t after = 0;  // the cursor: the last id of the previous page
  int limit = 50;
};
// ?limit=1..200 (default 50) & after=<cursor from the previous page>
PageRequest page_request(const Request& req);
// {"items": [...], "next": "<cursor>" | null}
boost::json::object page_json(boost::json::array items, std::optional<int64_t> next_after);

}  // namespace kefu::http
