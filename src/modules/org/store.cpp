#include "modules/org/store.h"

#include <map>

namespace kefu::org::store {
namespace {

constexpr const char* kUnitCols =
    "id, parent_id, code, name, kind, path, active, created_at, updated_at";

Unit unit_from(const db::Row& r) {
  Unit u;
  u.id = r.i64(0);
  u.parent_id = r.opt_i64(1);
  u.code = r.str(2);
  u.name = r.str(3);
  u.kind = parse_unit_kind(r.str(4)).value_or(UnitKind::kDepartment);
  u.path = r.str(5);
  u.active = r.boolean(6);
  u.created_at = r.i64(7);
  u.updated_at = r.i64(8);
  return u;
}

constexpr const char* kUserCols =
    "u.id, u.username, u.display_name, u.unit_id, o.path, u.active, u.phone, u.email, "
    "u.created_at, "
    "u.updated_at, u.failed_logins, u.locked_until, u.skills, u.capacity";

User user_from(const db::Row& r) {
  User u;
  u.id = r.i64(0);
  u.username = r.str(1);
  u.display_name = r.str(2);
  u.unit_id = r.i64(3);
  u.unit_path = r.str(4);
  u.active = r.boolean(5);
  u.phone = r.str(6);
  u.email = r.str(7);
  u.created_at = r.i64(8);
  u.updated_at = r.i64(9);
  u.failed_logins = static_cast<int>(r.i64(10));
  u.locked_until = r.i64(11);
  u.skills = skills_from(r.str(12));
  u.capacity = r.f64(13);
  return u;
}

// Loads the roles of several users in one query.
void load_roles(db::Session& s, std::vector<User>& users) {
  if (users.empty()) return;
  std::string sql = "SELECT user_id, role FROM user_roles WHERE user_id IN (";
  db::Params params;
  std::map<int64_t, User*> by_id;
  for (auto& u : users) {
    sql += params.empty() ? "?" : ", ?";
    params.emplace_back(u.id);
    by_id[u.id] = &u;
  }
  sql += ") ORDER BY user_id, role";
  for (const auto& r : s.query(sql, params)) by_id[r.i64(0)]->roles.push_back(r.str(1));
}

std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::optional<User> one_user(db::Session& s, const std::string& where, const db::Params& params) {
  auto rows = s.query(std::string("SELECT ") + kUserCols +
                          " FROM users u JOIN org_units o ON o.id = u.unit_id WHERE " + where,
                      params);
  if (rows.empty()) return std::nullopt;
  std::vector<User> users{user_from(rows.front())};
  load_roles(s, users);
  return users.front();
}

ApiToken token_from(const db::Row& r) {
  ApiToken t;
  t.id = r.i64(0);
  t.user_id = r.i64(1);
  t.name = r.str(2);
  t.prefix = r.str(3);
  std::string scopes = r.str(4);
  for (size_t i = 0; i < scopes.size();) {
    size_t j = scopes.find(',', i);
    if (j == std::string::npos) j = scopes.size();
    if (j > i) t.scopes.push_back(scopes.substr(i, j - i));
    i = j + 1;
  }
  t.created_at = r.i64(5);
  t.expires_at = r.opt_i64(6);
  t.last_used_at = r.opt_i64(7);
  t.revoked_at = r.opt_i64(8);
  return t;
}
constexpr const char* kTokenCols =
    "id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at";

}  // namespace

std::optional<Unit> find_unit(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string("SELECT ") + kUnitCols + " FROM org_units WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return unit_from(*r);
}

std::optional<Unit> find_unit_by_code(db::Session& s, const std::string& code) {
  auto r =
      s.query_one(std::string("SELECT ") + kUnitCols + " FROM org_units WHERE code = ?", {code});
  if (!r) return std::nullopt;
  return unit_from(*r);
}

bool unit_code_taken(db::Session& s, const std::string& code, int64_t except_id) {
  return s.query_one("SELECT 1 FROM org_units WHERE code = ? AND id <> ?", {code, except_id})
      .has_value();
}

void insert_unit(db::Session& s, Unit& u) {
  // The path needs the new id, so insert with a placeholder path and fix it at once.
  auto r = s.query_one(
      "INSERT INTO org_units (parent_id, code, name, kind, path, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, '', ?, ?, ?) RETURNING id",
      {u.parent_id, u.code, u.name, std::string(to_string(u.kind)), u.active, u.created_at,
       u.updated_at});
  u.id = r->i64(0);
  u.path = child_path(u.path, u.id);  // u.path held the parent's path (or "/" for a root)
  s.exec("UPDATE org_units SET path = ? WHERE id = ?", {u.path, u.id});
}

void update_unit(db::Session& s, const Unit& u) {
  s.exec(
      "UPDATE org_units SET parent_id = ?, code = ?, name = ?, kind = ?, path = ?, active = ?, "
      "updated_at = ? "
      "WHERE id = ?",
      {u.parent_id, u.code, u.name, std::string(to_string(u.kind)), u.path, u.active, u.updated_at,
       u.id});
}

void move_subtree(db::Session& s, const std::string& old_path, const std::string& new_path) {
  s.exec("UPDATE org_units SET path = ? || substr(path, CAST(? AS INTEGER)) WHERE path LIKE ?",
         {new_path, static_cast<int64_t>(old_path.size() + 1), old_path + "%"});
}

int64_t count_active_children(db::Session& s, int64_t unit_id) {
  return s
      .query_one("SELECT COUNT(*) FROM org_units WHERE parent_id = ? AND active = 1", {unit_id})
      ->i64(0);
}

int64_t count_active_users(db::Session& s, int64_t unit_id) {
  return s.query_one("SELECT COUNT(*) FROM users WHERE unit_id = ? AND active = 1", {unit_id})
      ->i64(0);
}

std::vector<Unit> list_units(db::Session& s, const UnitFilter& f) {
  std::string sql =
      std::string("SELECT ") + kUnitCols + " FROM org_units WHERE path LIKE ? AND id > ?";
  db::Params p{f.scope_path + "%", f.after_id};
  if (f.q) {
    sql += " AND (name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\')";
    p.emplace_back(like_pattern(*f.q));
    p.emplace_back(like_pattern(*f.q));
  }
  if (f.kind) {
    sql += " AND kind = ?";
    p.emplace_back(*f.kind);
  }
  if (f.parent_id) {
    sql += " AND parent_id = ?";
    p.emplace_back(*f.parent_id);
  }
  if (f.active) {
    sql += " AND active = ?";
    p.emplace_back(*f.active);
  }
  sql += " ORDER BY id LIMIT ?";
  p.emplace_back(f.limit);
  std::vector<Unit> out;
  for (const auto& r : s.query(sql, p)) out.push_back(unit_from(r));
  return out;
}

std::optional<User> find_user(db::Session& s, int64_t id) {
  return one_user(s, "u.id = ?", {id});
}

std::optional<User> find_user_by_name(db::Session& s, const std::string& username) {
  return one_user(s, "u.username = ?", {username});
}

std::string password_hash(db::Session& s, int64_t user_id) {
  auto r = s.query_one("SELECT password_hash FROM users WHERE id = ?", {user_id});
  return r ? r->str(0) : std::string();
}

void insert_user(db::Session& s, User& u, const std::string& hash) {
  auto r = s.query_one(
      "INSERT INTO users (username, display_name, unit_id, password_hash, active, phone, email, "
      "skills, capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {u.username, u.display_name, u.unit_id, hash, u.active, u.phone, u.email,
       skills_text(u.skills), u.capacity, u.created_at, u.updated_at});
  u.id = r->i64(0);
  set_roles(s, u.id, u.roles);
}

