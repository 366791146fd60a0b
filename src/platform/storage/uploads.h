#pragma once
// Resumable uploads of large files, the way tus or S3 multipart do it, simply: a client
// announces a file (name, size, optionally its SHA-256), sends it in numbered parts of a
// fixed size in any order (re-sending a part replaces it), asks which parts arrived after a
// lost connection, and a module that needs the file (an import) assembles it: every part
// there with its exact size, the SHA-256 checked when one was announced.
//
// An upload belongs to the user who started it: anyone else is told it does not exist. Its
// id is 128 random bits. Parts live under <files_dir>/uploads/<id>/<n>, each written to a
// temporary name, flushed and renamed, before the row saying it arrived commits. Uploads
// older than `ttl_ms` are invisible at once and removed (rows and files) by an hourly job.
// Knows nothing of what the files are for.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"

namespace kefu::storage {

inline constexpr const char* kUploadCleanupJob = "storage.uploads.cleanup";

struct UploadLimits {
  int64_t part_size = 8ll << 20;   // every part but the last has exactly this size
  int64_t max_size = 512ll << 20;  // config uploads.max_bytes
  int max_open = 10;               // unexpired uploads per user
  int64_t ttl_ms = 24ll * 3600 * 1000;
};

// Part numbering, pure: parts are numbered 1..part_count(size); part n holds bytes
// [(n-1)·part_size, min(n·part_size, size)).
int64_t part_count(int64_t size, int64_t part_size);
// The size part n must have; 0 when there is no such part.
int64_t part_bytes(int64_t size, int64_t part_size, int64_t n);
// The parts of 1..count not in `received` (sorted, no repeats), in order.
std::vector<int64_t> missing_parts(int64_t count, const std::vector<int64_t>& received);
// An id as create() makes them: 32 lowercase hex digits.
bool valid_upload_id(std::string_view id);

struct Upload {
  std::string id;
  int64_t owner_id = 0;
  std::string filename;
  int64_t size = 0;
  std::string sha256;  // "" = not announced
  int64_t part_size = 0;
  std::vector<int64_t> received;  // part numbers, ascending
  int64_t bytes_received = 0;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t parts() const { return part_count(size, part_size); }
  bool complete() const { return static_cast<int64_t>(received.size()) == parts(); }
};

struct AssembledFile {
  std::string filename;
  std::string bytes;
};

class Uploads {
 public:
  Uploads(db::Database& db, const Clock& clock, std::string files_dir, UploadLimits limits);
  static void register_messages();
  const UploadLimits& limits() const { return limits_; }

  // 422 with one entry per bad field (filename, size, sha256); 422 upload.too_many when
  // the owner has max_open unexpired uploads.
  Upload create(int64_t owner_id, const std::string& filename, int64_t size,
                const std::optional<std::string>& sha256);
  // 404 for an unknown, expired or someone else's upload.
  Upload get(int64_t owner_id, const std::string& id);
  // Stores part n (replacing an earlier copy); 422 upload.part_number / upload.part_size.
  Upload put_part(int64_t owner_id, const std::string& id, int64_t n, std::string_view bytes);
  // The whole file: 422 upload.incomplete (missing parts named) or upload.sha256_mismatch.
  AssembledFile assemble(int64_t owner_id, const std::string& id);
  // Removes an upload (rows and files); 404 as for get().
  void remove(int64_t owner_id, const std::string& id);

  // The hourly job: expired uploads' rows and files, and part folders without a row; then
  // the next run. In the runner's transaction.
  void run_cleanup(db::Session& s);
  // Makes sure the next cleanup is scheduled (at start-up).
  void ensure_cleanup();

 private:
  std::optional<Upload> find(db::Session& s, int64_t owner_id, const std::string& id,
                             int64_t now) const;
  std::string dir_of(const std::string& id) const;
  void schedule_next(db::Session& s, int64_t now) const;

  db::Database& db_;
  const Clock& clock_;
  std::string root_;  // <files_dir>/uploads
  UploadLimits limits_;
};

}  // namespace kefu::storage
