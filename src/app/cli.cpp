// The `kefu` command line: serve, init, migrate, user, token, backup, audit, routes, schema,
// version.
#include "app/cli.h"

#include <iostream>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/app.h"
#include "app/demo.h"
#include "modules/org/json.h"
#include "platform/audit/audit.h"
#include "platform/core/error.h"
#include "platform/core/i18n.h"
#include "platform/core/ids.h"
#include "platform/db/migrations.h"

#ifndef KEFU_VERSION
#define KEFU_VERSION "0.1.0"
#endif

namespace kefu {
namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Refusals print in Chinese and English, the way the console shows them.
void print_error(const Error& e) {
  std::cerr << "error: " << i18n::render(i18n::Lang::kZh, e.code(), e.params()) << " / "
            << i18n::render(i18n::Lang::kEn, e.code(), e.params()) << "\n";
  for (const auto& f : e.fields())
    std::cerr << "  " << f.field << ": " << i18n::render(i18n::Lang::kEn, f.code, f.params) << "\n";
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App cli{"kefu — customer-service management (客服管理系统)"};
  cli.require_subcommand(1);
  std::string config_file;
  std::vector<std::string> sets;
  cli.add_option("-c,--config", config_file, "TOML configuration file");
  cli.add_option("--set", sets, "Override a setting: --set database.url=sqlite://x.db")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli.fallthrough();  // --config and --set may also follow the subcommand

  auto* serve = cli.add_subcommand("serve", "Serve the API (and console) until SIGTERM");
  std::string listen;
  serve->add_option("--listen", listen, "host:port (default 127.0.0.1:8080)");

  auto* init =
      cli.add_subcommand("init", "Create the database, the head office and the first admin");
  std::string org_name = "示例集团", org_code = "HQ", admin_user = "admin", admin_password;
  bool demo = false;
  init->add_option("--org-name", org_name, "Name of the head office");
  init->add_option("--org-code", org_code, "Code of the head office");
  init->add_option("--admin-user", admin_user, "First admin's user name");
  init->add_option("--admin-password", admin_password,
                   "First admin's password (generated when omitted)");
  init->add_flag("--demo", demo, "Also create a demo organisation, users and customers");
  int demo_customers = 300;
  int demo_tickets = 150;
  init->add_option("--demo-customers", demo_customers, "How many demo customers (default 300)");
  init->add_option("--demo-tickets", demo_tickets, "How many demo tickets (default 150)");
  std::string industry;
  init->add_option("--industry", industry,
                   "Presets for: general (default), car_dealer, retail, call_center, property, "
                   "online_shop, telecom");
  bool if_needed = false;
  init->add_flag("--if-needed", if_needed, "Do nothing when already initialised");

  cli.add_subcommand("migrate", "Apply pending schema migrations");

  auto* user = cli.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add a user");
  std::string u_name, u_display, u_unit, u_roles, u_password, u_phone;
  user_add->add_option("--username", u_name)->required();
  user_add->add_option("--display-name", u_display)->required();
  user_add->add_option("--unit", u_unit, "Org unit code")->required();
  user_add->add_option("--roles", u_roles, "Comma-separated roles")->required();
  user_add->add_option("--password", u_password)->required();
  user_add->add_option("--phone", u_phone);
  auto* user_passwd = user->add_subcommand("passwd", "Set a user's password");
  user_passwd->add_option("--username", u_name)->required();
  user_passwd->add_option("--password", u_password)->required();
  auto* user_disable = user->add_subcommand("disable", "Disable a user and end their sessions");
  user_disable->add_option("--username", u_name)->required();

  auto* token = cli.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto* token_create =
      token->add_subcommand("create", "Create an API token for a user (printed once)");
  std::string t_name, t_scopes = "read,write";
  int64_t t_days = 0, t_id = 0;
  token_create->add_option("--username", u_name)->required();
  token_create->add_option("--name", t_name)->required();
  token_create->add_option("--scopes", t_scopes, "read,write");
  token_create->add_option("--days", t_days, "Expires after this many days (default: never)");
  auto* token_revoke = token->add_subcommand("revoke", "Revoke an API token");
  token_revoke->add_option("--username", u_name)->required();
  token_revoke->add_option("--id", t_id)->required();

  auto* backup = cli.add_subcommand("backup", "Copy the SQLite database while it is in use");
  std::string backup_to;
  backup->add_option("--to", backup_to, "Target file")->required();

  auto* audit_cmd = cli.add_subcommand("audit", "Audit log tools");
  audit_cmd->require_subcommand(1);
  audit_cmd->add_subcommand("verify", "Check the hash chain of the audit log");

  cli.add_subcommand("routes", "List the HTTP routes");
  cli.add_subcommand("schema", "Print tables and columns (to compare dialects)");
  cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);

  if (cli.got_subcommand("version")) {
    std::cout << "kefu " << KEFU_VERSION << "\n";
    return 0;
  }

