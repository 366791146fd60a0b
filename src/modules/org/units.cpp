// Org units: create, read, list, rename, move, deactivate — inside the caller's subtree.
#include "modules/org/json.h"
#include "modules/org/service.h"
#include "modules/org/store.h"
#include "platform/audit/audit.h"
#include "platform/core/error.h"
#include "platform/events/outbox.h"

namespace kefu::org {
namespace {

const char* const kUnit = "@entity.org_unit";

void check_fields(const std::optional<std::string>& code, const std::optional<std::string>& name,
                  std::vector<FieldError>& errors) {
  if (code && !valid_code(*code)) errors.push_back({"code", "org.code_invalid", {}});
  if (name && name->empty()) errors.push_back({"name", "field.required", {}});
}

void throw_if(std::vector<FieldError> errors) {
  if (!errors.empty()) throw Error::validation(std::move(errors));
}

bool same(const Unit& a, const Unit& b) {
  return a.name == b.name && a.code == b.code && a.parent_id == b.parent_id && a.path == b.path &&
         a.active == b.active;
}

void record(db::Session& s, int64_t now, const auth::Principal& p, std::string_view action,
            const std::optional<Unit>& before, const Unit& after) {
  audit::append(
      s, now,
      {p.actor_id(), p.username, std::string(action), "org_unit", std::to_string(after.id),
       after.path, before ? dump(unit_json(*before)) : "", dump(unit_json(after)), p.request_id});
  events::publish(s, now,
                  {before ? "org.unit.updated" : "org.unit.created", "org_unit",
                   std::to_string(after.id), after.id, p.actor_id(), dump(unit_json(after))});
}

// The unit, when it exists inside the caller's scope; otherwise "not found".
Unit scoped_unit(db::Session& s, const auth::Principal& p, int64_t id, const char* what = kUnit) {
  auto u = store::find_unit(s, id);
  if (!u || !p.in_scope(u->path)) throw Error::not_found(what);
  return *u;
}

}  // namespace

std::vector<FieldError> OrgService::check(const NewUnit& in) {
  std::vector<FieldError> errors;
  if (!in.parent_id) errors.push_back({"parent_id", "field.required", {}});
  check_fields(in.code, in.name, errors);
  return errors;
}

std::vector<FieldError> OrgService::check(const UnitPatch& in) {
  std::vector<FieldError> errors;
  check_fields(in.code, in.name, errors);
  return errors;
}

Unit OrgService::create_unit(const auth::Principal& p, const NewUnit& in) {
  require(p, perm::kUnitWrite);
  throw_if(check(in));
  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    Unit parent = scoped_unit(s, p, *in.parent_id, "@entity.parent_unit");
    if (!parent.active) throw Error::validation({{"parent_id", "org.parent_inactive", {}}});
    if (!may_hang_under(in.kind, parent.kind)) {
      throw Error::validation(
          {{"kind",
            "org.kind_not_allowed",
            {{"kind", "@unit_kind." + std::string(to_string(in.kind))},
             {"parent", "@unit_kind." + std::string(to_string(parent.kind))}}}});
    }
    if (store::unit_code_taken(s, in.code, 0))
      throw Error(ErrorKind::kConflict, "org.code_taken", {{"code", in.code}});
    Unit u;
    u.parent_id = parent.id;
    u.code = in.code;
    u.name = in.name;
    u.kind = in.kind;
    u.path = parent.path;
    u.created_at = u.updated_at = now;
    store::insert_unit(s, u);
    record(s, now, p, "org.unit.create", std::nullopt, u);
    return u;
  });
}

Unit OrgService::get_unit(const auth::Principal& p, int64_t id) {
  require(p, perm::kUnitRead);
  return db_.reading([&](db::Session& s) { return scoped_unit(s, p, id); });
}

Unit OrgService::get_unit_by_code(const auth::Principal& p, const std::string& code) {
  require(p, perm::kUnitRead);
  auto u = db_.reading([&](db::Session& s) { return store::find_unit_by_code(s, code); });
  if (!u || !p.in_scope(u->path)) throw Error::not_found(kUnit);
  return *u;
}

Page<Unit> OrgService::list_units(const auth::Principal& p, const UnitQuery& q) {
  require(p, perm::kUnitRead);
  if (q.kind && !parse_unit_kind(*q.kind)) throw Error::validation({{"kind", "field.invalid", {}}});
  store::UnitFilter f{p.unit_path, q.q, q.kind, q.parent_id, q.active, q.after, q.limit + 1};
  auto items = db_.reading([&](db::Session& s) { return store::list_units(s, f); });
  Page<Unit> page;
  if (static_cast<int>(items.size()) > q.limit) {
    items.resize(q.limit);
    page.next_after = items.back().id;
  }
  page.items = std::move(items);
  return page;
}

