// The mail that the SMTP gateway sends, built and read without a server.
#include <gtest/gtest.h>

#include "platform/notify/mail_format.h"

namespace kefu::notify::mail {
namespace {

// Decodes what base64() encodes, for round trips (tests only).
std::string unbase64(std::string_view s) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : s) {
    auto p = kAlphabet.find(c);
    if (p == std::string::npos) continue;  // '=', CR, LF
    value = (value << 6) | static_cast<int>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    auto end = s.find("\r\n", pos);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

// Whether s is a run of complete UTF-8 characters (no character cut at either end).
bool whole_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    i += len;
  }
  return true;
}

// The decoded text of a header made of encoded words (and the words themselves).
std::string decode_words(const std::string& header, std::vector<std::string>* words = nullptr) {
  std::string out;
  size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = header.find("?=", pos + 10);
    if (words) words->push_back(header.substr(pos, end + 2 - pos));
    out += unbase64(header.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

TEST(MailFormat, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64("客服"), "5a6i5pyN");
}

TEST(MailFormat, Base64LinesAreAtMost76CharactersWithCrlf) {
  std::string body(1000, 'x');
  std::string wrapped = base64_lines(body);
  auto lines = lines_of(wrapped);
  ASSERT_GT(lines.size(), 10u);
  for (const auto& l : lines) EXPECT_LE(l.size(), 76u);
  EXPECT_EQ(lines.front().size(), 76u);
  EXPECT_EQ(wrapped.substr(wrapped.size() - 2), "\r\n");
  EXPECT_EQ(unbase64(wrapped), body);
}

TEST(MailFormat, AsciiHeaderTextStaysPlain) {
  EXPECT_EQ(header_text("Your survey"), "Your survey");
  // Text that looks like an encoded word is encoded, so a reader does not decode it.
  EXPECT_EQ(header_text("=?x?="), "=?UTF-8?B?PT94Pz0=?=");
}

TEST(MailFormat, ChineseHeaderTextIsEncodedInShortWordsOnWholeCharacters) {
  std::string subject = "诚邀您评价本次服务：杭州西湖4S店新车交付满意度调查，感谢您的支持与信任";
  std::vector<std::string> words;
  std::string h = header_text(subject);
  EXPECT_EQ(decode_words(h, &words), subject);
  ASSERT_GE(words.size(), 2u);
  for (const auto& w : words) {
    EXPECT_LE(w.size() + 9, 76u) << w;  // with "Subject: " in front
    EXPECT_TRUE(whole_utf8(decode_words(w))) << "each word decodes on its own: " << w;
  }
  for (const auto& l : lines_of(h)) EXPECT_LE(l.size() + 9, 76u);
  EXPECT_NE(h.find("\r\n "), std::string::npos) << "folded onto a continuation line";
}

TEST(MailFormat, MailboxHeaders) {
  EXPECT_EQ(mailbox_header({"客服中心", "kefu@example.com"}), "=?UTF-8?B?5a6i5pyN5Lit5b+D?= <kefu@example.com>");
  EXPECT_EQ(mailbox_header({"Service \"Desk\"", "a@b.c"}), "\"Service \\\"Desk\\\"\" <a@b.c>");
  EXPECT_EQ(mailbox_header({"", "a@b.c"}), "<a@b.c>");
}

TEST(MailFormat, DatesAreRfc5322InUtc) {
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  // 2026-11-02 10:00 in Beijing (UTC+8) is 02:00 UTC, a Monday.
  EXPECT_EQ(rfc5322_date(1793584800000), "Mon, 02 Nov 2026 02:00:00 +0000");
}

TEST(MailFormat, MessageIdsNameTheMessage) {
  EXPECT_EQ(message_id(42, "a1b2", "example.com"), "kefu.42.a1b2@example.com");
  EXPECT_EQ(message_id(7, "ff", ""), "kefu.7.ff@localhost");
  EXPECT_EQ(domain_of("kefu@kefu.test"), "kefu.test");
  EXPECT_EQ(domain_of("nobody"), "");
}

TEST(MailFormat, AddressesThatCouldBreakACommandAreRefused) {
  EXPECT_TRUE(valid_address("zheng.xin@kefu.test"));
  EXPECT_TRUE(valid_address("a+b@x"));
  EXPECT_FALSE(valid_address(""));
  EXPECT_FALSE(valid_address("no-at-sign"));
  EXPECT_FALSE(valid_address("@kefu.test"));
  EXPECT_FALSE(valid_address("a@"));
  EXPECT_FALSE(valid_address("a@b\r\nRCPT TO:<evil@x>"));
  EXPECT_FALSE(valid_address("a b@c"));
  EXPECT_FALSE(valid_address("a>@c"));
}

TEST(MailFormat, ComposedMessageHasTheHeadersAndABase64Body) {
  Mail m;
  m.from = {"客服中心", "kefu@kefu.test"};
  m.to = "zheng@kefu.test";
  m.subject = "满意度调查";
  m.body = "郑女士您好：\n请点击链接：http://x/public/survey/abc\n.\n";
  m.date_ms = 0;
  m.message_id = "kefu.1.ab@kefu.test";
  std::string msg = compose(m);
  auto split = msg.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  std::string head = msg.substr(0, split + 2);
  EXPECT_NE(head.find("From: =?UTF-8?B?5a6i5pyN5Lit5b+D?= <kefu@kefu.test>\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: <zheng@kefu.test>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(head.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(head.find("Message-ID: <kefu.1.ab@kefu.test>\r\n"), std::string::npos);
  EXPECT_NE(head.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  std::string body = msg.substr(split + 4);
  for (const auto& l : lines_of(body)) EXPECT_LE(l.size(), 76u);
  // the text travels with CRLF line ends
  EXPECT_EQ(unbase64(body), "郑女士您好：\r\n请点击链接：http://x/public/survey/abc\r\n.\r\n");
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') {
      EXPECT_EQ(msg[i - 1], '\r') << "bare LF at " << i;
    }
  }
}

TEST(MailFormat, DotStuffing) {
  EXPECT_EQ(dot_stuff("a\r\n.b\r\n..\r\nc"), "a\r\n..b\r\n...\r\nc\r\n.\r\n");
  EXPECT_EQ(dot_stuff(".\nx\n"), "..\r\nx\r\n.\r\n");
  EXPECT_EQ(dot_stuff(""), ".\r\n");
  EXPECT_EQ(dot_stuff("x.y\r\n"), "x.y\r\n.\r\n");
}

TEST(MailFormat, RepliesSingleAndMultiline) {
  size_t used = 0;
  EXPECT_FALSE(parse_reply("250 OK", &used)) << "no line end yet";
  EXPECT_FALSE(parse_reply("250-mail.kefu.test\r\n250-PIPE", &used));
  std::string buf = "250-mail.kefu.test\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n354 go";
  auto r = parse_reply(buf, &used);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 250);
  EXPECT_EQ(r->lines, (std::vector<std::string>{"mail.kefu.test", "AUTH LOGIN PLAIN", "8BITMIME"}));
  EXPECT_EQ(buf.substr(used), "354 go");
  EXPECT_TRUE(offers_auth_plain(*r));
  auto refused = parse_reply(
      "550 5.1.1 <nobody@kefu.test>: Recipient address rejected: User unknown\r\n", &used);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->text(), "550 5.1.1 <nobody@kefu.test>: Recipient address rejected: User unknown");
  auto bare = parse_reply("221\n", &used);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->code, 221);
  auto garbage = parse_reply("HTTP/1.1 400 Bad Request\r\n", &used);
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->code, 0);
  auto mixed = parse_reply("250-a\r\n354 b\r\n", &used);
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->code, 0);
}

