#pragma once
// The audit log: every write appends who/when/what/before→after in its own transaction.
// Rows are hash-chained (each hash covers the row and the previous hash) and the chain's
// head is kept in audit_head, so `kefu audit verify` finds an edited, deleted or truncated row.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/db/database.h"

namespace kefu::audit {

struct Entry {
  std::optional<int64_t> actor_id;
  std::string actor;   // username, or "system" / "cli"
  std::string action;  // "org.unit.create", "org.user.update", ...
  std::string entity;  // "org_unit", "user", ...
  std::string entity_id;
  std::string unit_path;    // where the record belongs ("/1/4/"), for scoped reading
  std::string before_json;  // empty when created
  std::string after_json;   // empty when deleted
  std::string request_id;
};

// Appends inside the caller's write transaction.
void append(db::Session& s, int64_t now_ms, const Entry& e);

struct VerifyResult {
  bool ok = true;
  int64_t checked = 0;
  int64_t bad_id = 0;
  std::string reason;
};
VerifyResult verify(db::Database& db);

struct Record {
  int64_t id = 0;
  int64_t at = 0;
  std::optional<int64_t> actor_id;
  std::string actor, action, entity, entity_id, unit_path, before_json, after_json, request_id;
};
struct ListFilter {
  std::string scope_path;  // only records whose unit_path is inside this subtree
  std::optional<std::string> entity;
  std::optional<std::string> entity_id;
  int64_t before_id = 0;  // newest first; 0 = from the newest
  int limit = 50;
};
std::vector<Record> list(db::Session& s, const ListFilter& f);

}  // namespace kefu::audit
