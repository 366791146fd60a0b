#include "app/app.h"

#include <unistd.h>
#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app/live_routes.h"
#include "app/system_routes.h"
#include "app/upload_routes.h"
#include "modules/calendar/model.h"
#include "modules/calendar/routes.h"
#include "modules/callbacks/routes.h"
#include "modules/customers/routes.h"
#include "modules/org/routes.h"
#include "modules/rules/routes.h"
#include "modules/surveys/routes.h"
#include "modules/tickets/routes.h"
#include "platform/core/i18n.h"
#include "platform/db/migrations.h"
#include "platform/http/server.h"

namespace kefu::embedded {
const std::map<std::string, std::string>& org_migrations();
const std::map<std::string, std::string>& calendar_migrations();
const std::map<std::string, std::string>& customers_migrations();
const std::map<std::string, std::string>& tickets_migrations();
const std::map<std::string, std::string>& rules_migrations();
const std::map<std::string, std::string>& callbacks_migrations();
const std::map<std::string, std::string>& surveys_migrations();
const std::map<std::string, std::string>& app_files();
}  // namespace kefu::embedded

namespace kefu {
namespace {

// Migration order: the platform's tables first, then each module in dependency order.
const std::vector<std::string> kComponents = {"platform", "storage", "org",   "calendar",
                                              "customers", "tickets", "surveys", "rules",
                                              "callbacks"};

std::map<std::string, std::string> all_migration_files() {
  std::map<std::string, std::string> files = embedded::app_files();
  for (const auto& kv : embedded::org_migrations()) files.insert(kv);
  for (const auto& kv : embedded::calendar_migrations()) files.insert(kv);
  for (const auto& kv : embedded::customers_migrations()) files.insert(kv);
  for (const auto& kv : embedded::tickets_migrations()) files.insert(kv);
  for (const auto& kv : embedded::rules_migrations()) files.insert(kv);
  for (const auto& kv : embedded::callbacks_migrations()) files.insert(kv);
  for (const auto& kv : embedded::surveys_migrations()) files.insert(kv);
  return files;
}

org::Settings org_settings(const Config& c) {
  org::Settings s;
  s.lockout.max_failures = static_cast<int>(c.integer("auth.max_failures"));
  s.lockout.lock_ms = c.integer("auth.lock_minutes") * 60 * 1000;
  s.session_ms = c.integer("auth.session_hours") * 3600 * 1000;
  s.session_idle_ms = c.integer("auth.session_idle_minutes") * 60 * 1000;
  s.ip_max_failures = static_cast<int>(c.integer("auth.ip_max_failures"));
  s.ip_window_ms = c.integer("auth.ip_window_minutes") * 60 * 1000;
  s.credential_cache_ms = c.integer("auth.cache_ms");
  return s;
}

jobs::RunnerOptions runner_options(const Config& c) {
  jobs::RunnerOptions o;
  o.poll_ms = c.integer("jobs.poll_ms");
  o.batch_size = static_cast<int>(c.integer("jobs.batch_size"));
  o.consumer_batch_size = static_cast<int>(c.integer("events.batch_size"));
  return o;
}

// hostname:pid, recorded on the jobs a node ran (jobs.locked_by) and in its log lines.
std::string node_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(getpid());
}

const char* const kTicketDeadline = "ticket.deadline";

callbacks::Settings callback_settings(const Config& c) {
  callbacks::Settings s;
  if (auto w = callbacks::parse_window(c.str("company.quiet_start"), c.str("company.quiet_end")))
    s.company_quiet = *w;
  s.offset_minutes = calendar::zone_offset(c.str("company.time_zone")).value_or(480);
  s.link_ttl_ms = c.integer("callbacks.link_days") * 24 * 3600 * 1000;
  s.public_base_url = c.str("server.public_url");
  s.hotline = c.str("company.hotline");
  s.due_soon_minutes = c.integer("callbacks.due_soon_minutes");
  return s;
}

notify::GatewayOptions gateway_options(const Config& c) {
  notify::GatewayOptions gw;
  gw.sms = c.str("notify.sms");
  gw.email = c.str("notify.email");
  gw.capture_file = c.str("notify.capture_file");
  gw.smtp.host = c.str("notify.smtp_host");
  gw.smtp.port = static_cast<int>(c.integer("notify.smtp_port"));
  gw.smtp.from = c.str("notify.smtp_from");
  gw.smtp.from_name = c.str("notify.smtp_from_name");
  gw.smtp.user = c.str("notify.smtp_user");
  gw.smtp.password = c.str("notify.smtp_password");
  gw.smtp.timeout_ms = c.integer("notify.smtp_timeout_ms");
  auto tls = notify::parse_tls(c.str("notify.smtp_tls"));
  if (!tls)
    throw std::runtime_error("notify.smtp_tls must be starttls, required or none, got: " +
                             c.str("notify.smtp_tls"));
  gw.smtp.tls = *tls;
  gw.smtp.verify = c.boolean("notify.smtp_verify");
  gw.smtp.ca_file = c.str("notify.smtp_ca_file");
  if (auto problem = notify::check(gw); !problem.empty()) throw std::runtime_error(problem);
  return gw;
}

// Deadlines follow the unit's working calendar: public holidays, make-up working days.
tickets::WorkingTime working_time(calendar::CalendarService& cal) {
  tickets::WorkingTime t;
  t.add = [&cal](int64_t unit, int64_t start, int64_t minutes) {
    return cal.due(unit, start, minutes);
  };
  t.end_of_day = [&cal](int64_t unit, int64_t start) { return cal.due_same_day(unit, start); };
  t.between = [&cal](int64_t unit, int64_t a, int64_t b) {
    return calendar::working_minutes_between(*cal.for_unit(unit), a, b);
  };
  return t;
}

}  // namespace