TEST(MailFormat, AuthPlain) {
  Reply ehlo{250, {"mail", "AUTH LOGIN CRAM-MD5"}};
  EXPECT_FALSE(offers_auth_plain(ehlo));
  EXPECT_TRUE(offers_auth_plain(Reply{250, {"mail", "AUTH=LOGIN PLAIN"}}));
  EXPECT_TRUE(offers_auth_plain(Reply{250, {"auth plain"}}));
  EXPECT_FALSE(offers_auth_plain(Reply{250, {"AUTHPLAIN"}}));
  EXPECT_FALSE(offers_auth_plain(Reply{250, {"AUTH PLAINX"}}));
  EXPECT_EQ(auth_plain("kefu", "secret"), base64(std::string("\0kefu\0secret", 12)));
}

TEST(MailFormat, OffersAnExtension) {
  Reply ehlo{250, {"mail.kefu.test", "PIPELINING", "SIZE 10240000", "starttls", "8BITMIME"}};
  EXPECT_TRUE(offers(ehlo, "STARTTLS"));  // keywords are case-insensitive
  EXPECT_TRUE(offers(ehlo, "SIZE"));
  EXPECT_FALSE(offers(ehlo, "SMTPUTF8"));
  EXPECT_FALSE(offers(Reply{250, {"mail", "STARTTLSX", "X-STARTTLS"}}, "STARTTLS"));
  EXPECT_FALSE(offers(Reply{250, {}}, "STARTTLS"));  // after HELO: no extensions
}

TEST(MailFormat, VerdictsKeepAtMostOnce) {
  EXPECT_EQ(refusal_verdict(421), Verdict::kRetry);
  EXPECT_EQ(refusal_verdict(451), Verdict::kRetry);
  EXPECT_EQ(refusal_verdict(550), Verdict::kFailed);
  EXPECT_EQ(refusal_verdict(554), Verdict::kFailed);
  EXPECT_EQ(refusal_verdict(0), Verdict::kFailed);
  EXPECT_EQ(transport_verdict(false), Verdict::kRetry);
  EXPECT_EQ(transport_verdict(true), Verdict::kFailed) << "after the final dot: maybe delivered";
  EXPECT_EQ(retry_delay_ms(1), 60'000);
  EXPECT_EQ(retry_delay_ms(2), 5 * 60'000);
  EXPECT_EQ(retry_delay_ms(3), 15 * 60'000);
  EXPECT_EQ(retry_delay_ms(4), 60 * 60'000);
  EXPECT_EQ(retry_delay_ms(5), std::nullopt);
  EXPECT_EQ(retry_delay_ms(0), std::nullopt);
}

}  // namespace
}  // namespace kefu::notify::mail
