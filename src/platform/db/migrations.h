#pragma once
// Versioned schema migrations, one ordered list per component (platform first, then each
// module), written once per dialect: <component>/migrations/<dialect>/NNNN_name.sql.
#include <map>
#include <string>
#include <vector>

#include "platform/db/database.h"

namespace kefu::db {

struct Migration {
  std::string component;  // "platform", "org", ...
  int version = 0;
  std::string name;
  std::string sql;
};

// Picks this dialect's migrations out of embedded files keyed by repository path, e.g.
// "src/modules/org/migrations/sqlite/0001_org.sql". `components` gives the order.
std::vector<Migration> select_migrations(const std::map<std::string, std::string>& files,
                                         Dialect dialect,
                                         const std::vector<std::string>& components);

// Applies what is missing, each migration in its own transaction; returns how many ran.
// Safe when several processes start at once (PostgreSQL: an advisory lock).
int migrate(Database& db, const std::vector<Migration>& migrations, int64_t now_ms);

// Tables and their columns with a dialect-neutral type family (int, text, real), so a
// test can prove both dialects produce the same schema.
std::map<std::string, std::vector<std::string>> describe_schema(Database& db);

}  // namespace kefu::db
