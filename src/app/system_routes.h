#pragma once
#include <functional>

#include "platform/core/clock.h"
#include "platform/db/database.h"
#include "platform/http/metrics.h"
#include "platform/http/router.h"

namespace kefu {

struct SystemDeps {
  db::Database& db;
  http::Metrics& metrics;
  AdjustableClock* adjustable;  // null unless clock.adjustable
  const Clock& clock;
  std::function<int64_t()> worker_queue_depth;
  // Called after a tester moved the clock: runs what became due (may be empty).
  std::function<void()> clock_moved = nullptr;
};

// /healthz, /readyz, /metrics, the OpenAPI document, the audit log and the test clock.
void add_system_routes(http::Router& router, SystemDeps deps);
// The embedded OpenAPI document.
const std::string& openapi_document();

}  // namespace kefu
