#pragma once
// Messages to people outside kefu (SMS, email): a module queues one inside its write
// transaction (so it exists exactly when the decision to send it committed), and a Sender
// thread hands it to the gateway at most once: it is marked `sending` in one commit, sent,
// then marked `sent` or `failed` in another. A crash between the two leaves it `sending`
// (shown to admins, never sent twice). DOMAIN §11: SMS through a gateway adapter, email
// through SMTP, both targets are settings; the "capture" gateway writes each message as a
// JSON line to a file, so a test deployment can read what would have left.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "platform/core/clock.h"
#include "platform/db/database.h"

namespace kefu::notify {

struct Message {
  int64_t id = 0;
  std::string channel;  // "sms" | "email"
  std::string recipient;
  std::string subject;
  std::string body;
  std::string ref;  // what it is about: "callback:12"
  std::string state = "queued";  // queued | sending | sent | failed (held: queued, send_after ahead)
  int64_t send_after = 0;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
  std::string error;
};

// In the caller's transaction; returns the message id.
int64_t queue(db::Session& s, int64_t now, const Message& m);
std::vector<Message> by_ref(db::Session& s, const std::string& ref);

struct GatewayOptions {
  std::string sms = "capture";  // capture | log | off
  std::string email = "capture";
  std::string capture_file;  // JSON lines; "" = the log only
};

class Sender {
 public:
  Sender(db::Database& db, const Clock& clock, GatewayOptions options, std::string node_id,
         int64_t poll_ms = 500);
  ~Sender();
  void start();
  void stop();
  void wake();
  // One round: claims due messages, sends them, records the results; returns how many.
  size_t send_due_once();

 private:
  bool deliver(const Message& m, std::string* error);
  void loop();

  db::Database& db_;
  const Clock& clock_;
  GatewayOptions options_;
  std::string node_id_;
  int64_t poll_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
  std::mutex file_mu_;
};

}  // namespace kefu::notify
