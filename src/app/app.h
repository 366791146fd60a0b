#pragma once
// Composition root: configuration → database → migrations → services → routes → server.
// New modules plug in here (see docs/architecture.md, "Adding a module").
#include <memory>

#include "modules/calendar/service.h"
#include "modules/callbacks/service.h"
#include "modules/customers/service.h"
#include "modules/org/service.h"
#include "modules/rules/service.h"
#include "modules/surveys/service.h"
#include "modules/tickets/service.h"
#include "platform/config/config.h"
#include "platform/core/clock.h"
#include "platform/db/database.h"
#include "platform/events/live.h"
#include "platform/http/metrics.h"
#include "platform/http/router.h"
#include "platform/http/static_files.h"
#include "platform/jobs/jobs.h"
#include "platform/notify/messages.h"
#include "platform/storage/uploads.h"

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
  tickets::TicketService& tickets() { return *tickets_; }
  rules::RuleService& rules() { return *rules_; }
  callbacks::CallbackService& callbacks() { return *callbacks_; }
  // The callbacks on another clock and tickets service (demo data).
  std::unique_ptr<callbacks::CallbackService> callbacks_on(const Clock& clock,
                                                           tickets::TicketService& tickets);
  surveys::SurveyService& surveys() { return *surveys_; }
  // The ticket service on another clock (demo data with a month of history).
  std::unique_ptr<tickets::TicketService> tickets_on(const Clock& clock);
  http::Router& router() { return router_; }
  // Modules register job handlers and outbox consumers here before serve().
  jobs::Runner& jobs() { return *jobs_; }

  int migrate();
  // Serves until SIGTERM/SIGINT; returns the process exit code.
  int serve();

 private:
  void add_routes();
  tickets::DeadlineJobs deadline_jobs();

  Config config_;
  std::unique_ptr<Clock> clock_;
  AdjustableClock* adjustable_ = nullptr;  // set when clock.adjustable = true
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<jobs::Runner> jobs_;
  std::unique_ptr<org::OrgService> org_;
  std::unique_ptr<calendar::CalendarService> calendar_;
  std::unique_ptr<customers::CustomerService> customers_;
  std::unique_ptr<storage::Files> files_;
  std::unique_ptr<storage::Uploads> uploads_;
  std::unique_ptr<tickets::TicketService> tickets_;
  std::unique_ptr<rules::RuleService> rules_;
  std::unique_ptr<callbacks::CallbackService> callbacks_;
  std::unique_ptr<notify::Sender> sender_;
  std::unique_ptr<surveys::SurveyService> surveys_;
  std::unique_ptr<events::LiveFeed> live_;
  http::Router router_;
  http::Metrics metrics_;
  std::unique_ptr<http::StaticFiles> static_files_;
  std::function<int64_t()> worker_queue_depth_;
};

}  // namespace kefu
