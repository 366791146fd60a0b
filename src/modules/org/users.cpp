// Users: create, read, list, edit roles and unit, reset passwords, disable — in scope.
#include <algorithm>
#include <set>

#include "modules/org/json.h"
#include "modules/org/service.h"
#include "modules/org/store.h"
#include "platform/audit/audit.h"
#include "platform/auth/password.h"
#include "platform/core/error.h"
#include "platform/events/outbox.h"

namespace kefu::org {
namespace {

const char* const kUser = "@entity.user";

void record(db::Session& s, int64_t now, const auth::Principal& p, std::string_view action,
            const std::optional<User>& before, const User& after) {
  audit::append(s, now,
                {p.actor_id(), p.username, std::string(action), "user", std::to_string(after.id),
                 after.unit_path, before ? dump(user_json(*before)) : "", dump(user_json(after)),
                 p.request_id});
  events::publish(s, now,
                  {before ? "org.user.updated" : "org.user.created", "user",
                   std::to_string(after.id), after.unit_id, p.actor_id(), dump(user_json(after))});
}

User scoped_user(db::Session& s, const auth::Principal& p, int64_t id) {
  auto u = store::find_user(s, id);
  if (!u || !p.in_scope(u->unit_path)) throw Error::not_found(kUser);
  return *u;
}

Unit scoped_active_unit(db::Session& s, const auth::Principal& p, int64_t id) {
  auto unit = store::find_unit(s, id);
  if (!unit || !p.in_scope(unit->path))
    throw Error::validation({{"unit_id", "org.unit_unknown", {}}});
  if (!unit->active) throw Error::validation({{"unit_id", "org.parent_inactive", {}}});
  return *unit;
}

void check_roles(const std::vector<std::string>& roles, std::vector<FieldError>& errors) {
  if (roles.empty()) errors.push_back({"roles", "org.roles_empty", {}});
  std::set<std::string> seen;
  for (size_t i = 0; i < roles.size(); ++i) {
    std::string field = "roles[" + std::to_string(i) + "]";
    if (!valid_role(roles[i]))
      errors.push_back({field, "org.role_unknown", {{"role", roles[i]}}});
    else if (!seen.insert(roles[i]).second)
      errors.push_back({field, "org.role_duplicate", {{"role", roles[i]}}});
  }
}

void check_contact(const std::optional<std::string>& phone, const std::optional<std::string>& email,
                   std::vector<FieldError>& errors) {
  if (phone && !phone->empty() && !valid_phone(*phone))
    errors.push_back({"phone", "org.phone_invalid", {}});
  if (email && !email->empty() && !valid_email(*email))
    errors.push_back({"email", "org.email_invalid", {}});
}

// Skills are short codes, each once; the capacity weight is 0 (takes no balanced work) to 10.
void check_skills(const std::optional<std::vector<std::string>>& skills,
                  const std::optional<double>& capacity, std::vector<FieldError>& errors) {
  if (skills) {
    if (skills->size() > kMaxSkills)
      errors.push_back({"skills", "org.skills_too_many", {{"max", std::to_string(kMaxSkills)}}});
    std::set<std::string> seen;
    for (size_t i = 0; i < skills->size(); ++i) {
      std::string field = "skills[" + std::to_string(i) + "]";
      if (!valid_skill((*skills)[i]))
        errors.push_back({field, "org.skill_invalid", {{"skill", (*skills)[i]}}});
      else if (!seen.insert((*skills)[i]).second)
        errors.push_back({field, "org.skill_duplicate", {{"skill", (*skills)[i]}}});
    }
  }
  if (capacity && !(*capacity >= 0 && *capacity <= kMaxCapacity))
    errors.push_back({"capacity", "org.capacity_range", {{"max", "10"}}});
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Granting or removing a role the caller may not hand out is forbidden, as is touching an
// account that holds such a role (a manager cannot edit an admin).
void check_grants(const auth::Principal& p, const std::vector<std::string>& roles) {
  for (const auto& r : roles)
    if (!may_grant(p.roles, r))
      throw Error(ErrorKind::kForbidden, "org.role_not_grantable", {{"role", r}});
}

bool same(const User& a, const User& b) {
  return a.display_name == b.display_name && a.unit_id == b.unit_id && a.roles == b.roles &&
         a.active == b.active && a.phone == b.phone && a.email == b.email &&
         a.skills == b.skills && a.capacity == b.capacity;
}

}  // namespace

std::vector<FieldError> OrgService::check(const NewUser& in) {
  std::vector<FieldError> errors;
  if (!valid_username(in.username)) errors.push_back({"username", "org.username_invalid", {}});
  if (in.display_name.empty()) errors.push_back({"display_name", "field.required", {}});
  if (!strong_enough(in.password)) errors.push_back({"password", "org.password_weak", {}});
  if (in.unit_id <= 0) errors.push_back({"unit_id", "field.required", {}});
  check_roles(in.roles, errors);
  check_contact(in.phone, in.email, errors);
  check_skills(in.skills, in.capacity, errors);
  return errors;
}

std::vector<FieldError> OrgService::check(const UserPatch& in) {
  std::vector<FieldError> errors;
  if (in.display_name && in.display_name->empty())
    errors.push_back({"display_name", "field.required", {}});
  if (in.roles) check_roles(*in.roles, errors);
  check_contact(in.phone, in.email, errors);
  check_skills(in.skills, in.capacity, errors);
  return errors;
}

User OrgService::create_user(const auth::Principal& p, const NewUser& in) {
  require(p, perm::kUserWrite);
  if (auto errors = check(in); !errors.empty()) throw Error::validation(std::move(errors));
  check_grants(p, in.roles);
  std::string hash = auth::hash_password(in.password);  // slow: outside the transaction
  int64_t now = clock_.now_ms();
  return visible(p, db_.writing([&](db::Session& s) {
    Unit unit = scoped_active_unit(s, p, in.unit_id);
    if (store::find_user_by_name(s, in.username))
      throw Error(ErrorKind::kConflict, "org.username_taken", {{"username", in.username}});
    User u;
    u.username = in.username;
    u.display_name = in.display_name;
    u.unit_id = unit.id;
    u.unit_path = unit.path;
    u.roles = in.roles;
    u.phone = in.phone;
    u.email = in.email;
    u.skills = sorted(in.skills);
    u.capacity = in.capacity;
    u.created_at = u.updated_at = now;
    store::insert_user(s, u, hash);
    record(s, now, p, "org.user.create", std::nullopt, u);
    return u;
  }));
}

User OrgService::get_user(const auth::Principal& p, int64_t id) {
  User u = db_.reading([&](db::Session& s) { return scoped_user(s, p, id); });
  if (u.id != p.user_id) require(p, perm::kUserRead);
  return visible(p, u);
}

User OrgService::find_user_by_name(const auth::Principal& p, const std::string& username) {
  require(p, perm::kUserRead);
  auto u = db_.reading([&](db::Session& s) { return store::find_user_by_name(s, username); });
  if (!u || !p.in_scope(u->unit_path)) throw Error::not_found(kUser);
  return visible(p, *u);
}

Page<User> OrgService::list_users(const auth::Principal& p, const UserQuery& q) {
  require(p, perm::kUserRead);
  if (q.role && !valid_role(*q.role))
    throw Error::validation({{"role", "org.role_unknown", {{"role", *q.role}}}});
  Page<User> page;
  db_.read([&](db::Session& s) {
    store::UserFilter f{p.unit_path, q.q, std::nullopt, q.role, q.active, q.after, q.limit + 1};
    if (q.unit_id) {
      auto unit = store::find_unit(s, *q.unit_id);
      if (!unit || !p.in_scope(unit->path))
        return;  // an unknown or foreign unit has no users for this caller
      f.unit_path = unit->path;
    }
    page.items = store::list_users(s, f);
  });
  if (static_cast<int>(page.items.size()) > q.limit) {
    page.items.resize(q.limit);
    page.next_after = page.items.back().id;
  }
  for (auto& u : page.items) u = visible(p, std::move(u));
  return page;
}

User OrgService::update_user(const auth::Principal& p, int64_t id, const UserPatch& patch) {
  if (auto errors = check(patch); !errors.empty()) throw Error::validation(std::move(errors));
  int64_t now = clock_.now_ms();
  return visible(p, db_.writing([&](db::Session& s) {
    User before = scoped_user(s, p, id);
    require(p, perm::kUserWrite);
    check_grants(p, before.roles);
    if (patch.roles) check_grants(p, *patch.roles);
    bool self = before.id == p.user_id;
    std::vector<std::string> new_roles = patch.roles.value_or(before.roles);
    std::sort(new_roles.begin(), new_roles.end());
    if (self && ((patch.active && !*patch.active) || new_roles != before.roles ||
                 (patch.unit_id && *patch.unit_id != before.unit_id)))
      throw Error(ErrorKind::kUnprocessable, "org.self_lockout");
    User u = before;
    if (patch.display_name) u.display_name = *patch.display_name;
    if (patch.phone) u.phone = *patch.phone;
    if (patch.email) u.email = *patch.email;
    if (patch.skills) u.skills = sorted(*patch.skills);
    if (patch.capacity) u.capacity = *patch.capacity;
    if (patch.unit_id && *patch.unit_id != u.unit_id) {
      Unit unit = scoped_active_unit(s, p, *patch.unit_id);
      u.unit_id = unit.id;
      u.unit_path = unit.path;
    }
    if (patch.active) u.active = *patch.active;
    if (patch.roles) {
      u.roles = *patch.roles;
      std::sort(u.roles.begin(), u.roles.end());
    }
    if (same(u, before)) return before;  // nothing to change, nothing to record
    if (u.roles != before.roles) store::set_roles(s, u.id, u.roles);
    u.updated_at = now;
    store::update_user(s, u);
    if (!u.active && before.active) store::revoke_user_sessions(s, u.id, now);
    credentials_.forget_user(u.id);
    record(s, now, p, "org.user.update", before, u);
    return u;
  }));
}

void OrgService::reset_password(const auth::Principal& p, int64_t id, const std::string& password) {
  if (!strong_enough(password)) throw Error::validation({{"password", "org.password_weak", {}}});
  std::string hash = auth::hash_password(password);
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    User u = scoped_user(s, p, id);
    require(p, perm::kUserWrite);
    check_grants(p, u.roles);
    store::set_password(s, u.id, hash, now);
    store::revoke_user_sessions(s, u.id, now);
    credentials_.forget_user(u.id);
    audit::append(s, now,
                  {p.actor_id(), p.username, "org.user.reset_password", "user",
                   std::to_string(u.id), u.unit_path, "", "", p.request_id});
  });
}

void OrgService::change_own_password(const auth::Principal& p, const std::string& current,
                                     const std::string& next) {
  if (!strong_enough(next)) throw Error::validation({{"new_password", "org.password_weak", {}}});
  std::string old_hash =
      db_.reading([&](db::Session& s) { return store::password_hash(s, p.user_id); });
  if (!auth::verify_password(old_hash, current))
    throw Error::validation({{"current_password", "auth.invalid_credentials", {}}});
  std::string hash = auth::hash_password(next);
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    store::set_password(s, p.user_id, hash, now);
    store::revoke_user_sessions(s, p.user_id, now, p.via_token ? 0 : p.credential_id);
    credentials_.forget_user(p.user_id);
    audit::append(s, now,
                  {p.actor_id(), p.username, "org.user.change_password", "user",
                   std::to_string(p.user_id), p.unit_path, "", "", p.request_id});
  });
}

}  // namespace kefu::org
