#include "platform/http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "platform/core/error.h"

namespace kefu::http {
namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path& p, std::string& out) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return false;
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// "app.js", "logo.svg", "x.webmanifest" name files; the last segment of a console route may
// hold a dot too — a signed link token "/public/survey/<hex>.<32 hex>" — and is not a file.
bool looks_like_file(const std::string& rel) {
  std::string ext = fs::path(rel).extension().string();  // ".js", or "" without one
  return ext.size() >= 2 && ext.size() <= 12;
}

bool accepts_gzip(const Request& req) {
  return req.header("accept-encoding").find("gzip") != std::string_view::npos;
}

}  // namespace

std::string_view content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".jpg") || ends(".jpeg")) return "image/jpeg";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".woff")) return "font/woff";
  if (ends(".ttf")) return "font/ttf";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  if (ends(".map")) return "application/json";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::string root) {
  std::error_code ec;
  if (!root.empty() && fs::is_directory(root, ec)) root_ = fs::canonical(root, ec).string();
}

Response StaticFiles::serve(const Request& req) const {
  std::string rel = req.path;
  // Refuse anything that could climb out of the root.
  if (rel.find("..") != std::string::npos || rel.find('\0') != std::string::npos ||
      rel.find('\\') != std::string::npos)
    throw Error(ErrorKind::kNotFound, "route.not_found");
  if (rel.empty() || rel == "/") rel = "/index.html";
  fs::path file = fs::path(root_) / rel.substr(1);
  bool is_asset = rel.rfind("/assets/", 0) == 0;
  std::string body;
  bool found = read_file(file, body);
  if (!found) {
    // A path with an extension is a missing file; anything else is a console route.
    if (is_asset || looks_like_file(rel))
      throw Error(ErrorKind::kNotFound, "route.not_found");
    file = fs::path(root_) / "index.html";
    if (!read_file(file, body)) throw Error(ErrorKind::kNotFound, "route.not_found");
  }
  Response r;
  r.content_type = std::string(content_type_for(file.string()));
  bool html = file.extension() == ".html";
  r.headers.emplace_back("Cache-Control",
                         is_asset ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  std::string gz;
  if (!html && accepts_gzip(req) && read_file(file.string() + ".gz", gz)) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body = std::move(gz);
  } else {
    r.body = std::move(body);
  }
  return r;
}

}  // namespace kefu::http
