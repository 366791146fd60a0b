#include "platform/config/config.h"

#include <cstdlib>
#include <stdexcept>

#include <toml++/toml.h>

namespace kefu {

Config::Config() {
  values_ = {
      {"server.listen", "127.0.0.1:8080"},
      {"server.io_threads", "2"},
      {"server.workers", "64"},               // blocking handlers; sized for group commit
      {"server.worker_queue_limit", "4096"},  // beyond this, 503 instead of growing
      {"server.max_header_bytes", "16384"},
      {"server.max_body_bytes", "1048576"},
      {"server.idle_timeout_ms", "60000"},
      {"server.request_timeout_ms", "30000"},
      {"server.shutdown_grace_ms", "10000"},
      {"server.static_dir", "web/dist"},  // the console's build; ignored when missing
      {"server.secure_cookies", "false"},
      {"database.url", "sqlite://data/kefu.db"},
      {"database.pool_size", "4"},
      {"storage.files_dir", "data/files"},  // attachments, content-addressed
      // Resumable uploads (large import files): parts of part_bytes, files up to max_bytes,
      // at most max_open unfinished per user, removed after ttl_hours.
      {"uploads.max_bytes", "536870912"},
      {"uploads.part_bytes", "8388608"},
      {"uploads.max_open", "10"},
      {"uploads.ttl_hours", "24"},
      {"log.level", "info"},
      {"log.access", "true"},
      {"auth.session_hours", "12"},
      {"auth.session_idle_minutes", "120"},
      {"auth.max_failures", "5"},
      {"auth.lock_minutes", "15"},
      {"auth.ip_max_failures", "30"},
      {"auth.ip_window_minutes", "10"},
      {"auth.cache_ms", "2000"},  // resolved credentials kept per node; 0 = always ask the database
      {"live.poll_ms", "300"},
      {"tickets.list_scan_window", "4000"},  // newest tickets a list scans before the path indexes  // how often the console's event stream looks for new events
      {"clock.adjustable", "false"},  // test deployments only: lets testers move "now"
      {"company.time_zone", "Asia/Shanghai"},
      {"company.industry", "general"},
      // Company-wide quiet hours: no call offered, no message to a customer sent (DOMAIN §11).
      {"company.quiet_start", "21:00"},
      {"company.quiet_end", "09:00"},
      {"server.public_url", "http://127.0.0.1:8080"},
      {"company.hotline", "400-888-0000"},  // the service hotline scripts name ({hotline})  // the start of links sent to customers
      {"callbacks.link_days", "7"},
      {"callbacks.due_soon_minutes", "60"},  // the live stream tells the assignee this early
      // SMS and email gateways: capture (JSON lines into notify.capture_file), log, off;
      // email also smtp (a relay such as the host's Postfix).
      {"notify.sms", "capture"},
      {"notify.email", "capture"},
      {"notify.capture_file", ""},
      {"notify.smtp_host", "127.0.0.1"},
      {"notify.smtp_port", "25"},
      {"notify.smtp_from", "kefu@localhost"},
      {"notify.smtp_from_name", "客服中心"},
      {"notify.smtp_user", ""},  // AUTH PLAIN when set (and offered by the server)
      {"notify.smtp_password", ""},
      {"notify.smtp_timeout_ms", "30000"},  // for each step of the SMTP conversation
      // STARTTLS: "starttls" when the server offers it, "required" (no TLS, no mail), "none".
      {"notify.smtp_tls", "starttls"},
      {"notify.smtp_verify", "true"},  // the server's certificate and name (false: self-signed)
      {"notify.smtp_ca_file", ""},     // trusted CAs (PEM) instead of the system's
      {"notify.poll_ms", "500"},  // presets at first start: car_dealer, retail, call_center, property, online_shop, telecom
      {"jobs.enabled", "true"},      // false: this node runs no jobs and no outbox consumers
      {"jobs.poll_ms", "500"},       // how often the runner looks for due jobs and new events
      {"jobs.batch_size", "16"},     // jobs per transaction
      {"events.batch_size", "1000"},  // outbox events per consumer transaction
  };
}

void Config::set(const std::string& key, const std::string& value) {
  if (!values_.count(key)) throw std::runtime_error("unknown setting: " + key);
  values_[key] = value;
}

void Config::load_file(const std::string& path) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("cannot read configuration " + path + ": " +
                             std::string(e.description()));
  }
  for (const auto& [section, node] : tbl) {
    const auto* t = node.as_table();
    if (!t)
      throw std::runtime_error(path + ": top-level key " + std::string(section.str()) +
                               " must be a [section]");
    for (const auto& [k, v] : *t) {
      std::string key = std::string(section.str()) + "." + std::string(k.str());
      std::string value;
      if (auto s = v.value<std::string>(); s && v.is_string())
        value = *s;
      else if (auto i = v.value<int64_t>(); i && v.is_integer())
        value = std::to_string(*i);
      else if (auto b = v.value<bool>(); b && v.is_boolean())
        value = *b ? "true" : "false";
      else
        throw std::runtime_error(path + ": " + key + " must be a string, integer or boolean");
      set(key, value);
    }
  }
}

void Config::load_env() {
  for (auto& [key, value] : values_) {
    std::string env = "KEFU_";
    for (char c : key)
      env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const char* v = std::getenv(env.c_str())) value = v;
  }
}

std::string Config::str(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::runtime_error("unknown setting: " + key);
  return it->second;
}

int64_t Config::integer(const std::string& key) const {
  std::string v = str(key);
  try {
    size_t pos = 0;
    int64_t out = std::stoll(v, &pos);
    if (pos != v.size()) throw std::invalid_argument(v);
    return out;
  } catch (const std::exception&) {
    throw std::runtime_error("setting " + key + " must be an integer, got: " + v);
  }
}

bool Config::boolean(const std::string& key) const {
  std::string v = str(key);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw std::runtime_error("setting " + key + " must be true or false, got: " + v);
}

}  // namespace kefu
