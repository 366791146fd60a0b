#include "app/upload_routes.h"

#include <boost/json.hpp>

#include "platform/core/json_input.h"

namespace kefu {
namespace {

boost::json::object upload_json(const storage::Upload& u) {
  boost::json::array received;
  for (auto n : u.received) received.emplace_back(n);
  boost::json::object o{{"id", u.id},
                        {"filename", u.filename},
                        {"size", u.size},
                        {"part_size", u.part_size},
                        {"parts", u.parts()},
                        {"received", std::move(received)},
                        {"bytes_received", u.bytes_received},
                        {"complete", u.complete()},
                        {"created_at", u.created_at},
                        {"expires_at", u.expires_at}};
  if (u.sha256.empty())
    o["sha256"] = nullptr;
  else
    o["sha256"] = u.sha256;
  return o;
}

// A part number in the path: 1, 2, ... (anything else names no part).
int64_t part_param(const http::Context& c) {
  const std::string& v = c.req.path_param("n");
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    throw Error::validation({{"n", "field.invalid", {}}});
  return std::stoll(v);
}

}  // namespace

void add_upload_routes(http::Router& r, storage::Uploads& uploads) {
  r.add("POST", "/api/v1/uploads", [&uploads](http::Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::string filename = in.text("filename", {1, 255});
    int64_t size = in.integer("size");
    auto sha = in.optional_text("sha256", {1, 64});
    in.finish();
    return http::Response::json(upload_json(uploads.create(c.user().user_id, filename, size, sha)),
                                201);
  });
  r.add("GET", "/api/v1/uploads/{id}", [&uploads](http::Context& c) {
    return http::Response::json(upload_json(uploads.get(c.user().user_id, c.req.path_param("id"))));
  });
  r.add("DELETE", "/api/v1/uploads/{id}", [&uploads](http::Context& c) {
    uploads.remove(c.user().user_id, c.req.path_param("id"));
    return http::Response::no_content();
  });
  // The part's bytes are the body, of any type; a part bigger than part_size is refused
  // before it is read (413).
  r.add(
      "PUT", "/api/v1/uploads/{id}/parts/{n}",
      [&uploads](http::Context& c) {
        const auto& who = c.user();
        const std::string& id = c.req.path_param("id");
        uploads.get(who.user_id, id);  // an unknown upload is 404 before the part number is judged
        return http::Response::json(
            upload_json(uploads.put_part(who.user_id, id, part_param(c), c.req.body)));
      },
      {.max_body_bytes = static_cast<uint64_t>(uploads.limits().part_size), .body_type = "*/*"});
}

}  // namespace kefu