std::unique_ptr<tickets::TicketService> App::tickets_on(const Clock& clock) {
  return std::make_unique<tickets::TicketService>(
      *db_, clock, *org_, *customers_, working_time(*calendar_), deadline_jobs(), *files_);
}

std::unique_ptr<callbacks::CallbackService> App::callbacks_on(const Clock& clock,
                                                              tickets::TicketService& tickets) {
  return std::make_unique<callbacks::CallbackService>(*db_, clock, *org_, *customers_, tickets,
                                                      *surveys_, callback_settings(config_));
}

tickets::DeadlineJobs App::deadline_jobs() {
  tickets::DeadlineJobs j;
  j.schedule = [this](db::Session& s, const std::string& key, int64_t run_at,
                      const std::string& payload) {
    jobs::schedule(s, clock_->now_ms(), {kTicketDeadline, key, run_at, payload, 5});
  };
  j.cancel = [this](db::Session& s, const std::string& key) {
    jobs::cancel(s, clock_->now_ms(), kTicketDeadline, key);
  };
  return j;
}

App::App(Config config) : config_(std::move(config)) {
  i18n::add_platform_messages();
  org::OrgService::register_messages();
  calendar::CalendarService::register_messages();
  customers::CustomerService::register_messages();
  tickets::TicketService::register_messages();
  rules::RuleService::register_messages();
  callbacks::CallbackService::register_messages();
  surveys::SurveyService::register_messages();
  storage::Uploads::register_messages();
  if (config_.boolean("clock.adjustable")) {
    auto c = std::make_unique<AdjustableClock>();
    adjustable_ = c.get();
    clock_ = std::move(c);
  } else {
    clock_ = std::make_unique<SystemClock>();
  }
  db::Options opts;
  opts.pool_size = static_cast<int>(config_.integer("database.pool_size"));
  db_ = db::open(config_.str("database.url"), opts);
  jobs_ = std::make_unique<jobs::Runner>(*db_, *clock_, node_id(), runner_options(config_));
  org_ = std::make_unique<org::OrgService>(*db_, *clock_, org_settings(config_));
  calendar_ = std::make_unique<calendar::CalendarService>(*db_, *clock_, *org_);
  customers_ = std::make_unique<customers::CustomerService>(*db_, *clock_, *org_);
  customers_->set_zone_offset(
      calendar::zone_offset(config_.str("company.time_zone")).value_or(480));
  customers_->set_job_waker([this] { jobs_->wake(); });
  // Classes: a recomputation's batches, and the nightly run that lets time move customers
  // from active to at risk to churned.
  jobs_->on(customers::kClassBatchJob, [this](db::Session& s, const jobs::Job& job) {
    customers_->run_class_batch(s, job.payload_json);
  });
  jobs_->on(customers::kClassNightlyJob,
            [this](db::Session& s, const jobs::Job&) { customers_->run_nightly(s); });
  files_ = std::make_unique<storage::Files>(config_.str("storage.files_dir"));
  // Large files come in parts (resumable uploads); imports read them by id.
  storage::UploadLimits limits;
  limits.part_size = config_.integer("uploads.part_bytes");
  limits.max_size = config_.integer("uploads.max_bytes");
  limits.max_open = static_cast<int>(config_.integer("uploads.max_open"));
  limits.ttl_ms = config_.integer("uploads.ttl_hours") * 3600 * 1000;
  if (limits.part_size < 1024 || limits.max_size < 1 || limits.max_open < 1 || limits.ttl_ms < 1)
    throw std::runtime_error(
        "uploads.part_bytes must be at least 1024, and uploads.max_bytes, max_open, ttl_hours "
        "positive");
  uploads_ = std::make_unique<storage::Uploads>(*db_, *clock_, config_.str("storage.files_dir"),
                                                limits);
  customers_->set_uploads(*uploads_);
  jobs_->on(storage::kUploadCleanupJob,
            [this](db::Session& s, const jobs::Job&) { uploads_->run_cleanup(s); });
  tickets_ = std::make_unique<tickets::TicketService>(
      *db_, *clock_, *org_, *customers_, working_time(*calendar_), deadline_jobs(), *files_);
  tickets_->set_list_scan_window(config_.integer("tickets.list_scan_window"));
  surveys_ = std::make_unique<surveys::SurveyService>(
      *db_, *clock_, *org_, calendar::zone_offset(config_.str("company.time_zone")).value_or(480));
  // Merging two customers moves their tickets and callback tasks in the same transaction;
  // undoing it moves exactly those back (their ids are kept with the merge).
  customers_->on_merge(
      [this](db::Session& s, int64_t from, int64_t into) {
        return customers::MovedRecords{{"tickets", tickets_->repoint_customer(s, from, into)}};
      },
      [this](db::Session& s, const customers::MovedRecords& moved, int64_t survivor,
             int64_t back_to) {
        if (auto it = moved.find("tickets"); it != moved.end())
          tickets_->unrepoint_customer(s, it->second, survivor, back_to);
      });
  jobs_->on(kTicketDeadline, [this](db::Session& s, const jobs::Job& job) {
    spdlog::info("ticket deadline {}: {}", job.key, tickets_->on_deadline(s, job.payload_json));
  });
  rules_ = std::make_unique<rules::RuleService>(
      *db_, *clock_, *org_, *customers_,
      [cal = calendar_.get()](int64_t unit, int64_t start, int days) {
        return cal->due_working_days(unit, start, days);
      });
  // Date and schedule rules: a day's job at 00:05 in the company's zone, then batches; a
  // rule's times count from its unit's midnight.
  rules_->set_zones(
      calendar::zone_offset(config_.str("company.time_zone")).value_or(480),
      [cal = calendar_.get()](int64_t unit) { return cal->for_unit(unit)->utc_offset_minutes; });
  jobs_->on(rules::kDateDayJob,
            [this](db::Session& s, const jobs::Job& job) { rules_->run_day(s, job.payload_json); });
  jobs_->on(rules::kDateBatchJob, [this](db::Session& s, const jobs::Job& job) {
    rules_->run_batch(s, job.payload_json);
  });
  // Every event is offered to the rules exactly once (the consumer's cursor and the rule's
  // firing rows commit with the work the rule created).
  jobs_->consume(
      "rules", [this](db::Session& s, const events::StoredEvent& e) { rules_->on_event(s, e); },
      [this](db::Session& s, const events::StoredEvent& e) { return rules_->may_act_on(s, e); });
  callbacks_ = std::make_unique<callbacks::CallbackService>(
      *db_, *clock_, *org_, *customers_, *tickets_, *surveys_, callback_settings(config_));
  rules_->register_action(callbacks_->action());
  jobs_->on(callbacks::kDueSoonJob, [this](db::Session& s, const jobs::Job& job) {
    callbacks_->run_due_sweep(s, job.payload_json);
  });
  customers_->on_merge(
      [this](db::Session& s, int64_t from, int64_t into) {
        return customers::MovedRecords{
            {"callback_tasks", callbacks_->repoint_customer(s, from, into)}};
      },
      [this](db::Session& s, const customers::MovedRecords& moved, int64_t survivor,
             int64_t back_to) {
        if (auto it = moved.find("callback_tasks"); it != moved.end())
          callbacks_->unrepoint_customer(s, it->second, survivor, back_to);
      });
  sender_ = std::make_unique<notify::Sender>(*db_, *clock_, gateway_options(config_), node_id(),
                                             config_.integer("notify.poll_ms"));
  live_ = std::make_unique<events::LiveFeed>(*db_, config_.integer("live.poll_ms"));
  add_routes();
}

