#pragma once
// Who is calling: resolved from a session cookie or an API token before a handler runs.
// The HTTP layer checks CSRF and token scopes; services check permissions and data scope.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kefu::auth {

struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  int64_t unit_id = 0;
  std::string unit_path;  // "/1/4/9/": the home unit and its ancestors; scope = this subtree
  std::vector<std::string> roles;
  std::vector<std::string> permissions;
  bool via_token = false;
  std::vector<std::string> token_scopes;  // "read", "write"
  std::string csrf_token;                 // sessions only
  int64_t credential_id = 0;              // session or token id
  std::string request_id;

  // For audit rows and events: the user, or none when the CLI or the system acts.
  std::optional<int64_t> actor_id() const {
    return user_id ? std::optional<int64_t>(user_id) : std::nullopt;
  }
  bool can(std::string_view permission) const {
    return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
  }
  bool has_role(std::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  // A unit whose path starts with ours is in our subtree.
  bool in_scope(std::string_view path) const { return path.rfind(unit_path, 0) == 0; }
};

}  // namespace kefu::auth
