#include "platform/storage/uploads.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <stdexcept>

#include "platform/core/i18n.h"
#include "platform/core/ids.h"
#include "platform/jobs/jobs.h"
#include "platform/storage/files.h"

namespace kefu::storage {
namespace {

constexpr int64_t kHourMs = 3600 * 1000LL;
const char* const kEntity = "@entity.upload";

// Reads exactly `size` bytes of a part into `out`; false when the file is missing or short.
bool read_part(const std::string& path, int64_t size, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  size_t at = out.size();
  out.resize(at + static_cast<size_t>(size));
  size_t got = 0;
  while (got < static_cast<size_t>(size)) {
    ssize_t n = ::read(fd, out.data() + at + got, static_cast<size_t>(size) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  char extra;
  bool longer = got == static_cast<size_t>(size) && ::read(fd, &extra, 1) > 0;
  ::close(fd);
  if (got != static_cast<size_t>(size) || longer) {
    out.resize(at);
    return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

size_t utf8_chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

int64_t part_count(int64_t size, int64_t part_size) {
  if (size <= 0 || part_size <= 0) return 0;
  return (size + part_size - 1) / part_size;
}

int64_t part_bytes(int64_t size, int64_t part_size, int64_t n) {
  int64_t count = part_count(size, part_size);
  if (n < 1 || n > count) return 0;
  return n < count ? part_size : size - (count - 1) * part_size;
}

std::vector<int64_t> missing_parts(int64_t count, const std::vector<int64_t>& received) {
  std::vector<int64_t> out;
  size_t i = 0;
  for (int64_t n = 1; n <= count; ++n) {
    while (i < received.size() && received[i] < n) ++i;
    if (i < received.size() && received[i] == n) continue;
    out.push_back(n);
  }
  return out;
}

bool valid_upload_id(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Uploads::Uploads(db::Database& db, const Clock& clock, std::string files_dir, UploadLimits limits)
    : db_(db), clock_(clock), root_(std::move(files_dir) + "/uploads"), limits_(limits) {}

void Uploads::register_messages() {
  i18n::add({
      {"entity.upload", "上传", "upload"},
      {"upload.too_large", "文件过大（上限 {limit} 字节）。",
       "The file is too large (limit {limit} bytes)."},
      {"upload.too_many", "您未完成的上传已达 {limit} 个，请先完成或删除其中一些。",
       "You have {limit} unfinished uploads; finish or delete some first."},
      {"upload.sha256_format", "SHA-256 须为 64 位十六进制数字。",
       "The SHA-256 must be 64 hexadecimal digits."},
      {"upload.part_number", "分片编号须在 1 到 {parts} 之间。",
       "The part number must be between 1 and {parts}."},
      {"upload.part_size", "第 {n} 片应为 {expected} 字节，收到 {got} 字节。",
       "Part {n} must be {expected} bytes; got {got}."},
      {"upload.incomplete", "文件尚未传完：还缺 {count} 片（第 {first} 片起）。",
       "The upload is not complete: {count} part(s) missing, starting with part {first}."},
      {"upload.sha256_mismatch", "文件校验失败：内容的 SHA-256 与上传时声明的不一致。",
       "The file's SHA-256 does not match the one given when the upload started."},
  });
}

std::string Uploads::dir_of(const std::string& id) const {
  return root_ + "/" + id;
}

std::optional<Upload> Uploads::find(db::Session& s, int64_t owner_id, const std::string& id,
                                    int64_t now) const {
  if (!valid_upload_id(id)) return std::nullopt;
  auto r = s.query_one(
      "SELECT id, owner_id, filename, size, sha256, part_size, created_at FROM uploads "
      "WHERE id = ?",
      {id});
  // Someone else's upload and an expired one are not there.
  if (!r || r->i64(1) != owner_id || r->i64(6) + limits_.ttl_ms <= now) return std::nullopt;
  Upload u;
  u.id = r->str(0);
  u.owner_id = r->i64(1);
  u.filename = r->str(2);
  u.size = r->i64(3);
  u.sha256 = r->str(4);
  u.part_size = r->i64(5);
  u.created_at = r->i64(6);
  u.expires_at = u.created_at + limits_.ttl_ms;
  for (const auto& p :
       s.query("SELECT n, size FROM upload_parts WHERE upload_id = ? ORDER BY n", {id})) {
    u.received.push_back(p.i64(0));
    u.bytes_received += p.i64(1);
  }
  return u;
}

Upload Uploads::create(int64_t owner_id, const std::string& filename, int64_t size,
                       const std::optional<std::string>& sha256) {
  std::vector<FieldError> errors;
  size_t chars = utf8_chars(filename);
  if (chars == 0 || chars > 255 || filename.find('\0') != std::string::npos)
    errors.push_back({"filename", chars == 0 ? "field.required" : "field.too_long", {}});
  if (size <= 0)
    errors.push_back({"size", "field.out_of_range", {}});
  else if (size > limits_.max_size)
    errors.push_back({"size", "upload.too_large", {{"limit", std::to_string(limits_.max_size)}}});
  std::string digest = sha256 ? lower(*sha256) : "";
  if (sha256 && !is_hex64(digest)) errors.push_back({"sha256", "upload.sha256_format", {}});
  if (!errors.empty()) throw Error::validation(std::move(errors));
  int64_t now = clock_.now_ms();
  Upload u;
  u.id = random_hex(16);
  u.owner_id = owner_id;
  u.filename = filename;
  u.size = size;
  u.sha256 = digest;
  u.part_size = limits_.part_size;
  u.created_at = now;
  u.expires_at = now + limits_.ttl_ms;
  db_.write([&](db::Session& s) {
    auto open = s.query_one("SELECT COUNT(*) FROM uploads WHERE owner_id = ? AND created_at > ?",
                            {owner_id, now - limits_.ttl_ms});
    if (open && open->i64(0) >= limits_.max_open)
      throw Error(ErrorKind::kUnprocessable, "upload.too_many",
                  {{"limit", std::to_string(limits_.max_open)}});
    s.exec(
        "INSERT INTO uploads (id, owner_id, filename, size, sha256, part_size, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {u.id, owner_id, filename, size, digest, u.part_size, now});
  });
  return u;
}

Upload Uploads::get(int64_t owner_id, const std::string& id) {
  int64_t now = clock_.now_ms();
  auto u = db_.reading([&](db::Session& s) { return find(s, owner_id, id, now); });
  if (!u) throw Error::not_found(kEntity);
  return *u;
}

Upload Uploads::put_part(int64_t owner_id, const std::string& id, int64_t n,
                         std::string_view bytes) {
  Upload u = get(owner_id, id);
  int64_t expected = part_bytes(u.size, u.part_size, n);
  if (expected == 0)
    throw Error::validation({{"n", "upload.part_number", {{"parts", std::to_string(u.parts())}}}});
  if (static_cast<int64_t>(bytes.size()) != expected)
    throw Error::validation({{"n",
                              "upload.part_size",
                              {{"n", std::to_string(n)},
                               {"expected", std::to_string(expected)},
                               {"got", std::to_string(bytes.size())}}}});
  // The bytes are durable under their final name before the row says they arrived; a
  // re-sent part replaces the file in one rename.
  std::string dir = dir_of(id);
  std::filesystem::create_directories(dir);
  write_durably(dir + "/" + std::to_string(n), bytes);
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    s.exec(
        "INSERT INTO upload_parts (upload_id, n, size, received_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (upload_id, n) DO UPDATE SET size = excluded.size, "
        "received_at = excluded.received_at",
        {id, n, expected, now});
  });
  return get(owner_id, id);
}

AssembledFile Uploads::assemble(int64_t owner_id, const std::string& id) {
  Upload u = get(owner_id, id);
  auto incomplete = [](const std::vector<int64_t>& missing) {
    std::string list = "[";
    for (size_t i = 0; i < missing.size() && i < 1000; ++i)
      list += (i ? "," : "") + std::to_string(missing[i]);
    list += "]";
    return Error(ErrorKind::kUnprocessable, "upload.incomplete",
                 {{"count", std::to_string(missing.size())},
                  {"first", std::to_string(missing.front())}})
        .with_extra("missing", list);
  };
  auto missing = missing_parts(u.parts(), u.received);
  if (!missing.empty()) throw incomplete(missing);
  AssembledFile out;
  out.filename = u.filename;
  out.bytes.reserve(static_cast<size_t>(u.size));
  std::vector<int64_t> lost;
  for (int64_t n = 1; n <= u.parts(); ++n) {
    int64_t size = part_bytes(u.size, u.part_size, n);
    if (!read_part(dir_of(id) + "/" + std::to_string(n), size, out.bytes)) {
      lost.push_back(n);
      out.bytes.append(static_cast<size_t>(size), '\0');  // keeps the offsets; refused below
    }
  }
  if (!lost.empty()) throw incomplete(lost);
  if (!u.sha256.empty() && sha256_hex(out.bytes) != u.sha256)
    throw Error(ErrorKind::kUnprocessable, "upload.sha256_mismatch");
  return out;
}

void Uploads::remove(int64_t owner_id, const std::string& id) {
  get(owner_id, id);
  db_.write([&](db::Session& s) {
    s.exec("DELETE FROM upload_parts WHERE upload_id = ?", {id});
    s.exec("DELETE FROM uploads WHERE id = ? AND owner_id = ?", {id, owner_id});
  });
  std::error_code ec;
  std::filesystem::remove_all(dir_of(id), ec);
}

void Uploads::schedule_next(db::Session& s, int64_t now) const {
  int64_t next = (now / kHourMs + 1) * kHourMs;
  jobs::schedule(s, now,
                 {kUploadCleanupJob, "hour:" + std::to_string(next / kHourMs), next, "{}", 5});
}

void Uploads::ensure_cleanup() {
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) { schedule_next(s, now); });
}

void Uploads::run_cleanup(db::Session& s) {
  int64_t now = clock_.now_ms();
  int64_t cutoff = now - limits_.ttl_ms;
  // Expired uploads are already invisible, so their files may go before the rows commit: a
  // rolled-back run leaves rows whose files are gone, which the next run removes.
  std::vector<std::string> expired;
  for (const auto& r : s.query(
           "SELECT id FROM uploads WHERE created_at <= ? ORDER BY created_at LIMIT 1000", {cutoff}))
    expired.push_back(r.str(0));
  if (!expired.empty()) {
    db::Params p;
    std::string in = db::in_list(expired, p);
    s.exec("DELETE FROM upload_parts WHERE upload_id IN " + in, p);
    s.exec("DELETE FROM uploads WHERE id IN " + in, p);
    for (const auto& id : expired) {
      std::error_code ec;
      std::filesystem::remove_all(dir_of(id), ec);
    }
  }
  // Folders whose row is gone (a crash between the files and the rows, a removed row): left
  // a day, in case a part is being written for a row that is about to commit.
  std::error_code ec;
  std::vector<std::string> names;
  for (auto it = std::filesystem::directory_iterator(root_, ec);
       !ec && it != std::filesystem::directory_iterator() && names.size() < 1000;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!valid_upload_id(name)) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    if (static_cast<int64_t>(st.st_mtime) * 1000 > cutoff) continue;
    names.push_back(name);
  }
  if (!names.empty()) {
    db::Params p;
    std::string in = db::in_list(names, p);
    std::vector<std::string> kept;
    for (const auto& r : s.query("SELECT id FROM uploads WHERE id IN " + in, p))
      kept.push_back(r.str(0));
    for (const auto& name : names)
      if (std::find(kept.begin(), kept.end(), name) == kept.end()) {
        std::error_code rec;
        std::filesystem::remove_all(dir_of(name), rec);
      }
  }
  schedule_next(s, now);
}

}  // namespace kefu::storage
