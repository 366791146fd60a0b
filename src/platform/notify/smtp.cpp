#include "platform/notify/smtp.h"

#include <array>
#include <chrono>
#include <initializer_list>
#include <optional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

namespace kefu::notify {

std::optional<SmtpSettings::Tls> parse_tls(std::string_view s) {
  if (s == "starttls") return SmtpSettings::Tls::kStartTls;
  if (s == "required") return SmtpSettings::Tls::kRequired;
  if (s == "none") return SmtpSettings::Tls::kNone;
  return std::nullopt;
}

namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Tls = SmtpSettings::Tls;
using boost::system::error_code;
using mail::Verdict;

constexpr size_t kMaxReplyBytes = 64 * 1024;

// One TCP connection whose every operation ends within the timeout: each is started
// asynchronously and the io_context is run for at most that long; an operation still
// pending then is cancelled by closing the socket (Asio's blocking_tcp_client example).
// After STARTTLS the same socket carries a TLS stream and every read and write goes through
// it.
class Connection {
 public:
  explicit Connection(int64_t timeout_ms) : socket_(ioc_), timeout_(timeout_ms) {}

  // "" or what went wrong.
  std::string connect(const std::string& host, int port) {
    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type endpoints;
    auto ec = run(
        [&](auto done) {
          resolver.async_resolve(host, std::to_string(port),
                                 [&endpoints, done](error_code e, tcp::resolver::results_type r) {
                                   endpoints = std::move(r);
                                   done(e);
                                 });
        },
        [&resolver] { resolver.cancel(); });
    if (!ec)
      ec = run([&](auto done) {
        asio::async_connect(socket_, endpoints,
                            [done](error_code e, const tcp::endpoint&) { done(e); });
      });
    return ec ? "connect " + host + ":" + std::to_string(port) + ": " + ec.message() : "";
  }

  std::string write(std::string_view bytes) {
    auto ec = run([&](auto done) {
      auto handler = [done](error_code e, size_t) { done(e); };
      if (tls_)
        asio::async_write(*tls_, asio::buffer(bytes), handler);
      else
        asio::async_write(socket_, asio::buffer(bytes), handler);
    });
    return ec ? "sending: " + ec.message() : "";
  }

  // After the server's 220 to STARTTLS: the TLS handshake on the open socket. "" or what
  // went wrong.
  std::string start_tls(const SmtpSettings& s) {
    // Anything the server sent after its 220 came in plain text and could have been put
    // there by someone in the middle (RFC 3207 §6): refuse rather than read it as secure.
    if (!buffer_.empty()) return "STARTTLS: the server sent more after its 220";
    ctx_.emplace(ssl::context::tls_client);
    ctx_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1);
    error_code ec;
    if (s.verify) {
      if (s.ca_file.empty())
        ctx_->set_default_verify_paths(ec);
      else
        ctx_->load_verify_file(s.ca_file, ec);
      if (ec) return "TLS: reading the trusted certificates: " + ec.message();
      ctx_->set_verify_mode(ssl::verify_peer);
    } else {
      ctx_->set_verify_mode(ssl::verify_none);
    }
    tls_.emplace(socket_, *ctx_);
    if (s.verify) tls_->set_verify_callback(ssl::host_name_verification(s.host));
    error_code not_an_address;
    asio::ip::make_address(s.host, not_an_address);
    if (not_an_address)  // SNI names a host, never an address
      SSL_set_tlsext_host_name(tls_->native_handle(), const_cast<char*>(s.host.c_str()));
    ec = run([&](auto done) {
      tls_->async_handshake(ssl::stream_base::client, [done](error_code e) { done(e); });
    });
    if (!ec) return "";
    std::string why = ec.message();
    if (long v = SSL_get_verify_result(tls_->native_handle()); s.verify && v != X509_V_OK)
      why += std::string(" (") + X509_verify_cert_error_string(v) + ")";
    return "TLS handshake with " + s.host + ": " + why;
  }

  bool secure() const { return tls_.has_value(); }

  std::string read_reply(mail::Reply* reply) {
    while (true) {
      size_t used = 0;
      if (auto r = mail::parse_reply(buffer_, &used)) {
        buffer_.erase(0, used);
        *reply = std::move(*r);
        return "";
      }
      if (buffer_.size() > kMaxReplyBytes) return "the server's reply is too long";
      std::array<char, 4096> chunk;
      size_t n = 0;
      auto ec = run([&](auto done) {
        auto handler = [&n, done](error_code e, size_t got) {
          n = got;
          done(e);
        };
        if (tls_)
          tls_->async_read_some(asio::buffer(chunk), handler);
        else
          socket_.async_read_some(asio::buffer(chunk), handler);
      });
      if (ec) return "waiting for the server: " + ec.message();
      buffer_.append(chunk.data(), n);
    }
  }

 private:
  template <class Start>
  error_code run(Start start) {
    return run(start, [this] {
      error_code ignored;
      socket_.close(ignored);
    });
  }

  template <class Start, class Cancel>
  error_code run(Start start, Cancel cancel) {
    error_code result = asio::error::would_block;
    start([&result](error_code e) { result = e; });
    ioc_.restart();
    ioc_.run_for(std::chrono::milliseconds(timeout_));
    if (result == asio::error::would_block) {
      cancel();
      ioc_.restart();
      ioc_.run();  // the cancelled handler runs before `result` goes out of scope
      return asio::error::timed_out;
    }
    return result;
  }