void update_user(db::Session& s, const User& u) {
  s.exec(
      "UPDATE users SET display_name = ?, unit_id = ?, active = ?, phone = ?, email = ?, "
      "skills = ?, capacity = ?, updated_at = ? WHERE id = ?",
      {u.display_name, u.unit_id, u.active, u.phone, u.email, skills_text(u.skills), u.capacity,
       u.updated_at, u.id});
}

void set_roles(db::Session& s, int64_t user_id, const std::vector<std::string>& roles) {
  s.exec("DELETE FROM user_roles WHERE user_id = ?", {user_id});
  for (const auto& r : roles)
    s.exec("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", {user_id, r});
}

void set_password(db::Session& s, int64_t user_id, const std::string& hash, int64_t now) {
  s.exec(
      "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0, updated_at = ? "
      "WHERE id = ?",
      {hash, now, user_id});
}

void set_login_failures(db::Session& s, int64_t user_id, int failures, int64_t locked_until) {
  s.exec("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
         {failures, locked_until, user_id});
}

std::vector<User> list_users(db::Session& s, const UserFilter& f) {
  std::string sql =
      std::string("SELECT ") + kUserCols +
      " FROM users u JOIN org_units o ON o.id = u.unit_id WHERE o.path LIKE ? AND u.id > ?";
  db::Params p{f.scope_path + "%", f.after_id};
  if (f.q) {
    sql += " AND (u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')";
    p.emplace_back(like_pattern(*f.q));
    p.emplace_back(like_pattern(*f.q));
  }
  if (f.unit_path) {
    sql += " AND o.path LIKE ?";
    p.emplace_back(*f.unit_path + "%");
  }
  if (f.role) {
    sql += " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ?)";
    p.emplace_back(*f.role);
  }
  if (f.active) {
    sql += " AND u.active = ?";
    p.emplace_back(*f.active);
  }
  sql += " ORDER BY u.id LIMIT ?";
  p.emplace_back(f.limit);
  std::vector<User> out;
  for (const auto& r : s.query(sql, p)) out.push_back(user_from(r));
  load_roles(s, out);
  return out;
}