App::~App() {
  if (jobs_) jobs_->stop();  // before the services its handlers use go away
}

int App::migrate() {
  auto migrations = db::select_migrations(all_migration_files(), db_->dialect(), kComponents);
  int applied = db::migrate(*db_, migrations, clock_->now_ms());
  calendar_->ensure_defaults();
  customers_->ensure_presets(config_.str("company.industry"));
  tickets_->ensure_presets(config_.str("company.industry"));
  surveys_->ensure_presets();
  callbacks_->ensure_ready(*rules_);
  rules_->ensure_daily();
  callbacks_->ensure_due_sweep();
  uploads_->ensure_cleanup();
  return applied;
}

void App::add_routes() {
  SystemDeps deps{*db_, metrics_, adjustable_, *clock_,
                  [this] { return worker_queue_depth_ ? worker_queue_depth_() : 0; }};
  deps.clock_moved = [this] {
    if (!config_.boolean("jobs.enabled")) return;
    // A tester may move the clock backwards, before the pending day's job: today's is
    // scheduled again (a done one stays done), so date rules follow the test clock.
    rules_->ensure_daily();
    callbacks_->ensure_due_sweep();
    jobs_->run_due_once();
  };
  add_system_routes(router_, std::move(deps));
  // Job and consumer counters of this node (per kind: jobs().stats() and the log lines).
  auto jobs_total = [this](int64_t jobs::KindStats::*field) {
    return [this, field] {
      int64_t n = 0;
      for (const auto& [kind, k] : jobs_->stats().jobs) n += k.*field;
      return static_cast<double>(n);
    };
  };
  metrics_.gauge("kefu_jobs_done_total", "Jobs whose handler committed on this node.",
                 jobs_total(&jobs::KindStats::done));
  metrics_.gauge("kefu_jobs_retried_total", "Job runs that threw and were rescheduled.",
                 jobs_total(&jobs::KindStats::retried));
  metrics_.gauge("kefu_jobs_failed_total", "Jobs that threw for the last allowed time.",
                 jobs_total(&jobs::KindStats::failed));
  metrics_.gauge("kefu_events_delivered_total", "Outbox events delivered to consumers.", [this] {
    int64_t n = 0;
    for (const auto& [name, c] : jobs_->stats().consumers) n += c.delivered;
    return static_cast<double>(n);
  });
  metrics_.gauge("kefu_events_consumer_failures_total", "Consumer handler failures (retried).",
                 [this] {
                   int64_t n = 0;
                   for (const auto& [name, c] : jobs_->stats().consumers) n += c.failures;
                   return static_cast<double>(n);
                 });
  org::add_routes(
      router_, *org_,
      {config_.boolean("server.secure_cookies"), config_.integer("auth.session_hours") * 3600});
  calendar::add_routes(router_, *calendar_);
  customers::add_routes(router_, *customers_);
  add_upload_routes(router_, *uploads_);
  tickets::add_routes(router_, *tickets_);
  rules::add_routes(router_, *rules_);
  surveys::add_routes(router_, *surveys_);
  callbacks::add_routes(router_, *callbacks_);
  add_live_routes(router_, *live_, {ticket_topic(*tickets_), callbacks_->live_topic()});
  static_files_ = std::make_unique<http::StaticFiles>(config_.str("server.static_dir"));
  if (static_files_->enabled()) {
    router_.set_fallback(
        [files = static_files_.get()](http::Context& c) { return files->serve(c.req); });
  }
}

