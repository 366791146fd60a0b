#pragma once
// Composition root: configuration → database → migrations → services → routes → server.
// New modules plug in here (see docs/architecture.md, "Adding a module").
#include <memory>

#include "modules/calendar/service.h"
#include "modules/customers/service.h"
#include "modules/org/service.h"
#include "platform/config/config.h"
#include "platform/core/clock.h"
#include "platform/db/database.h"
#include "platform/http/metrics.h"
#include "platform/http/router.h"
#include "platform/http/static_files.h"

namespace kefu {

class App {
 public:
  explicit App(Config config);
  ~App();

  const Config& config() const { return config_; }
  db::Database& db() { return *db_; }
  const Clock& clock() const { return *clock_; }
  org::OrgService& org() { return *org_; }
  calendar::CalendarService& calendar() { return *calendar_; }
  customers::CustomerService& customers() { return *customers_; }
  http::Router& router() { return router_; }

  int migrate();
  // Serves until SIGTERM/SIGINT; returns the process exit code.
  int serve();

 private:
  void add_routes();

  Config config_;
  std::unique_ptr<Clock> clock_;
  AdjustableClock* adjustable_ = nullptr;  // set when clock.adjustable = true
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<org::OrgService> org_;
  std::unique_ptr<calendar::CalendarService> calendar_;
  std::unique_ptr<customers::CustomerService> customers_;
  http::Router router_;
  http::Metrics metrics_;
  std::unique_ptr<http::StaticFiles> static_files_;
  std::function<int64_t()> worker_queue_depth_;
};

}  // namespace kefu