Unit OrgService::update_unit(const auth::Principal& p, int64_t id, const UnitPatch& patch) {
  require(p, perm::kUnitRead);
  throw_if(check(patch));
  int64_t now = clock_.now_ms();
  Unit updated = db_.writing([&](db::Session& s) {
    Unit before = scoped_unit(s, p, id);
    if (!p.can(perm::kUnitWrite)) throw Error::forbidden();
    Unit u = before;
    if (patch.name) u.name = *patch.name;
    if (patch.code && *patch.code != u.code) {
      if (store::unit_code_taken(s, *patch.code, u.id))
        throw Error(ErrorKind::kConflict, "org.code_taken", {{"code", *patch.code}});
      u.code = *patch.code;
    }
    if (patch.parent_id && patch.parent_id != u.parent_id) {
      if (!u.parent_id) throw Error::validation({{"parent_id", "org.root_fixed", {}}});
      if (u.id == p.unit_id)
        throw Error::forbidden();  // moving one's own home unit would leave one's scope
      Unit parent = scoped_unit(s, p, *patch.parent_id, "@entity.parent_unit");
      if (would_cycle(u.path, parent.path))
        throw Error::validation({{"parent_id", "org.move_cycle", {}}});
      if (!may_hang_under(u.kind, parent.kind)) {
        throw Error::validation(
            {{"parent_id",
              "org.kind_not_allowed",
              {{"kind", "@unit_kind." + std::string(to_string(u.kind))},
               {"parent", "@unit_kind." + std::string(to_string(parent.kind))}}}});
      }
      std::string new_path = child_path(parent.path, u.id);
      store::move_subtree(s, u.path, new_path);
      credentials_.forget_all();  // the scopes of everyone below the moved unit changed
      u.parent_id = parent.id;
      u.path = new_path;
    }
    if (patch.active && *patch.active != u.active) {
      if (!u.parent_id) throw Error::validation({{"active", "org.root_fixed", {}}});
      if (!*patch.active) {
        if (store::count_active_children(s, u.id) > 0 || store::count_active_users(s, u.id) > 0)
          throw Error(ErrorKind::kConflict, "org.unit_not_empty");
      } else if (auto parent = store::find_unit(s, *u.parent_id); parent && !parent->active) {
        throw Error::validation({{"active", "org.parent_inactive", {}}});
      }
      u.active = *patch.active;
    }
    if (same(u, before)) return before;  // nothing to change, nothing to record
    u.updated_at = now;
    store::update_unit(s, u);
    record(s, now, p, "org.unit.update", before, u);
    return u;
  });
  std::lock_guard lock(units_mu_);
  units_.clear();  // after the commit: a move changes the paths of the whole subtree
  return updated;
}

}  // namespace kefu::org

namespace kefu::org {

std::optional<Unit> OrgService::unit_in(db::Session& s, int64_t id) const {
  return store::find_unit(s, id);
}

std::optional<Unit> OrgService::cached_unit(int64_t id) {
  constexpr int64_t kTtlMs = 5000;  // other processes' renames and moves show within 5 s
  int64_t now = clock_.now_ms();
  {
    std::lock_guard lock(units_mu_);
    auto it = units_.find(id);
    if (it != units_.end() && now - it->second.second >= 0 && now - it->second.second < kTtlMs)
      return it->second.first;
  }
  auto u = db_.reading([&](db::Session& s) { return store::find_unit(s, id); });
  if (!u) return std::nullopt;
  std::lock_guard lock(units_mu_);
  units_[id] = {*u, now};
  return u;
}

std::optional<User> OrgService::user_in(db::Session& s, int64_t id) const {
  return store::find_user(s, id);
}

std::vector<User> OrgService::people_in(db::Session& s, const std::string& path,
                                        std::string_view permission) const {
  std::vector<User> out;
  store::UserFilter f;
  f.scope_path = path;
  f.active = true;
  f.limit = 1000;
  while (true) {
    auto page = store::list_users(s, f);
    for (auto& u : page) {
      auto perms = permissions_of(u.roles);
      if (std::binary_search(perms.begin(), perms.end(), std::string(permission)))
        out.push_back(std::move(u));
    }
    if (page.size() < static_cast<size_t>(f.limit)) break;
    f.after_id = page.back().id;
  }
  return out;
}

}  // namespace kefu::org