int64_t insert_session(db::Session& s, const std::string& token_hash, int64_t user_id,
                       const std::string& csrf, int64_t now, int64_t expires_at,
                       const std::string& ip, const std::string& user_agent) {
  return s
      .query_one(
          "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, "
          "last_seen_at, ip, "
          "user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {token_hash, user_id, csrf, now, expires_at, now, ip, user_agent.substr(0, 300)})
      ->i64(0);
}

std::optional<SessionRow> find_session(db::Session& s, const std::string& token_hash) {
  auto r = s.query_one(
      "SELECT id, user_id, csrf_token, expires_at, last_seen_at FROM sessions WHERE token_hash = ? "
      "AND "
      "revoked_at IS NULL",
      {token_hash});
  if (!r) return std::nullopt;
  return SessionRow{r->i64(0), r->i64(1), r->str(2), r->i64(3), r->i64(4)};
}

void touch_session(db::Session& s, int64_t id, int64_t now) {
  s.exec("UPDATE sessions SET last_seen_at = ? WHERE id = ?", {now, id});
}

void revoke_session(db::Session& s, int64_t id, int64_t now) {
  s.exec("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", {now, id});
}

void revoke_user_sessions(db::Session& s, int64_t user_id, int64_t now, int64_t keep_id) {
  s.exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
         {now, user_id, keep_id});
}

int64_t insert_token(db::Session& s, const ApiToken& t, const std::string& token_hash) {
  std::string scopes;
  for (const auto& sc : t.scopes) scopes += (scopes.empty() ? "" : ",") + sc;
  return s
      .query_one(
          "INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, created_at, "
          "expires_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {t.user_id, t.name, token_hash, t.prefix, scopes, t.created_at, t.expires_at})
      ->i64(0);
}

std::optional<ApiToken> find_token_by_hash(db::Session& s, const std::string& token_hash) {
  auto r = s.query_one(
      std::string("SELECT ") + kTokenCols + " FROM api_tokens WHERE token_hash = ?", {token_hash});
  if (!r) return std::nullopt;
  return token_from(*r);
}

std::optional<ApiToken> find_token(db::Session& s, int64_t id) {
  auto r = s.query_one(std::string("SELECT ") + kTokenCols + " FROM api_tokens WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return token_from(*r);
}

std::vector<ApiToken> list_tokens(db::Session& s, int64_t user_id) {
  std::vector<ApiToken> out;
  for (const auto& r : s.query(
           std::string("SELECT ") + kTokenCols + " FROM api_tokens WHERE user_id = ? ORDER BY id",
           {user_id}))
    out.push_back(token_from(r));
  return out;
}

void revoke_token(db::Session& s, int64_t id, int64_t now) {
  s.exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", {now, id});
}

void touch_token(db::Session& s, int64_t id, int64_t now) {
  s.exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {now, id});
}

}  // namespace kefu::org::store
