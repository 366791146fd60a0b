#include "modules/org/service.h"

#include "modules/org/json.h"
#include "modules/org/store.h"
#include "platform/audit/audit.h"
#include "platform/auth/password.h"
#include "platform/core/error.h"
#include "platform/events/outbox.h"

namespace kefu::org {

OrgService::OrgService(db::Database& db, const Clock& clock, Settings settings)
    : db_(db),
      clock_(clock),
      settings_(settings),
      ip_throttle_(settings.ip_max_failures, settings.ip_window_ms),
      credentials_(settings.credential_cache_ms, 100000) {}

auth::Principal OrgService::system_principal(std::string actor) {
  auth::Principal p;
  p.username = std::move(actor);
  p.display_name = p.username;
  p.unit_path = "/";
  p.roles = {"admin"};
  p.permissions = permissions_of(p.roles);
  return p;
}

auth::Principal OrgService::principal_for(const User& u) const {
  auth::Principal p;
  p.user_id = u.id;
  p.username = u.username;
  p.display_name = u.display_name;
  p.unit_id = u.unit_id;
  p.unit_path = u.unit_path;
  p.roles = u.roles;
  p.permissions = permissions_of(u.roles);
  return p;
}

void OrgService::require(const auth::Principal& p, std::string_view permission) const {
  if (!p.can(permission)) throw Error::forbidden();
}

User OrgService::visible(const auth::Principal& p, User u) const {
  if (!p.can(perm::kUserPii) && p.user_id != u.id && !u.phone.empty())
    u.phone = mask_phone(u.phone);
  return u;
}

bool OrgService::initialised() {
  return db_.reading(
      [](db::Session& s) { return s.query_one("SELECT 1 FROM org_units LIMIT 1").has_value(); });
}

User OrgService::initialise(const std::string& org_name, const std::string& org_code,
                            const std::string& admin_username, const std::string& admin_password) {
  std::vector<FieldError> errors;
  if (!valid_code(org_code)) errors.push_back({"org_code", "org.code_invalid", {}});
  if (org_name.empty()) errors.push_back({"org_name", "field.required", {}});
  if (!valid_username(admin_username)) errors.push_back({"username", "org.username_invalid", {}});
  if (!strong_enough(admin_password)) errors.push_back({"password", "org.password_weak", {}});
  if (!errors.empty()) throw Error::validation(std::move(errors));
  std::string hash = auth::hash_password(admin_password);
  int64_t now = clock_.now_ms();
  auto actor = system_principal("init");
  return db_.writing([&](db::Session& s) {
    if (s.query_one("SELECT 1 FROM org_units LIMIT 1"))
      throw Error(ErrorKind::kConflict, "org.already_initialised");
    Unit root;
    root.code = org_code;
    root.name = org_name;
    root.kind = UnitKind::kHeadOffice;
    root.path = "/";
    root.created_at = root.updated_at = now;
    store::insert_unit(s, root);
    User admin;
    admin.username = admin_username;
    admin.display_name = "系统管理员";
    admin.unit_id = root.id;
    admin.unit_path = root.path;
    admin.roles = {"admin"};
    admin.created_at = admin.updated_at = now;
    store::insert_user(s, admin, hash);
    audit::append(s, now,
                  {std::nullopt, actor.username, "org.unit.create", "org_unit",
                   std::to_string(root.id), root.path, "", dump(unit_json(root)), "init"});
    audit::append(s, now,
                  {std::nullopt, actor.username, "org.user.create", "user",
                   std::to_string(admin.id), root.path, "", dump(user_json(admin)), "init"});
    events::publish(s, now,
                    {"org.unit.created", "org_unit", std::to_string(root.id), root.id, std::nullopt,
                     dump(unit_json(root))});
    return admin;
  });
}

}  // namespace kefu::org
