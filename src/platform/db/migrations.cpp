#include "platform/db/migrations.h"

#include <algorithm>
#include <cctype>

#include <spdlog/spdlog.h>

namespace kefu::db {
namespace {

std::string component_of(const std::string& path) {
  // src/platform/db/migrations/... → platform; src/modules/org/migrations/... → org
  constexpr std::string_view kModules = "src/modules/";
  if (path.rfind(kModules, 0) == 0) {
    size_t end = path.find('/', kModules.size());
    return end == std::string::npos ? std::string()
                                    : path.substr(kModules.size(), end - kModules.size());
  }
  // src/platform/db/migrations/... → platform; another platform part's own migrations
  // (src/platform/storage/migrations/...) → that part, numbered on its own.
  constexpr std::string_view kPlatform = "src/platform/";
  if (path.rfind(kPlatform, 0) == 0) {
    size_t end = path.find('/', kPlatform.size());
    std::string part = end == std::string::npos ? std::string()
                                                : path.substr(kPlatform.size(), end - kPlatform.size());
    return part.empty() || part == "db" ? "platform" : part;
  }
  return {};
}

// "0001_org.sql" → {1, "org"}; anything else → version 0.
std::pair<int, std::string> parse_name(const std::string& path) {
  std::string file = path.substr(path.rfind('/') + 1);
  if (file.size() < 10 || file[4] != '_' || file.substr(file.size() - 4) != ".sql") return {0, {}};
  for (int i = 0; i < 4; ++i)
    if (!std::isdigit(static_cast<unsigned char>(file[i]))) return {0, {}};
  return {std::stoi(file.substr(0, 4)), file.substr(5, file.size() - 9)};
}

void ensure_table(Database& db) {
  db.write([](Session& s) {
    s.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
        " applied_at BIGINT NOT NULL, PRIMARY KEY (component, version))");
  });
}

std::string family(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(), ::tolower);
  // xid8: the writer's transaction id on PostgreSQL (events.txid), an integer on SQLite.
  if (type.find("int") != std::string::npos || type == "bigserial" || type == "serial" ||
      type == "xid8")
    return "int";
  if (type.find("char") != std::string::npos || type == "text" || type == "json" || type == "jsonb")
    return "text";
  if (type.find("real") != std::string::npos || type.find("double") != std::string::npos ||
      type.find("float") != std::string::npos || type.find("numeric") != std::string::npos)
    return "real";
  if (type == "bytea" || type == "blob") return "blob";
  if (type == "tsvector") return "tsvector";
  return type;
}

}  // namespace

std::vector<Migration> select_migrations(const std::map<std::string, std::string>& files,
                                         Dialect dialect,
                                         const std::vector<std::string>& components) {
  const std::string dir =
      dialect == Dialect::kSqlite ? "/migrations/sqlite/" : "/migrations/postgres/";
  std::vector<Migration> out;
  for (const auto& [path, sql] : files) {
    if (path.find(dir) == std::string::npos) continue;
    auto [version, name] = parse_name(path);
    if (version == 0) continue;
    out.push_back({component_of(path), version, name, sql});
  }
  auto rank = [&](const std::string& c) {
    auto it = std::find(components.begin(), components.end(), c);
    return static_cast<size_t>(it - components.begin());
  };
  std::stable_sort(out.begin(), out.end(), [&](const Migration& a, const Migration& b) {
    if (rank(a.component) != rank(b.component)) return rank(a.component) < rank(b.component);
    return a.version < b.version;
  });
  return out;
}

int migrate(Database& db, const std::vector<Migration>& migrations, int64_t now_ms) {
  ensure_table(db);
  int applied = 0;
  for (const auto& m : migrations) {
    bool ran = false;
    db.write([&](Session& s) {
      if (s.dialect() == Dialect::kPostgres) s.query("SELECT pg_advisory_xact_lock(7310001)");
      auto done = s.query_one("SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?",
                              {m.component, m.version});
      if (done) return;
      s.exec_script(m.sql);
      s.exec(
          "INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, "
          "?)",
          {m.component, m.version, m.name, now_ms});
      ran = true;
    });
    if (ran) {
      spdlog::info("migration applied: {} {:04d}_{}", m.component, m.version, m.name);
      ++applied;
    }
  }
  return applied;
}

std::map<std::string, std::vector<std::string>> describe_schema(Database& db) {
  std::map<std::string, std::vector<std::string>> out;
  db.read([&](Session& s) {
    Rows rows;
    if (s.dialect() == Dialect::kSqlite) {
      rows = s.query(
          "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p "
          "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE 'CREATE "
          "VIRTUAL%' "
          "AND m.name NOT IN (SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE "
          "'%\\_fts\\_%' ESCAPE '\\') "
          "ORDER BY m.name, p.name");
    } else {
      rows = s.query(
          "SELECT table_name, column_name, data_type FROM information_schema.columns "
          "WHERE table_schema = current_schema() ORDER BY table_name, column_name");
    }
    for (const auto& r : rows) {
      std::string table = r.str(0);
      // Full-text indexes are dialect-specific by design (FTS5 vs a tsvector table).
      if (table.size() > 4 && table.substr(table.size() - 4) == "_fts") continue;
      out[table].push_back(r.str(1) + " " + family(r.str(2)));
    }
  });
  return out;
}

}  // namespace kefu::db
