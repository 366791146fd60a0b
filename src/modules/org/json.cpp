#include "modules/org/json.h"

namespace kefu::org {

boost::json::object unit_json(const Unit& u) {
  boost::json::object o;
  o["id"] = u.id;
  if (u.parent_id)
    o["parent_id"] = *u.parent_id;
  else
    o["parent_id"] = nullptr;
  o["code"] = u.code;
  o["name"] = u.name;
  o["kind"] = std::string(to_string(u.kind));
  o["active"] = u.active;
  o["depth"] = u.depth();
  o["created_at"] = u.created_at;
  o["updated_at"] = u.updated_at;
  return o;
}

boost::json::object user_json(const User& u) {
  boost::json::object o;
  o["id"] = u.id;
  o["username"] = u.username;
  o["display_name"] = u.display_name;
  o["unit_id"] = u.unit_id;
  boost::json::array roles;
  for (const auto& r : u.roles) roles.emplace_back(r);
  o["roles"] = std::move(roles);
  o["active"] = u.active;
  o["phone"] = u.phone;
  o["email"] = u.email;
  boost::json::array skills;
  for (const auto& k : u.skills) skills.emplace_back(k);
  o["skills"] = std::move(skills);
  o["capacity"] = u.capacity;
  o["created_at"] = u.created_at;
  o["updated_at"] = u.updated_at;
  if (u.locked_until > 0) o["locked_until"] = u.locked_until;
  return o;
}

boost::json::object token_json(const ApiToken& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["name"] = t.name;
  o["prefix"] = t.prefix;
  boost::json::array scopes;
  for (const auto& s : t.scopes) scopes.emplace_back(s);
  o["scopes"] = std::move(scopes);
  o["created_at"] = t.created_at;
  auto opt = [](const std::optional<int64_t>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  };
  o["expires_at"] = opt(t.expires_at);
  o["last_used_at"] = opt(t.last_used_at);
  o["revoked_at"] = opt(t.revoked_at);
  return o;
}

}  // namespace kefu::org
