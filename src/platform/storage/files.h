#pragma once
// Content-addressed file storage for attachments: a file is kept once under the SHA-256
// of its bytes (dir/ab/cd/abcd…), written to a temporary name, flushed to disk and renamed,
// so an acknowledged upload survives a crash and a half-written file is never seen.
// Several servers share one directory (a network mount) when they share a database.
#include <optional>
#include <string>
#include <string_view>

namespace kefu::storage {

class Files {
 public:
  explicit Files(std::string dir) : dir_(std::move(dir)) {}
  // Stores the bytes (once) and returns their SHA-256 in hex.
  std::string put(std::string_view bytes) const;
  std::optional<std::string> get(const std::string& sha256) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string path_of(const std::string& sha256) const;
  std::string dir_;
};

// Writes `bytes` to `path` so that a crash leaves the old file or the whole new one: a
// temporary name in the same folder, flushed, renamed over `path`, the folder flushed.
void write_durably(const std::string& path, std::string_view bytes);

// What the bytes are, judged by their first bytes, for the types attachments accept:
// image/jpeg, image/png, image/webp, image/gif, application/pdf, application/zip (also
// .docx/.xlsx), text/plain (valid UTF-8). Empty when none matches.
std::string sniff_type(std::string_view bytes);

}  // namespace kefu::storage
