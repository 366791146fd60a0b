#include "app/app.h"

#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app/system_routes.h"
#include "modules/calendar/routes.h"
#include "modules/customers/routes.h"
#include "modules/org/routes.h"
#include "platform/core/i18n.h"
#include "platform/db/migrations.h"
#include "platform/http/server.h"

namespace kefu::embedded {
const std::map<std::string, std::string>& org_migrations();
const std::map<std::string, std::string>& calendar_migrations();
const std::map<std::string, std::string>& customers_migrations();
const std::map<std::string, std::string>& app_files();
}  // namespace kefu::embedded

namespace kefu {
namespace {

// Migration order: the platform's tables first, then each module in dependency order.
const std::vector<std::string> kComponents = {"platform", "org", "calendar", "customers"};

std::map<std::string, std::string> all_migration_files() {
  std::map<std::string, std::string> files = embedded::app_files();
  for (const auto& kv : embedded::org_migrations()) files.insert(kv);
  for (const auto& kv : embedded::calendar_migrations()) files.insert(kv);
  for (const auto& kv : embedded::customers_migrations()) files.insert(kv);
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

}  // namespace

App::App(Config config) : config_(std::move(config)) {
  i18n::add_platform_messages();
  org::OrgService::register_messages();
  calendar::CalendarService::register_messages();
  customers::CustomerService::register_messages();
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
  org_ = std::make_unique<org::OrgService>(*db_, *clock_, org_settings(config_));
  calendar_ = std::make_unique<calendar::CalendarService>(*db_, *clock_, *org_);
  customers_ = std::make_unique<customers::CustomerService>(*db_, *clock_, *org_);
  add_routes();
}

App::~App() = default;

int App::migrate() {
  auto migrations = db::select_migrations(all_migration_files(), db_->dialect(), kComponents);
  int applied = db::migrate(*db_, migrations, clock_->now_ms());
  calendar_->ensure_defaults();
  customers_->ensure_presets();
  return applied;
}

void App::add_routes() {
  add_system_routes(router_, SystemDeps{*db_, metrics_, adjustable_, *clock_, [this] {
                                          return worker_queue_depth_ ? worker_queue_depth_() : 0;
                                        }});
  org::add_routes(
      router_, *org_,
      {config_.boolean("server.secure_cookies"), config_.integer("auth.session_hours") * 3600});
  calendar::add_routes(router_, *calendar_);
  customers::add_routes(router_, *customers_);
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
    uint16_t port = server.start();
    spdlog::info("kefu listening on http://{}:{}", o.host, port);
    std::cout << "kefu listening on http://" << o.host << ":" << port << std::endl;
    server.wait();
    worker_queue_depth_ = nullptr;
  }
  // Shutting down: the requests are answered; a second SIGTERM (an impatient supervisor)
  // must not cut short the last commits, so it is ignored from here on.
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  spdlog::info("kefu stopped");
  return 0;
}

}  // namespace kefu
