#pragma once
// Messages to people outside kefu (SMS, email): a module queues one inside its write
// transaction (so it exists exactly when the decision to send it committed), and a Sender
// thread hands it to the gateway at most once: it is marked `sending` in one commit, sent,
// then marked `sent` or `failed` in another. A crash between the two leaves it `sending`
// (shown to admins, never sent twice). DOMAIN §11: SMS through a gateway adapter, email
// through SMTP, both targets are settings; the "capture" gateway writes each message as a
// JSON line to a file, so a test deployment can read what would have left; the "smtp"
// gateway hands email to an SMTP server (smtp.h). A try that the server provably did not
// take (it could not be reached, or it answered 4xx before accepting the end of DATA) puts
// the message back in the queue for a later try (1, 5, 15, 60 minutes), so a mail server
// that is down for a while loses nothing and sends nothing twice.
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
#include "platform/notify/mail_format.h"
#include "platform/notify/smtp.h"

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
  std::string error;  // why it failed, or why the last try did not go out
  int tries = 0;      // tries the server did not take (each re-queued it)
};

// In the caller's transaction; returns the message id.
int64_t queue(db::Session& s, int64_t now, const Message& m);
std::vector<Message> by_ref(db::Session& s, const std::string& ref);

struct GatewayOptions {
  std::string sms = "capture";    // capture | log | off
  std::string email = "capture";  // capture | log | off | smtp
  std::string capture_file;  // JSON lines; "" = the log only
  SmtpSettings smtp;
};
// "" when the gateways are known names, else what is wrong (checked at start-up).
std::string check(const GatewayOptions& o);

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
  struct Outcome {
    mail::Verdict verdict = mail::Verdict::kSent;
    std::string error;
  };
  Outcome deliver(const Message& m);
  Outcome capture(const Message& m);
  Outcome send_email(const Message& m);
  void record(const Message& m, const Outcome& o);
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
