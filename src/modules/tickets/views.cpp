// Saved views of the ticket queues: a person's own, and those a supervisor shared with
// their unit's subtree. Kept on the server, so they follow the person to any browser.
#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "modules/tickets/service.h"
#include "modules/tickets/store.h"
#include "platform/core/error.h"

namespace kefu::tickets {
namespace {

constexpr int64_t kMaxViewsPerPerson = 50;

// The caller's unit and its ancestors: "/1/4/9/" → "/1/", "/1/4/", "/1/4/9/".
std::vector<std::string> own_and_ancestor_paths(const std::string& path) {
  std::vector<std::string> out;
  for (size_t i = 1; i < path.size(); ++i)
    if (path[i] == '/') out.push_back(path.substr(0, i + 1));
  return out;
}

bool one_of(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

}  // namespace

std::vector<FieldError> TicketService::check_view_filters(const ViewFilters& f) {
  static const std::vector<std::string> queues{"mine",     "unit",     "unassigned",
                                               "due_soon", "breached", "all"};
  std::vector<FieldError> e;
  auto bad = [&](const char* key) {
    e.push_back({std::string("filters.") + key, "field.invalid", {}});
  };
  for (const auto& [key, value] : f) {
    if (value.empty()) continue;
    if (key == "queue") {
      if (!one_of(queues, value)) bad("queue");
    } else if (key == "kind") {
      if (!one_of(kinds(), value)) bad("kind");
    } else if (key == "severity") {
      if (!one_of(severities(), value)) bad("severity");
    } else if (key == "channel") {
      if (!one_of(channels(), value)) bad("channel");
    } else if (key == "state") {
      if (value != "open" && value != "closed" && !parse_state(value)) bad("state");
    } else if (key != "q") {
      e.push_back({"filters." + key, "field.unknown", {}});
    }
  }
  return e;
}

std::vector<ViewOut> TicketService::views(const auth::Principal& p) {
  require(p, perm::kRead);
  std::vector<store::SavedView> rows;
  db_.read([&](db::Session& s) {
    rows = store::views_for(s, p.user_id, own_and_ancestor_paths(p.unit_path));
  });
  std::map<int64_t, std::string> owners;
  std::vector<ViewOut> out;
  for (auto& v : rows) {
    ViewOut o;
    o.mine = v.owner_id == p.user_id;
    if (!owners.count(v.owner_id)) owners[v.owner_id] = user_name(v.owner_id);
    o.owner_name = owners[v.owner_id];
    if (v.shared_unit_id) o.shared_unit_name = unit_name(*v.shared_unit_id);
    o.view = std::move(v);
    out.push_back(std::move(o));
  }
  return out;
}

std::pair<ViewOut, bool> TicketService::save_view(const auth::Principal& p, const std::string& name,
                                                  const ViewFilters& filters, bool shared) {
  require(p, perm::kRead);
  if (!p.user_id) throw Error::forbidden();
  // Sharing with the whole unit is a supervisor's call, as routing and approval are.
  if (shared && !p.can(perm::kApprove) && !p.can(perm::kManage)) throw Error::forbidden();
  auto errors = check_view_filters(filters);
  if (!errors.empty()) throw Error::validation(errors);
  boost::json::object o;
  for (const auto& [key, value] : filters)
    if (!value.empty()) o[key] = value;
  const int64_t now = clock_.now_ms();
  ViewOut out;
  bool created = false;
  db_.write([&](db::Session& s) {
    auto v = store::view_named(s, p.user_id, name);
    created = !v;
    if (created) {
      if (store::count_views(s, p.user_id) >= kMaxViewsPerPerson)
        throw Error::validation(
            {{"name", "ticket.view_limit", {{"max", std::to_string(kMaxViewsPerPerson)}}}});
      v = store::SavedView{};
      v->owner_id = p.user_id;
      v->name = name;
      v->created_at = now;
    }
    v->filters_json = boost::json::serialize(o);
    v->shared_unit_id = shared ? std::optional<int64_t>(p.unit_id) : std::nullopt;
    v->shared_unit_path = shared ? std::optional<std::string>(p.unit_path) : std::nullopt;
    v->updated_at = now;
    store::save_view(s, *v);
    out.view = *v;
  });
  out.mine = true;
  out.owner_name = p.display_name;
  if (out.view.shared_unit_id) out.shared_unit_name = unit_name(*out.view.shared_unit_id);
  return {out, created};
}

void TicketService::delete_view(const auth::Principal& p, int64_t id) {
  require(p, perm::kRead);
  db_.write([&](db::Session& s) {
    auto v = store::view(s, id);
    // Another person's view is not there for the caller, shared or not: only its owner
    // removes it.
    if (!v || v->owner_id != p.user_id) throw Error::not_found("@entity.ticket_view");
    store::delete_view(s, id);
  });
}

}  // namespace kefu::tickets
