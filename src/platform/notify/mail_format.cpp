#include "platform/notify/mail_format.h"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <ctime>

namespace kefu::notify::mail {
namespace {

bool printable_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Bytes of UTF-8 that fit `max` without cutting a character (continuation bytes 10xxxxxx
// never start a piece).
size_t utf8_prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n == 0 ? max : n;  // not UTF-8 at all: cut anywhere rather than loop
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Every line ending (\r\n, \n or a lone \r) as CRLF.
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string base64_lines(std::string_view bytes, size_t width) {
  std::string encoded = base64(bytes);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += width) out += encoded.substr(i, width) + "\r\n";
  return out;
}

std::string header_text(std::string_view utf8) {
  if (printable_ascii(utf8) && utf8.find("=?") == std::string_view::npos) return std::string(utf8);
  // 39 bytes → 52 base64 characters → a 64-character word: with "Subject: " the line stays
  // within the 76 characters RFC 2047 allows.
  constexpr size_t kBytesPerWord = 39;
  std::string out;
  while (!utf8.empty()) {
    size_t n = utf8_prefix(utf8, kBytesPerWord);
    if (!out.empty()) out += "\r\n ";  // folded: the space between encoded words is not text
    out += "=?UTF-8?B?" + base64(utf8.substr(0, n)) + "?=";
    utf8.remove_prefix(n);
  }
  return out;
}

std::string mailbox_header(const Mailbox& m) {
  std::string addr = "<" + m.address + ">";
  if (m.name.empty()) return addr;
  if (printable_ascii(m.name) && m.name.find("=?") == std::string::npos)
    return quoted(m.name) + " " + addr;
  return header_text(m.name) + " " + addr;
}

std::string rfc5322_date(int64_t ms) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string message_id(int64_t id, std::string_view unique, std::string_view domain) {
  return "kefu." + std::to_string(id) + "." + std::string(unique) + "@" +
         std::string(domain.empty() ? "localhost" : domain);
}

std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

bool valid_address(std::string_view address) {
  if (address.size() > 254) return false;
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  for (unsigned char c : address)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == '"' || c == '\\')
      return false;
  return true;
}

std::string compose(const Mail& m) {
  std::string h;
  h += "From: " + mailbox_header(m.from) + "\r\n";
  h += "To: <" + m.to + ">\r\n";
  h += "Subject: " + header_text(m.subject) + "\r\n";
  h += "Date: " + rfc5322_date(m.date_ms) + "\r\n";
  h += "Message-ID: <" + m.message_id + ">\r\n";
  h += "MIME-Version: 1.0\r\n";
  h += "Content-Type: text/plain; charset=UTF-8\r\n";
  h += "Content-Transfer-Encoding: base64\r\n";
  // Text travels in its canonical form (CRLF line ends) inside the base64 (RFC 2045).
  return h + "\r\n" + base64_lines(crlf_lines(m.body));
}

std::string dot_stuff(std::string_view message) {
  std::string text = crlf_lines(message);
  std::string out;
  out.reserve(text.size() + 8);
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (line_start && text[i] == '.') out += '.';
    out += text[i];
    line_start = text[i] == '\n';
  }
  if (!out.empty() && !line_start) out += "\r\n";
  return out + ".\r\n";
}

std::string Reply::text() const {
  std::string out = std::to_string(code);
  for (size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? " " : " / ") + lines[i];
  return out;
}

std::optional<Reply> parse_reply(std::string_view buffer, size_t* used) {
  Reply r;
  size_t pos = 0;
  while (true) {
    auto nl = buffer.find('\n', pos);
    if (nl == std::string_view::npos) return std::nullopt;  // the line is still coming
    std::string_view line = buffer.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    bool coded = line.size() >= 3 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]) &&
                 (line.size() == 3 || line[3] == ' ' || line[3] == '-');
    if (!coded) {  // not SMTP: report it whole, the caller gives up on this server
      *used = pos;
      return Reply{0, {std::string(line)}};
    }
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (r.code != 0 && code != r.code) {
      *used = pos;
      return Reply{0, {std::string(line)}};
    }
    r.code = code;
    r.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
    if (line.size() == 3 || line[3] == ' ') {
      *used = pos;
      return r;
    }
  }
}

bool offers(const Reply& ehlo, std::string_view keyword) {
  for (const auto& line : ehlo.lines) {
    std::string_view word = std::string_view(line).substr(0, line.find(' '));
    if (word.size() != keyword.size()) continue;
    bool same = true;
    for (size_t i = 0; i < word.size() && same; ++i) {
      auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
      same = up(word[i]) == up(keyword[i]);
    }
    if (same) return true;
  }
  return false;
}

bool offers_auth_plain(const Reply& ehlo) {
  for (const auto& line : ehlo.lines) {
    std::string upper;
    for (char c : line) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    if (upper.rfind("AUTH", 0) != 0 || upper.size() < 5 || (upper[4] != ' ' && upper[4] != '='))
      continue;
    std::string_view mechs = std::string_view(upper).substr(5);
    while (!mechs.empty()) {
      auto sp = mechs.find(' ');
      if (mechs.substr(0, sp) == "PLAIN") return true;
      if (sp == std::string_view::npos) break;
      mechs.remove_prefix(sp + 1);
    }
  }
  return false;
}

std::string auth_plain(std::string_view user, std::string_view password) {
  std::string raw;
  raw += '\0';
  raw += user;
  raw += '\0';
  raw += password;
  return base64(raw);
}

Verdict refusal_verdict(int code) {
  return code >= 400 && code < 500 ? Verdict::kRetry : Verdict::kFailed;
}

Verdict transport_verdict(bool data_end_sent) {
  return data_end_sent ? Verdict::kFailed : Verdict::kRetry;
}

std::optional<int64_t> retry_delay_ms(int tries) {
  static constexpr std::array<int64_t, 4> kMinutes = {1, 5, 15, 60};
  if (tries < 1 || tries > static_cast<int>(kMinutes.size())) return std::nullopt;
  return kMinutes[static_cast<size_t>(tries - 1)] * 60 * 1000;
}

}  // namespace kefu::notify::mail
