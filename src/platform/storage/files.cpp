#include "platform/storage/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "platform/core/ids.h"
#include "platform/core/json_input.h"

namespace kefu::storage {
namespace {

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write " + path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool valid_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string Files::path_of(const std::string& sha) const {
  return dir_ + "/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha;
}

std::string Files::put(std::string_view bytes) const {
  std::string sha = sha256_hex(bytes);
  std::string path = path_of(sha);
  if (std::filesystem::exists(path)) return sha;
  std::filesystem::create_directories(path.substr(0, path.rfind('/')));
  write_durably(path, bytes);
  return sha;
}

void write_durably(const std::string& path, std::string_view bytes) {
  std::string tmp = path + ".tmp-" + random_hex(6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0640);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp);
  try {
    write_all(fd, bytes, tmp);
    if (::fsync(fd) != 0) throw std::runtime_error("cannot flush " + tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp);
  }
  sync_dir(path.substr(0, path.rfind('/')));
}

std::optional<std::string> Files::get(const std::string& sha) const {
  if (!valid_hex(sha)) return std::nullopt;
  std::ifstream in(path_of(sha), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string sniff_type(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts("\x89PNG\r\n\x1A\n")) return "image/png";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (b.size() >= 12 && starts("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  if (starts("%PDF-")) return "application/pdf";
  if (starts(std::string_view("PK\x03\x04", 4))) return "application/zip";
  if (!b.empty() && valid_utf8(b) && b.find('\0') == std::string_view::npos) return "text/plain";
  return "";
}

}  // namespace kefu::storage
