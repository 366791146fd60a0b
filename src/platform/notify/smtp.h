#pragma once
// A small synchronous SMTP client (RFC 5321): one connection per message, EHLO (HELO for
// old servers), AUTH PLAIN when configured and offered, MAIL FROM, RCPT TO, DATA, QUIT, each
// step under a timeout. No TLS: it talks to a relay on the same host or network (Postfix on
// 127.0.0.1 by default), which takes the mail onward. The Asio code stays in smtp.cpp.
#include <cstdint>
#include <string>

#include "platform/notify/mail_format.h"

namespace kefu::notify {

struct SmtpSettings {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string from = "kefu@localhost";
  std::string from_name = "客服中心";
  std::string user;  // "" = no AUTH
  std::string password;
  int64_t timeout_ms = 30000;  // for each step: connecting, each command's reply, DATA
};

struct SmtpResult {
  mail::Verdict verdict = mail::Verdict::kFailed;
  std::string detail;  // the server's reply or what went wrong; "" when sent
};

// Hands one message to the server. Blocks for at most a few timeouts.
SmtpResult send_smtp(const SmtpSettings& settings, const mail::Mail& message);

}  // namespace kefu::notify