  asio::io_context ioc_;
  tcp::socket socket_;
  int64_t timeout_;
  std::string buffer_;
  std::optional<ssl::context> ctx_;                 // declared before the stream using it,
  std::optional<ssl::stream<tcp::socket&>> tls_;  // which therefore goes first
};

// One exchange: the command (if any), then its reply. nullopt when the reply is one of
// `ok`; else what this means for the message. `data_end_sent`: the server may hold the
// whole message already, so a lost connection must not lead to another try.
std::optional<SmtpResult> exchange(Connection& c, const std::string& command,
                                   std::initializer_list<int> ok, mail::Reply* reply,
                                   const char* step, bool data_end_sent = false) {
  if (!command.empty()) {
    if (auto e = c.write(command); !e.empty())
      return SmtpResult{mail::transport_verdict(false), std::string(step) + ": " + e};
  }
  if (auto e = c.read_reply(reply); !e.empty()) {
    std::string detail = std::string(step) + ": " + e;
    if (data_end_sent) detail += " (the server may have taken the message; it is not sent again)";
    return SmtpResult{mail::transport_verdict(data_end_sent), detail};
  }
  for (int code : ok)
    if (reply->code == code) return std::nullopt;
  return SmtpResult{mail::refusal_verdict(reply->code), std::string(step) + ": " + reply->text()};
}

std::optional<SmtpResult> greet(Connection& c, const SmtpSettings& s) {
  mail::Reply reply;
  if (auto r = exchange(c, "", {220}, &reply, "greeting")) return r;
  std::string name = mail::domain_of(s.from);
  if (name.empty()) name = "localhost";
  auto ehlo = exchange(c, "EHLO " + name + "\r\n", {250}, &reply, "EHLO");
  if (ehlo && ehlo->verdict == Verdict::kFailed && reply.code >= 500) {
    // A server that does not know EHLO (500/502) still speaks HELO; no extensions then.
    if (auto r = exchange(c, "HELO " + name + "\r\n", {250}, &reply, "HELO")) return r;
    reply.lines.clear();
  } else if (ehlo) {
    return ehlo;
  }
  if (s.tls != Tls::kNone) {
    if (mail::offers(reply, "STARTTLS")) {
      if (auto r = exchange(c, "STARTTLS\r\n", {220}, &reply, "STARTTLS")) return r;
      // Nothing was handed over yet: a failed handshake may be tried again later.
      if (auto e = c.start_tls(s); !e.empty()) return SmtpResult{Verdict::kRetry, e};
      // RFC 3207 §4.2: what the server said before TLS is forgotten; EHLO again, inside it.
      if (auto r = exchange(c, "EHLO " + name + "\r\n", {250}, &reply, "EHLO after STARTTLS"))
        return r;
    } else if (s.tls == Tls::kRequired) {
      return SmtpResult{Verdict::kFailed,
                        "STARTTLS: the server does not offer it (notify.smtp_tls = required)"};
    }
  }
  if (s.user.empty()) return std::nullopt;
  // The password goes only inside TLS, unless TLS was turned off on purpose.
  if (s.tls != Tls::kNone && !c.secure())
    return SmtpResult{Verdict::kFailed,
                      "AUTH: the server does not offer STARTTLS and the password is not sent "
                      "in the clear (notify.smtp_tls = none allows it)"};
  if (!mail::offers_auth_plain(reply))
    return SmtpResult{Verdict::kFailed,
                      "AUTH: the server does not offer AUTH PLAIN (notify.smtp_user is set)"};
  return exchange(c, "AUTH PLAIN " + mail::auth_plain(s.user, s.password) + "\r\n", {235}, &reply,
                  "AUTH");
}

}  // namespace

SmtpResult send_smtp(const SmtpSettings& s, const mail::Mail& m) {
  if (!mail::valid_address(m.to)) return {Verdict::kFailed, "not an email address: " + m.to};
  if (!mail::valid_address(s.from))
    return {Verdict::kFailed, "notify.smtp_from is not an email address: " + s.from};
  Connection c(s.timeout_ms);
  if (auto e = c.connect(s.host, s.port); !e.empty()) return {Verdict::kRetry, e};
  if (auto r = greet(c, s)) return *r;
  mail::Reply reply;
  if (auto r = exchange(c, "MAIL FROM:<" + s.from + ">\r\n", {250}, &reply, "MAIL FROM")) return *r;
  if (auto r = exchange(c, "RCPT TO:<" + m.to + ">\r\n", {250, 251}, &reply, "RCPT TO")) return *r;
  if (auto r = exchange(c, "DATA\r\n", {354}, &reply, "DATA")) return *r;
  // A write that fails has not handed over the final ".", so the server cannot have the
  // message: retrying is safe. Once it is out, only the reply can say what happened.
  if (auto e = c.write(mail::dot_stuff(mail::compose(m))); !e.empty())
    return {Verdict::kRetry, "DATA: " + e};
  if (auto r = exchange(c, "", {250}, &reply, "end of DATA", true)) return *r;
  mail::Reply bye;
  exchange(c, "QUIT\r\n", {221}, &bye, "QUIT");  // the message is taken; QUIT is a courtesy
  return {Verdict::kSent, ""};
}

}  // namespace kefu::notify
