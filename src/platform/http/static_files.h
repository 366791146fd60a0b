#pragma once
// Serves the console's production build: hashed assets with long-lived cache headers,
// precompressed .gz variants when the client accepts gzip, and index.html for any other
// path that is not an API route (the single-page app routes in the browser).
#include <string>

#include "platform/http/message.h"

namespace kefu::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  bool enabled() const { return !root_.empty(); }
  Response serve(const Request& req) const;

 private:
  std::string root_;
};

std::string_view content_type_for(std::string_view path);

}  // namespace kefu::http
