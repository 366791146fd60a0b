#pragma once
// The org module's use cases: org units, users, sign-in, sessions and API tokens. Every
// call checks the caller's permissions and data scope (their unit's subtree) here, not in
// the console; records outside the scope answer "not found".
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "modules/org/model.h"
#include "platform/auth/credential_cache.h"
#include "platform/auth/principal.h"
#include "platform/auth/throttle.h"
#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"

namespace kefu::org {

struct Settings {
  LockoutPolicy lockout;
  int64_t session_ms = 12 * 3600 * 1000LL;
  int64_t session_idle_ms = 2 * 3600 * 1000LL;
  int ip_max_failures = 30;
  int64_t ip_window_ms = 10 * 60 * 1000LL;
  int64_t credential_cache_ms = 2000;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<int64_t> next_after;
};

struct NewUnit {
  std::optional<int64_t> parent_id;
  std::string code;
  std::string name;
  UnitKind kind = UnitKind::kBranch;
};
struct UnitPatch {
  std::optional<std::string> name;
  std::optional<std::string> code;
  std::optional<int64_t> parent_id;
  std::optional<bool> active;
};
struct UnitQuery {
  std::optional<std::string> q;
  std::optional<std::string> kind;
  std::optional<int64_t> parent_id;
  std::optional<bool> active;
  int64_t after = 0;
  int limit = 50;
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password;
  int64_t unit_id = 0;
  std::vector<std::string> roles;
  std::string phone;
  std::string email;
  std::vector<std::string> skills;
  double capacity = 1.0;
};
struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<int64_t> unit_id;
  std::optional<std::vector<std::string>> roles;
  std::optional<bool> active;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<std::vector<std::string>> skills;
  std::optional<double> capacity;
};
struct UserQuery {
  std::optional<std::string> q;
  std::optional<int64_t> unit_id;
  std::optional<std::string> role;
  std::optional<bool> active;
  int64_t after = 0;
  int limit = 50;
};

struct SignIn {
  std::string session_token;  // goes into the HttpOnly cookie, never into a body
  auth::Principal principal;
  User user;
};

struct NewToken {
  std::string name;
  std::vector<std::string> scopes;
  std::optional<int64_t> expires_in_days;
};
struct IssuedToken {
  std::string token;  // shown once
  ApiToken info;
};

class OrgService {
 public:
  OrgService(db::Database& db, const Clock& clock, Settings settings);

  // The identity the CLI acts as: every permission, the whole tree.
  static auth::Principal system_principal(std::string actor = "cli");
  static void register_messages();

  // Input rules, also used by routes so that one answer lists every bad field.
  static std::vector<FieldError> check(const NewUnit& in);
  static std::vector<FieldError> check(const UnitPatch& in);
  static std::vector<FieldError> check(const NewUser& in);
  static std::vector<FieldError> check(const UserPatch& in);
  static std::vector<FieldError> check(const NewToken& in);

  Unit create_unit(const auth::Principal& p, const NewUnit& in);
  Unit get_unit(const auth::Principal& p, int64_t id);
  // For other modules working inside their own transaction (never a second session): the
  // unit, and the active people of a subtree who hold `permission` through their roles.
  std::optional<Unit> unit_in(db::Session& s, int64_t id) const;
  // A unit by id without a permission check, from a directory kept for at most 5 s and
  // dropped by this process's own unit changes: for modules that need a unit's path or name
  // on every request (deadlines, names in lists). Callers check scope with the path.
  std::optional<Unit> cached_unit(int64_t id);
  std::optional<User> user_in(db::Session& s, int64_t id) const;
  std::vector<User> people_in(db::Session& s, const std::string& path,
                              std::string_view permission) const;
  Unit get_unit_by_code(const auth::Principal& p, const std::string& code);
  Page<Unit> list_units(const auth::Principal& p, const UnitQuery& q);
  Unit update_unit(const auth::Principal& p, int64_t id, const UnitPatch& patch);

  User create_user(const auth::Principal& p, const NewUser& in);
  User get_user(const auth::Principal& p, int64_t id);
  Page<User> list_users(const auth::Principal& p, const UserQuery& q);
  User update_user(const auth::Principal& p, int64_t id, const UserPatch& patch);
  void reset_password(const auth::Principal& p, int64_t id, const std::string& password);
  void change_own_password(const auth::Principal& p, const std::string& current,
                           const std::string& next);
  User find_user_by_name(const auth::Principal& p, const std::string& username);

  struct Me {
    User user;
    Unit unit;
  };
  // The caller's own record and home unit, read together.
  Me me(const auth::Principal& p);

  SignIn sign_in(const std::string& username, const std::string& password, const std::string& ip,
                 const std::string& user_agent, const std::string& request_id = "");
  void sign_out(const auth::Principal& p);
  // Resolves a session cookie value or a bearer token; nullopt when neither is given or
  // the session is over. A bad bearer token is refused with 401.
  std::optional<auth::Principal> authenticate(const std::string& session_token,
                                              const std::string& bearer);

  IssuedToken create_token(const auth::Principal& p, const NewToken& in);
  std::vector<ApiToken> list_tokens(const auth::Principal& p);
  void revoke_token(const auth::Principal& p, int64_t id);

  // First start: creates the head office and the first admin. Refused when done before.
  bool initialised();
  User initialise(const std::string& org_name, const std::string& org_code,
                  const std::string& admin_username, const std::string& admin_password);

  // The principal of a user, for work done on their behalf (demo data, scheduled tasks).
  auth::Principal principal_for(const User& u) const;

 private:
  void require(const auth::Principal& p, std::string_view permission) const;
  User visible(const auth::Principal& p, User u) const;

  db::Database& db_;
  const Clock& clock_;
  Settings settings_;
  auth::Throttle ip_throttle_;
  auth::CredentialCache credentials_;
  std::mutex units_mu_;
  std::map<int64_t, std::pair<Unit, int64_t>> units_;  // id → unit, read at (clock ms)
};

}  // namespace kefu::org
