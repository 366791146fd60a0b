#include "platform/notify/messages.h"

#include <fstream>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace kefu::notify {
namespace {

constexpr const char* kCols =
    "id, channel, recipient, subject, body, ref, state, send_after, created_at, sent_at, error";

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
  return m;
}

}  // namespace

int64_t queue(db::Session& s, int64_t now, const Message& m) {
  return s
      .query_one(
          "INSERT INTO messages (channel, recipient, subject, body, ref, state, send_after, "
          "created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?) RETURNING id",
          {m.channel, m.recipient, m.subject, m.body, m.ref, std::max(m.send_after, now), now})
      ->i64(0);
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

Sender::~Sender() { stop(); }

void Sender::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
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
  for (const auto& m : claimed) {
    std::string error;
    bool ok = deliver(m, &error);
    db_.write([&](db::Session& s) {
      s.exec("UPDATE messages SET state = ?, sent_at = ?, error = ? WHERE id = ?",
             {ok ? "sent" : "failed", clock_.now_ms(), error, m.id});
    });
  }
  return claimed.size();
}

bool Sender::deliver(const Message& m, std::string* error) {
  const std::string& gw = m.channel == "sms" ? options_.sms : options_.email;
  if (gw == "off") {
    *error = "gateway off";
    return false;
  }
  spdlog::info("notify: {} to {} ({}): {}", m.channel, m.recipient, m.ref, m.body);
  if (gw == "capture" && !options_.capture_file.empty()) {
    boost::json::object line{{"id", m.id},           {"channel", m.channel},
                             {"recipient", m.recipient}, {"subject", m.subject},
                             {"body", m.body},       {"ref", m.ref},
                             {"at", clock_.now_ms()}};
    std::lock_guard lock(file_mu_);
    std::ofstream out(options_.capture_file, std::ios::app);
    out << boost::json::serialize(line) << "\n";
    out.flush();
    if (!out) {
      *error = "capture file not writable";
      return false;
    }
  }
  return true;
}

}  // namespace kefu::notify
