#pragma once
// SQL for the org module's tables (org_units, users, user_roles, sessions, api_tokens).
// Only this module's service calls it.
#include <optional>
#include <string>
#include <vector>

#include "modules/org/model.h"
#include "platform/db/database.h"

namespace kefu::org::store {

std::optional<Unit> find_unit(db::Session& s, int64_t id);
std::optional<Unit> find_unit_by_code(db::Session& s, const std::string& code);
bool unit_code_taken(db::Session& s, const std::string& code, int64_t except_id);
// Inserts and fills u.id and u.path.
void insert_unit(db::Session& s, Unit& u);
void update_unit(db::Session& s, const Unit& u);
// Rewrites the paths of a moved subtree.
void move_subtree(db::Session& s, const std::string& old_path, const std::string& new_path);
int64_t count_active_children(db::Session& s, int64_t unit_id);
int64_t count_active_users(db::Session& s, int64_t unit_id);

struct UnitFilter {
  std::string scope_path;
  std::optional<std::string> q;
  std::optional<std::string> kind;
  std::optional<int64_t> parent_id;
  std::optional<bool> active;
  int64_t after_id = 0;
  int limit = 50;
};
std::vector<Unit> list_units(db::Session& s, const UnitFilter& f);

std::optional<User> find_user(db::Session& s, int64_t id);
std::optional<User> find_user_by_name(db::Session& s, const std::string& username);
std::string password_hash(db::Session& s, int64_t user_id);
void insert_user(db::Session& s, User& u, const std::string& hash);
void update_user(db::Session& s, const User& u);
void set_roles(db::Session& s, int64_t user_id, const std::vector<std::string>& roles);
void set_password(db::Session& s, int64_t user_id, const std::string& hash, int64_t now);
void set_login_failures(db::Session& s, int64_t user_id, int failures, int64_t locked_until);

struct UserFilter {
  std::string scope_path;
  std::optional<std::string> q;
  std::optional<std::string> unit_path;  // this unit and its subtree
  std::optional<std::string> role;
  std::optional<bool> active;
  int64_t after_id = 0;
  int limit = 50;
};
std::vector<User> list_users(db::Session& s, const UserFilter& f);

struct SessionRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t expires_at = 0;
  int64_t last_seen_at = 0;
};
int64_t insert_session(db::Session& s, const std::string& token_hash, int64_t user_id,
                       const std::string& csrf, int64_t now, int64_t expires_at,
                       const std::string& ip, const std::string& user_agent);
std::optional<SessionRow> find_session(db::Session& s, const std::string& token_hash);
void touch_session(db::Session& s, int64_t id, int64_t now);
void revoke_session(db::Session& s, int64_t id, int64_t now);
// Ends every session of the user except `keep_id` (0 = keep none).
void revoke_user_sessions(db::Session& s, int64_t user_id, int64_t now, int64_t keep_id = 0);

int64_t insert_token(db::Session& s, const ApiToken& t, const std::string& token_hash);
std::optional<ApiToken> find_token_by_hash(db::Session& s, const std::string& token_hash);
std::optional<ApiToken> find_token(db::Session& s, int64_t id);
std::vector<ApiToken> list_tokens(db::Session& s, int64_t user_id);
void revoke_token(db::Session& s, int64_t id, int64_t now);
void touch_token(db::Session& s, int64_t id, int64_t now);

}  // namespace kefu::org::store
