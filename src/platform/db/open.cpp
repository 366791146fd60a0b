#include "platform/db/database.h"
#include "platform/db/postgres.h"
#include "platform/db/sqlite.h"

namespace kefu::db {

std::unique_ptr<Database> open(const std::string& url, const Options& options) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.rfind(kSqlite, 0) == 0) {
    // sqlite:///abs/path.db has an absolute path; sqlite://rel/path.db a relative one.
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) throw DatabaseError("database.url: sqlite:// needs a file path");
    return open_sqlite(path, options);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return open_postgres(url, options);
  }
  throw DatabaseError("database.url must start with sqlite:// or postgresql://, got: " + url);
}

}  // namespace kefu::db
