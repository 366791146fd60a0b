#pragma once
// A small synchronous SMTP client (RFC 5321): one connection per message, EHLO (HELO for
// old servers), STARTTLS (RFC 3207) when the server offers it, AUTH PLAIN when configured and
// offered (only inside TLS unless TLS is off), MAIL FROM, RCPT TO, DATA, QUIT, each step under
// a timeout. TLS is OpenSSL through Boost.Asio's ssl::stream, verifying the server's
// certificate chain and name unless told not to. The Asio code stays in smtp.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
  // kStartTls: TLS when the server offers STARTTLS, else plain (but no AUTH in plain);
  // kRequired: no TLS, no mail; kNone: plain, as for a relay on the same host.
  enum class Tls { kNone, kStartTls, kRequired };
  Tls tls = Tls::kStartTls;
  bool verify = true;   // the certificate chain and that it names `host`
  std::string ca_file;  // PEM file of trusted CAs; "" = the system's
};
// "starttls" | "required" | "none".
std::optional<SmtpSettings::Tls> parse_tls(std::string_view s);

struct SmtpResult {
  mail::Verdict verdict = mail::Verdict::kFailed;
  std::string detail;  // the server's reply or what went wrong; "" when sent
};

// Hands one message to the server. Blocks for at most a few timeouts.
SmtpResult send_smtp(const SmtpSettings& settings, const mail::Mail& message);

}  // namespace kefu::notify
