#include "app/system_routes.h"

#include <boost/json.hpp>

#include "platform/audit/audit.h"
#include "platform/core/error.h"
#include "platform/core/i18n.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu {
namespace {

using http::Context;
using http::Response;

boost::json::value json_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  boost::system::error_code ec;
  auto v = boost::json::parse(s, ec);
  return ec ? boost::json::value(s) : v;
}

boost::json::object clock_json(const SystemDeps& d) {
  return {{"now", d.clock.now_ms()}, {"adjustable", d.adjustable != nullptr}};
}

}  // namespace

void add_system_routes(http::Router& r, SystemDeps d) {
  i18n::add({{"entity.test_clock", "测试时钟", "test clock"}});
  d.metrics.gauge("kefu_db_pool_size", "Database connections in the pool (SQLite: readers).",
                  [&db = d.db] { return static_cast<double>(db.stats().pool_size); });
  d.metrics.gauge("kefu_db_pool_in_use", "Database connections in use.",
                  [&db = d.db] { return static_cast<double>(db.stats().pool_in_use); });
  d.metrics.gauge("kefu_db_write_queue_depth", "Write transactions waiting for the SQLite writer.",
                  [&db = d.db] { return static_cast<double>(db.stats().write_queue_depth); });
  d.metrics.gauge("kefu_db_commits_total", "Physical commits (one per group commit on SQLite).",
                  [&db = d.db] { return static_cast<double>(db.stats().commits); });
  d.metrics.gauge("kefu_db_writes_total", "Write transactions committed.",
                  [&db = d.db] { return static_cast<double>(db.stats().writes); });
  d.metrics.gauge("kefu_http_worker_queue_depth", "Requests waiting for a worker thread.",
                  [f = d.worker_queue_depth] { return static_cast<double>(f()); });

  r.add("GET", "/healthz", [](Context&) { return Response::text("ok"); },
        {.auth = false, .blocking = false});

  r.add("GET", "/readyz",
        [&db = d.db](Context&) {
          if (!db.ping()) throw Error(ErrorKind::kUnavailable, "db.unavailable");
          return Response::text("ready");
        },
        {.auth = false});

  r.add("GET", "/metrics",
        [&m = d.metrics](Context&) {
          return Response::text(m.render(), "text/plain; version=0.0.4; charset=utf-8");
        },
        {.auth = false});

  r.add(
      "GET", "/api/v1/openapi.json",
      [](Context&) {
        Response resp{200, "application/json", {{"Cache-Control", "no-cache"}}, openapi_document()};
        return resp;
      },
      {.auth = false, .blocking = false});

  r.add("GET", "/api/v1/audit", [&db = d.db](Context& c) {
    const auto& p = c.user();
    if (!p.can("audit.read")) throw Error::forbidden();
    audit::ListFilter f;
    f.scope_path = p.unit_path;
    f.entity = http::query_text(c.req, "entity", 32);
    f.entity_id = http::query_text(c.req, "entity_id", 64);
    auto page = http::page_request(c.req);  // newest first: the cursor is the oldest id seen
    f.before_id = page.after;
    f.limit = page.limit + 1;
    auto rows = db.reading([&](db::Session& s) { return audit::list(s, f); });
    std::optional<int64_t> next;
    if (static_cast<int>(rows.size()) > page.limit) {
      rows.resize(page.limit);
      next = rows.back().id;
    }
    boost::json::array items;
    for (const auto& a : rows) {
      boost::json::object o{{"id", a.id},
                            {"at", a.at},
                            {"actor", a.actor},
                            {"action", a.action},
                            {"entity", a.entity},
                            {"entity_id", a.entity_id},
                            {"request_id", a.request_id}};
      o["actor_id"] = a.actor_id ? boost::json::value(*a.actor_id) : boost::json::value(nullptr);
      o["before"] = json_or_null(a.before_json);
      o["after"] = json_or_null(a.after_json);
      items.push_back(std::move(o));
    }
    return Response::json(http::page_json(std::move(items), next));
  });

  // The injectable clock (DOMAIN.md §11): only a deployment with clock.adjustable = true
  // answers; everywhere else these routes do not exist for callers.
  r.add("GET", "/api/v1/test/clock", [d](Context& c) {
    if (!d.adjustable || !c.user().has_role("admin")) throw Error::not_found("@entity.test_clock");
    return Response::json(clock_json(d));
  });
  r.add("POST", "/api/v1/test/clock", [d](Context& c) {
    if (!d.adjustable || !c.user().has_role("admin")) throw Error::not_found("@entity.test_clock");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    auto set = in.optional_integer("set");
    auto advance = in.optional_integer("advance_ms");
    in.finish();
    if (advance && *advance < 0)
      throw Error::validation({{"advance_ms", "field.out_of_range", {}}});
    if (set) d.adjustable->set(*set);
    if (advance) d.adjustable->advance(*advance);
    // DOMAIN.md §11: the scheduler runs for the new time before the answer, so the tester's
    // next request sees what became due.
    if (d.clock_moved) d.clock_moved();
    return Response::json(clock_json(d));
  });
}

}  // namespace kefu