int App::serve() {
  migrate();
  std::string listen = config_.str("server.listen");
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("server.listen must be host:port, got: " + listen);
  http::ServerOptions o;
  o.host = listen.substr(0, colon);
  o.port = static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)));
  o.io_threads = static_cast<int>(config_.integer("server.io_threads"));
  o.workers = static_cast<int>(config_.integer("server.workers"));
  o.worker_queue_limit = config_.integer("server.worker_queue_limit");
  o.max_header_bytes = static_cast<uint32_t>(config_.integer("server.max_header_bytes"));
  o.max_body_bytes = static_cast<uint64_t>(config_.integer("server.max_body_bytes"));
  o.idle_timeout_ms = config_.integer("server.idle_timeout_ms");
  o.request_timeout_ms = config_.integer("server.request_timeout_ms");
  o.shutdown_grace_ms = config_.integer("server.shutdown_grace_ms");
  o.access_log = config_.boolean("log.access");

  // Jobs and consumers run before the first request is accepted and stop only after the
  // server has drained, so a request's job never waits for a runner that has gone.
  const bool run_jobs = config_.boolean("jobs.enabled");
  if (run_jobs) jobs_->start();

  org::OrgService& org = *org_;
  {
    http::Server server(o, router_, metrics_, [&org](const http::Request& req) {
      std::string bearer;
      std::string_view auth = req.header("authorization");
      if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
        bearer = std::string(auth.substr(7));
      }
      return org.authenticate(req.cookie("kefu_session"), bearer);
    });
    worker_queue_depth_ = [&server] { return server.worker_queue_depth(); };
    live_->start();
    sender_->start();
    uint16_t port = server.start();
    spdlog::info("kefu listening on http://{}:{}", o.host, port);
    std::cout << "kefu listening on http://" << o.host << ":" << port << std::endl;
    server.wait();
    worker_queue_depth_ = nullptr;
    live_->stop();
    sender_->stop();
  }
  // Shutting down: the requests are answered; a second SIGTERM (an impatient supervisor)
  // must not cut short the last commits, so it is ignored from here on.
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  if (run_jobs) jobs_->stop();  // finishes the batch in hand (it commits or rolls back whole)
  spdlog::info("kefu stopped");
  return 0;
}

}  // namespace kefu
