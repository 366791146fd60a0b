#pragma once
// Internet mail as text, with no network: the message itself (RFC 5322 headers, MIME with a
// base64 UTF-8 body, RFC 2047 encoded words for Chinese names and subjects), the SMTP
// dot-stuffing of DATA, SMTP replies, and what a reply means for a message that must leave
// at most once. The SMTP client (smtp.cpp) only moves these bytes, so all of this is
// unit-tested without a server.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::notify::mail {

struct Mailbox {
  std::string name;  // display name, UTF-8; "" = the address alone
  std::string address;
};

struct Mail {
  Mailbox from;
  std::string to;       // an address
  std::string subject;  // UTF-8
  std::string body;     // UTF-8 plain text, lines separated by \n
  int64_t date_ms = 0;
  std::string message_id;  // without the angle brackets
};

std::string base64(std::string_view bytes);
// Base64 in lines of at most `width` characters, each ending in CRLF (MIME bodies: ≤ 76).
std::string base64_lines(std::string_view bytes, size_t width = 76);

// Header text: as it is when printable ASCII, else RFC 2047 encoded words
// (=?UTF-8?B?...?=), each cut between whole UTF-8 characters so that it stays under 76
// characters with its header name, several folded onto continuation lines.
std::string header_text(std::string_view utf8);
// `客服中心 <kefu@example.com>` with the name encoded (or quoted when ASCII).
std::string mailbox_header(const Mailbox& m);
// RFC 5322 date-time in UTC: "Thu, 26 Nov 2026 04:27:57 +0000".
std::string rfc5322_date(int64_t ms);
// "kefu.<id>.<unique>@<domain>": the message's id makes it traceable, `unique` (random)
// keeps two databases or two tries of one message from sharing one.
std::string message_id(int64_t id, std::string_view unique, std::string_view domain);
std::string domain_of(std::string_view address);
// local@domain with nothing that could break out of an SMTP command or a header.
bool valid_address(std::string_view address);

// The whole message: headers and the base64 body, lines ending in CRLF.
std::string compose(const Mail& m);
// DATA's payload: lines that begin with "." get another, line ends become CRLF, and the
// terminating ".\r\n" follows.
std::string dot_stuff(std::string_view message);

struct Reply {
  int code = 0;                    // 0: not an SMTP reply
  std::vector<std::string> lines;  // the text after "250-" / "250 "
  std::string text() const;        // "550 5.1.1 <x@y>: Recipient address rejected ..."
};
// The first complete reply at the start of `buffer` (multi-line replies: "250-..." up to
// "250 ..."); nullopt while its last line has not arrived. *used = the bytes it took.
std::optional<Reply> parse_reply(std::string_view buffer, size_t* used);
// Whether an EHLO reply offers an extension by its keyword ("STARTTLS", "8BITMIME"; any case).
bool offers(const Reply& ehlo, std::string_view keyword);
// Whether an EHLO reply offers AUTH PLAIN ("AUTH LOGIN PLAIN", or the old "AUTH=PLAIN").
bool offers_auth_plain(const Reply& ehlo);
// The AUTH PLAIN initial response: base64 of "\0user\0password".
std::string auth_plain(std::string_view user, std::string_view password);

// What became of one try, for a message that must not leave twice:
// sent; retry (the server cannot have taken it: nothing was accepted yet); failed (for good,
// or unknown because the connection was lost after the final "." went out).
enum class Verdict { kSent, kRetry, kFailed };
// A refusal: 4xx is temporary and the message was not taken, another try is safe; 5xx (and
// anything that is not SMTP) is final.
Verdict refusal_verdict(int code);
// A lost connection or a timeout: safe to retry only while the end of DATA has not been sent.
Verdict transport_verdict(bool data_end_sent);
// The wait before try `tries + 1` of a message not yet taken (1, 5, 15, 60 minutes);
// nullopt once it has had its tries: then it is failed.
std::optional<int64_t> retry_delay_ms(int tries);

}  // namespace kefu::notify::mail
