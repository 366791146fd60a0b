// Giving customers owners in bulk (seed 003: "按照负责客户数量均衡、兼顾业务能力"): to one
// person, or balanced among the eligible agents by their current load and capacity weight
// (org::balance). All or nothing; one audit row per batch.
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "modules/customers/search_index.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/events/outbox.h"

namespace kefu::customers {
namespace {

constexpr size_t kMaxBatch = 10000;

auth::Principal reader_for(const auth::Principal& p) {
  auto sys = org::OrgService::system_principal(p.username);
  sys.unit_path = p.unit_path;
  return sys;
}

// "/1/4/9/" → {"/1/", "/1/4/", "/1/4/9/"}
std::vector<std::string> ancestors(const std::string& path) {
  std::vector<std::string> out;
  for (size_t i = 1; i < path.size(); ++i)
    if (path[i] == '/') out.push_back(path.substr(0, i + 1));
  return out;
}

std::string common_path(const std::vector<std::string>& paths) {
  if (paths.empty()) return "/";
  std::string common = paths.front();
  for (const auto& p : paths) {
    size_t n = 0;
    while (n < common.size() && n < p.size() && common[n] == p[n]) ++n;
    common.resize(n);
  }
  auto slash = common.rfind('/');
  return slash == std::string::npos ? "/" : common.substr(0, slash + 1);
}

}  // namespace

AssignResult CustomerService::assign(const auth::Principal& p, const AssignRequest& in) {
  if (!p.can(org::perm::kCustomerAssign)) throw Error::forbidden();
  std::vector<FieldError> errors;
  if (in.mode != "balanced" && in.mode != "to") errors.push_back({"mode", "field.invalid", {}});
  if (in.mode == "to" && !in.agent_id) errors.push_back({"agent_id", "field.required", {}});
  if (in.customer_ids.empty() && !in.filter)
    errors.push_back({"customer_ids", "field.required", {}});
  if (in.customer_ids.size() > kMaxBatch)
    errors.push_back(
        {"customer_ids", "customer.assign_too_many", {{"max", std::to_string(kMaxBatch)}}});
  for (const auto& [id, w] : in.weights)
    if (!(w > 0) || w > 1000)
      errors.push_back({"weights." + std::to_string(id), "field.out_of_range", {}});
  if (!errors.empty()) throw Error::validation(std::move(errors));

  // The customers: the ones named, or everything the list shows for the filters.
  std::vector<int64_t> ids;
  if (!in.customer_ids.empty()) {
    std::set<int64_t> seen;
    for (auto id : in.customer_ids)
      if (seen.insert(id).second) ids.push_back(id);
  } else {
    ids = matching_ids(p, *in.filter, kMaxBatch);
    if (ids.size() > kMaxBatch)
      throw Error(ErrorKind::kUnprocessable, "customer.assign_too_many",
                  {{"max", std::to_string(kMaxBatch)}});
  }
  if (ids.empty()) throw Error(ErrorKind::kUnprocessable, "customer.assign_none");
  auto visible = [&](std::vector<store::Brief> found) {
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const store::Brief& b) { return !p.in_scope(b.unit_path); }),
                found.end());
    return found;
  };
  std::vector<store::Brief> customers =
      visible(db_.reading([&](db::Session& s) { return store::briefs(s, ids); }));
  if (customers.size() != ids.size()) {
    std::set<int64_t> found;
    for (const auto& b : customers) found.insert(b.id);
    for (size_t i = 0; i < in.customer_ids.size(); ++i)
      if (!found.count(in.customer_ids[i]))
        errors.push_back({"customer_ids[" + std::to_string(i) + "]", "customer.unknown", {}});
    if (errors.empty()) errors.push_back({"customer_ids", "customer.unknown", {}});
    throw Error::validation(std::move(errors));
  }

  // The people, resolved through the org service before the write transaction.
  auto reader = reader_for(p);
  std::vector<org::User> people;
  if (in.mode == "to") {
    try {
      auto u = org_.get_user(reader, *in.agent_id);
      if (!u.active) throw Error::validation({{"agent_id", "customer.owner_inactive", {}}});
      people.push_back(u);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kUnprocessable) throw;
      throw Error::validation({{"agent_id", "customer.owner_unknown", {}}});
    }
  } else if (!in.agent_ids.empty()) {
    std::set<int64_t> seen;
    for (size_t i = 0; i < in.agent_ids.size(); ++i) {
      if (!seen.insert(in.agent_ids[i]).second) continue;
      std::string at = "agent_ids[" + std::to_string(i) + "]";
      try {
        auto u = org_.get_user(reader, in.agent_ids[i]);
        if (!u.active)
          errors.push_back({at, "customer.owner_inactive", {}});
        else
          people.push_back(u);
      } catch (const Error&) {
        errors.push_back({at, "customer.owner_unknown", {}});
      }
    }
    if (!errors.empty()) throw Error::validation(std::move(errors));
  } else {
    // Active agents in the customers' unit subtree: the narrowest unit holding all of them,
    // widened up to the caller's scope until it has agents.
    std::vector<org::User> agents;
    for (int64_t after = 0;;) {
      auto page = org_.list_users(
          reader, {std::nullopt, std::nullopt, std::string("agent"), true, after, 200});
      for (auto& u : page.items) agents.push_back(u);
      if (!page.next_after) break;
      after = *page.next_after;
    }
    std::vector<std::string> paths;
    for (const auto& c : customers) paths.push_back(c.unit_path);
    auto chain = ancestors(common_path(paths));
    for (auto it = chain.rbegin(); it != chain.rend() && people.empty(); ++it) {
      if (!p.in_scope(*it) && *it != p.unit_path) break;
      for (const auto& u : agents)
        if (u.unit_path.rfind(*it, 0) == 0) people.push_back(u);
      if (*it == p.unit_path) break;
    }
    if (people.empty()) throw Error(ErrorKind::kUnprocessable, "customer.assign_no_agents");
  }
  if (in.mode == "balanced") {
    for (const auto& [id, w] : in.weights) {
      bool known = std::any_of(people.begin(), people.end(),
                               [id = id](const org::User& u) { return u.id == id; });
      if (!known) errors.push_back({"weights." + std::to_string(id), "customer.owner_unknown", {}});
    }
    if (!errors.empty()) throw Error::validation(std::move(errors));
  }

  int64_t now = clock_.now_ms();
  return db_.writing([&](db::Session& s) {
    auto now_customers = visible(store::briefs(s, ids));
    if (now_customers.size() != ids.size())
      throw Error(ErrorKind::kConflict, "customer.assign_changed");
    AssignResult result;
    std::vector<int64_t> owners;
    for (const auto& u : people) owners.push_back(u.id);
    auto loads = store::owned_counts(s, owners);
    // The batch's customers do not count towards anyone's load: they are being handed out.
    for (const auto& c : now_customers)
      if (c.owner_id && loads.count(*c.owner_id)) --loads[*c.owner_id];
    std::vector<int64_t> picks;
    if (in.mode == "to") {
      picks.assign(now_customers.size(), *in.agent_id);
    } else {
      std::vector<org::Assignee> pool;
      for (const auto& u : people) {
        auto w = in.weights.find(u.id);
        pool.push_back({u.id, loads[u.id], w == in.weights.end() ? 1.0 : w->second});
      }
      picks = org::balance(pool, now_customers.size());
    }
    std::map<int64_t, int64_t> assigned;
    boost::json::array items;
    for (size_t i = 0; i < now_customers.size(); ++i) {
      const auto& c = now_customers[i];
      int64_t to = picks[i];
      ++assigned[to];
      result.items.push_back({c.id, c.owner_id, to});
      items.push_back(boost::json::object{
          {"customer_id", c.id},
          {"from", c.owner_id ? boost::json::value(*c.owner_id) : boost::json::value(nullptr)},
          {"to", to}});
      if (c.owner_id == to) continue;
      store::set_owner(s, c.id, to, now);
      if (!c.owner_id) reindex(s, c.id);  // "no owner" was part of the completeness
    }
    boost::json::array agents;
    for (const auto& u : people) {
      auto w = in.weights.find(u.id);
      double weight = w == in.weights.end() ? 1.0 : w->second;
      result.agents.push_back({u.id, loads[u.id], assigned[u.id], weight});
      agents.push_back(boost::json::object{{"id", u.id},
                                           {"load_before", loads[u.id]},
                                           {"assigned", assigned[u.id]},
                                           {"weight", weight}});
    }
    std::string body = boost::json::serialize(boost::json::object{
        {"mode", in.mode}, {"items", std::move(items)}, {"agents", std::move(agents)}});
    audit::append(
        s, now,
        {p.actor_id(), p.username, "customer.assign", "customer_batch",
         std::to_string(now_customers.front().id) + "+" + std::to_string(now_customers.size() - 1),
         p.unit_path, "", body, p.request_id});
    events::publish(s, now,
                    {"customers.assigned", "customer_batch",
                     std::to_string(now_customers.front().id), p.unit_id, p.actor_id(), body});
    return result;
  });
}

}  // namespace kefu::customers
