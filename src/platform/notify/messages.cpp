#include "platform/notify/messages.h"

#include <fstream>
#include <initializer_list>

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "platform/core/ids.h"
#include "platform/core/thread_name.h"

namespace kefu::notify {
namespace {

constexpr const char* kCols =
    "id, channel, recipient, subject, body, ref, state, send_after, created_at, sent_at, error, "
    "tries";

Message from_row(const db::Row& r) {
  Message m;
  m.id = r.i64(0);
  m.channel = r.str(1);
  m.recipient = r.str(2);
  m.subject = r.str(3);
  m.body = r.str(4);
  m.ref = r.str(5);
  m.state = r.str(6);
  m.send_after = r.i64(7);
  m.created_at = r.i64(8);
  m.sent_at = r.opt_i64(9);
  m.error = r.str(10);
  m.tries = static_cast<int>(r.i64(11));
  return m;
}

bool one_of(const std::string& v, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (v == n) return true;
  return false;
}

}  // namespace

std::string check(const GatewayOptions& o) {
  if (!one_of(o.sms, {"capture", "log", "off"}))
    return "notify.sms must be capture, log or off, got: " + o.sms;
  if (!one_of(o.email, {"capture", "log", "off", "smtp"}))
    return "notify.email must be capture, log, off or smtp, got: " + o.email;
  if (o.email == "smtp" && !mail::valid_address(o.smtp.from))
    return "notify.smtp_from must be an email address, got: " + o.smtp.from;
  if (o.email == "smtp" && (o.smtp.port < 1 || o.smtp.port > 65535))
    return "notify.smtp_port must be between 1 and 65535";
  return "";
}

int64_t queue(db::Session& s, int64_t now, const Message& m) {
  return s
      .insert_row(
          "INSERT INTO messages (channel, recipient, subject, body, ref, state, send_after, "
          "created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
          {m.channel, m.recipient, m.subject, m.body, m.ref, std::max(m.send_after, now), now})
      .value();
}

std::vector<Message> by_ref(db::Session& s, const std::string& ref) {
  std::vector<Message> out;
  for (const auto& r :
       s.query(std::string("SELECT ") + kCols + " FROM messages WHERE ref = ? ORDER BY id", {ref}))
    out.push_back(from_row(r));
  return out;
}

Sender::Sender(db::Database& db, const Clock& clock, GatewayOptions options, std::string node_id,
               int64_t poll_ms)
    : db_(db),
      clock_(clock),
      options_(std::move(options)),
      node_id_(std::move(node_id)),
      poll_ms_(poll_ms) {}

Sender::~Sender() {
  stop();
}

void Sender::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    core::name_this_thread("kefu-notify");
    loop();
  });
}

void Sender::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sender::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Sender::loop() {
  while (true) {
    try {
      while (send_due_once() > 0) {
      }
    } catch (const std::exception& e) {
      spdlog::warn("notify: sending failed on the database: {}", e.what());
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_), [this] { return stop_ || woken_; });
    woken_ = false;
    if (stop_) return;
  }
}

size_t Sender::send_due_once() {
  int64_t now = clock_.now_ms();
  std::vector<Message> claimed;
  db_.write([&](db::Session& s) {
    claimed.clear();
    std::string sql = std::string("SELECT ") + kCols +
                      " FROM messages WHERE state = 'queued' AND send_after <= ? ORDER BY id "
                      "LIMIT 50";
    if (s.dialect() == db::Dialect::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
    for (const auto& r : s.query(sql, {now})) claimed.push_back(from_row(r));
    for (const auto& m : claimed)
      s.exec("UPDATE messages SET state = 'sending', claimed_by = ? WHERE id = ?",
             {node_id_, m.id});
  });
  for (const auto& m : claimed) record(m, deliver(m));
  return claimed.size();
}

// The try's outcome, in its own commit: sent, failed for good, or back in the queue for a
// later try when the server cannot have taken it (and it still has tries left).
void Sender::record(const Message& m, const Outcome& o) {
  int64_t now = clock_.now_ms();
  if (o.verdict == mail::Verdict::kRetry) {
    int tries = m.tries + 1;
    if (auto delay = mail::retry_delay_ms(tries)) {
      spdlog::warn("notify: message {} not taken (try {}), again in {} s: {}", m.id, tries,
                   *delay / 1000, o.error);
      db_.write([&](db::Session& s) {
        s.exec(
            "UPDATE messages SET state = 'queued', tries = ?, send_after = ?, error = ?, "
            "claimed_by = '' WHERE id = ?",
            {tries, now + *delay, o.error, m.id});
      });
      return;
    }
    spdlog::warn("notify: message {} failed after {} tries: {}", m.id, tries, o.error);
    db_.write([&](db::Session& s) {
      s.exec("UPDATE messages SET state = 'failed', tries = ?, sent_at = ?, error = ? WHERE id = ?",
             {tries, now, o.error, m.id});
    });
    return;
  }
  bool sent = o.verdict == mail::Verdict::kSent;
  if (!sent) spdlog::warn("notify: message {} failed: {}", m.id, o.error);
  db_.write([&](db::Session& s) {
    s.exec("UPDATE messages SET state = ?, sent_at = ?, error = ? WHERE id = ?",
           {sent ? "sent" : "failed", now, o.error, m.id});
  });
}

Sender::Outcome Sender::deliver(const Message& m) {
  const std::string& gw = m.channel == "sms" ? options_.sms : options_.email;
  if (gw == "off") return {mail::Verdict::kFailed, "gateway off"};
  if (gw == "smtp") return send_email(m);
  spdlog::info("notify: {} to {} ({}): {}", m.channel, m.recipient, m.ref, m.body);
  if (gw == "capture" && !options_.capture_file.empty()) return capture(m);
  return {};
}

Sender::Outcome Sender::capture(const Message& m) {
  boost::json::object line{
      {"id", m.id},     {"channel", m.channel}, {"recipient", m.recipient}, {"subject", m.subject},
      {"body", m.body}, {"ref", m.ref},         {"at", clock_.now_ms()}};
  std::lock_guard lock(file_mu_);
  std::ofstream out(options_.capture_file, std::ios::app);
  out << boost::json::serialize(line) << "\n";
  out.flush();
  if (!out) return {mail::Verdict::kFailed, "capture file not writable"};
  return {};
}

Sender::Outcome Sender::send_email(const Message& m) {
  mail::Mail mail;
  mail.from = {options_.smtp.from_name, options_.smtp.from};
  mail.to = m.recipient;
  mail.subject = m.subject;
  mail.body = m.body;
  mail.date_ms = clock_.now_ms();
  mail.message_id = mail::message_id(m.id, random_hex(8), mail::domain_of(options_.smtp.from));
  auto r = send_smtp(options_.smtp, mail);
  if (r.verdict == mail::Verdict::kSent)
    spdlog::info("notify: email {} to {} ({}) taken by {}:{}", m.id, m.recipient, m.ref,
                 options_.smtp.host, options_.smtp.port);
  return {r.verdict, r.detail};
}

}  // namespace kefu::notify