  try {
    Config config;
    if (!config_file.empty()) config.load_file(config_file);
    config.load_env();
    for (const auto& s : sets) {
      auto eq = s.find('=');
      if (eq == std::string::npos) throw std::runtime_error("--set needs key=value, got: " + s);
      config.set(s.substr(0, eq), s.substr(eq + 1));
    }
    if (!listen.empty()) config.set("server.listen", listen);
    if (!industry.empty()) config.set("company.industry", industry);
    // Logs go to stderr so that command output (tokens, schema) stays clean on stdout.
    spdlog::set_default_logger(spdlog::stderr_logger_mt("kefu"));
    spdlog::set_level(spdlog::level::from_str(config.str("log.level")));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

    App app(config);
    auto sys = org::OrgService::system_principal("cli");

    if (cli.got_subcommand("routes")) {
      for (const auto& r : app.router().routes())
        std::cout << r->method << " " << r->pattern << "\n";
      return 0;
    }
    app.migrate();
    if (cli.got_subcommand("migrate")) {
      std::cout << "schema is up to date\n";
      return 0;
    }
    if (cli.got_subcommand("schema")) {
      for (const auto& [table, cols] : db::describe_schema(app.db())) {
        if (table == "schema_migrations") continue;
        for (const auto& c : cols) std::cout << table << "." << c << "\n";
      }
      return 0;
    }
    if (cli.got_subcommand("serve")) return app.serve();
    if (cli.got_subcommand("init")) {
      if (app.org().initialised()) {
        if (if_needed) {
          std::cout << "already initialised\n";
          return 0;
        }
        throw Error(ErrorKind::kConflict, "org.already_initialised");
      }
      bool generated = admin_password.empty();
      if (generated) admin_password = "Kf" + random_hex(6);
      app.org().initialise(org_name, org_code, admin_user, admin_password);
      std::cout << "Initialised: head office " << org_name << " (" << org_code << ")\n"
                << "Sign in as " << admin_user << " with password " << admin_password << "\n";
      if (demo) {
        create_demo_organisation(app.org(), admin_password);
        create_demo_customers(app.org(), app.customers(), demo_customers, app.clock().now_ms());
        std::cout << "Demo customers: " << demo_customers
                  << " (with vehicles, deliveries and services)\n";
        AdjustableClock history;  // the demo tickets' month happens on their own clock
        auto tickets = app.tickets_on(history);
        create_demo_tickets(app.org(), app.customers(), *tickets, history, demo_tickets,
                            app.clock().now_ms());
        create_demo_surveys(app.org(), app.surveys(), app.db(), app.clock().now_ms());
      }
      return 0;
    }
    if (auto* u = cli.get_subcommand("user"); u->parsed()) {
      if (user_add->parsed()) {
        auto unit = app.org().get_unit_by_code(sys, u_unit);
        auto created = app.org().create_user(
            sys, {u_name, u_display, u_password, unit.id, split_list(u_roles), u_phone, ""});
        std::cout << "user " << created.username << " created (id " << created.id << ")\n";
      } else if (user_passwd->parsed()) {
        auto found = app.org().find_user_by_name(sys, u_name);
        app.org().reset_password(sys, found.id, u_password);
        std::cout << "password set for " << u_name << "\n";
      } else if (user_disable->parsed()) {
        auto found = app.org().find_user_by_name(sys, u_name);
        org::UserPatch patch;
        patch.active = false;
        app.org().update_user(sys, found.id, patch);
        std::cout << "user " << u_name << " disabled\n";
      }
      return 0;
    }
    if (auto* t = cli.get_subcommand("token"); t->parsed()) {
      auto found = app.org().find_user_by_name(sys, u_name);
      auto as_user = sys;
      as_user.user_id = found.id;
      as_user.username = found.username;
      as_user.unit_path = found.unit_path;
      if (token_create->parsed()) {
        org::NewToken nt{t_name, split_list(t_scopes),
                         t_days > 0 ? std::optional<int64_t>(t_days) : std::nullopt};
        auto issued = app.org().create_token(as_user, nt);
        std::cout << issued.token << "\n";
      } else {
        app.org().revoke_token(as_user, t_id);
        std::cout << "token " << t_id << " revoked\n";
      }
      return 0;
    }
    if (cli.got_subcommand("backup")) {
      app.db().backup(backup_to);
      std::cout << "backup written to " << backup_to << "\n";
      return 0;
    }
    if (cli.got_subcommand("audit")) {
      auto result = audit::verify(app.db());
      if (result.ok) {
        std::cout << "audit log intact: " << result.checked << " rows verified\n";
        return 0;
      }
      std::cout << "audit log BROKEN at row " << result.bad_id << ": " << result.reason << " ("
                << result.checked << " rows checked)\n";
      return 1;
    }
  } catch (const Error& e) {
    print_error(e);
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace kefu
